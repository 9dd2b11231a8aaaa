"""Input at the edges of what the API can hold: far-off years, huge numbers, control characters.

Each of these answered 500 once; each must be a clear 422 (or 404 for a path id) that
changes nothing, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.resources.models import Resource
from tests.factories import make_coordinator, make_organisation, make_resource, make_user
from tests.world import ALWAYS_OPEN as ALWAYS

FAR_INSTANTS = [
    "0001-01-01T10:00:00+01:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:00:00-12:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T10:00:00+01:00",
    "1899-12-31T23:00:00Z",
    "2201-01-01T00:00:00Z",
]


@pytest.fixture
def world(app):
    class World:
        pass

    w = World()
    w.organisation = make_organisation("Les Jardins")
    w.member = make_user(w.organisation, name="Alice")
    w.coordinator = make_coordinator(name="Camille")
    w.room = make_resource("Salle Jaurès", opening_hours=ALWAYS, max_advance_days=800)
    return w


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def soon(hours: int) -> str:
    """A whole hour ``hours`` from now, in UTC with Z."""
    moment = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def a_booking(api, world, *, start_hours: int = 48) -> dict:
    response = api(world.member).post(
        "/api/v1/bookings",
        json={
            "resource_id": world.room.id,
            "start": soon(start_hours),
            "end": soon(start_hours + 1),
            "title": "Réunion",
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def assert_refused_field(response, field: str) -> None:
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True))
    assert field in response.json["fields"], response.json
    assert response.json["fields"][field][0]


@pytest.mark.parametrize("far", FAR_INSTANTS)
@pytest.mark.parametrize("field", ["start", "end"])
def test_booking_at_a_far_off_year_is_refused_with_the_field_named(api, world, far, field):
    times = {"start": soon(48), "end": soon(49)} | {field: far}
    response = api(world.member).post(
        "/api/v1/bookings", json={"resource_id": world.room.id, "title": "Réunion", **times}
    )
    assert_refused_field(response, field)
    assert "1900" in response.json["fields"][field][0]
    assert count(Booking) == 0


@pytest.mark.parametrize("far", FAR_INSTANTS)
def test_moving_a_booking_to_a_far_off_year_is_refused(api, world, far):
    booking = a_booking(api, world)
    response = api(world.member).patch(f"/api/v1/bookings/{booking['id']}", json={"start": far})
    assert_refused_field(response, "start")
    assert api(world.member).get(f"/api/v1/bookings/{booking['id']}").json == booking


@pytest.mark.parametrize("far", FAR_INSTANTS)
@pytest.mark.parametrize("act", ["check-in", "check-out"])
def test_check_in_or_out_at_a_far_off_year_is_refused(api, world, far, act):
    booking = a_booking(api, world, start_hours=1)
    response = api(world.coordinator).post(
        f"/api/v1/bookings/{booking['id']}/{act}", json={"at": far}
    )
    assert_refused_field(response, "at")
    stored = db.session.get(Booking, booking["id"])
    assert stored.checked_in_at is None and stored.checked_out_at is None


@pytest.mark.parametrize("far", FAR_INSTANTS)
@pytest.mark.parametrize("field", ["start", "end"])
def test_availability_at_a_far_off_year_is_refused(api, world, far, field):
    times = {"start": soon(48), "end": soon(49)} | {field: far}
    response = api(world.member).get(
        f"/api/v1/resources/{world.room.id}/availability", query_string=times
    )
    assert_refused_field(response, field)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/bookings?start={far}&end=2030-01-01T00:00:00Z",
        "/api/v1/resources?available_start={far}&available_end=2030-01-01T00:00:00Z",
    ],
)
def test_lists_filtered_by_a_far_off_year_are_refused(api, world, path):
    response = api(world.member).get(path.format(far="0001-01-01T00:00:00Z"))
    assert response.status_code == 422, response.json


@pytest.mark.parametrize("key", ["slot_minutes", "min_duration_minutes", "max_advance_days"])
@pytest.mark.parametrize("value", [0, -1, 2**31, 10**30])
def test_resource_with_out_of_range_rules_is_refused(api, world, key, value):
    before = count(Resource)
    response = api(world.coordinator).post(
        "/api/v1/resources", json={"name": "Salle", "kind": "premises", "rules": {key: value}}
    )
    assert_refused_field(response, key)
    assert count(Resource) == before


def test_resource_with_a_slot_of_zero_minutes_at_top_level_is_refused(api, world):
    response = api(world.coordinator).post(
        "/api/v1/resources", json={"name": "Salle", "kind": "premises", "slot_minutes": 0}
    )
    assert_refused_field(response, "slot_minutes")


@pytest.mark.parametrize(
    "name", ["resource_id", "organisation_id", "user_id", "series_id", "limit", "page"]
)
@pytest.mark.parametrize(
    "value", ["99999999999999999999", "2147483648", "-2147483649", "-99999999999999999999"]
)
def test_list_parameters_beyond_the_integer_range_are_refused(api, world, name, value):
    response = api(world.member).get("/api/v1/bookings", query_string={name: value})
    assert_refused_field(response, name)


@pytest.mark.parametrize("value", ["2147483648", "-2147483649"])
def test_quotas_of_an_organisation_beyond_the_integer_range_are_refused(api, world, value):
    response = api(world.coordinator).get("/api/v1/quotas", query_string={"organisation_id": value})
    assert_refused_field(response, "organisation_id")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/bookings/99999999999999999999",
        "/api/v1/bookings/2147483648",
        "/api/v1/resources/99999999999999999999",
        "/api/v1/resources/99999999999999999999/availability?start=2030-01-01T00:00:00Z&end=2030-01-02T00:00:00Z",
    ],
)
def test_path_ids_beyond_the_integer_range_are_not_found(api, world, path):
    assert api(world.member).get(path).status_code == 404


@pytest.mark.parametrize("number", [2**31, 10**20, -(2**31) - 1])
def test_booking_numbers_beyond_the_integer_range_are_refused(api, world, number):
    response = api(world.member).post(
        "/api/v1/bookings",
        json={
            "resource_id": world.room.id,
            "start": soon(48),
            "end": soon(49),
            "title": "Réunion",
            "quantity": number,
        },
    )
    assert_refused_field(response, "quantity")
    assert count(Booking) == 0


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\n", "\ud800"])
def test_a_title_with_a_control_character_is_refused(api, world, character):
    response = api(world.member).post(
        "/api/v1/bookings",
        json={
            "resource_id": world.room.id,
            "start": soon(48),
            "end": soon(49),
            "title": f"Réunion{character}bureau",
        },
    )
    assert_refused_field(response, "title")
    assert count(Booking) == 0


def test_retitling_a_booking_with_a_nul_character_is_refused(api, world):
    booking = a_booking(api, world)
    response = api(world.member).patch(
        f"/api/v1/bookings/{booking['id']}", json={"title": "Ré\x00union"}
    )
    assert_refused_field(response, "title")
    assert db.session.get(Booking, booking["id"]).title == "Réunion"


def test_a_cancellation_reason_may_span_lines_but_not_hold_control_characters(api, world):
    booking = a_booking(api, world)
    refused = api(world.member).post(
        f"/api/v1/bookings/{booking['id']}/cancel", json={"reason": "Grève\x00"}
    )
    assert_refused_field(refused, "reason")
    assert db.session.get(Booking, booking["id"]).status == "confirmed"
    accepted = api(world.member).post(
        f"/api/v1/bookings/{booking['id']}/cancel", json={"reason": "Grève\n\tdes transports"}
    )
    assert accepted.status_code == 200, accepted.json


@pytest.mark.parametrize("field", ["name", "location", "unit"])
def test_a_resource_name_with_a_control_character_is_refused(api, world, field):
    before = count(Resource)
    response = api(world.coordinator).post(
        "/api/v1/resources",
        json={"name": "Salle", "kind": "premises", field: "Salle\x00\x1b[31m"},
    )
    assert_refused_field(response, field)
    assert count(Resource) == before


def test_a_resource_description_keeps_its_lines(api, world):
    response = api(world.coordinator).post(
        "/api/v1/resources",
        json={"name": "Salle", "kind": "premises", "description": "Étage 2\n\tporte B"},
    )
    assert response.status_code == 201, response.json
    assert response.json["description"] == "Étage 2\n\tporte B"


def test_an_organisation_name_with_a_control_character_is_refused(api, world):
    response = api(world.coordinator).post("/api/v1/organisations", json={"name": "SCOP\x00Bois"})
    assert_refused_field(response, "name")


def test_an_idempotency_key_with_a_control_character_is_refused(api, world):
    response = api(world.member).post(
        "/api/v1/bookings",
        json={"resource_id": world.room.id, "start": soon(48), "end": soon(49), "title": "R"},
        headers={"Idempotency-Key": "clé\x00"},
    )
    assert_refused_field(response, "Idempotency-Key")
    assert count(Booking) == 0
