"""Cost periods and their cost lines: open, list, read, add a cost (writes and their checks).

A period is shown by ``period_json``; its allocation is computed and frozen by
pooling.costing.allocations, its accounting by pooling.costing.accounting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.core.errors import Conflict, NotAllowed, NotFound, RuleViolation
from pooling.core.time import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    NaiveTime,
    OutOfRange,
    check_year,
    pole_tz,
    utc_text,
)
from pooling.costing import allocation as core
from pooling.costing.models import CATEGORIES, USAGE_UNITS, Cost, CostPeriod
from pooling.costing.permissions import (
    can_manage_costs,
    can_read_usage_and_costs,
)
from pooling.costing.rounding import CostingError, to_cents
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.services import resource_or_kind

MAX_PERIOD_DAYS = 400
MAX_AMOUNT = Decimal("100000000")


def costing_message(error: CostingError) -> str:
    """A translated message for a CostingError code of the pure core."""
    messages = {
        "unknown_rule": _("Choose a rule: usage, equal, weighted or fixed + usage."),
        "negative_subsidy": _("The subsidy cannot be negative."),
        "subsidy_on_credit": _("A negative amount takes no subsidy."),
        "subsidy_exceeds_amount": _("The subsidy cannot exceed the amount."),
        "fixed_share_required": _("The fixed + usage rule needs a fixed share."),
        "fixed_share_range": _("The fixed share is between 0 and 1."),
        "not_cents": _("Give an amount in euros with at most two decimals."),
        "not_exact": _("A number is expected."),
        "no_organisations": _("There is no member organisation to share the costs with."),
        "zero_total_weight": _("The organisations' weights add up to zero."),
        "negative_hours": _("Hours cannot be negative."),
        "negative_cost": _("The loaded hourly cost cannot be negative."),
        "coefficient_not_positive": _("The management coefficient must be positive."),
    }
    return messages.get(error.code, _("These costs cannot be shared: %(why)s", why=error.code))


def costing_violation(error: CostingError) -> RuleViolation:
    """The 422 of a CostingError, its translated message next to the field it names."""
    message = costing_message(error)
    field_name = error.field or "amount"
    return RuleViolation(message, code=error.code, fields={field_name: [message]})


# ---------------------------------------------------------------- permissions


def ensure_can_read_costs(actor: User) -> None:
    """Coordinators and referents read the cost sharing. Raises NotAllowed."""
    if not can_read_usage_and_costs(actor):
        raise NotAllowed(_("Only coordinators and referents can read the cost sharing."))


def ensure_can_open_periods(actor: User) -> None:
    """Only the pole's coordinators open cost periods. Raises NotAllowed."""
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can open cost periods."))


def ensure_can_change_costs(actor: User) -> None:
    """Only the pole's coordinators change costs, close and reopen periods. Raises NotAllowed."""
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can change the cost sharing."))


# ---------------------------------------------------------------- periods


@dataclass
class PeriodInput:
    """A period as asked: a name, and a start and an end that are each a day (the end day
    included) or an instant with an offset; provisional periods are trued up later."""

    name: str
    start: date | datetime | None
    end: date | datetime | None
    provisional: bool = False


