"""The purposes a booking may carry (the list the coordinators keep) and its expected attendance."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from pooling.bookings.models import BookingPurpose
from pooling.core.errors import RuleViolation
from pooling.extensions import db

# The list a new pole starts with: (code, French label, English label).
DEFAULTS = (
    ("internal_meeting", "Réunion interne", "Internal meeting"),
    ("training", "Formation", "Training"),
    ("public_event", "Événement ouvert au public", "Event open to the public"),
    ("economic_activity", "Activité économique", "Economic activity"),
    ("support", "Accompagnement", "Support and coaching"),
    ("other", "Autre", "Other"),
)
# An expected attendance above this is a typing error.
MAX_ATTENDANCE = 100_000


def ensure_defaults() -> None:
    """Create the default purposes that are missing (the demo and a new database)."""
    known = set(db.session.scalars(select(BookingPurpose.code)))
    for position, (code, name_fr, name_en) in enumerate(DEFAULTS):
        if code not in known:
            db.session.add(
                BookingPurpose(code=code, name_fr=name_fr, name_en=name_en, position=position)
            )
    db.session.flush()


def all_purposes(active_only: bool = False) -> list[BookingPurpose]:
    query = select(BookingPurpose).order_by(BookingPurpose.position, BookingPurpose.id)
    if active_only:
        query = query.where(BookingPurpose.active.is_(True))
    return list(db.session.scalars(query))


def label(purpose: BookingPurpose | None) -> str:
    """The purpose's label in the current language; empty for none."""
    if purpose is None:
        return ""
    return purpose.label(str(get_locale() or "fr"))


def clean_purpose(code: str | None, current: BookingPurpose | None = None) -> BookingPurpose | None:
    """The active purpose of this code (none for an empty code). The booking's current purpose
    stays accepted even if deactivated since. Raises RuleViolation (422 ``invalid_purpose``)."""
    code = (code or "").strip()
    if not code:
        return None
    if current is not None and current.code == code:
        return current
    purpose = db.session.scalar(select(BookingPurpose).where(BookingPurpose.code == code))
    if purpose is None or not purpose.active:
        message = _("Unknown or inactive purpose: choose one from the list.")
        raise RuleViolation(message, code="invalid_purpose", fields={"purpose": [message]})
    return purpose


def clean_attendance(attendance: int | None) -> int | None:
    """A whole number of people, 0 or more (none: not said). Raises RuleViolation."""
    if attendance is None:
        return None
    if isinstance(attendance, bool) or not isinstance(attendance, int):
        attendance = -1
    if not 0 <= attendance <= MAX_ATTENDANCE:
        message = _("The expected attendance is a whole number, 0 or more.")
        raise RuleViolation(message, code="invalid_attendance", fields={"attendance": [message]})
    return attendance
