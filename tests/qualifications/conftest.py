"""The qualifications' pole: the booking pole plus a van that requires "Permis B"."""

from __future__ import annotations

import pytest

from pooling.core.actors import SYSTEM
from pooling.extensions import db
from pooling.qualifications import services as qualifications
from tests.mail.conftest import smtp_server  # noqa: F401 (the ending notices' mail)
from tests.world import ALWAYS_OPEN


@pytest.fixture
def pole(pole, app):
    """Alice (Les Jardins), Inès their referent, Bob (SCOP Bois), Camille the coordinator; a
    van open at every hour that requires "Permis B" (no default validity), and "HACCP"
    (valid 24 months), which nothing requires."""
    pole._keep("permis", qualifications.create_qualification(SYSTEM, "Permis B"))
    pole._keep("haccp", qualifications.create_qualification(SYSTEM, "HACCP", 24))
    pole.add_resource(
        "van",
        "Camionnette",
        kind="equipment",
        opening_hours=ALWAYS_OPEN,
        closed_on_public_holidays=False,
        max_advance_days=800,
        required_qualifications=(pole.permis.id,),
    )
    db.session.commit()
    return pole
