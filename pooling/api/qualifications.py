"""Qualifications in the API: the list, defining one (coordinators), and who holds each
(coordinators, and referents for the people of their organisation)."""

from __future__ import annotations

from flask import Response, jsonify, request

from pooling.api import bp
from pooling.api.helpers import LOCATION, actor, created, list_response
from pooling.api.operations import operation
from pooling.api.schemas.common import Page, Paging
from pooling.api.schemas.qualifications import Holder, HolderInput, QualificationInput
from pooling.api.schemas.qualifications import Qualification as QualificationAnswer
from pooling.extensions import db
from pooling.qualifications import services
from pooling.qualifications.models import Qualification, QualificationHolder


def qualification_json(qualification: Qualification) -> dict:
    return {
        "id": qualification.id,
        "name": qualification.name,
        "validity_months": qualification.validity_months,
    }


def holder_json(holding: QualificationHolder) -> dict:
    return {
        "qualification_id": holding.qualification_id,
        "user_id": holding.user_id,
        "name": holding.user.name,
        "valid_until": holding.valid_until.isoformat() if holding.valid_until else None,
        "valid": holding.valid_on(services.pole_today()),
    }


def qualification_to_record(user) -> None:
    """The guard of recording a holder: 403, then 404 for an unknown qualification, come
    before what is wrong with the body (422)."""
    services.ensure_can_record(user)
    services.get_qualification(request.view_args["qualification_id"])


@bp.get("/qualifications")
@operation(
    "The qualifications a resource may require",
    tag="qualifications",
    query=Paging,
    answers={200: Page[QualificationAnswer]},
)
def list_qualifications(query: Paging) -> Response:
    """Every qualification of the pole, by name."""
    return list_response(services.list_qualifications(), qualification_json, query)


@bp.post("/qualifications")
@operation(
    "Define a qualification (coordinator)",
    tag="qualifications",
    body=QualificationInput,
    answers={201: (QualificationAnswer, LOCATION)},
    errors=(403,),
    guard=services.ensure_can_define,
)
def create_qualification(body: QualificationInput) -> Response:
    """A licence or a training that resources may require, with an optional validity."""
    qualification = services.create_qualification(actor(), body.name, body.validity_months)
    db.session.commit()
    return created(
        qualification_json(qualification),
        "api.get_qualification",
        qualification_id=qualification.id,
    )


@bp.get("/qualifications/<int:qualification_id>")
@operation(
    "One qualification", tag="qualifications", answers={200: QualificationAnswer}, errors=(404,)
)
def get_qualification(qualification_id: int) -> Response:
    """A qualification, with its default validity."""
    return jsonify(qualification_json(services.get_qualification(qualification_id)))


@bp.get("/qualifications/<int:qualification_id>/holders")
@operation(
    "Who holds a qualification (coordinator, or referent for their people)",
    tag="qualifications",
    query=Paging,
    answers={200: Page[Holder]},
    errors=(403, 404),
    guard=services.ensure_can_record,
)
def list_holders(qualification_id: int, query: Paging) -> Response:
    """The holders among the people the caller is in charge of, with their last valid day."""
    return list_response(services.holders(actor(), qualification_id), holder_json, query)


@bp.post("/qualifications/<int:qualification_id>/holders")
@operation(
    "Record that a person holds a qualification (coordinator, or referent for their people)",
    tag="qualifications",
    body=HolderInput,
    answers={201: (Holder, LOCATION), 200: Holder},
    errors=(403, 404),
    guard=qualification_to_record,
)
def record_holder(qualification_id: int, body: HolderInput) -> Response:
    """201 for a new holder; 200 when it renews one (the new date replaces the old)."""
    holding, new = services.record_holder(actor(), qualification_id, body.user_id, body.valid_until)
    db.session.commit()
    if new:
        return created(holder_json(holding), "api.list_holders", qualification_id=qualification_id)
    return jsonify(holder_json(holding))


@bp.delete("/qualifications/<int:qualification_id>/holders/<int:user_id>")
@operation(
    "The person no longer holds the qualification (coordinator, or referent for their people)",
    tag="qualifications",
    answers={204: "Removed."},
    errors=(403, 404),
    guard=services.ensure_can_record,
)
def remove_holder(qualification_id: int, user_id: int):
    services.remove_holder(actor(), qualification_id, user_id)
    db.session.commit()
    return "", 204
