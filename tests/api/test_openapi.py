"""The OpenAPI document: valid 3.1, describes every API route, and the API answers as it says."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import OpenAPIV31SpecValidator

from pooling.api.openapi import build_document
from pooling.core.actors import SYSTEM
from pooling.extensions import db
from pooling.qualifications import services as qualifications
from tests.factories import (
    make_coordinator,
    make_organisation,
    make_resource,
    make_token,
    make_user,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DOCUMENTED_PREFIXES = ("/api/v1/", "/ical/")
CONVERTER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")


def flask_routes(app) -> set[tuple[str, str]]:
    """(METHOD, /path/{param}) of every API and feed route the application serves."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(DOCUMENTED_PREFIXES):
            continue
        path = CONVERTER.sub(r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method, path))
    return routes


def test_document_is_served_without_authentication(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["openapi"] == "3.1.0"


def test_document_is_valid_openapi_3_1(app):
    errors = [error.message for error in OpenAPIV31SpecValidator(build_document()).iter_errors()]
    assert errors == []


def test_every_api_route_is_documented(app):
    paths = build_document()["paths"]
    documented = {(method.upper(), path) for path, item in paths.items() for method in item}
    missing = sorted(flask_routes(app) - documented)
    assert not missing, f"document these routes in pooling/api/openapi.py: {missing}"


def test_every_endpoint_of_the_contract_is_documented(app):
    paths = build_document()["paths"]
    expected = {
        ("get", "/api/v1/me"),
        ("get", "/api/v1/organisations"),
        ("post", "/api/v1/organisations"),
        ("get", "/api/v1/resources"),
        ("post", "/api/v1/resources"),
        ("patch", "/api/v1/resources/{resource_id}"),
        ("get", "/api/v1/resources/{resource_id}/availability"),
        ("get", "/api/v1/bookings"),
        ("post", "/api/v1/bookings"),
        ("patch", "/api/v1/bookings/{booking_id}"),
        ("post", "/api/v1/bookings/{booking_id}/cancel"),
        ("post", "/api/v1/bookings/{booking_id}/approve"),
        ("post", "/api/v1/bookings/{booking_id}/reject"),
        ("post", "/api/v1/bookings/{booking_id}/check-in"),
        ("post", "/api/v1/bookings/{booking_id}/check-out"),
        ("post", "/api/v1/series/{series_id}/cancel"),
        ("get", "/api/v1/usage"),
        ("post", "/api/v1/cost-periods"),
        ("post", "/api/v1/cost-periods/{period_id}/costs"),
        ("get", "/api/v1/cost-periods/{period_id}/allocation"),
        ("post", "/api/v1/cost-periods/{period_id}/close"),
        ("get", "/api/v1/feeds"),
        ("post", "/api/v1/feeds"),
        ("delete", "/api/v1/feeds/{feed_id}"),
        ("get", "/ical/{secret}.ics"),
        ("get", "/api/v1/qualifications"),
        ("post", "/api/v1/qualifications"),
        ("get", "/api/v1/qualifications/{qualification_id}/holders"),
        ("post", "/api/v1/qualifications/{qualification_id}/holders"),
        ("delete", "/api/v1/qualifications/{qualification_id}/holders/{user_id}"),
    }
    assert expected <= {(m, p) for p, item in paths.items() for m in item}


def test_authenticated_operations_declare_401_and_bearer_security(app):
    document = build_document()
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security") == []:
                continue
            assert "401" in operation["responses"], (method, path)


@pytest.fixture
def populated(app):
    """A small pole, so that lists and reads have something to answer."""
    organisation = make_organisation("Les Jardins de Cocagne")
    make_organisation("SCOP Bois & Compagnie")
    make_resource("Salle Jaurès", capacity=12, owner_organisation_id=organisation.id)
    make_resource("Chaises pliantes", kind="equipment", quantity=40, unit="chaise")
    make_resource("Ancienne salle", active=False)
    holder = make_user(organisation, role="org_admin")
    permis = qualifications.create_qualification(SYSTEM, "Permis B", 60)
    qualifications.record_holder(SYSTEM, permis.id, holder.id)
    db.session.commit()
    return make_token(make_coordinator())


def test_read_endpoints_answer_as_the_document_says(app, populated):
    """Generated calls to the reads of me, organisations, resources and qualifications (with
    their holders): no 5xx, answers fit."""
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    schemathesis.experimental.OPEN_API_3_1.enable()
    schema = schemathesis.from_dict(build_document(), app=app).include(
        method="GET",
        path_regex=r"^/api/v1/(me|organisations|resources|qualifications)(/\{[a-z_]+\})?(/holders)?$",
    )
    headers = {"Authorization": f"Bearer {populated}"}
    checks = (
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
        schemathesis.checks.response_schema_conformance,
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks)

        call()