def _bound(value: date | datetime, *, is_end: bool) -> datetime:
    """An instant from a day (local midnight; an end day is included) or an aware instant.

    Raises NaiveTime (an instant without offset), OutOfRange (a year out of bounds).
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise NaiveTime(str(value))
        check_year(value)
        return value.astimezone(UTC)
    check_year(value)
    day = value + timedelta(days=1) if is_end else value
    return datetime.combine(day, time(0), tzinfo=pole_tz()).astimezone(UTC)


def create_period(actor: User, data: PeriodInput) -> CostPeriod:
    """Open a cost period (month, quarter, year). Raises NotAllowed, RuleViolation.

    ``start`` and ``end`` are dates (``2027-01-01`` to ``2027-03-31``, the end day included,
    local midnights) or instants with an offset; the end must be after the start and the
    period at most MAX_PERIOD_DAYS long.
    """
    ensure_can_open_periods(actor)
    errors: dict[str, list[str]] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = [_("Give the period a name.")]
    elif len(name) > 200:
        errors["name"] = [_("At most 200 characters.")]
    bounds = {}
    for key, is_end in (("start", False), ("end", True)):
        value = getattr(data, key)
        if value is None:
            errors[key] = [_("This value is required.")]
            continue
        try:
            bounds[key] = _bound(value, is_end=is_end)
        except NaiveTime:
            errors[key] = [_("Give a date (2027-01-31) or a time with an offset or Z.")]
        except OutOfRange:
            errors[key] = [
                _(
                    "Give a date between the years %(first)s and %(last)s.",
                    first=EARLIEST_YEAR,
                    last=LATEST_YEAR,
                )
            ]
        except OverflowError:
            errors[key] = [_("Not a date (2027-01-31) nor an ISO 8601 date and time.")]
    if "start" in bounds and "end" in bounds:
        if bounds["end"] <= bounds["start"]:
            errors["end"] = [_("The end must be after the start.")]
        elif bounds["end"] - bounds["start"] > timedelta(days=MAX_PERIOD_DAYS):
            errors["end"] = [_("A period lasts at most %(days)s days.", days=MAX_PERIOD_DAYS)]
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    period = CostPeriod(
        name=name,
        start_at=bounds["start"],
        end_at=bounds["end"],
        status="open",
        provisional=data.provisional,
    )
    db.session.add(period)
    db.session.flush()
    record(actor, "cost_period.create", period, after=period_summary(period))
    return period


def period_summary(period: CostPeriod) -> dict:
    """The period's fields for the audit trail and snapshots."""
    return {
        "name": period.name,
        "start": period.start_at.isoformat(),
        "end": period.end_at.isoformat(),
        "provisional": period.provisional,
        "status": period.status,
    }


def list_periods(actor: User) -> list[CostPeriod]:
    """Every cost period, latest first. Raises NotAllowed (members)."""
    ensure_can_read_costs(actor)
    return list(
        db.session.scalars(
            select(CostPeriod).order_by(CostPeriod.start_at.desc(), CostPeriod.id.desc())
        )
    )


def is_running(period: CostPeriod, now: datetime) -> bool:
    """Whether the period has not ended yet at ``now`` (closing it then is closing it early)."""
    return now < period.end_at


def last_day(period: CostPeriod) -> date:
    """The period's last local day (its end is the instant just after it)."""
    return (period.end_at.astimezone(pole_tz()) - timedelta(microseconds=1)).date()


def get_period(actor: User, period_id: int) -> CostPeriod:
    """One period. Raises NotAllowed (members), NotFound."""
    ensure_can_read_costs(actor)
    period = db.session.get(CostPeriod, period_id)
    if period is None:
        raise NotFound(_("This cost period does not exist."))
    return period


def period_for_write(actor: User, period_id: int, *, lock: bool = True) -> CostPeriod:
    """The period a coordinator changes, locked on PostgreSQL. Raises NotAllowed, NotFound."""
    ensure_can_change_costs(actor)
    query = select(CostPeriod).where(CostPeriod.id == period_id)
    if lock and db.session.connection().dialect.name == "postgresql":
        query = query.with_for_update()
    period = db.session.scalar(query)
    if period is None:
        raise NotFound(_("This cost period does not exist."))
    return period


# ---------------------------------------------------------------- costs


@dataclass
class CostInput:
    """A cost line as asked, typed by the API's body or the page's form; ``add_cost`` checks
    its rules. ``rule``, ``category``, ``kind`` and ``usage_unit`` are keys of ``RULES``,
    ``CATEGORIES``, ``RESOURCE_KINDS`` and ``USAGE_UNITS``. ``paid_by_given`` tells an
    explicit "the pole paid" (``paid_by_organisation_id`` None) from "not said" (the
    resource's owner, else the pole). ``planned_hours``: a shared staff member's hours
    planned per organisation id."""

    label: str
    rule: str
    amount: Decimal | None = None
    category: str = "other"
    subsidy: Decimal | None = None
    resource_id: int | None = None
    kind: str | None = None
    fixed_share: Decimal | None = None
    paid_by_organisation_id: int | None = None
    paid_by_given: bool = False
    usage_unit: str | None = None
    loaded_hourly_cost: Decimal | None = None
    management_coefficient: Decimal | None = None
    planned_hours: dict[int, Decimal] | None = None


