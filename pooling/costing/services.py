"""Cost periods and costs: create, share (allocation with explanations), close, reopen, true-up.

The allocation of an open period is computed from the current usage each time it is read;
closing a period stores the computed allocation (``CostPeriod.snapshot``), which is then
what every page, export and API answer shows, whatever happens to the bookings later.
An allocation is a ``PeriodAllocation`` (pooling.costing.document): shares, totals and
transfers in cents with their explanation, turned into JSON only by the API, the snapshot,
the exports and the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.core.db import utcnow
from pooling.core.errors import Conflict, NotAllowed, NotFound, RuleViolation
from pooling.core.time import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    NaiveTime,
    OutOfRange,
    check_year,
    parse_instant,
    pole_tz,
    utc_text,
)
from pooling.costing import allocation as core
from pooling.costing import exports
from pooling.costing.document import (
    PeriodAllocation,
    ShareLine,
    total_to_json,
    true_up_to_json,
)
from pooling.costing.models import CATEGORIES, USAGE_UNITS, AccountingCode, Cost, CostPeriod
from pooling.costing.permissions import (
    can_manage_costs,
    can_read_costs,
    readable_organisation_ids,
)
from pooling.costing.rounding import CostingError, format_cents, to_cents
from pooling.costing.settlement import settle
from pooling.costing.staff import bill_staff, compare_planned_hours
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.models import RESOURCE_KINDS, Resource
from pooling.usage import services as usage

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


def _violation(error: CostingError) -> RuleViolation:
    message = costing_message(error)
    field_name = error.field or "amount"
    return RuleViolation(message, code=error.code, fields={field_name: [message]})


# ---------------------------------------------------------------- periods


@dataclass
class PeriodInput:
    """A period as typed: a name, a start and an end (dates, inclusive, or instants)."""

    name: str | None = None
    start: object = None
    end: object = None
    provisional: bool = False


DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bound(value, field_name: str, *, is_end: bool) -> datetime:
    """An instant from a date (local midnight; an end date is included) or an ISO instant."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise NaiveTime(str(value))
        check_year(value)
        return value.astimezone(UTC)
    if isinstance(value, date):
        check_year(value)
        day = value + timedelta(days=1) if is_end else value
        return datetime.combine(day, time(0), tzinfo=pole_tz()).astimezone(UTC)
    if isinstance(value, str) and DATE_ONLY.match(value.strip()):
        return _bound(date.fromisoformat(value.strip()), field_name, is_end=is_end)
    return parse_instant(value)


def create_period(actor: User, data: PeriodInput) -> CostPeriod:
    """Open a cost period (month, quarter, year). Raises NotAllowed, RuleViolation.

    ``start`` and ``end`` are dates (``2027-01-01`` to ``2027-03-31``, the end day included,
    local midnights) or instants with an offset; the end must be after the start and the
    period at most MAX_PERIOD_DAYS long.
    """
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can open cost periods."))
    errors: dict[str, list[str]] = {}
    name = (data.name or "").strip() if isinstance(data.name, str) else ""
    if not name:
        errors["name"] = [_("Give the period a name.")]
    elif len(name) > 200:
        errors["name"] = [_("At most 200 characters.")]
    bounds = {}
    for key, is_end in (("start", False), ("end", True)):
        value = getattr(data, key)
        if value in (None, ""):
            errors[key] = [_("This value is required.")]
            continue
        try:
            bounds[key] = _bound(value, key, is_end=is_end)
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
        except (ValueError, TypeError, OverflowError):
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
        provisional=bool(data.provisional),
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
    if not can_read_costs(actor):
        raise NotAllowed(_("Only coordinators and referents can read the cost sharing."))
    return list(
        db.session.scalars(
            select(CostPeriod).order_by(CostPeriod.start_at.desc(), CostPeriod.id.desc())
        )
    )


def get_period(actor: User, period_id: int) -> CostPeriod:
    """One period. Raises NotAllowed (members), NotFound."""
    if not can_read_costs(actor):
        raise NotAllowed(_("Only coordinators and referents can read the cost sharing."))
    period = db.session.get(CostPeriod, period_id)
    if period is None:
        raise NotFound(_("This cost period does not exist."))
    return period


