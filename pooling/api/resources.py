"""Resources in the API: catalogue search, read, create and edit (coordinators)."""

from __future__ import annotations

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.helpers import (
    actor,
    bool_arg,
    check_shape,
    choice_arg,
    created,
    int_arg,
    interval_args,
    json_body,
    list_response,
    text_arg,
)
from pooling.bookings import queries as booking_queries
from pooling.extensions import db
from pooling.resources import services
from pooling.resources.models import RESOURCE_KINDS, Resource

FIELD_SHAPES = {
    "name": "text",
    "kind": "text",
    "description": "text?",
    "location": "text?",
    "unit": "text?",
    "meter_unit": "text?",
    "capacity": "integer?",
    "quantity": "integer",
    "requires_approval": "boolean",
    "active": "boolean",
    "owner_organisation_id": "integer?",
    "staff_user_id": "integer?",
    "rules": "object?",
}
RULE_SHAPES = {
    "opening_hours": "object",
    "slot_minutes": "integer",
    "min_duration_minutes": "integer?",
    "max_duration_minutes": "integer?",
    "min_notice_minutes": "integer",
    "max_advance_days": "integer",
}


def resource_json(resource: Resource) -> dict:
    """A resource as the API shows it, with its booking rules."""
    return {
        "id": resource.id,
        "name": resource.name,
        "kind": resource.kind,
        "description": resource.description,
        "location": resource.location,
        "capacity": resource.capacity,
        "quantity": resource.quantity,
        "unit": resource.unit,
        "meter_unit": resource.meter_unit,
        "requires_approval": resource.requires_approval,
        "owner_organisation_id": resource.owner_organisation_id,
        "staff_user_id": resource.staff_user_id,
        "active": resource.active,
        "rules": resource.rules,
    }


def _values(body: dict) -> dict:
    """The body after its shape check; rules may also be given at the top level."""
    check_shape(body, {**FIELD_SHAPES, **RULE_SHAPES})
    if isinstance(body.get("rules"), dict):
        check_shape(body["rules"], RULE_SHAPES)
    return body


@bp.get("/resources")
def list_resources() -> Response:
    """The catalogue: filters by kind, text, minimum capacity and a free interval."""
    filters = services.CatalogueFilter(
        kind=choice_arg("kind", list(RESOURCE_KINDS)),
        q=text_arg("q"),
        capacity_min=int_arg("capacity_min", minimum=0),
        include_inactive=bool_arg("include_inactive"),
    )
    window = interval_args("available_start", "available_end")
    if window is None:
        resources = services.search_resources(actor(), filters)
    else:
        # Only what can take a booking of the whole interval, as the booking engine decides.
        resources = booking_queries.free_resources(actor(), filters, *window)
    return list_response(resources, resource_json)


@bp.get("/resources/<int:resource_id>")
def get_resource(resource_id: int) -> Response:
    """One resource; an inactive one is only shown to coordinators (404 otherwise)."""
    return jsonify(resource_json(services.get_resource(actor(), resource_id)))


@bp.post("/resources")
def create_resource() -> Response:
    """Add a resource to the catalogue (coordinators)."""
    resource = services.create_resource(actor(), _values(json_body()))
    db.session.commit()
    return created(resource_json(resource), "api.get_resource", resource_id=resource.id)


@bp.patch("/resources/<int:resource_id>")
def update_resource(resource_id: int) -> Response:
    """Edit, deactivate or reactivate a resource (coordinators)."""
    resource = services.update_resource(actor(), resource_id, _values(json_body()))
    db.session.commit()
    return jsonify(resource_json(resource))
