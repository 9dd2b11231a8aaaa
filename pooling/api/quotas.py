"""Quotas in the API: coordinators set hours per week or month per organisation."""

from __future__ import annotations

from flask import Response, jsonify, url_for

from pooling.api import bp
from pooling.api.helpers import actor, list_response
from pooling.api.operations import operation
from pooling.api.schemas.common import Page
from pooling.api.schemas.quotas import Quota, QuotaInput, QuotaQuery
from pooling.bookings import quotas
from pooling.extensions import db


def quota_json(quota) -> dict:
    return {
        "id": quota.id,
        "organisation_id": quota.organisation_id,
        "resource_id": quota.resource_id,
        "resource_kind": quota.resource_kind,
        "period": quota.period,
        "hours": f"{quota.hours:.2f}",
    }


@bp.get("/quotas")
@operation(
    "Quotas of hours per organisation", tag="bookings", query=QuotaQuery, answers={200: Page[Quota]}
)
def list_quotas(query: QuotaQuery) -> Response:
    """Coordinators see every quota; others their organisations'."""
    return list_response(quotas.list_quotas(actor(), query.organisation_id), quota_json, query)


@bp.post("/quotas")
@operation(
    "Give an organisation a quota of hours per week or month (coordinator)",
    tag="bookings",
    body=QuotaInput,
    answers={201: Quota},
    errors=(403,),
    guard=quotas.ensure_can_set_quotas,
)
def create_quota(body: QuotaInput) -> Response:
    quota = quotas.set_quota(
        actor(),
        body.organisation_id,
        body.hours,
        body.period,
        body.resource_id,
        body.resource_kind,
    )
    db.session.commit()
    response = jsonify(quota_json(quota))
    response.status_code = 201
    response.headers["Location"] = url_for("api.list_quotas", _external=True)
    return response


@bp.delete("/quotas/<int:quota_id>")
@operation(
    "Remove a quota (coordinator)",
    tag="bookings",
    answers={204: "Removed."},
    errors=(403, 404),
)
def delete_quota(quota_id: int):
    quotas.delete_quota(actor(), quota_id)
    db.session.commit()
    return "", 204
