"""Quotas (droits de tirage): hours an organisation may book per week or month, set by coordinators,
and the accounting of what a booking counts against them (``QuotaBook``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select

from pooling.audit.services import record
from pooling.bookings.models import HOLDING, Booking, Quota
from pooling.bookings.permissions import can_override_rules
from pooling.bookings.rules import Violation
from pooling.core.database import lock_organisation_row
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.models import RESOURCE_KINDS, Resource

# A quota counts hours per calendar week or per calendar month.
QUOTA_PERIODS = ("week", "month")


def list_quotas(actor, organisation_id: int | None = None) -> list[Quota]:
    """Coordinators see every quota; others see their organisations' quotas."""
    query = select(Quota).order_by(Quota.organisation_id, Quota.id)
    if organisation_id is not None:
        query = query.where(Quota.organisation_id == organisation_id)
    if not actor.is_coordinator:
        query = query.where(Quota.organisation_id.in_(actor.organisation_ids() or {-1}))
    return list(db.session.scalars(query))


def ensure_can_set_quotas(actor) -> None:
    """Only the pole's coordinators set and remove quotas. Raises NotAllowed."""
    if not can_override_rules(actor):
        raise NotAllowed(_("Only the pole's coordinators can set quotas."))


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
    ensure_can_set_quotas(actor)
    errors: dict[str, list[str]] = {}
    if (
        isinstance(organisation_id, bool)
        or not isinstance(organisation_id, int)
        or not db.session.get(Organisation, organisation_id)
    ):
        errors["organisation_id"] = [_("This organisation does not exist.")]
    if period not in QUOTA_PERIODS:
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
    ensure_can_set_quotas(actor)
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


# ---------------------------------------------------------------- accounting


def _period_bounds(instant: datetime, period: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    local = instant.astimezone(tz)
    if period == "week":
        first = local.date() - timedelta(days=local.weekday())
        last = first + timedelta(days=7)
    else:
        first = local.date().replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
    to_utc = lambda day: datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)  # noqa: E731
    return to_utc(first), to_utc(last)


def _hours(start: datetime, end: datetime) -> Decimal:
    return Decimal((end - start).total_seconds()) / Decimal(3600)


class QuotaBook:
    """Hours already held by an organisation under each of its quotas, per week or month."""

    def __init__(
        self,
        organisation: Organisation,
        resource: Resource,
        tz: ZoneInfo,
        exclude_id=None,
        *,
        possible: bool = True,
    ):
        """``possible=False`` (no quota on the resource or its kind, read under its lock)
        skips reading the quotas."""
        self.organisation = organisation
        self.tz = tz
        self.exclude_id = exclude_id
        self.quotas = (
            list(
                db.session.scalars(
                    select(Quota).where(
                        Quota.organisation_id == organisation.id,
                        or_(Quota.resource_id == resource.id, Quota.resource_kind == resource.kind),
                    )
                )
            )
            if possible
            else []
        )
        self.used: dict[tuple[int, datetime], Decimal] = {}
        if self.quotas:
            # After the resource locks: what counts against the quota is read under this lock.
            lock_organisation_row(organisation.id)

    def _used(self, quota: Quota, bounds: tuple[datetime, datetime]) -> Decimal:
        key = (quota.id, bounds[0])
        if key not in self.used:
            query = (
                select(Booking.start_at, Booking.end_at)
                .join(Resource, Resource.id == Booking.resource_id)
                .where(
                    Booking.organisation_id == self.organisation.id,
                    Booking.status.in_(HOLDING),
                    Booking.start_at >= bounds[0],
                    Booking.start_at < bounds[1],
                )
            )
            if quota.resource_id is not None:
                query = query.where(Booking.resource_id == quota.resource_id)
            else:
                query = query.where(Resource.kind == quota.resource_kind)
            if self.exclude_id is not None:
                query = query.where(Booking.id != self.exclude_id)
            self.used[key] = sum(
                (_hours(r.start_at, r.end_at) for r in db.session.execute(query)), Decimal(0)
            )
        return self.used[key]

    def take(self, start: datetime, end: datetime) -> Violation | None:
        """Count [start, end) against every quota; a Violation (and nothing counted) if one is exceeded."""
        hours = _hours(start, end)
        pending = []
        for quota in self.quotas:
            bounds = _period_bounds(start, quota.period, self.tz)
            used = self._used(quota, bounds)
            if used + hours > quota.hours:
                return Violation(
                    "quota",
                    {
                        "organisation": self.organisation.name,
                        "hours": f"{quota.hours.normalize():f}",
                        "period": quota.period,
                        "used": f"{used.quantize(Decimal('0.01')).normalize():f}",
                    },
                )
            pending.append(((quota.id, bounds[0]), used + hours))
        for key, value in pending:
            self.used[key] = value
        return None