def _period_for_write(actor: User, period_id: int, *, lock: bool = True) -> CostPeriod:
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can change the cost sharing."))
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
    """A cost line as typed; ``paid_by_given`` tells an explicit "the pole paid" (null) apart."""

    label: object = None
    amount: object = None
    rule: object = None
    category: object = "other"
    subsidy: object = None
    resource_id: object = None
    kind: object = None
    fixed_share: object = None
    paid_by_organisation_id: object = None
    paid_by_given: bool = False
    usage_unit: object = None
    loaded_hourly_cost: object = None
    management_coefficient: object = None
    planned_hours: object = None
    errors: dict = field(default_factory=dict)


def _number(value, field_name: str, errors: dict, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field_name] = [_("This value is required.")]
        return None
    try:
        if isinstance(value, bool) or isinstance(value, dict | list):
            raise InvalidOperation
        number = Decimal(str(value).strip().replace(",", "."))
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field_name] = [_("A number is expected.")]
        return None
    if abs(number) >= MAX_AMOUNT:
        errors[field_name] = [_("This number is too large.")]
        return None
    return number


def _money(value, field_name: str, errors: dict, *, required: bool = False) -> Decimal | None:
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


def _planned_hours(value, errors: dict) -> dict[str, str] | None:
    if value in (None, "", [], {}):
        return None
    items = value.items() if isinstance(value, dict) else None
    if isinstance(value, list):
        try:
            items = [(item["organisation_id"], item["hours"]) for item in value]
        except (TypeError, KeyError):
            items = None
    if items is None:
        errors["planned_hours"] = [_("Give a list of {organisation_id, hours}.")]
        return None
    planned: dict[str, str] = {}
    for org_id, hours in items:
        try:
            org_key = int(org_id)
        except (TypeError, ValueError):
            errors["planned_hours"] = [_("Give a list of {organisation_id, hours}.")]
            return None
        number = _number(hours, "planned_hours", errors, required=True)
        if number is None:
            return None
        if number < 0 or db.session.get(Organisation, org_key) is None:
            errors["planned_hours"] = [_("Give positive hours of existing organisations.")]
            return None
        planned[str(org_key)] = str(number.quantize(Decimal("0.01")))
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
    period = _period_for_write(actor, period_id)
    if period.is_closed:
        raise Conflict(
            _("This period is closed: its costs can no longer change."), code="period_closed"
        )
    errors: dict[str, list[str]] = dict(data.errors)
    label = data.label.strip() if isinstance(data.label, str) else ""
    if not label:
        errors["label"] = [_("Give the cost a label.")]
    elif len(label) > 200:
        errors["label"] = [_("At most 200 characters.")]
    rule = data.rule if isinstance(data.rule, str) else None
    if rule not in core.RULES:
        errors["rule"] = [_("Choose a rule: usage, equal, weighted or fixed + usage.")]
    category = data.category or "other"
    if category not in CATEGORIES:
        errors["category"] = [_("Must be one of: %(choices)s.", choices=", ".join(CATEGORIES))]
    staff = data.loaded_hourly_cost not in (None, "") or data.management_coefficient not in (
        None,
        "",
    )
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
        if rule not in (None, "usage") and "rule" not in errors:
            errors["rule"] = [_("A shared staff cost is billed by the hour: use the usage rule.")]
    fixed_share = _number(data.fixed_share, "fixed_share", errors)
    if fixed_share is not None and fixed_share != fixed_share.quantize(Decimal("0.0001")):
        errors["fixed_share"] = [_("At most four decimals.")]
    resource = None
    if data.resource_id not in (None, ""):
        if isinstance(data.resource_id, int) and not isinstance(data.resource_id, bool):
            resource = db.session.get(Resource, data.resource_id)
        if resource is None:
            errors["resource_id"] = [_("This resource does not exist.")]
    kind = data.kind or None
    if kind is not None and kind not in RESOURCE_KINDS:
        errors["kind"] = [_("Must be one of: %(choices)s.", choices=", ".join(RESOURCE_KINDS))]
    if resource is not None and kind is not None:
        errors["kind"] = [_("Give a resource or a kind, not both.")]
    paid_by = None
    if data.paid_by_given:
        if data.paid_by_organisation_id not in (None, ""):
            if isinstance(data.paid_by_organisation_id, int):
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


# ---------------------------------------------------------------- allocation


def _members(period: CostPeriod, usage_orgs: set[int]) -> list[Organisation]:
    """Active organisations, and inactive ones that used something in the period."""
    query = select(Organisation).order_by(Organisation.id)
    return [org for org in db.session.scalars(query) if org.active or org.id in usage_orgs]


