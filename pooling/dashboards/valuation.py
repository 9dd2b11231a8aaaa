"""In-kind valuation: the hourly value of resources that member organisations lend free."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.core.errors import NotAllowed, RuleViolation
from pooling.dashboards import permissions
from pooling.dashboards.models import InKindRate
from pooling.dashboards.rounding import rounded
from pooling.extensions import db
from pooling.resources.models import RESOURCE_KINDS, Resource


def in_kind_rates(actor: User) -> list[InKindRate]:
    """The valuations set so far (kinds first). Raises NotAllowed."""
    if not permissions.can_set_in_kind_rates(actor):
        raise NotAllowed(_("Only coordinators value in-kind contributions."))
    rates = db.session.scalars(select(InKindRate))
    return sorted(
        rates, key=lambda rate: (rate.kind is None, rate.kind or "", rate.resource_id or 0)
    )


def in_kind_subjects() -> list[tuple[str, str]]:
    """What can be valued: every kind, and every resource owned by a member organisation."""
    subjects = [(f"kind:{key}", str(label)) for key, label in RESOURCE_KINDS.items()]
    owned = select(Resource.id, Resource.name).where(Resource.owner_organisation_id.is_not(None))
    subjects += [(f"resource:{row.id}", row.name) for row in db.session.execute(owned)]
    return subjects


def set_in_kind_rate(actor: User, subject: str, hourly_rate) -> InKindRate | None:
    """Set (or, with an empty rate, remove) the hourly value of a kind or of a lent resource.

    Raises NotAllowed, RuleViolation (unknown subject, negative or malformed rate).
    """
    if not permissions.can_set_in_kind_rates(actor):
        raise NotAllowed(_("Only coordinators value in-kind contributions."))
    if subject not in dict(in_kind_subjects()):
        message = _("Choose a kind or a resource lent by a member organisation.")
        raise RuleViolation(message, code="unknown_subject", fields={"subject": [message]})
    kind_or_resource, _sep, value = subject.partition(":")
    where = (
        InKindRate.kind == value
        if kind_or_resource == "kind"
        else InKindRate.resource_id == int(value)
    )
    existing = db.session.scalar(select(InKindRate).where(where))
    before = {"hourly_rate": str(existing.hourly_rate)} if existing else None
    if hourly_rate in (None, ""):
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
            record(actor, "dashboard.in_kind_rate", existing, before=before, after=None)
        return None
    try:
        rate = rounded(Decimal(str(hourly_rate).replace(",", ".")))
    except ArithmeticError:
        rate = Decimal(-1)
    if rate < 0:
        message = _("Give an amount per hour of zero or more.")
        raise RuleViolation(message, code="invalid_rate", fields={"hourly_rate": [message]})
    if existing is None:
        existing = InKindRate(
            kind=value if kind_or_resource == "kind" else None,
            resource_id=int(value) if kind_or_resource == "resource" else None,
            hourly_rate=rate,
        )
        db.session.add(existing)
    existing.hourly_rate = rate
    existing.updated_by_id = actor.id
    db.session.flush()
    record(
        actor, "dashboard.in_kind_rate", existing, before=before, after={"hourly_rate": str(rate)}
    )
    return existing
