"""The schema-driven API: every operation declares its messages, input is validated by them
into the contract's envelope (translated), and answers are checked against them under test."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Blueprint, jsonify
from pydantic import BaseModel
from sqlalchemy import func, select

from pooling.api.operations import operation
from pooling.api.schemas.common import Answer, Query
from pooling.extensions import db
from pooling.resources.models import Closure
from tests.factories import make_coordinator, make_organisation, make_user

PARIS = ZoneInfo("Europe/Paris")
WRITES = {"POST", "PUT", "PATCH"}


def api_views(app):
    """(rule, methods, view) of every route under /api/v1."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            yield rule, methods, app.view_functions[rule.endpoint]


def test_every_api_route_declares_its_request_and_response_schemas(app):
    undeclared, without_answer_model, without_body_model = [], [], []
    for rule, methods, view in api_views(app):
        spec = getattr(view, "operation", None)
        if spec is None:
            undeclared.append(rule.rule)
            continue
        for status, answer in spec.answers.items():
            # Every answer with a body has a model (with what is said of its headers, as
            # ``(Model, {...})``); 204 and redirections have none.
            answer = answer[0] if isinstance(answer, tuple) else answer
            if status not in (204, 301, 302, 303, 304) and not (
                isinstance(answer, type) and issubclass(answer, BaseModel)
            ):
                without_answer_model.append((rule.rule, status))
        reads_body = "body" in getattr(view, "__wrapped__", view).__code__.co_varnames
        if WRITES & set(methods) and reads_body and spec.body is None:
            without_body_model.append(rule.rule)
    assert undeclared == []
    assert without_answer_model == []
    assert without_body_model == []


def test_handlers_read_no_raw_json(app):
    """Input reaches handlers only through their schemas: none reads request.json itself."""
    readers = [
        rule.rule
        for rule, _methods, view in api_views(app)
        if {"json_body", "get_json", "json", "args", "form"}
        & set(getattr(view, "__wrapped__", view).__code__.co_names)
    ]
    assert readers == []


@pytest.fixture
def coordinator(app):
    organisation = make_organisation("Maison des Associations")
    make_user(organisation, role="member")
    return make_coordinator()


def closure_body(**change) -> dict:
    day = date.today() + timedelta(days=20)
    body = {
        "start": datetime.combine(day, time(8), tzinfo=PARIS).isoformat(),
        "end": datetime.combine(day, time(18), tzinfo=PARIS).isoformat(),
        "reason": "Travaux",
    }
    body.update(change)
    return {name: value for name, value in body.items() if value is not ...}


def closures_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Closure))


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Give the time with an offset or Z"),
        ("fr", "Indiquez l'heure avec un décalage"),
    ],
)
def test_a_naive_time_is_refused_in_the_callers_language(api, coordinator, language, message):
    naive = (date.today() + timedelta(days=20)).isoformat() + "T08:00:00"
    response = api(coordinator).post(
        "/api/v1/closures",
        json=closure_body(start=naive),
        headers={"Accept-Language": language},
    )
    assert response.status_code == 422
    assert response.json["error"] == "naive_time"
    assert response.json["message"].startswith(message)
    assert list(response.json["fields"]) == ["start"]
    assert closures_count() == 0


def test_wrong_json_types_are_named_field_by_field_and_change_nothing(api, coordinator):
    response = api(coordinator).post(
        "/api/v1/closures",
        json=closure_body(resource_id="12", cancel_bookings="yes", reason=...),
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 422
    fields = response.json["fields"]
    assert fields["resource_id"] == ["Un nombre entier est attendu."]
    assert fields["cancel_bookings"] == ["true ou false est attendu."]
    assert fields["reason"] == ["Ce champ est obligatoire."]
    assert response.json["message"] == "Veuillez corriger les champs signalés."
    assert closures_count() == 0


def test_a_number_beyond_any_identifier_is_too_large(api, coordinator):
    response = api(coordinator).post(
        "/api/v1/closures",
        json=closure_body(resource_id=2**40),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json["fields"]["resource_id"] == ["This number is too large."]


def test_query_parameters_are_converted_and_checked(api, coordinator):
    client = api(coordinator)
    assert client.get("/api/v1/closures?limit=2&page=1").status_code == 200
    refused = client.get(
        "/api/v1/closures?limit=abc&resource_id=0", headers={"Accept-Language": "en"}
    )
    assert refused.status_code == 422
    assert refused.json["fields"]["limit"] == ["A whole number is expected."]
    assert refused.json["fields"]["resource_id"] == ["Must be at least 1."]
    # A limit above a page's size gives a full page rather than an error.
    assert client.get("/api/v1/closures?limit=100000").status_code == 200


def test_unknown_fields_are_ignored(api, coordinator):
    response = api(coordinator).post("/api/v1/closures", json=closure_body(colour="red"))
    assert response.status_code == 201, response.json
    assert "colour" not in response.json
    assert closures_count() == 1


class Greeting(Query):
    name: str


class Greeted(Answer):
    """A greeting."""

    text: str


def test_an_answer_out_of_its_schema_fails_under_test(app, caplog):
    """The answer check can fail: an extra key, or a missing one, is caught."""
    probe = Blueprint("probe", __name__)

    @probe.get("/probe/<int:times>")
    @operation("Greet", tag="meta", query=Greeting, answers={200: Greeted}, public=True)
    def greet(times: int, query: Greeting):
        if times == 1:
            return jsonify(text=f"Bonjour {query.name}")
        return jsonify(text=f"Bonjour {query.name}", times=times)

    app.register_blueprint(probe)
    client = app.test_client()
    assert client.get("/probe/1?name=Awa").json == {"text": "Bonjour Awa"}
    drifted = client.get("/probe/2?name=Awa")
    assert drifted.status_code == 500
    assert "out of its schema Greeted" in caplog.text