def compute_allocation(period: CostPeriod, *, now: datetime | None = None) -> PeriodAllocation:
    """The allocation of ``period`` from the current usage (pure core over database facts).

    Raises RuleViolation when the costs cannot be shared (no organisation, a staff cost
    whose subsidy exceeds the hours billed...).
    """
    entries = usage.measured_entries(period.start_at, period.end_at, now=now)
    usage_orgs = {entry.organisation_id for entry in entries}
    organisations = _members(period, usage_orgs)
    members = [core.MemberOrganisation(o.id, o.name, Decimal(o.weight)) for o in organisations]
    lines: list[core.CostLine] = []
    usage_by_cost: dict[int, dict[int, Decimal]] = {}
    staff_info: dict[int, dict] = {}
    costs_json = []
    for cost in period.costs:
        scope = core.CostScope(
            resource_id=cost.resource_id,
            resource_name=cost.resource.name if cost.resource else None,
            kind=cost.resource.kind if cost.resource else cost.kind,
        )
        used = usage.usage_by_organisation(
            entries, resource_id=cost.resource_id, kind=cost.kind, unit=cost.usage_unit
        )
        used = {org_id: q for org_id, q in used.items() if q}
        try:
            if cost.is_staff_billing:
                charges = bill_staff(used, cost.loaded_hourly_cost, cost.management_coefficient)
                amount_cents = sum(charge.amount_cents for charge in charges)
                # Sharing the billed total in proportion to each organisation's own charge
                # gives back exactly each charge (each quota is a whole number of cents).
                usage_by_cost[cost.id] = {
                    c.organisation_id: Decimal(c.amount_cents) for c in charges
                }
                planned = {int(k): Decimal(v) for k, v in (cost.planned_hours or {}).items()}
                staff_info[cost.id] = {
                    "hours": {str(k): _text(v) for k, v in used.items()},
                    "charges": {
                        str(c.organisation_id): format_cents(c.amount_cents) for c in charges
                    },
                    "planned": [
                        {
                            "organisation_id": p.organisation_id,
                            "planned": _text(p.planned),
                            "actual": _text(p.actual),
                            "difference": _text(p.difference),
                            "percentage": None if p.percentage is None else str(p.percentage),
                        }
                        for p in compare_planned_hours(planned, used)
                    ],
                }
            else:
                amount_cents = to_cents(cost.amount)
                usage_by_cost[cost.id] = used
            line = core.CostLine(
                id=cost.id,
                label=cost.label,
                amount_cents=amount_cents,
                rule=cost.rule,
                subsidy_cents=to_cents(cost.subsidy),
                fixed_share=cost.fixed_share,
                paid_by=cost.paid_by_organisation_id,
                scope=scope,
                unit=cost.usage_unit,
            )
        except CostingError as error:
            raise _violation(error) from error
        lines.append(line)
        costs_json.append(
            cost_summary(cost)
            | {
                "amount": format_cents(amount_cents),
                "net": format_cents(line.net_cents),
                "resource_kind": scope.kind,
                "staff": staff_info.get(cost.id),
                "usage": {str(k): _text(v) for k, v in used.items()},
            }
        )
    try:
        result = core.allocate(lines, members, usage_by_cost)
        transfers = settle(result.balances())
        comparison = core.compare_rules(lines, members, usage_by_cost)
    except CostingError as error:
        raise _violation(error) from error
    shares = []
    for line in result.lines:
        basis = line.basis.as_dict()
        info = staff_info.get(line.cost_id)
        if info is not None:
            basis["billing"] = "staff_hours"
            basis["quantity"] = info["hours"].get(str(line.organisation_id), "0")
            basis["total_quantity"] = _text(
                sum((Decimal(v) for v in info["hours"].values()), Decimal(0))
            )
            basis["unit"] = "hours"
            basis["charge"] = info["charges"].get(str(line.organisation_id), "0.00")
            cost = next(c for c in period.costs if c.id == line.cost_id)
            basis["loaded_hourly_cost"] = f"{cost.loaded_hourly_cost:.2f}"
            basis["management_coefficient"] = str(cost.management_coefficient.normalize())
        shares.append(ShareLine(line.cost_id, line.organisation_id, line.amount_cents, basis))
    return PeriodAllocation(
        period=period_json(period),
        lines=tuple(shares),
        totals=result.totals,
        transfers=transfers,
        costs=tuple(costs_json),
        organisations=tuple(
            {"id": o.id, "name": o.name, "weight": _text(Decimal(o.weight))} for o in organisations
        ),
        comparison={
            "columns": list(comparison.columns),
            "owed": {
                str(org_id): {column: format_cents(c) for column, c in by_column.items()}
                for org_id, by_column in comparison.owed.items()
            },
            "total": format_cents(comparison.total_cents),
            "fallbacks": {k: list(v) for k, v in comparison.fallbacks.items()},
        },
        computed_at=(now or utcnow()).isoformat(),
    )


