"""Cost sharing in the API: periods, costs, allocation, close and reopen, true-up.

Money is a string with two decimals. In ``totals``, ``balance = paid - owed``: positive,
the pole owes the organisation; negative, the organisation owes the pole. The pole's own
account (costs nobody lent) appears with ``organisation_id: null``, also in transfers.
"""

from __future__ import annotations

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.helpers import actor, check_shape, created, json_body, list_response
from pooling.costing import services
from pooling.costing.explain import explain
from pooling.costing.services import CostInput, PeriodInput
from pooling.extensions import db

COST_SHAPES = {
    "label": "text",
    "amount": "number?",
    "rule": "text",
    "category": "text?",
    "subsidy": "number?",
    "resource_id": "integer?",
    "kind": "text?",
    "fixed_share": "number?",
    "paid_by_organisation_id": "integer?",
    "usage_unit": "text?",
    "loaded_hourly_cost": "number?",
    "management_coefficient": "number?",
}


def cost_json(cost) -> dict:
    """A cost line as the API shows it; a shared staff cost has no fixed amount (null)."""
    return services.cost_summary(cost) | {"period_id": cost.period_id}


@bp.get("/cost-periods")
def list_cost_periods() -> Response:
    """Cost periods, latest first (coordinators and referents)."""
    return list_response(services.list_periods(actor()), services.period_json)


@bp.post("/cost-periods")
def create_cost_period() -> Response:
    """Open a period (coordinators): {name, start, end, provisional?}."""
    body = json_body()
    check_shape(body, {"name": "text", "start": "text", "end": "text", "provisional": "boolean?"})
    period = services.create_period(
        actor(),
        PeriodInput(
            name=body.get("name"),
            start=body.get("start"),
            end=body.get("end"),
            provisional=bool(body.get("provisional")),
        ),
    )
    db.session.commit()
    return created(services.period_json(period), "api.get_cost_period", period_id=period.id)


@bp.get("/cost-periods/<int:period_id>")
def get_cost_period(period_id: int) -> Response:
    """One period with its costs."""
    period = services.get_period(actor(), period_id)
    return jsonify(services.period_json(period) | {"costs": [cost_json(c) for c in period.costs]})


@bp.post("/cost-periods/<int:period_id>/costs")
def create_cost(period_id: int) -> Response:
    """Add a cost to an open period (coordinators); 409 once the period is closed."""
    body = json_body()
    check_shape(body, COST_SHAPES | {"planned_hours": "array?"})
    cost = services.add_cost(
        actor(),
        period_id,
        CostInput(
            label=body.get("label"),
            amount=body.get("amount"),
            rule=body.get("rule"),
            category=body.get("category") or "other",
            subsidy=body.get("subsidy"),
            resource_id=body.get("resource_id"),
            kind=body.get("kind"),
            fixed_share=body.get("fixed_share"),
            paid_by_organisation_id=body.get("paid_by_organisation_id"),
            paid_by_given="paid_by_organisation_id" in body,
            usage_unit=body.get("usage_unit"),
            loaded_hourly_cost=body.get("loaded_hourly_cost"),
            management_coefficient=body.get("management_coefficient"),
            planned_hours=body.get("planned_hours"),
        ),
    )
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
def get_allocation(period_id: int) -> Response:
    """How the period's costs are shared; frozen once the period is closed."""
    return jsonify(_public(services.allocation_of(actor(), period_id)))


@bp.post("/cost-periods/<int:period_id>/close")
def close_cost_period(period_id: int) -> Response:
    """Close the period (coordinators): its allocation is stored and no longer changes."""
    period = services.close_period(actor(), period_id)
    db.session.commit()
    return jsonify(services.period_json(period))


@bp.post("/cost-periods/<int:period_id>/reopen")
def reopen_cost_period(period_id: int) -> Response:
    """Reopen a closed period (coordinators) with a reason kept in the audit trail."""
    body = json_body()
    check_shape(body, {"reason": "text"})
    period = services.reopen_period(actor(), period_id, body.get("reason"))
    db.session.commit()
    return jsonify(services.period_json(period))


@bp.get("/cost-periods/<int:period_id>/true-up")
def get_true_up(period_id: int) -> Response:
    """Per organisation: provisionally charged, actually owed, difference (final - provisional)."""
    return jsonify(services.true_up(actor(), period_id))
