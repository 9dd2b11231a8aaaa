"""Qualification use cases: define one, record or remove a holder, read what a person holds,
what ends soon, and what a booker lacks for a resource on a day.

Coordinators define the qualifications; coordinators, and referents for the people of their
organisation, record who holds one and until when. The booking rules ask ``Requirements``
which required qualification a booker lacks on each occurrence's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from pooling.accounts.models import Membership, User
from pooling.audit.services import record
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.core.time import pole_tz
from pooling.extensions import db
from pooling.qualifications.models import (
    Qualification,
    QualificationHolder,
    resource_qualifications,
)
from pooling.qualifications.permissions import (
    can_define_qualifications,
    can_record_for,
    can_record_holders,
)
from pooling.qualifications.validity import (
    EXPIRY_WARNING_DAYS,
    default_valid_until,
    missing_on,
)

MAX_VALIDITY_MONTHS = 1200


def pole_today(now: datetime | None = None) -> date:
    """Today in the pole's time zone."""
    return (now or utcnow()).astimezone(pole_tz()).date()


# ---------------------------------------------------------------- the qualifications


def list_qualifications() -> list[Qualification]:
    """Every qualification, by name (every signed-in person may read them)."""
    return list(db.session.scalars(select(Qualification).order_by(func.lower(Qualification.name))))


def get_qualification(qualification_id: int) -> Qualification:
    """One qualification. Raises NotFound."""
    qualification = db.session.get(Qualification, qualification_id)
    if qualification is None:
        raise NotFound(_("This qualification does not exist."))
    return qualification


def ensure_can_define(actor) -> None:
    """Raises NotAllowed unless the actor is a coordinator."""
    if not can_define_qualifications(actor):
        raise NotAllowed(_("Only the pole's coordinators can define qualifications."))


def create_qualification(
    actor, name: str | None, validity_months: int | None = None
) -> Qualification:
    """Define a qualification (coordinators): a name unique in the pole and an optional
    validity in months, which gives a new holder's default end. Raises NotAllowed, RuleViolation.
    """
    ensure_can_define(actor)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("A name is required.")]
    elif len(name) > 200:
        errors["name"] = [_("At most 200 characters.")]
    elif db.session.scalar(
        # SQLite's lower() leaves non-ASCII letters as they are: compare the exact name too.
        select(Qualification.id).where(
            or_(Qualification.name == name, func.lower(Qualification.name) == name.lower())
        )
    ):
        errors["name"] = [_("A qualification of this name already exists.")]
    if validity_months is not None and not 1 <= validity_months <= MAX_VALIDITY_MONTHS:
        errors["validity_months"] = [
            _("Must be between %(low)s and %(high)s.", low=1, high=MAX_VALIDITY_MONTHS)
        ]
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    qualification = Qualification(name=name, validity_months=validity_months)
    db.session.add(qualification)
    db.session.flush()
    record(
        actor,
        "qualification.create",
        qualification,
        after={"name": name, "validity_months": validity_months},
    )
    return qualification


# ---------------------------------------------------------------- holders


def ensure_can_record(actor) -> None:
    """Raises NotAllowed unless the actor is a coordinator or a referent."""
    if not can_record_holders(actor):
        raise NotAllowed(_("Only coordinators and referents record who holds a qualification."))


def people_in_charge(actor) -> list[User]:
    """The active people whose qualifications the actor records: everybody for a
    coordinator, the people of their organisations for a referent, by name."""
    if not can_record_holders(actor):
        return []
    query = select(User).where(User.active.is_(True))
    if not actor.is_coordinator:
        query = query.where(
            User.id.in_(
                select(Membership.user_id).where(
                    Membership.organisation_id.in_(actor.admin_organisation_ids())
                )
            )
        )
    return list(db.session.scalars(query.order_by(func.lower(User.name))))


def holders(actor, qualification_id: int) -> list[QualificationHolder]:
    """Who holds the qualification, among the people the actor is in charge of, by name.

    Raises NotAllowed (neither coordinator nor referent), NotFound.
    """
    ensure_can_record(actor)
    qualification = get_qualification(qualification_id)
    rows = [h for h in qualification.holders if can_record_for(actor, h.user)]
    return sorted(rows, key=lambda h: h.user.name.lower())


def _person_for(actor, user_id: int | None) -> User:
    """The person a referent or coordinator records for; an unknown person and one outside
    the referent's organisations read the same (nothing is revealed). Raises RuleViolation."""
    person = db.session.get(User, user_id) if user_id is not None else None
    if person is None or not can_record_for(actor, person):
        message = _("This person is not one of the people you record qualifications for.")
        raise RuleViolation(message, code="unknown_person", fields={"user_id": [message]})
    return person


def _holding_json(holding: QualificationHolder) -> dict:
    return {
        "user_id": holding.user_id,
        "valid_until": holding.valid_until.isoformat() if holding.valid_until else None,
    }


