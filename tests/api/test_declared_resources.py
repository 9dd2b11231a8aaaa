"""Resources, organisations and the calendar files on the declared API: typed values reach the
services, a null empties an optional field, and the document describes the calendar files."""

from __future__ import annotations

import pytest

from pooling.api.openapi import build_document
from pooling.core.actors import SYSTEM
from pooling.core.errors import RuleViolation
from pooling.extensions import db
from pooling.resources import services
from tests.factories import make_coordinator, make_organisation, make_resource


def test_a_null_empties_an_optional_field_and_an_absent_one_is_kept(app, api):
    owner = make_organisation("Ressourcerie")
    room = make_resource("Salle Jaurès", capacity=12, owner_organisation_id=owner.id)
    response = api(make_coordinator()).patch(
        f"/api/v1/resources/{room.id}", json={"capacity": None, "location": None}
    )
    assert response.status_code == 200, response.json
    assert response.json["capacity"] is None and response.json["location"] == ""
    assert response.json["owner_organisation_id"] == owner.id


def test_a_field_that_must_hold_a_value_cannot_be_emptied(app, api):
    room = make_resource("Salle Jaurès", slot_minutes=30)
    response = api(make_coordinator()).patch(
        f"/api/v1/resources/{room.id}", json={"rules": {"slot_minutes": None}}
    )
    assert response.status_code == 422
    assert "slot_minutes" in response.json["fields"]
    db.session.refresh(room)
    assert room.slot_minutes == 30


def test_rules_at_the_top_level_are_kept_and_those_in_rules_win(app, api):
    response = api(make_coordinator()).post(
        "/api/v1/resources",
        json={
            "name": "Atelier",
            "kind": "premises",
            "slot_minutes": 30,
            "max_advance_days": 90,
            "rules": {"slot_minutes": 60},
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["rules"]["slot_minutes"] == 60
    assert response.json["rules"]["max_advance_days"] == 90


def test_a_weight_that_is_not_a_number_is_refused_on_its_field(app, api):
    response = api(make_coordinator()).post(
        "/api/v1/organisations", json={"name": "Les Jardins", "weight": "beaucoup"}
    )
    assert response.status_code == 422
    assert "weight" in response.json["fields"]


def test_the_service_refuses_emptying_a_required_rule(app):
    room = make_resource("Salle B", quantity=3)
    with pytest.raises(RuleViolation) as refused:
        services.update_resource(
            SYSTEM, room.id, services.ResourceValues(cleared=frozenset({"quantity"}))
        )
    assert "quantity" in refused.value.fields


def test_the_service_checks_the_duration_bounds_against_the_stored_ones(app):
    room = make_resource("Salle C", min_duration_minutes=120)
    with pytest.raises(RuleViolation) as refused:
        services.update_resource(SYSTEM, room.id, services.ResourceValues(max_duration_minutes=60))
    assert "max_duration_minutes" in refused.value.fields


def test_the_document_describes_the_calendar_files(app):
    paths = build_document()["paths"]
    feed = paths["/ical/{secret}.ics"]["get"]
    assert feed["security"] == []
    assert "text/calendar" in feed["responses"]["200"]["content"]
    assert set(feed["responses"]) >= {"200", "304", "404", "429"}
    assert "text/html" in feed["responses"]["404"]["content"]
    booking = paths["/bookings/{booking_id}.ics"]["get"]
    assert booking["security"] == [{"sessionCookie": []}]
    assert "text/calendar" in booking["responses"]["200"]["content"]


def test_a_created_resource_is_documented_with_its_location(app):
    created = build_document()["paths"]["/api/v1/resources"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]
    assert created["content"]["application/json"]["schema"]["$ref"].endswith("/Resource")