def _number(
    value: Decimal | None, field_name: str, errors: dict, *, required: bool = False
) -> Decimal | None:
    """``value`` when given and finite below MAX_AMOUNT; None with a message in ``errors``."""
    if value is None:
        if required:
            errors[field_name] = [_("This value is required.")]
        return None
    if not value.is_finite():
        errors[field_name] = [_("A number is expected.")]
        return None
    if abs(value) >= MAX_AMOUNT:
        errors[field_name] = [_("This number is too large.")]
        return None
    return value


def _money(
    value: Decimal | None, field_name: str, errors: dict, *, required: bool = False
) -> Decimal | None:
    """An amount in euros: not negative, at most two decimals."""
    number = _number(value, field_name, errors, required=required)
    if number is None:
        return None
    if number < 0:
        errors[field_name] = [_("An amount cannot be negative.")]
        return None
    if number != number.quantize(Decimal("0.01")):
        errors[field_name] = [_("Give an amount in euros with at most two decimals.")]
        return None
    return number.quantize(Decimal("0.01"))


def _planned_hours(value: dict[int, Decimal] | None, errors: dict) -> dict[str, str] | None:
    """Planned hours as stored ({"<organisation id>": "12.50"}): positive, of known organisations."""
    if not value:
        return None
    planned: dict[str, str] = {}
    for org_id, hours in value.items():
        number = _number(hours, "planned_hours", errors, required=True)
        if number is None:
            return None
        if number < 0 or db.session.get(Organisation, org_id) is None:
            errors["planned_hours"] = [_("Give positive hours of existing organisations.")]
            return None
        planned[str(org_id)] = str(number.quantize(Decimal("0.01")))
    return planned


def add_cost(actor: User, period_id: int, data: CostInput) -> Cost:
    """Add a cost line to an open period.

    A cost belongs to a resource, a kind of resource, or the whole pole (neither). Unless
    given, the organisation that paid it is the resource's owner (credited with what the
    others owe), else the pole itself. A shared staff cost gives a loaded hourly cost and a
    management coefficient instead of an amount: it is billed by the hour used.
    Raises NotAllowed, NotFound, Conflict (closed period), RuleViolation (422, per field:
    negative amount, subsidy above the amount, unknown rule...); nothing is written then.
    """
    period = period_for_write(actor, period_id)
    if period.is_closed:
        raise Conflict(
            _("This period is closed: its costs can no longer change."), code="period_closed"
        )
    errors: dict[str, list[str]] = {}
    label = data.label.strip()
    if not label:
        errors["label"] = [_("Give the cost a label.")]
    elif len(label) > 200:
        errors["label"] = [_("At most 200 characters.")]
    rule = data.rule if data.rule in core.RULES else None
    if rule is None:
        errors["rule"] = [_("Choose a rule: usage, equal, weighted or fixed + usage.")]
    category = data.category or "other"
    if category not in CATEGORIES:
        errors["category"] = [_("Must be one of: %(choices)s.", choices=", ".join(CATEGORIES))]
    staff = data.loaded_hourly_cost is not None or data.management_coefficient is not None
    amount = _money(data.amount, "amount", errors, required=not staff)
    if staff and amount is not None:
        errors["amount"] = [
            _("Leave the amount empty: a shared staff cost is hours x cost x coefficient.")
        ]
    subsidy = _money(data.subsidy, "subsidy", errors) or Decimal("0.00")
    loaded = coefficient = None
    if staff:
        loaded = _money(data.loaded_hourly_cost, "loaded_hourly_cost", errors, required=True)
        coefficient = _number(
            data.management_coefficient, "management_coefficient", errors, required=True
        )
        if coefficient is not None and not Decimal(0) < coefficient < Decimal(100):
            errors["management_coefficient"] = [_("The management coefficient must be positive.")]
            coefficient = None
        if coefficient is not None and coefficient != coefficient.quantize(Decimal("0.0001")):
            errors["management_coefficient"] = [_("At most four decimals.")]
        if rule not in (None, "usage"):
            errors["rule"] = [_("A shared staff cost is billed by the hour: use the usage rule.")]
    fixed_share = _number(data.fixed_share, "fixed_share", errors)
    if fixed_share is not None and fixed_share != fixed_share.quantize(Decimal("0.0001")):
        errors["fixed_share"] = [_("At most four decimals.")]
    resource, kind = resource_or_kind(data.resource_id, data.kind, errors)
    if resource is not None and kind is not None:
        errors["kind"] = [_("Give a resource or a kind, not both.")]
    paid_by = None
    if data.paid_by_given:
        if data.paid_by_organisation_id is not None:
            paid_by = db.session.get(Organisation, data.paid_by_organisation_id)
            if paid_by is None:
                errors["paid_by_organisation_id"] = [_("This organisation does not exist.")]
    elif resource is not None and resource.owner_organisation_id is not None:
        paid_by = db.session.get(Organisation, resource.owner_organisation_id)
    unit = data.usage_unit or None
    if unit is not None and unit not in USAGE_UNITS:
        errors["usage_unit"] = [_("Must be one of: %(choices)s.", choices=", ".join(USAGE_UNITS))]
    if unit is None:
        unit = (
            "unit_hours"
            if (resource is not None and resource.quantity > 1) or kind == "equipment"
            else "hours"
        )
    if staff:
        unit = "hours"
    planned = _planned_hours(data.planned_hours, errors)
    if not errors and rule is not None:
        try:
            core.CostLine(
                id=0,
                label=label,
                amount_cents=to_cents(amount) if amount is not None else to_cents(subsidy),
                rule=rule,
                subsidy_cents=to_cents(subsidy),
                fixed_share=fixed_share,
            )
        except CostingError as error:
            if not (staff and error.code == "subsidy_exceeds_amount"):
                message = costing_message(error)
                errors[error.field or "amount"] = [message]
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    cost = Cost(
        period=period,
        label=label,
        category=category,
        amount=amount,
        subsidy=subsidy,
        resource_id=resource.id if resource else None,
        kind=kind,
        paid_by_organisation_id=paid_by.id if paid_by else None,
        rule=rule,
        fixed_share=fixed_share if rule == "fixed_plus_usage" else None,
        usage_unit=unit,
        loaded_hourly_cost=loaded,
        management_coefficient=coefficient,
        planned_hours=planned,
        created_by_id=actor.id,
    )
    db.session.add(cost)
    db.session.flush()
    record(actor, "cost.create", cost, after=cost_summary(cost))
    return cost


