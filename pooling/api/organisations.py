"""Organisations in the API: list, read, create (coordinators), edit (coordinators)."""

from __future__ import annotations

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.helpers import LOCATION, actor, created, list_response
from pooling.api.operations import operation
from pooling.api.schemas.common import Page, Paging
from pooling.api.schemas.organisations import Organisation, OrganisationInput
from pooling.extensions import db
from pooling.organisations import services
from pooling.organisations.models import Organisation as OrganisationRow


def organisation_json(organisation: OrganisationRow) -> dict:
    """An organisation as the API shows it (``weight`` as a decimal string)."""
    return {
        "id": organisation.id,
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "siret": organisation.siret,
        "weight": str(organisation.weight),
        "active": organisation.active,
    }


def _input(body: OrganisationInput) -> services.OrganisationInput:
    """The service's input: what the body gives (a null is "not given")."""
    return services.OrganisationInput(**body.model_dump(exclude_unset=True))


@bp.get("/organisations")
@operation(
    "Member organisations", tag="organisations", query=Paging, answers={200: Page[Organisation]}
)
def list_organisations(query: Paging) -> Response:
    """Every member organisation, by name, inactive ones included (``active`` says which)."""
    return list_response(services.list_organisations(), organisation_json, query)


@bp.get("/organisations/<int:org_id>")
@operation(
    "One member organisation", tag="organisations", answers={200: Organisation}, errors=(404,)
)
def get_organisation(org_id: int) -> Response:
    """One member organisation."""
    return jsonify(organisation_json(services.get_organisation(org_id)))


@bp.post("/organisations")
@operation(
    "Add a member organisation (coordinator)",
    tag="organisations",
    body=OrganisationInput,
    answers={201: (Organisation, LOCATION)},
    errors=(403,),
    guard=services.ensure_can_add,
)
def create_organisation(body: OrganisationInput) -> Response:
    """Add a member organisation (coordinators)."""
    organisation = services.create_organisation(actor(), _input(body))
    db.session.commit()
    return created(organisation_json(organisation), "api.get_organisation", org_id=organisation.id)


@bp.patch("/organisations/<int:org_id>")
@operation(
    "Edit or deactivate a member organisation (coordinator)",
    tag="organisations",
    body=OrganisationInput,
    answers={200: Organisation},
    errors=(403, 404),
    guard=services.ensure_can_edit,
)
def update_organisation(org_id: int, body: OrganisationInput) -> Response:
    """Edit, deactivate or reactivate a member organisation (coordinators)."""
    organisation = services.update_organisation(actor(), org_id, _input(body))
    db.session.commit()
    return jsonify(organisation_json(organisation))
