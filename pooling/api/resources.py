"""Resources in the API: catalogue search, read, create, edit."""

from flask import jsonify, request, url_for

from pooling.api import bp
from pooling.api.helpers import actor, choice_arg, int_arg, json_body, page
from pooling.extensions import db
from pooling.resources import services
from pooling.resources.models import RESOURCE_KINDS


def resource_json(resource) -> dict:
    return {
        "id": resource.id,
        "name": resource.name,
        "kind": resource.kind,
        "description": resource.description,
        "location": resource.location,
        "capacity": resource.capacity,
        "quantity": resource.quantity,
        "unit": resource.unit,
        "requires_approval": resource.requires_approval,
        "owner_organisation_id": resource.owner_organisation_id,
        "active": resource.active,
        "rules": resource.rules,
    }


@bp.get("/resources")
def list_resources():
    filters = services.CatalogueFilter(
        kind=choice_arg("kind", list(RESOURCE_KINDS)),
        q=request.args.get("q") or None,
        capacity_min=int_arg("capacity_min", minimum=0),
        include_inactive=request.args.get("include_inactive") in ("1", "true"),
    )
    resources = services.search_resources(actor(), filters)
    items, next_url = page(resources)
    return jsonify(items=[resource_json(r) for r in items], next=next_url)


@bp.get("/resources/<int:resource_id>")
def get_resource(resource_id: int):
    return jsonify(resource_json(services.get_resource(actor(), resource_id)))


@bp.post("/resources")
def create_resource():
    resource = services.create_resource(actor(), json_body())
    db.session.commit()
    response = jsonify(resource_json(resource))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_resource", resource_id=resource.id)
    return response


@bp.patch("/resources/<int:resource_id>")
def update_resource(resource_id: int):
    resource = services.update_resource(actor(), resource_id, json_body())
    db.session.commit()
    return jsonify(resource_json(resource))
