"""Every form of the site refuses what cannot be stored: far-off years, control characters,
numbers beyond the database's integers; with the message next to the field, never a 500."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.resources.models import Closure, Resource
from tests.conftest import csrf_token
from tests.factories import (
    add_membership,
    make_coordinator,
    make_organisation,
    make_resource,
    make_user,
)
from tests.resources.test_resource_management import error_of, resource_data
from tests.world import ALWAYS_OPEN as ALWAYS


@pytest.fixture
def coordinator(login):
    return login(make_coordinator(locale="en"))


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize("field", ["name", "location", "unit"])
def test_a_resource_text_with_a_control_character_is_refused_next_to_the_field(coordinator, field):
    before = count(Resource)
    token = csrf_token(coordinator, "/resources/new")
    response = coordinator.post(
        "/resources/new", data=resource_data(token, **{field: "Salle\x1b[31m rouge"})
    )
    assert response.status_code == 422
    assert "control character" in error_of(response.get_data(as_text=True), field)
    assert count(Resource) == before


def test_a_resource_description_may_span_lines_but_holds_no_other_control_character(
    coordinator,
):
    token = csrf_token(coordinator, "/resources/new")
    refused = coordinator.post(
        "/resources/new", data=resource_data(token, description="Étage 2\x00")
    )
    assert refused.status_code == 422
    assert "line breaks and tabs" in error_of(refused.get_data(as_text=True), "description")
    accepted = coordinator.post(
        "/resources/new", data=resource_data(token, description="Étage 2\r\n\tporte B")
    )
    assert accepted.status_code == 302
    assert db.session.scalar(select(Resource.description)) == "Étage 2\r\n\tporte B"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_a_closure_in_a_far_off_year_is_refused(coordinator, day):
    room = make_resource()
    url = f"/resources/{room.id}"
    response = coordinator.post(
        f"{url}/closures",
        data={
            "csrf_token": csrf_token(coordinator, url),
            "start_on": day,
            "end_on": day,
            "reason": "Travaux",
        },
    )
    assert response.status_code in (302, 422)
    assert count(Closure) == 0
    page = coordinator.get(url).get_data(as_text=True) if response.status_code == 302 else ""
    assert "between the years 1900 and 2200" in response.get_data(as_text=True) + page


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"date": "0001-01-01"}, "date", "between the years 1900 and 2200"),
        ({"date": "9999-12-31"}, "date", "between the years 1900 and 2200"),
        ({"title": "Réunion\x07"}, "title", "control character"),
        ({"title": "Réunion\nbureau"}, "title", "control character"),
        ({"organisation_id": "99999999999999999999"}, "organisation_id", "too large"),
        ({"quantity": "99999999999999999999"}, "quantity", ""),
    ],
)
def test_the_booking_form_refuses_what_cannot_be_stored(login, values, field, message):
    organisation = make_organisation("Les Jardins")
    member = make_user(organisation, locale="en")
    add_membership(member, make_organisation("SCOP Bois"))  # so that the form asks on whose behalf
    room = make_resource("Salle Jaurès", opening_hours=ALWAYS, max_advance_days=800)
    client = login(member)
    day = date.today() + timedelta(days=3)
    data = {
        "csrf_token": csrf_token(client, "/bookings/new"),
        "resource_id": str(room.id),
        "organisation_id": str(organisation.id),
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "quantity": "1",
        "title": "Réunion",
        "repeat": "none",
        **values,
    }
    response = client.post("/bookings/new", data=data)
    assert response.status_code == 422, response.status_code
    assert message in error_of(response.get_data(as_text=True), field)
    assert count(Booking) == 0


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01&to=9999-12-31",
        "object_id=99999999999999999999&actor_id=99999999999999999999",
        "action=%00&object_type=%1b",
    ],
)
def test_the_audit_trail_ignores_filters_it_cannot_use(coordinator, query):
    response = coordinator.get(f"/audit/?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_resource_calendar_at_a_far_off_date_shows_today(login, day):
    room = make_resource("Salle Jaurès")
    client = login(make_user(make_organisation("Les Jardins"), locale="en"))
    response = client.get(f"/calendar/resources/{room.id}?date={day}")
    assert response.status_code == 200
    today = datetime.now(ZoneInfo("Europe/Paris")).date()  # the pole's day, as the page reads it
    assert f'data-initial-date="{today.isoformat()}"' in response.get_data(as_text=True)


def test_accounting_codes_of_ids_beyond_the_integer_range_name_nothing(coordinator):
    organisation = make_organisation("Les Jardins")
    token = csrf_token(coordinator, "/costs/accounting-codes")
    response = coordinator.post(
        "/costs/accounting-codes",
        data={
            "csrf_token": token,
            "org-99999999999999999999": "411000",
            f"org-{organisation.id}": "411JARD",
        },
    )
    assert response.status_code == 302
    page = coordinator.get("/costs/accounting-codes").get_data(as_text=True)
    assert "411JARD" in page


def test_a_staff_person_beyond_the_integer_range_is_refused_next_to_the_field(coordinator):
    token = csrf_token(coordinator, "/resources/new")
    response = coordinator.post(
        "/resources/new",
        data=resource_data(token, kind="staff", staff_user_id="99999999999999999999"),
    )
    assert response.status_code == 422
    assert "too large" in error_of(response.get_data(as_text=True), "staff_user_id")
    assert count(Resource) == 0
