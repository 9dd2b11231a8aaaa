"""Fixtures for the booking engine: a pole with two organisations, a room, chairs, a coordinator."""

from __future__ import annotations

import pytest

from tests.factories import make_coordinator, make_organisation, make_resource, make_user

SEVEN_DAYS = {
    day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


@pytest.fixture
def pole(app):
    """Two organisations with a member and a referent each, a room, 5 projectors, a coordinator."""

    class Pole:
        pass

    p = Pole()
    p.jardins = make_organisation("Les Jardins", slug="jardins")
    p.scop = make_organisation("SCOP Bois", slug="scop-bois")
    p.alice = make_user(p.jardins, name="Alice")
    p.referent = make_user(p.jardins, role="org_admin", name="Inès")
    p.bob = make_user(p.scop, name="Bob")
    p.scop_referent = make_user(p.scop, role="org_admin", name="Paul")
    p.coordinator = make_coordinator(name="Camille")
    p.room = make_resource("Salle Jaurès", capacity=12, max_advance_days=800)
    p.projectors = make_resource(
        "Vidéoprojecteur", kind="equipment", quantity=5, unit="appareil", max_advance_days=800
    )
    p.workshop = make_resource(
        "Atelier bois",
        requires_approval=True,
        owner_organisation_id=p.scop.id,
        max_advance_days=800,
    )
    return p
