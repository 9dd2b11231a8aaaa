"""The purposes a booking may carry (the list the coordinators keep) and its expected attendance."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from pooling.bookings.models import BookingPurpose
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
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


def label_of_code(code: str) -> str:
    """The label of the purpose of this code (the audit trail records codes); else the code."""
    purpose = db.session.scalar(select(BookingPurpose).where(BookingPurpose.code == code))
    return label(purpose) if purpose is not None else code


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


# ---------------------------------------------------------------- the coordinators' list


def ensure_can_keep(actor) -> None:
    """Raises NotAllowed unless the actor is a coordinator."""
    if not getattr(actor, "is_coordinator", False):
        raise NotAllowed(_("Only the pole's coordinators can keep the list of purposes."))


def _clean_names(name_fr: str | None, name_en: str | None) -> tuple[str, str]:
    name_fr, name_en = (name_fr or "").strip(), (name_en or "").strip()
    errors: dict[str, list[str]] = {}
    for field, value in (("name_fr", name_fr), ("name_en", name_en)):
        if not value:
            errors[field] = [_("Give a name.")]
        elif len(value) > 120:
            errors[field] = [_("At most 120 characters.")]
    if errors:
        message = " ".join(m for messages in errors.values() for m in messages)
        raise RuleViolation(message, code="invalid_purpose_name", fields=errors)
    return name_fr, name_en


def _code_for(name: str) -> str:
    """A code for the API from a name: its letters without accents, e.g. "repair_cafe"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:32] or "purpose"
    taken = set(db.session.scalars(select(BookingPurpose.code)))
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


def get_purpose(purpose_id: int) -> BookingPurpose:
    purpose = db.session.get(BookingPurpose, purpose_id)
    if purpose is None:
        raise NotFound(_("Unknown purpose."))
    return purpose


def create_purpose(actor, name_fr: str | None, name_en: str | None) -> BookingPurpose:
    """Add a purpose at the end of the list. Raises NotAllowed, RuleViolation."""
    ensure_can_keep(actor)
    name_fr, name_en = _clean_names(name_fr, name_en)
    last = db.session.scalar(select(func.max(BookingPurpose.position)))
    purpose = BookingPurpose(
        code=_code_for(name_en), name_fr=name_fr, name_en=name_en, position=(last or 0) + 1
    )
    db.session.add(purpose)
    db.session.flush()
    return purpose


def rename_purpose(actor, purpose_id: int, name_fr: str | None, name_en: str | None) -> None:
    """New labels; the code (for the API) and the bookings stay. Raises NotAllowed, RuleViolation."""
    ensure_can_keep(actor)
    purpose = get_purpose(purpose_id)
    purpose.name_fr, purpose.name_en = _clean_names(name_fr, name_en)
    db.session.flush()


def set_active(actor, purpose_id: int, active: bool) -> BookingPurpose:
    """Deactivate (no longer offered; the bookings keep it) or reactivate a purpose."""
    ensure_can_keep(actor)
    purpose = get_purpose(purpose_id)
    purpose.active = active
    db.session.flush()
    return purpose