def _text(value: Decimal) -> str:
    """Decimal text without trailing zeros: 12.50 -> "12.5"."""
    value = Decimal(value).quantize(Decimal("0.0001"))
    text = format(value.normalize(), "f")
    return text


def _utc(value: datetime | None) -> str | None:
    return utc_text(value)


def _local(value: datetime) -> str:
    return value.astimezone(pole_tz()).isoformat(timespec="seconds")


def period_json(period: CostPeriod) -> dict:
    """A period as the API shows it: UTC instants, local times, the last day included."""
    return {
        "id": period.id,
        "name": period.name,
        "start": _utc(period.start_at),
        "end": _utc(period.end_at),
        "start_local": _local(period.start_at),
        "end_local": _local(period.end_at),
        "first_day": period.start_at.astimezone(pole_tz()).date().isoformat(),
        "last_day": (period.end_at.astimezone(pole_tz()) - timedelta(microseconds=1))
        .date()
        .isoformat(),
        "status": period.status,
        "provisional": period.provisional,
        "closed_at": _utc(period.closed_at),
    }


def allocation_of(actor: User, period_id: int, *, now: datetime | None = None) -> dict:
    """The JSON form of ``period_allocation`` (API answers, pages, dashboards)."""
    return period_allocation(actor, period_id, now=now).to_json()


def period_allocation(
    actor: User, period_id: int, *, now: datetime | None = None
) -> PeriodAllocation:
    """The period's allocation: frozen if closed, computed from current usage if open.

    A referent gets only their organisations' lines, totals and transfers. Raises
    NotAllowed (members), NotFound, RuleViolation (costs that cannot be shared).
    """
    period = get_period(actor, period_id)
    return document_of(period, now=now).visible_to(readable_organisation_ids(actor))


def document_of(period: CostPeriod, *, now: datetime | None = None) -> PeriodAllocation:
    """The whole allocation of a period (no permission check): the snapshot if closed."""
    if period.is_closed and period.snapshot:
        document = PeriodAllocation.from_json(period.snapshot)
    else:
        document = compute_allocation(period, now=now)
    return document.with_period(period_json(period))


def close_period(actor: User, period_id: int, *, now: datetime | None = None) -> CostPeriod:
    """Close a period: compute its allocation once and store it; it never changes again.

    Closing a closed period changes nothing. Raises NotAllowed, NotFound, RuleViolation.
    """
    period = _period_for_write(actor, period_id)
    if period.is_closed:
        return period
    document = compute_allocation(period, now=now).to_json()
    period.snapshot = document
    period.status = "closed"
    period.closed_at = now or utcnow()
    period.closed_by_id = actor.id
    db.session.flush()
    record(
        actor,
        "cost_period.close",
        period,
        after={"totals": document["totals"], "transfers": document["transfers"]},
    )
    return period


def reopen_period(actor: User, period_id: int, reason: str | None) -> CostPeriod:
    """Reopen a closed period (a coordinator act, with its reason, kept in the audit trail).

    The frozen allocation is kept in the audit event and dropped from the period, which is
    computed from the current usage again until it is closed anew.
    Raises NotAllowed, NotFound, Conflict (not closed), RuleViolation (no reason).
    """
    period = _period_for_write(actor, period_id)
    if not period.is_closed:
        raise Conflict(_("This period is open."), code="period_open")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        message = _("Say why the period is reopened.")
        raise RuleViolation(message, code="reason_required", fields={"reason": [message]})
    before = {"totals": (period.snapshot or {}).get("totals"), "closed_at": _utc(period.closed_at)}
    period.status = "open"
    period.snapshot = None
    period.closed_at = None
    period.closed_by_id = None
    db.session.flush()
    record(actor, "cost_period.reopen", period, before=before, note=reason[:2000])
    return period


# ---------------------------------------------------------------- statements and true-up


