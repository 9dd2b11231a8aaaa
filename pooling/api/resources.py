"""Resources in the API: catalogue search, read, create and edit (coordinators)."""

from __future__ import annotations

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.helpers import LOCATION, actor, created, interval, list_response
from pooling.api.operations import operation
from pooling.api.schemas.common import Page
from pooling.api.schemas.resources import Resource, ResourceInput, ResourceQuery
from pooling.bookings import queries as booking_queries
from pooling.extensions import db
from pooling.resources import services
from pooling.resources.models import Resource as ResourceRow


def resource_json(resource: ResourceRow) -> dict:
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
        "required_qualifications": [q.id for q in resource.required_qualifications],
        "parts": sorted(part.id for part in resource.parts),
    }


def _values(body: ResourceInput) -> services.ResourceValues:
    """The service's values from the body: the fields it gives, the rules at the top level or
    in ``rules`` (which win); a null empties the field."""
    given = body.model_dump(exclude_unset=True, exclude={"rules"})
    if body.rules is not None:
        given.update(body.rules.model_dump(exclude_unset=True))
    if given.get("required_qualifications") is not None:
        given["required_qualifications"] = tuple(given["required_qualifications"])
    if given.get("parts") is not None:
        given["parts"] = tuple(given["parts"])
    return services.ResourceValues(
        **{key: value for key, value in given.items() if value is not None},
        cleared=frozenset(key for key, value in given.items() if value is None),
    )


@bp.get("/resources")
@operation(
    "Search the shared resources",
    tag="resources",
    query=ResourceQuery,
    answers={200: Page[Resource]},
)
def list_resources(query: ResourceQuery) -> Response:
    """The catalogue: filters by kind, text, minimum capacity and a free interval."""
    filters = services.CatalogueFilter(
        kind=query.kind,
        q=query.q,
        capacity_min=query.capacity_min,
        include_inactive=query.include_inactive,
    )
    window = interval(query, "available_start", "available_end")
    if window is None:
        resources = services.search_resources(actor(), filters)
    else:
        # Only what can take a booking of the whole interval, as the booking engine decides.
        resources = booking_queries.free_resources(actor(), filters, *window)
    return list_response(resources, resource_json, query)


@bp.get("/resources/<int:resource_id>")
@operation("One shared resource", tag="resources", answers={200: Resource}, errors=(404,))
def get_resource(resource_id: int) -> Response:
    """One resource; an inactive one is only shown to coordinators (404 otherwise)."""
    return jsonify(resource_json(services.get_resource(actor(), resource_id)))


@bp.post("/resources")
@operation(
    "Add a shared resource (coordinator)",
    tag="resources",
    body=ResourceInput,
    answers={201: (Resource, LOCATION)},
    errors=(403,),
    guard=services.ensure_can_add,
)
def create_resource(body: ResourceInput) -> Response:
    """Add a resource to the catalogue (coordinators)."""
    resource = services.create_resource(actor(), _values(body))
    db.session.commit()
    return created(resource_json(resource), "api.get_resource", resource_id=resource.id)


@bp.patch("/resources/<int:resource_id>")
@operation(
    "Edit, deactivate or reactivate a resource (coordinator)",
    tag="resources",
    body=ResourceInput,
    answers={200: Resource},
    errors=(403, 404),
    guard=services.ensure_can_edit,
)
def update_resource(resource_id: int, body: ResourceInput) -> Response:
    """Edit, deactivate or reactivate a resource (coordinators)."""
    resource = services.update_resource(actor(), resource_id, _values(body))
    db.session.commit()
    return jsonify(resource_json(resource))
