"""Cost sharing in the API: periods, costs, allocation, close and reopen, true-up.

Money is a string with two decimals. In ``totals``, ``balance = paid - owed``: positive,
the pole owes the organisation; negative, the organisation owes the pole. The pole's own
account (costs nobody lent) appears with ``organisation_id: null``, also in transfers.
Thin handlers over ``pooling.costing.periods`` and ``pooling.costing.allocations``.
"""

from __future__ import annotations

from flask import Response, jsonify, request

from pooling.api import bp
from pooling.api.helpers import actor, created, list_response
from pooling.api.operations import operation
from pooling.api.schemas.common import Page, Paging
from pooling.api.schemas.costing import (
    Allocation,
    Cost,
    CostCreate,
    CostPeriod,
    CostPeriodCreate,
    CostPeriodDetail,
    CostPeriodReopen,
    TrueUp,
)
from pooling.costing import allocations, periods
from pooling.costing.explain import explain
from pooling.costing.periods import CostInput, PeriodInput
from pooling.extensions import db


def cost_json(cost) -> dict:
    """A cost line as the API shows it; a shared staff cost has no fixed amount (null)."""
    return periods.cost_summary(cost) | {"period_id": cost.period_id}


def cost_input(body: CostCreate) -> CostInput:
    """The service's request from the validated body; an explicit null payer is the pole."""
    planned = body.planned_hours
    return CostInput(
        label=body.label,
        amount=body.amount,
        rule=body.rule,
        category=body.category or "other",
        subsidy=body.subsidy,
        resource_id=body.resource_id,
        kind=body.kind,
        fixed_share=body.fixed_share,
        paid_by_organisation_id=body.paid_by_organisation_id,
        paid_by_given="paid_by_organisation_id" in body.model_fields_set,
        usage_unit=body.usage_unit,
        loaded_hourly_cost=body.loaded_hourly_cost,
        management_coefficient=body.management_coefficient,
        planned_hours=None if planned is None else {p.organisation_id: p.hours for p in planned},
    )


def period_to_change(user) -> None:
    """The guard of a coordinator's act on a period: 403, then 404 for an unknown period,
    come before what is wrong with the body (422)."""
    periods.ensure_can_change_costs(user)
    periods.get_period(user, request.view_args["period_id"])


@bp.get("/cost-periods")
@operation(
    "Cost periods, latest first (coordinators and referents)",
    tag="costs",
    query=Paging,
    answers={200: Page[CostPeriod]},
    errors=(403,),
    guard=periods.ensure_can_read_costs,
)
def list_cost_periods(query: Paging) -> Response:
    """A page of periods, latest first."""
    return list_response(periods.list_periods(actor()), periods.period_json, query)


@bp.post("/cost-periods")
@operation(
    "Open a cost period (coordinator)",
    tag="costs",
    body=CostPeriodCreate,
    answers={201: CostPeriod},
    errors=(403,),
    guard=periods.ensure_can_open_periods,
)
def create_cost_period(body: CostPeriodCreate) -> Response:
    """``start`` and ``end`` are days (the end day included, local midnights) or instants."""
    period = periods.create_period(
        actor(),
        PeriodInput(
            name=body.name, start=body.start, end=body.end, provisional=bool(body.provisional)
        ),
    )
    db.session.commit()
    return created(periods.period_json(period), "api.get_cost_period", period_id=period.id)


@bp.get("/cost-periods/<int:period_id>")
@operation(
    "One cost period with its costs",
    tag="costs",
    answers={200: CostPeriodDetail},
    errors=(403, 404),
)
def get_cost_period(period_id: int) -> Response:
    period = periods.get_period(actor(), period_id)
    return jsonify(periods.period_json(period) | {"costs": [cost_json(c) for c in period.costs]})


@bp.post("/cost-periods/<int:period_id>/costs")
@operation(
    "Add a cost to a period (coordinator)",
    tag="costs",
    body=CostCreate,
    answers={201: Cost},
    errors=(403, 404, 409),
    guard=period_to_change,
)
def create_cost(period_id: int, body: CostCreate) -> Response:
    """Add a cost to an open period; 409 once the period is closed."""
    cost = periods.add_cost(actor(), period_id, cost_input(body))
    db.session.commit()
    return created(cost_json(cost), "api.get_cost_period", period_id=period_id)


def _public(document: dict) -> dict:
    body = {
        "period": document["period"],
        "lines": document["lines"],
        "totals": document["totals"],
        "transfers": document["transfers"],
        "costs": document["costs"],
        "organisations": document["organisations"],
    }
    for line in body["lines"]:
        line["explanation"] = explain(line["basis"])
    return body


@bp.get("/cost-periods/<int:period_id>/allocation")
@operation(
    "How a period's costs are split",
    tag="costs",
    answers={200: Allocation},
    errors=(403, 404, 422),
)
def get_allocation(period_id: int) -> Response:
    """How the period's costs are shared; frozen once the period is closed."""
    return jsonify(_public(allocations.allocation_of(actor(), period_id)))


@bp.post("/cost-periods/<int:period_id>/close")
@operation(
    "Close a period: its allocation no longer changes (coordinator)",
    tag="costs",
    answers={200: CostPeriod},
    errors=(403, 404, 409, 422),
)
def close_cost_period(period_id: int) -> Response:
    """The allocation is computed once and stored; closing a closed period changes nothing."""
    period = allocations.close_period(actor(), period_id)
    db.session.commit()
    return jsonify(periods.period_json(period))


@bp.post("/cost-periods/<int:period_id>/reopen")
@operation(
    "Reopen a closed period, with a reason kept in the audit trail (coordinator)",
    tag="costs",
    body=CostPeriodReopen,
    answers={200: CostPeriod},
    errors=(403, 404, 409),
    guard=period_to_change,
)
def reopen_cost_period(period_id: int, body: CostPeriodReopen) -> Response:
    """409 when the period is open; 422 without a reason."""
    period = allocations.reopen_period(actor(), period_id, body.reason)
    db.session.commit()
    return jsonify(periods.period_json(period))


@bp.get("/cost-periods/<int:period_id>/true-up")
@operation(
    "Year-end true-up: provisionally charged, actually owed, difference",
    tag="costs",
    answers={200: TrueUp},
    errors=(403, 404, 422),
)
def get_true_up(period_id: int) -> Response:
    """Per organisation: provisionally charged, actually owed, difference (final - provisional)."""
    return jsonify(allocations.true_up(actor(), period_id))