def statement(actor: User, period_id: int, organisation_id: int) -> dict:
    """One organisation's statement: its lines with their costs, its total, its transfers.

    Raises NotAllowed (members), NotFound (unknown organisation, or another organisation's
    statement for a referent).
    """
    organisation = db.session.get(Organisation, organisation_id)
    readable = readable_organisation_ids(actor) if can_read_costs(actor) else set()
    if organisation is None or (readable is not None and organisation_id not in readable):
        if not can_read_costs(actor):
            raise NotAllowed(_("Only coordinators and referents can read the cost sharing."))
        raise NotFound(_("This organisation does not exist."))
    allocation = period_allocation(actor, period_id)
    costs = {cost["id"]: dict(cost) for cost in allocation.costs}
    lines = [
        line.to_json() | {"cost": costs.get(line.cost_id)}
        for line in allocation.lines
        if line.organisation_id == organisation_id
    ]
    total = next(
        (t for t in allocation.totals if t.organisation_id == organisation_id),
        core.OrganisationTotal(organisation_id, 0, 0, 0),
    )
    transfers = [
        t.as_dict() for t in allocation.transfers if organisation_id in (t.from_id, t.to_id)
    ]
    return {
        "period": dict(allocation.period),
        "organisation": {"id": organisation.id, "name": organisation.name},
        "lines": lines,
        "total": total_to_json(total),
        "transfers": transfers,
        "organisations": [dict(o) for o in allocation.organisations],
        "costs": list(costs.values()),
    }


def true_up(actor: User, period_id: int) -> dict:
    """Year-end true-up: per organisation, what the provisional periods inside this final
    period charged, what the final period says it owes, and the difference.

    Raises NotAllowed, NotFound, RuleViolation (the period is itself provisional).
    """
    period = get_period(actor, period_id)
    if period.provisional:
        message = _("Choose a final period: a provisional one is what gets trued up.")
        raise RuleViolation(message, code="not_final", fields={"period_id": [message]})
    provisional_periods = list(
        db.session.scalars(
            select(CostPeriod)
            .where(
                CostPeriod.provisional.is_(True),
                CostPeriod.start_at >= period.start_at,
                CostPeriod.end_at <= period.end_at,
            )
            .order_by(CostPeriod.start_at)
        )
    )
    charged: dict[int, int] = {}
    for provisional in provisional_periods:
        for org_id, owed in document_of(provisional).owed().items():
            charged[org_id] = charged.get(org_id, 0) + owed
    final_document = document_of(period)
    lines = core.true_up(charged, final_document.owed())
    readable = readable_organisation_ids(actor)
    names = final_document.names()
    return {
        "period": period_json(period),
        "provisional_periods": [period_json(p) for p in provisional_periods],
        "lines": [
            true_up_to_json(line, names.get(line.organisation_id, str(line.organisation_id)))
            for line in lines
            if readable is None or line.organisation_id in readable
        ],
    }


# ---------------------------------------------------------------- accounting


def organisation_account(organisation: Organisation, codes: dict[int, str]) -> str:
    """The organisation's third-party account: its set code, else 411 + its slug."""
    if organisation.id in codes:
        return codes[organisation.id]
    return "411" + re.sub(r"[^A-Z0-9]", "", organisation.slug.upper())[:12]


def resource_analytic_code(resource_id: int | None, kind: str | None, codes: dict) -> str:
    """The analytic code of a cost's scope: the resource's set code, else R + id, the kind, POLE."""
    if resource_id is not None:
        return codes.get(resource_id, f"R{resource_id:04d}")
    if kind:
        return kind.upper()
    return "POLE"


def accounting_codes() -> tuple[dict[int, str], dict[int, str]]:
    """The codes set by coordinators: (by organisation id, by resource id)."""
    orgs: dict[int, str] = {}
    resources: dict[int, str] = {}
    for code in db.session.scalars(select(AccountingCode)):
        if code.organisation_id is not None:
            orgs[code.organisation_id] = code.code
        else:
            resources[code.resource_id] = code.code
    return orgs, resources


CODE_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


