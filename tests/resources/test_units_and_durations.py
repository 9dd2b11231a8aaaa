"""Unit labels in the singular and the plural by count; durations typed in minutes, hours or days."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pooling.extensions import db
from pooling.resources.models import Resource
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_resource, make_user
from tests.resources.test_resource_management import error_of, resource_data

NB = "\u00a0"


@pytest.fixture
def coordinator(login):
    return login(make_coordinator(locale="fr"))


def test_a_unit_typed_in_the_singular_gets_its_usual_plural(coordinator):
    token = csrf_token(coordinator, "/resources/new")
    response = coordinator.post(
        "/resources/new",
        data=resource_data(
            token, name="Chaises pliantes", kind="equipment", quantity="40", unit="chaise"
        ),
    )
    assert response.status_code == 302
    chairs = db.session.scalar(select(Resource).where(Resource.name == "Chaises pliantes"))
    assert (chairs.unit, chairs.unit_plural) == ("chaise", "chaises")
    page = coordinator.get(f"/resources/{chairs.id}?lang=fr").get_data(as_text=True)
    assert f"40{NB}chaises" in page and "40 chaise<" not in page


def test_a_plural_given_by_the_coordinator_is_kept_and_shown_from_two_units(coordinator, login):
    token = csrf_token(coordinator, "/resources/new")
    coordinator.post(
        "/resources/new",
        data=resource_data(
            token,
            name="Appareils",
            kind="equipment",
            quantity="3",
            unit="appareil photo",
            unit_plural="appareils photo",
        ),
    )
    cameras = db.session.scalar(select(Resource).where(Resource.name == "Appareils"))
    assert cameras.unit_plural == "appareils photo"
    member = login(make_user(locale="fr"))
    listing = member.get("/resources/?lang=fr").get_data(as_text=True)
    assert f"3{NB}appareils photo" in listing
    one = make_resource("Projecteur", kind="equipment", quantity=1, unit="appareil")
    detail = member.get(f"/resources/{one.id}?lang=fr").get_data(as_text=True)
    assert f"1{NB}appareil<" in detail


def test_the_english_page_uses_the_plural_for_every_count_but_one(login):
    chairs = make_resource(
        "Chairs", kind="equipment", quantity=2, unit="chair", unit_plural="chairs"
    )
    page = login(make_user(locale="en")).get(f"/resources/{chairs.id}?lang=en")
    assert f"2{NB}chairs" in page.get_data(as_text=True)


def test_the_api_keeps_its_contract_without_the_plural(api):
    chairs = make_resource("Chaises", kind="equipment", quantity=40, unit="chaise")
    body = api(make_user()).get(f"/api/v1/resources/{chairs.id}").json
    assert body["unit"] == "chaise" and "unit_plural" not in body


def test_changing_the_unit_through_the_api_renews_its_usual_plural(api):
    chairs = make_resource("Mobilier", kind="equipment", quantity=4, unit="chaise")
    response = api(make_coordinator()).patch(
        f"/api/v1/resources/{chairs.id}", json={"unit": "table"}
    )
    assert response.status_code == 200, response.json
    db.session.refresh(chairs)
    assert chairs.unit_plural == "tables"


def test_durations_are_typed_in_hours_or_days_and_stored_in_minutes(coordinator):
    token = csrf_token(coordinator, "/resources/new")
    response = coordinator.post(
        "/resources/new",
        data=resource_data(
            token,
            name="Camionnette",
            kind="equipment",
            min_duration_minutes="2",
            min_duration_unit="hours",
            max_duration_minutes="3",
            max_duration_unit="days",
            min_notice_minutes="1",
            min_notice_unit="days",
        ),
    )
    assert response.status_code == 302
    van = db.session.scalar(select(Resource).where(Resource.name == "Camionnette"))
    assert (van.min_duration_minutes, van.max_duration_minutes, van.min_notice_minutes) == (
        120,
        3 * 1440,
        1440,
    )


def test_the_edit_form_shows_each_duration_in_its_largest_exact_unit(coordinator):
    room = make_resource(
        "Salle D",
        rules={"min_duration_minutes": 90, "max_duration_minutes": 480, "min_notice_minutes": 1440},
    )
    page = coordinator.get(f"/resources/{room.id}/edit?lang=fr").get_data(as_text=True)
    assert 'name="min_notice_minutes" type="number" value="1"' in page
    assert '<option selected value="days">jours</option>' in page
    assert 'name="max_duration_minutes" type="number" value="8"' in page
    assert 'name="min_duration_minutes" type="number" value="90"' in page
    assert "Délai de prévenance minimal" in page and "Durée minimale (minutes)" not in page


def test_an_unknown_duration_unit_is_refused_and_nothing_is_written(coordinator):
    before = db.session.scalar(select(func.count(Resource.id)))
    token = csrf_token(coordinator, "/resources/new")
    response = coordinator.post(
        "/resources/new",
        data=resource_data(token, min_notice_minutes="2", min_notice_unit="weeks"),
    )
    assert response.status_code == 422
    assert error_of(response.get_data(as_text=True), "min_notice_minutes")
    assert db.session.scalar(select(func.count(Resource.id))) == before


def test_a_negative_duration_is_refused_next_to_its_field(coordinator):
    token = csrf_token(coordinator, "/resources/new")
    response = coordinator.post(
        "/resources/new",
        data=resource_data(token, max_duration_minutes="-2", max_duration_unit="hours"),
    )
    assert response.status_code == 422
    assert error_of(response.get_data(as_text=True), "max_duration_minutes")