def cost_summary(cost: Cost) -> dict:
    """The cost's fields as plain JSON values (audit trail, snapshot)."""
    return {
        "id": cost.id,
        "label": cost.label,
        "category": cost.category,
        "amount": None if cost.amount is None else f"{cost.amount:.2f}",
        "subsidy": f"{cost.subsidy:.2f}",
        "resource_id": cost.resource_id,
        "resource_name": cost.resource.name if cost.resource else None,
        "kind": cost.kind,
        "paid_by_organisation_id": cost.paid_by_organisation_id,
        "rule": cost.rule,
        "fixed_share": None if cost.fixed_share is None else str(cost.fixed_share.normalize()),
        "usage_unit": cost.usage_unit,
        "loaded_hourly_cost": None
        if cost.loaded_hourly_cost is None
        else f"{cost.loaded_hourly_cost:.2f}",
        "management_coefficient": None
        if cost.management_coefficient is None
        else str(cost.management_coefficient.normalize()),
        "planned_hours": cost.planned_hours,
    }


def _local(value: datetime) -> str:
    return value.astimezone(pole_tz()).isoformat(timespec="seconds")


def period_json(period: CostPeriod) -> dict:
    """A period as the API shows it: UTC instants, local times, the last day included."""
    return {
        "id": period.id,
        "name": period.name,
        "start": utc_text(period.start_at),
        "end": utc_text(period.end_at),
        "start_local": _local(period.start_at),
        "end_local": _local(period.end_at),
        "first_day": period.start_at.astimezone(pole_tz()).date().isoformat(),
        "last_day": (period.end_at.astimezone(pole_tz()) - timedelta(microseconds=1))
        .date()
        .isoformat(),
        "status": period.status,
        "provisional": period.provisional,
        "closed_at": utc_text(period.closed_at),
    }
