"""Coordinators create, edit, deactivate resources and close them; bad input writes nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from pooling.core.time import local_day_bounds, local_to_utc
from pooling.extensions import db
from pooling.resources.models import Closure, Resource
from pooling.resources.opening_hours import WEEKDAYS
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_organisation, make_resource, make_user


@pytest.fixture
def coordinator(login):
    return login(make_coordinator(locale="en"))


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def resource_data(token: str, hours: dict | None = None, **values) -> dict:
    """A full resource form; ``hours`` maps "mon_1" to ("08:00", "12:00")."""
    data = {
        "csrf_token": token,
        "name": "Salle polyvalente",
        "kind": "premises",
        "description": "",
        "location": "",
        "capacity": "",
        "quantity": "1",
        "unit": "",
        "meter_unit": "",
        "owner_organisation_id": "",
        "active": "y",
        "slot_minutes": "15",
        "min_duration_minutes": "",
        "min_duration_unit": "minutes",
        "max_duration_minutes": "",
        "max_duration_unit": "minutes",
        "min_notice_minutes": "0",
        "min_notice_unit": "minutes",
        "max_advance_days": "365",
        "closed_on_public_holidays": "y",
    }
    for day in WEEKDAYS:
        for span in (1, 2):
            start, end = (hours or {}).get(f"{day}_{span}", ("", ""))
            data[f"hours_{day}_{span}_from"] = start
            data[f"hours_{day}_{span}_to"] = end
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def error_of(html: str, field: str) -> str:
    marker = f'id="{field}-error">'
    assert marker in html, f"no error shown next to {field}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]


def test_new_resource_form_starts_with_the_default_opening_hours(coordinator):
    html = coordinator.get("/resources/new").get_data(as_text=True)
    assert 'name="hours_mon_1_from" type="time" value="08:00"' in html
    assert 'name="hours_fri_1_to" type="time" value="19:00"' in html
    assert 'name="hours_sat_1_from" type="time" value=""' in html


def test_coordinator_creates_a_resource_with_two_spans_and_closed_days(coordinator):
    owner = make_organisation("Ressourcerie")
    token = csrf_token(coordinator, "/resources/new")
    response = coordinator.post(
        "/resources/new",
        data=resource_data(
            token,
            hours={
                "mon_1": ("08:00", "12:00"),
                "mon_2": ("14:00", "18:00"),
                "tue_2": ("09:00", "11:30"),
                "sat_1": ("20:00", "00:00"),
            },
            name="Camion",
            kind="equipment",
            description="Utilitaire 12 m³",
            location="Cour",
            quantity="2",
            unit="camions",
            meter_unit="km",
            owner_organisation_id=str(owner.id),
            requires_approval="y",
            slot_minutes="30",
            min_duration_minutes="60",
            max_duration_minutes="10",
            max_duration_unit="hours",
            min_notice_minutes="1",
            min_notice_unit="days",
            max_advance_days="60",
        ),
    )
    assert response.status_code == 302
    van = db.session.scalar(select(Resource).where(Resource.name == "Camion"))
    assert response.headers["Location"].endswith(f"/resources/{van.id}")
    assert van.opening_hours == {
        "mon": [["08:00", "12:00"], ["14:00", "18:00"]],
        "tue": [["09:00", "11:30"]],
        "sat": [["20:00", "24:00"]],
    }
    assert (van.kind, van.quantity, van.unit, van.meter_unit) == ("equipment", 2, "camions", "km")
    assert van.owner_organisation_id == owner.id and van.requires_approval is True
    assert van.rules["slot_minutes"] == 30 and van.rules["max_advance_days"] == 60
    assert (van.min_duration_minutes, van.max_duration_minutes, van.min_notice_minutes) == (
        60,
        600,
        1440,
    )


@pytest.mark.parametrize(
    "hours, values, field, message",
    [
        ({}, {"name": ""}, "name", "A name is required."),
        ({"mon_1": ("12:00", "08:00")}, {}, "hours_mon_1_to", "end after it starts"),
        ({"wed_1": ("08:00", "")}, {}, "hours_wed_1_to", "Give both times"),
        ({"thu_1": ("8h", "12:00")}, {}, "hours_thu_1_from", "HH:MM"),
        (
            {"fri_1": ("08:00", "13:00"), "fri_2": ("12:00", "18:00")},
            {},
            "hours_fri_1_to",
            "overlap",
        ),
        ({}, {"slot_minutes": "7"}, "slot_minutes", "divide a day"),
        (
            {},
            {"min_duration_minutes": "120", "max_duration_minutes": "60"},
            "max_duration_minutes",
            "must not be shorter",
        ),
        ({}, {"quantity": "0"}, "quantity", "between 1"),
    ],
)
def test_bad_resource_is_refused_next_to_the_field(coordinator, hours, values, field, message):
    before = count(Resource)
    token = csrf_token(coordinator, "/resources/new")
    response = coordinator.post("/resources/new", data=resource_data(token, hours, **values))
    assert response.status_code == 422
    assert message in error_of(response.get_data(as_text=True), field)
    assert count(Resource) == before


def test_coordinator_edits_a_resource_and_its_hours(coordinator):
    room = make_resource("Salle B", capacity=10)
    url = f"/resources/{room.id}/edit"
    page = coordinator.get(url).get_data(as_text=True)
    assert 'value="Salle B"' in page and 'name="hours_mon_1_from" type="time" value="08:00"' in page
    response = coordinator.post(
        url,
        data=resource_data(
            csrf_token(coordinator, url),
            hours={"sun_1": ("10:00", "16:00")},
            name="Salle Bleue",
            capacity="12",
        ),
    )
    assert response.status_code == 302
    db.session.refresh(room)
    assert (room.name, room.capacity) == ("Salle Bleue", 12)
    assert room.opening_hours == {"sun": [["10:00", "16:00"]]}


def test_coordinator_keeps_a_resource_open_on_public_holidays(coordinator):
    van = make_resource("Camion", kind="equipment")
    assert van.closed_on_public_holidays is True
    url = f"/resources/{van.id}/edit"
    page = coordinator.get(url).get_data(as_text=True)
    at = page.index('name="closed_on_public_holidays"')
    box = page[page.rindex("<", 0, at) : page.index(">", at)]
    assert "checked" in box

    response = coordinator.post(
        url,
        data=resource_data(
            csrf_token(coordinator, url), name="Camion", closed_on_public_holidays=None
        ),
    )

    assert response.status_code == 302
    db.session.refresh(van)
    assert van.closed_on_public_holidays is False
    detail = coordinator.get(f"/resources/{van.id}").get_data(as_text=True)
    assert "Open on public holidays." in detail


def test_bad_edit_leaves_the_resource_unchanged(coordinator):
    room = make_resource("Salle C", capacity=10)
    url = f"/resources/{room.id}/edit"
    response = coordinator.post(
        url,
        data=resource_data(
            csrf_token(coordinator, url),
            hours={"mon_1": ("18:00", "09:00")},
            name="Renommée",
        ),
    )
    assert response.status_code == 422
    db.session.expire_all()
    room = db.session.get(Resource, room.id)
    assert room.name == "Salle C"
    assert room.opening_hours["mon"] == [["08:00", "19:00"]]


def test_editing_an_unknown_resource_is_not_found(coordinator):
    assert coordinator.get("/resources/999/edit").status_code == 404


def test_coordinator_deactivates_and_reactivates_a_resource(coordinator, login):
    room = make_resource()
    token = csrf_token(coordinator, f"/resources/{room.id}")
    assert (
        coordinator.post(f"/resources/{room.id}/deactivate", data={"csrf_token": token}).status_code
        == 302
    )
    db.session.refresh(room)
    assert room.active is False
    member = login(make_user(make_organisation()))
    assert member.get(f"/resources/{room.id}").status_code == 404
    coordinator.post(f"/resources/{room.id}/reactivate", data={"csrf_token": token})
    db.session.refresh(room)
    assert room.active is True
    assert member.get(f"/resources/{room.id}").status_code == 200


def test_closure_of_whole_days_covers_the_local_days(coordinator, app):
    room = make_resource()
    url = f"/resources/{room.id}"
    response = coordinator.post(
        f"{url}/closures",
        data={
            "csrf_token": csrf_token(coordinator, url),
            "start_on": "2030-12-24",
            "end_on": "2031-01-02",
            "reason": "Fêtes de fin d'année",
        },
    )
    assert response.status_code == 302
    closure = db.session.scalar(select(Closure))
    assert closure.resource_id == room.id
    assert closure.start_at == local_day_bounds(date(2030, 12, 24))[0]
    assert closure.end_at == local_day_bounds(date(2031, 1, 2))[1]
    html = coordinator.get(url).get_data(as_text=True)
    assert "Fêtes de fin d&#39;année" in html
    assert "December 24, 2030" in html and "January 2, 2031" in html


def test_closure_with_times_converts_local_wall_times(coordinator):
    room = make_resource()
    url = f"/resources/{room.id}"
    coordinator.post(
        f"{url}/closures",
        data={
            "csrf_token": csrf_token(coordinator, url),
            "start_on": "2030-07-01",
            "start_time": "14:00",
            "end_on": "2030-07-01",
            "end_time": "18:00",
            "reason": "Désinfection",
        },
    )
    closure = db.session.scalar(select(Closure))
    assert closure.start_at == local_to_utc(datetime(2030, 7, 1, 14))
    assert closure.end_at == local_to_utc(datetime(2030, 7, 1, 18))


def test_closure_without_a_reason_is_refused(coordinator):
    room = make_resource()
    url = f"/resources/{room.id}"
    response = coordinator.post(
        f"{url}/closures",
        data={
            "csrf_token": csrf_token(coordinator, url),
            "start_on": "2030-08-01",
            "end_on": "2030-08-01",
        },
    )
    assert response.status_code == 422
    assert "Say why" in error_of(response.get_data(as_text=True), "reason")
    assert count(Closure) == 0


def test_closure_ending_before_it_starts_is_refused(coordinator):
    room = make_resource()
    url = f"/resources/{room.id}"
    response = coordinator.post(
        f"{url}/closures",
        data={
            "csrf_token": csrf_token(coordinator, url),
            "start_on": "2030-08-10",
            "end_on": "2030-08-01",
        },
    )
    assert response.status_code == 422
    assert "must end after it starts" in error_of(response.get_data(as_text=True), "end_on")
    assert count(Closure) == 0


def test_closure_in_the_daylight_saving_gap_is_refused(coordinator):
    room = make_resource()
    url = f"/resources/{room.id}"
    response = coordinator.post(
        f"{url}/closures",
        data={
            "csrf_token": csrf_token(coordinator, url),
            "start_on": "2030-03-31",
            "start_time": "02:30",
            "end_on": "2030-03-31",
        },
    )
    assert response.status_code == 422
    assert "daylight-saving" in error_of(response.get_data(as_text=True), "start_time")
    assert count(Closure) == 0


def test_pole_closures_page_adds_lists_and_removes(coordinator, login):
    room = make_resource("Salle D")
    other = make_resource("Salle E")
    token = csrf_token(coordinator, "/resources/closures")
    response = coordinator.post(
        "/resources/closures",
        data={
            "csrf_token": token,
            "start_on": "2030-08-01",
            "end_on": "2030-08-15",
            "reason": "Congés d'été",
        },
    )
    assert response.status_code == 302
    closure = db.session.scalar(select(Closure))
    assert closure.resource_id is None
    assert "Congés d&#39;été" in coordinator.get("/resources/closures").get_data(as_text=True)
    coordinator.post(
        f"/resources/{other.id}/closures",
        data={
            "csrf_token": token,
            "start_on": "2030-09-01",
            "end_on": "2030-09-01",
            "reason": "Travaux",
        },
    )
    member = login(make_user(make_organisation(), locale="en"))
    page = member.get(f"/resources/{room.id}").get_data(as_text=True)
    assert "Congés d&#39;été" in page and "whole pole" in page
    assert "Travaux" not in page
    assert "Remove" not in page
    response = coordinator.post(
        f"/resources/closures/{closure.id}/delete",
        data={"csrf_token": token, "next": f"/resources/{room.id}"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/resources/{room.id}")
    assert db.session.get(Closure, closure.id) is None
    assert count(Closure) == 1


def test_pole_closure_with_end_before_start_writes_nothing(coordinator):
    response = coordinator.post(
        "/resources/closures",
        data={
            "csrf_token": csrf_token(coordinator, "/resources/closures"),
            "start_on": "2030-08-15",
            "end_on": "2030-08-01",
        },
    )
    assert response.status_code == 422
    assert "must end after it starts" in error_of(response.get_data(as_text=True), "end_on")
    assert count(Closure) == 0


@pytest.mark.parametrize("role", ["member", "org_admin"])
def test_members_and_referents_cannot_add_or_remove_closures(login, role):
    room = make_resource()
    coordinator = make_coordinator()
    from pooling.resources import services

    closure = services.create_closure(coordinator, None, *local_day_bounds(date(2030, 5, 1)))
    db.session.commit()
    browser = login(make_user(make_organisation(), role=role))
    token = csrf_token(browser, "/account")
    data = {"csrf_token": token, "start_on": "2030-08-01", "end_on": "2030-08-02"}
    assert browser.post(f"/resources/{room.id}/closures", data=data).status_code == 403
    assert browser.post("/resources/closures", data=data).status_code == 403
    response = browser.post(f"/resources/closures/{closure.id}/delete", data={"csrf_token": token})
    assert response.status_code == 403
    assert count(Closure) == 1


def test_anonymous_visitor_cannot_post_management_actions(client):
    room = make_resource()
    token = csrf_token(client, "/login")
    for url in (
        "/resources/new",
        f"/resources/{room.id}/edit",
        f"/resources/{room.id}/deactivate",
        f"/resources/{room.id}/closures",
        "/resources/closures",
        "/resources/closures/1/delete",
    ):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]
