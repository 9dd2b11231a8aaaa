"""Errors of the booking form that help people recover: how many units are left and the next
free times after a clash, the opening hours, each error under its own field, a date that
does not exist, and hints that point only to what is shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pooling.bookings import queries
from pooling.bookings.availability import Taken, free_starts
from pooling.bookings.models import Booking
from pooling.extensions import db
from tests.bookings.conftest import local
from tests.factories import make_resource

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("booking_pages"),
]

NBSP = "\u00a0"


def _count() -> int:
    return db.session.scalar(select(func.count(Booking.id)))


def _form(resource, day: str, start: str, end: str, **more) -> dict:
    data = {
        "resource_id": str(resource.id),
        "date": day,
        "start_time": start,
        "end_time": end,
        "quantity": "1",
        "title": "Réunion",
        "repeat": "none",
        "interval": "1",
        "ending": "count",
        "count": "4",
        "on_conflict": "fail",
        "co_share": "50",
        "action": "confirm",
    }
    data.update(more)
    return data


def _error_of(html: str, field: str) -> str:
    marker = f'id="{field}-error">'
    assert marker in html, f"no error under {field}"
    return html.split(marker)[1].split("</p>")[0]


@pytest.fixture
def projectors():
    """Three projectors, open Monday to Friday 08:00-19:00 (the default opening hours)."""
    return make_resource("Vidéoprojecteur", kind="equipment", quantity=3, max_advance_days=800)


def _clash(pole, login, post_form, book, projectors, lang="fr"):
    # Tuesday 12 January 2027: Bob holds 2 of the 3 projectors from 14:00 to 16:00.
    book(pole.bob, projectors, "2027-01-12T14:00", "2027-01-12T16:00", quantity=2)
    client = login(pole.alice)
    client.get(f"/?lang={lang}")
    response = post_form(
        client, "/bookings/new", _form(projectors, "2027-01-12", "14:00", "16:00", quantity="2")
    )
    return response, response.get_data(as_text=True)


def test_clash_says_how_many_units_are_still_free_in_french(
    pole, login, post_form, book, projectors
):
    response, html = _clash(pole, login, post_form, book, projectors)
    assert response.status_code == 409
    assert _count() == 1
    assert f"Vidéoprojecteur{NBSP}: 1 sur 3 encore libre à ce moment." in html


def test_clash_says_how_many_units_are_still_free_in_english(
    pole, login, post_form, book, projectors
):
    response, html = _clash(pole, login, post_form, book, projectors, lang="en")
    assert response.status_code == 409
    assert "Vidéoprojecteur: 1 of 3 still free at that time." in html


def test_clash_proposes_the_next_free_times_of_the_same_duration(
    pole, login, post_form, book, projectors
):
    _response, html = _clash(pole, login, post_form, book, projectors)
    section = html.split('class="card free-times"')[1].split("</section>")[0]
    assert "Prochains créneaux libres pour la même durée" in section
    proposed = [part.split(">", 1)[1] for part in section.split("</a>")[:-1]]
    proposed = [text.rsplit(">", 1)[-1] for text in proposed]
    # 16:00 that day (Bob's units come back), then Wednesday morning: 18:00-20:00 would
    # pass the closing time of 19:00.
    assert proposed == [
        "mardi 12 janvier 2027, 16:00 – 18:00",
        "mercredi 13 janvier 2027, 08:00 – 10:00",
        "mercredi 13 janvier 2027, 10:00 – 12:00",
    ]
    assert 'data-date="2027-01-12" data-start="16:00" data-end="18:00"' in section
    assert "start=2027-01-12T16:00&amp;end=2027-01-12T18:00" in section
    assert "quantity=2" in section


def test_free_times_in_english(pole, login, post_form, book, projectors):
    _response, html = _clash(pole, login, post_form, book, projectors, lang="en")
    section = html.split('class="card free-times"')[1].split("</section>")[0]
    assert "Next free times for the same duration" in section
    assert "Tuesday, January 12, 2027, 16:00 – 18:00" in section


def test_a_proposed_free_time_can_be_booked(pole, login, post_form, book, projectors):
    _clash(pole, login, post_form, book, projectors)
    client = login(pole.alice)
    response = post_form(
        client, "/bookings/new", _form(projectors, "2027-01-12", "16:00", "18:00", quantity="2")
    )
    assert response.status_code == 302
    assert _count() == 2


def test_free_times_skip_a_fully_booked_day_and_the_weekend(pole, book):
    projectors = make_resource("Écran", kind="equipment", quantity=1, max_advance_days=800)
    # Friday 15 January 2027 is taken all day: the next free time is Monday morning.
    book(pole.bob, projectors, "2027-01-15T08:00", "2027-01-15T19:00")
    found = queries.clash_help(
        pole.alice, projectors.id, local("2027-01-15T10:00"), local("2027-01-15T11:00"), 1
    )
    assert found.free == 0 and found.total == 1
    assert found.free_times[0] == (local("2027-01-18T08:00"), local("2027-01-18T09:00"))


def test_free_starts_keeps_proposals_apart_and_respects_capacity():
    base = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)
    taken = [Taken(base, base + timedelta(hours=1), 1, 1)]
    candidates = [base + timedelta(minutes=30 * i) for i in range(12)]
    found = free_starts(candidates, timedelta(hours=1), 1, 1, taken, lambda s, e: True, 3)
    assert found == [
        (base + timedelta(hours=1), base + timedelta(hours=2)),
        (base + timedelta(hours=2), base + timedelta(hours=3)),
        (base + timedelta(hours=3), base + timedelta(hours=4)),
    ]


def test_opening_hours_error_gives_the_hours_in_french(pole, login, post_form, projectors):
    client = login(pole.alice)
    # Saturday 16 January 2027: the projectors are lent on weekdays only.
    response = post_form(client, "/bookings/new", _form(projectors, "2027-01-16", "10:00", "11:00"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _count() == 0
    error = _error_of(html, "start_time")
    assert f"En dehors des horaires d&#39;ouverture (fermé le samedi){NBSP}:" in error
    assert f"lun.–ven. 8{NBSP}h–19{NBSP}h." in error


def test_opening_hours_error_gives_the_hours_in_english(pole, login, post_form, projectors):
    client = login(pole.alice)
    client.get("/?lang=en")
    response = post_form(client, "/bookings/new", _form(projectors, "2027-01-12", "18:00", "20:00"))
    error = _error_of(response.get_data(as_text=True), "start_time")
    assert "Outside the opening hours: Mon–Fri 08:00–19:00." in error


def test_quantity_error_sits_under_the_quantity(pole, login, post_form, projectors):
    client = login(pole.alice)
    response = post_form(
        client, "/bookings/new", _form(projectors, "2027-01-12", "10:00", "11:00", quantity="5")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Cette ressource ne compte que 3 unités." in _error_of(html, "quantity")
    assert 'id="start_time-error"' not in html


def test_quantity_error_in_english(pole, login, post_form, projectors):
    client = login(pole.alice)
    client.get("/?lang=en")
    response = post_form(
        client, "/bookings/new", _form(projectors, "2027-01-12", "10:00", "11:00", quantity="5")
    )
    html = response.get_data(as_text=True)
    assert "This resource has only 3 units." in _error_of(html, "quantity")
    assert 'id="start_time-error"' not in html


@pytest.mark.parametrize("typed", ["2027-02-31", "nonexistent"])
def test_a_date_that_does_not_exist_says_so(pole, login, post_form, typed):
    client = login(pole.alice)
    response = post_form(client, "/bookings/new", _form(pole.room, typed, "10:00", "11:00"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _count() == 0
    error = _error_of(html, "date")
    assert "Cette date n&#39;existe pas." in error
    assert "requis" not in error


def test_a_date_that_does_not_exist_in_english(pole, login, post_form):
    client = login(pole.alice)
    client.get("/?lang=en")
    response = post_form(client, "/bookings/new", _form(pole.room, "2027-02-31", "10:00", "11:00"))
    assert "This date does not exist." in _error_of(response.get_data(as_text=True), "date")


def test_an_empty_date_is_still_required(pole, login, post_form):
    client = login(pole.alice)
    response = post_form(client, "/bookings/new", _form(pole.room, "", "10:00", "11:00"))
    assert "requis" in _error_of(response.get_data(as_text=True), "date")


def test_one_off_clash_does_not_point_to_the_hidden_series_option(pole, login, post_form, book):
    book(pole.bob, pole.room, "2027-01-12T15:00", "2027-01-12T17:00")
    client = login(pole.alice)
    response = post_form(client, "/bookings/new", _form(pole.room, "2027-01-12", "14:00", "16:00"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "dates sont déjà prises" not in html.split('id="booking-form"')[0]
    assert "free-times" in html


def test_series_clash_points_to_booking_only_the_free_dates(pole, login, post_form, book):
    book(pole.bob, pole.room, "2027-01-19T15:00", "2027-01-19T17:00")
    client = login(pole.alice)
    data = _form(pole.room, "2027-01-12", "14:00", "16:00", repeat="weekly", count="3")
    response = post_form(client, "/bookings/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "dates sont déjà prises\u00a0» ci-dessous" in html.split('id="booking-form"')[0]
    assert "free-times" not in html


def test_the_api_conflict_answer_keeps_its_shape_and_says_how_many_are_free(
    pole, api, book, projectors
):
    book(pole.bob, projectors, "2027-01-12T14:00", "2027-01-12T16:00", quantity=2)
    response = api(pole.alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": projectors.id,
            "start": "2027-01-12T13:00:00Z",
            "end": "2027-01-12T15:00:00Z",
            "quantity": 2,
            "title": "Réunion",
        },
    )
    assert response.status_code == 409
    assert response.json["error"] == "conflict"
    assert set(response.json) <= {"error", "message", "fields", "conflicts"}
    assert len(response.json["conflicts"]) == 1
    assert "1 sur 3 encore libre" in response.json["message"]