def record_holder(
    actor,
    qualification_id: int,
    user_id: int | None,
    valid_until: date | None = None,
    *,
    now: datetime | None = None,
) -> tuple[QualificationHolder, bool]:
    """Record that a person holds a qualification until ``valid_until`` (included).

    Without a date: today plus the qualification's validity, or no end. Recording it again
    renews it (the new date replaces the old one). Returns the holding and whether it is new.
    Coordinators for anybody, referents for the people of their organisation.
    Raises NotAllowed, NotFound, RuleViolation (unknown person, a date already past).
    """
    ensure_can_record(actor)
    qualification = get_qualification(qualification_id)
    person = _person_for(actor, user_id)
    today = pole_today(now)
    if valid_until is None:
        valid_until = default_valid_until(today, qualification.validity_months)
    elif valid_until < today:
        message = _("This date is already past.")
        raise RuleViolation(message, code="date_past", fields={"valid_until": [message]})
    holding = db.session.scalar(
        select(QualificationHolder).where(
            QualificationHolder.qualification_id == qualification.id,
            QualificationHolder.user_id == person.id,
        )
    )
    created = holding is None
    before = None if created else _holding_json(holding)
    if created:
        holding = QualificationHolder(qualification=qualification, user_id=person.id)
        db.session.add(holding)
    holding.valid_until = valid_until
    holding.recorded_by_id = actor.id
    holding.recorded_at = utcnow()
    db.session.flush()
    record(
        actor,
        "qualification.holder_set",
        qualification,
        before=before,
        after=_holding_json(holding),
        note=person.name,
    )
    return holding, created


def remove_holder(actor, qualification_id: int, user_id: int) -> None:
    """The person no longer holds the qualification. Raises NotAllowed, NotFound."""
    ensure_can_record(actor)
    qualification = get_qualification(qualification_id)
    holding = db.session.scalar(
        select(QualificationHolder).where(
            QualificationHolder.qualification_id == qualification.id,
            QualificationHolder.user_id == user_id,
        )
    )
    if holding is None or not can_record_for(actor, holding.user):
        raise NotFound(_("This person does not hold this qualification."))
    record(
        actor,
        "qualification.holder_remove",
        qualification,
        before=_holding_json(holding),
        note=holding.user.name,
    )
    db.session.delete(holding)
    db.session.flush()


# ---------------------------------------------------------------- reading


def held_by(user) -> list[QualificationHolder]:
    """The qualifications a person holds (or held: expired ones too), by name."""
    rows = db.session.scalars(
        select(QualificationHolder)
        .join(Qualification)
        .where(QualificationHolder.user_id == user.id)
        .order_by(func.lower(Qualification.name))
    )
    return list(rows)


def expiring(
    actor, *, now: datetime | None = None, days: int = EXPIRY_WARNING_DAYS
) -> list[QualificationHolder]:
    """What ends from today to ``days`` days ahead for the people the actor is in charge of
    (a referent's people; everybody for a coordinator), the soonest first."""
    if not can_record_holders(actor):
        return []
    today = pole_today(now)
    query = select(QualificationHolder).where(
        QualificationHolder.valid_until >= today,
        QualificationHolder.valid_until <= today + timedelta(days=days),
    )
    if not actor.is_coordinator:
        query = query.where(
            QualificationHolder.user_id.in_(
                select(Membership.user_id).where(
                    Membership.organisation_id.in_(actor.admin_organisation_ids())
                )
            )
        )
    rows = db.session.scalars(query.order_by(QualificationHolder.valid_until))
    return [row for row in rows if row.user.active]


@dataclass(frozen=True)
class Requirements:
    """What a resource requires and what its booker holds, read once for a whole request."""

    required: tuple[tuple[int, str], ...]
    held: dict[int, date | None]

    def missing(self, day: date) -> list[str]:
        """The names of the required qualifications the booker lacks on ``day``."""
        return missing_on(self.required, self.held, day)


def requirements(user, resource) -> Requirements:
    """The resource's required qualifications and the booker's holdings of them."""
    required = tuple((q.id, q.name) for q in resource.required_qualifications)
    if not required:
        return Requirements((), {})
    rows = db.session.execute(
        select(QualificationHolder.qualification_id, QualificationHolder.valid_until).where(
            QualificationHolder.user_id == user.id,
            QualificationHolder.qualification_id.in_([q_id for q_id, _name in required]),
        )
    )
    return Requirements(required, {q_id: until for q_id, until in rows})


def missing_by_resource(
    user, resource_ids, *, now: datetime | None = None, day: date | None = None
) -> dict[int, list[str]]:
    """For each of the resources, the required qualifications the person lacks on ``day``
    (today by default; only the resources where something is missing), read in two queries
    for a whole list."""
    ids = list(resource_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(resource_qualifications.c.resource_id, Qualification.id, Qualification.name)
        .join(Qualification, Qualification.id == resource_qualifications.c.qualification_id)
        .where(resource_qualifications.c.resource_id.in_(ids))
        .order_by(func.lower(Qualification.name))
    ).all()
    if not rows:
        return {}
    held = dict(
        db.session.execute(
            select(QualificationHolder.qualification_id, QualificationHolder.valid_until).where(
                QualificationHolder.user_id == user.id
            )
        ).all()
    )
    required: dict[int, list[tuple[int, str]]] = {}
    for resource_id, qualification_id, name in rows:
        required.setdefault(resource_id, []).append((qualification_id, name))
    day = day or pole_today(now)
    missing = {rid: missing_on(needs, held, day) for rid, needs in required.items()}
    return {rid: names for rid, names in missing.items() if names}


def missing_today(user, resource, *, now: datetime | None = None) -> list[str]:
    """The resource's required qualifications the person lacks today (said on its pages
    before anything is submitted)."""
    return missing_by_resource(user, [resource.id], now=now).get(resource.id, [])
