"""Organisations in the API: list, read, create, edit."""

from flask import jsonify, url_for

from pooling.api import bp
from pooling.api.helpers import actor, json_body, page
from pooling.extensions import db
from pooling.organisations import services
from pooling.organisations.services import OrganisationInput


def organisation_json(organisation) -> dict:
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
    fields = ("name", "slug", "kind", "siret", "weight", "active")
    return OrganisationInput(**{key: body[key] for key in fields if key in body})


@bp.get("/organisations")
def list_organisations():
    items, next_url = page(services.list_organisations())
    return jsonify(items=[organisation_json(o) for o in items], next=next_url)


@bp.get("/organisations/<int:org_id>")
def get_organisation(org_id: int):
    return jsonify(organisation_json(services.get_organisation(org_id)))


@bp.post("/organisations")
def create_organisation():
    body = json_body()
    organisation = services.create_organisation(actor(), _input(body))
    db.session.commit()
    response = jsonify(organisation_json(organisation))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_organisation", org_id=organisation.id)
    return response


@bp.patch("/organisations/<int:org_id>")
def update_organisation(org_id: int):
    organisation = services.update_organisation(actor(), org_id, _input(json_body()))
    db.session.commit()
    return jsonify(organisation_json(organisation))
