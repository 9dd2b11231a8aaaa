"""Organisations in the API: list, read, create (coordinators), edit (coordinators)."""

from __future__ import annotations

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.helpers import actor, check_shape, created, json_body, list_response
from pooling.extensions import db
from pooling.organisations import services
from pooling.organisations.models import Organisation
from pooling.organisations.services import OrganisationInput

FIELD_SHAPES = {
    "name": "text?",
    "slug": "text?",
    "kind": "text?",
    "siret": "text?",
    "weight": "number?",
    "active": "boolean?",
}


def organisation_json(organisation: Organisation) -> dict:
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


def _input(body: dict) -> OrganisationInput:
    check_shape(body, FIELD_SHAPES)
    return OrganisationInput(**{key: body[key] for key in FIELD_SHAPES if key in body})


@bp.get("/organisations")
def list_organisations() -> Response:
    """Every member organisation, by name, inactive ones included (``active`` says which)."""
    return list_response(services.list_organisations(), organisation_json)


@bp.get("/organisations/<int:org_id>")
def get_organisation(org_id: int) -> Response:
    """One member organisation."""
    return jsonify(organisation_json(services.get_organisation(org_id)))


@bp.post("/organisations")
def create_organisation() -> Response:
    """Add a member organisation (coordinators)."""
    organisation = services.create_organisation(actor(), _input(json_body()))
    db.session.commit()
    return created(organisation_json(organisation), "api.get_organisation", org_id=organisation.id)


@bp.patch("/organisations/<int:org_id>")
def update_organisation(org_id: int) -> Response:
    """Edit, deactivate or reactivate a member organisation (coordinators)."""
    organisation = services.update_organisation(actor(), org_id, _input(json_body()))
    db.session.commit()
    return jsonify(organisation_json(organisation))
