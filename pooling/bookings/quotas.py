"""Quotas (droits de tirage): hours an organisation may book per week or month, set by coordinators."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.audit.services import record
from pooling.bookings.models import Quota
from pooling.bookings.permissions import can_override_rules
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.models import RESOURCE_KINDS, Resource


def list_quotas(actor, organisation_id: int | None = None) -> list[Quota]:
    """Coordinators see every quota; others see their organisations' quotas."""
    query = select(Quota).order_by(Quota.organisation_id, Quota.id)
    if organisation_id is not None:
        query = query.where(Quota.organisation_id == organisation_id)
    if not actor.is_coordinator:
        query = query.where(Quota.organisation_id.in_(actor.organisation_ids() or {-1}))
    return list(db.session.scalars(query))


def set_quota(
    actor,
    organisation_id,
    hours,
    period: str = "week",
    resource_id=None,
    resource_kind: str | None = None,
) -> Quota:
    """Give an organisation a quota of hours per week or month on one resource or on a kind.

    Exactly one of ``resource_id`` and ``resource_kind``. Coordinators only.
    Raises NotAllowed, RuleViolation.
    """
    if not can_override_rules(actor):
        raise NotAllowed(_("Only the pole's coordinators can set quotas."))
    errors: dict[str, list[str]] = {}
    if (
        isinstance(organisation_id, bool)
        or not isinstance(organisation_id, int)
        or not db.session.get(Organisation, organisation_id)
    ):
        errors["organisation_id"] = [_("This organisation does not exist.")]
    if period not in ("week", "month"):
        errors["period"] = [_("The period is week or month.")]
    try:
        value = Decimal(str(hours))
        if isinstance(hours, bool) or not value.is_finite() or value < 0 or value > 10000:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["hours"] = [_("The quota is a number of hours between 0 and 10000.")]
        value = Decimal(0)
    if (resource_id is None) == (resource_kind is None):
        errors["resource_id"] = [_("Give either a resource or a kind of resource.")]
    elif resource_id is not None and (
        isinstance(resource_id, bool)
        or not isinstance(resource_id, int)
        or not db.session.get(Resource, resource_id)
    ):
        errors["resource_id"] = [_("This resource does not exist.")]
    elif resource_kind is not None and resource_kind not in RESOURCE_KINDS:
        errors["resource_kind"] = [_("The kind must be premises, equipment or staff.")]
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    quota = Quota(
        organisation_id=organisation_id,
        hours=value.quantize(Decimal("0.01")),
        period=period,
        resource_id=resource_id,
        resource_kind=resource_kind,
    )
    db.session.add(quota)
    db.session.flush()
    record(
        actor,
        "quota.create",
        quota,
        after={
            "organisation_id": organisation_id,
            "hours": str(quota.hours),
            "period": period,
            "resource_id": resource_id,
            "resource_kind": resource_kind,
        },
    )
    return quota


def delete_quota(actor, quota_id: int) -> None:
    """Remove a quota (coordinators)."""
    if not can_override_rules(actor):
        raise NotAllowed(_("Only the pole's coordinators can set quotas."))
    quota = db.session.get(Quota, quota_id)
    if quota is None:
        raise NotFound(_("This quota does not exist."))
    record(
        actor,
        "quota.delete",
        quota,
        before={
            "organisation_id": quota.organisation_id,
            "hours": str(quota.hours),
            "period": quota.period,
        },
    )
    db.session.delete(quota)
    db.session.flush()
