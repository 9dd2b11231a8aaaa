"""A period's allocation: computed from the usage while open, frozen when it closes.

The allocation of an open period is computed from the current usage each time it is read;
closing a period stores the computed allocation (``CostPeriod.snapshot``), which is then
what every page, export and API answer shows, whatever happens to the bookings later.
An allocation is a ``PeriodAllocation`` (pooling.costing.document): shares, totals and
transfers in cents with their explanation, turned into JSON only by the API, the snapshot,
the exports and the pages.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.core.db import utcnow
from pooling.core.errors import Conflict, NotAllowed, NotFound, RuleViolation
from pooling.core.time import utc_text
from pooling.costing import allocation as core
from pooling.costing import exports
from pooling.costing.document import (
    PeriodAllocation,
    ShareLine,
    total_to_json,
    true_up_to_json,
)
from pooling.costing.models import CostPeriod
from pooling.costing.periods import (
    cost_summary,
    costing_violation,
    get_period,
    period_for_write,
    period_json,
)
from pooling.costing.permissions import (
    can_manage_costs,
    can_read_usage_and_costs,
    readable_organisation_ids,
)
from pooling.costing.rounding import CostingError, format_cents, to_cents
from pooling.costing.settlement import settle
from pooling.costing.staff import bill_staff, compare_planned_hours
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.composition import composition, resource_names
from pooling.usage import services as usage

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
    pole = composition()
    for cost in period.costs:
        # A part's cost is shared by its usage, its share of its composites' bookings included.
        above = pole.composites(cost.resource_id) if cost.resource_id is not None else set()
        scope = core.CostScope(
            resource_id=cost.resource_id,
            resource_name=cost.resource.name if cost.resource else None,
            kind=cost.resource.kind if cost.resource else cost.kind,
            composites=resource_names(above),
        )
        used = usage.usage_by_organisation(
            entries,
            resource_id=cost.resource_id,
            kind=cost.kind,
            unit=cost.usage_unit,
            composites=above,
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
            raise costing_violation(error) from error
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
        raise costing_violation(error) from error
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
    period = period_for_write(actor, period_id)
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
    period = period_for_write(actor, period_id)
    if not period.is_closed:
        raise Conflict(_("This period is open."), code="period_open")
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the period is reopened.")
        raise RuleViolation(message, code="reason_required", fields={"reason": [message]})
    before = {
        "totals": (period.snapshot or {}).get("totals"),
        "closed_at": utc_text(period.closed_at),
    }
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
    readable = readable_organisation_ids(actor) if can_read_usage_and_costs(actor) else set()
    if organisation is None or (readable is not None and organisation_id not in readable):
        if not can_read_usage_and_costs(actor):
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


def statement_export(
    actor: User, period_id: int, organisation_id: int | None = None, codes: bool = False
) -> tuple[CostPeriod, list[list]]:
    """Statement rows of one organisation, or of every organisation the actor may read;
    ``codes`` adds the category and rule codes beside their labels."""
    period = get_period(actor, period_id)
    if organisation_id is not None:
        statement(actor, period_id, organisation_id)  # permission and existence checks
    document = period_allocation(actor, period_id)
    wanted = {organisation_id} if organisation_id is not None else None
    return period, exports.statement_rows(document, wanted, codes=codes)


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