def set_accounting_code(
    actor: User, *, organisation_id: int | None = None, resource_id: int | None = None, code: str
) -> AccountingCode | None:
    """Set (or, with an empty code, clear) an organisation's account or a resource's analytic code.

    Raises NotAllowed, NotFound, RuleViolation (letters, digits, . _ - only).
    """
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can set accounting codes."))
    subject = (
        db.session.get(Organisation, organisation_id)
        if organisation_id is not None
        else db.session.get(Resource, resource_id)
    )
    if subject is None:
        raise NotFound(_("This organisation or resource does not exist."))
    code = (code or "").strip()
    column = (
        AccountingCode.organisation_id
        if organisation_id is not None
        else AccountingCode.resource_id
    )
    existing = db.session.scalar(select(AccountingCode).where(column == subject.id))
    if not code:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
        return None
    if not CODE_PATTERN.match(code):
        message = _("Letters, digits, dots, dashes and underscores only (at most 40).")
        raise RuleViolation(message, code="invalid_code", fields={"code": [message]})
    if existing is None:
        existing = AccountingCode(
            organisation_id=organisation_id if organisation_id is not None else None,
            resource_id=resource_id if organisation_id is None else None,
            code=code,
        )
        db.session.add(existing)
    existing.code = code
    db.session.flush()
    record(actor, "accounting_code.set", existing, after={"code": code})
    return existing


def accounting_entries(actor: User, period_id: int) -> tuple[CostPeriod, list[list]]:
    """The period's balanced journal entries for the accountant. Raises NotAllowed, NotFound."""
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can export the accounts."))
    period = get_period(actor, period_id)
    document = document_of(period)
    org_codes, resource_codes = accounting_codes()
    ids = {line.organisation_id for line in document.lines} | {
        cost["paid_by_organisation_id"]
        for cost in document.costs
        if cost.get("paid_by_organisation_id") is not None
    }
    organisations = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    accounts = {o.id: organisation_account(o, org_codes) for o in organisations}
    analytic = {
        cost["id"]: resource_analytic_code(
            cost.get("resource_id"), cost.get("kind"), resource_codes
        )
        for cost in document.costs
    }
    last_day = date.fromisoformat(document.period["last_day"])
    return period, exports.accounting_rows(document, last_day, accounts, analytic)


def statement_export(
    actor: User, period_id: int, organisation_id: int | None = None
) -> tuple[CostPeriod, list[list]]:
    """Statement rows of one organisation, or of every organisation the actor may read."""
    period = get_period(actor, period_id)
    if organisation_id is not None:
        statement(actor, period_id, organisation_id)  # permission and existence checks
    document = period_allocation(actor, period_id)
    wanted = {organisation_id} if organisation_id is not None else None
    return period, exports.statement_rows(document, wanted)


def comparison(actor: User, period_id: int) -> dict:
    """What each organisation would owe under each rule, for the members' vote (coordinators)."""
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can compare the rules."))
    document = document_of(get_period(actor, period_id)).to_json()
    return {
        "period": document["period"],
        "organisations": document["organisations"],
        "comparison": document["comparison"],
        "costs": document["costs"],
    }


def accounting_code_table(actor: User) -> tuple[list[dict], list[dict]]:
    """Every organisation's account and every resource's analytic code, set or by default."""
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can set accounting codes."))
    org_codes, resource_codes = accounting_codes()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    resources = db.session.scalars(select(Resource).order_by(Resource.name))
    return (
        [
            {
                "id": o.id,
                "name": o.name,
                "code": org_codes.get(o.id, ""),
                "default": organisation_account(o, {}),
            }
            for o in organisations
        ],
        [
            {
                "id": r.id,
                "name": r.name,
                "code": resource_codes.get(r.id, ""),
                "default": resource_analytic_code(r.id, r.kind, {}),
            }
            for r in resources
        ],
    )


def set_accounting_codes(
    actor: User, organisation_codes: dict[int, str], resource_codes: dict[int, str]
) -> int:
    """Set many codes at once (an empty code restores the default); all or nothing.

    Returns how many codes changed. Raises NotAllowed, NotFound, RuleViolation whose fields
    name each refused code (``org-<id>`` / ``res-<id>``).
    """
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can set accounting codes."))
    current_orgs, current_resources = accounting_codes()
    errors: dict[str, list[str]] = {}
    changed = 0
    for key, codes, current in (
        ("org", organisation_codes, current_orgs),
        ("res", resource_codes, current_resources),
    ):
        for subject_id, code in codes.items():
            if (code or "").strip() == current.get(subject_id, ""):
                continue
            try:
                if key == "org":
                    set_accounting_code(actor, organisation_id=subject_id, code=code)
                else:
                    set_accounting_code(actor, resource_id=subject_id, code=code)
                changed += 1
            except RuleViolation as error:
                errors[f"{key}-{subject_id}"] = error.fields.get("code", [error.message])
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    return changed
