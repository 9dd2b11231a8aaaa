"""Quotas in the API: coordinators set hours per week or month per organisation."""

from flask import jsonify, url_for

from pooling.api import bp
from pooling.api.helpers import actor, check_shape, int_arg, json_body
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
def list_quotas():
    items = quotas.list_quotas(actor(), int_arg("organisation_id"))
    return jsonify(items=[quota_json(q) for q in items], next=None)


@bp.post("/quotas")
def create_quota():
    body = json_body()
    check_shape(
        body,
        {"organisation_id": "integer?", "resource_id": "integer?", "resource_kind": "text?"},
    )
    quota = quotas.set_quota(
        actor(),
        body.get("organisation_id"),
        body.get("hours"),
        body.get("period", "week"),
        body.get("resource_id"),
        body.get("resource_kind"),
    )
    db.session.commit()
    response = jsonify(quota_json(quota))
    response.status_code = 201
    response.headers["Location"] = url_for("api.list_quotas", _external=True)
    return response


@bp.delete("/quotas/<int:quota_id>")
def delete_quota(quota_id: int):
    quotas.delete_quota(actor(), quota_id)
    db.session.commit()
    return "", 204
