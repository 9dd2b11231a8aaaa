"""A booking's page and its actions: who sees what, cancel one or the following, check-in, edit."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from pooling.bookings.models import Booking
from pooling.extensions import db
from tests.bookings.conftest import local

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("booking_pages"),
]


def _status(booking_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Booking, booking_id).status


def test_anonymous_visitor_is_sent_to_sign_in(pole, client, book):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    response = client.get(f"/bookings/{booking.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_booker_sees_the_local_time_in_french_and_the_actions(pole, login, book):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00", title="Compost")
    html = login(pole.alice).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "mardi 12 janvier 2027, 14:00 – 16:00" in html
    assert "Compost" in html and "Les Jardins" in html
    assert f"/bookings/{booking.id}/cancel" in html
    assert f"/bookings/{booking.id}/edit" in html
    # A month ahead: nothing to check in yet.
    assert f"/bookings/{booking.id}/check-in" not in html


@pytest.mark.parametrize("who", ["referent", "coordinator"])
def test_referent_of_the_organisation_and_coordinator_can_cancel(pole, login, book, post_form, who):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(getattr(pole, who))
    page = f"/bookings/{booking.id}"
    assert f"/bookings/{booking.id}/cancel" in client.get(page).get_data(as_text=True)
    response = post_form(client, page, {"confirmed": "1"}, url=f"/bookings/{booking.id}/cancel")
    assert response.status_code == 302
    assert _status(booking.id) == "cancelled"


def test_member_of_another_organisation_sees_no_title_and_no_action(pole, login, book):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00", title="Secret")
    html = login(pole.bob).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Secret" not in html
    assert f"/bookings/{booking.id}/cancel" not in html
    assert f"/bookings/{booking.id}/edit" not in html


@pytest.mark.parametrize("action", ["cancel", "cancel-following", "check-in", "check-out"])
def test_someone_elses_booking_actions_are_forbidden(pole, login, book, post_form, action):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.bob)
    response = post_form(client, "/bookings/", {}, url=f"/bookings/{booking.id}/{action}")
    assert response.status_code == 403
    assert _status(booking.id) == "confirmed"


def test_someone_elses_booking_cannot_be_edited(pole, login, book):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    assert login(pole.bob).get(f"/bookings/{booking.id}/edit").status_code == 403


def test_member_cannot_approve(pole, login, book, post_form):
    booking = book(pole.alice, pole.workshop, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.bob)
    response = post_form(client, "/bookings/", {}, url=f"/bookings/{booking.id}/approve")
    assert response.status_code == 403
    assert _status(booking.id) == "pending"


def test_missing_booking_is_404(pole, login):
    assert login(pole.alice).get("/bookings/999999").status_code == 404


def _weekly(book, pole):
    return book(
        pole.alice,
        pole.room,
        "2027-01-12T14:00",
        "2027-01-12T16:00",
        recurrence="FREQ=WEEKLY;COUNT=4",
    )


def test_series_page_lists_the_occurrences_in_plain_words(pole, login, book):
    result = _weekly(book, pole)
    html = login(pole.alice).get(f"/bookings/{result.bookings[1].id}").get_data(as_text=True)
    assert "chaque semaine le mardi, 4 fois" in html
    for other in result.bookings:
        if other.id != result.bookings[1].id:
            assert f'href="/bookings/{other.id}"' in html
    assert f"/bookings/{result.bookings[1].id}/cancel-following" in html


def test_cancel_one_occurrence_leaves_the_others(pole, login, book, post_form):
    result = _weekly(book, pole)
    third = result.bookings[2]
    client = login(pole.alice)
    response = post_form(
        client, f"/bookings/{third.id}", {"confirmed": "1"}, url=f"/bookings/{third.id}/cancel"
    )
    assert response.status_code == 302
    assert [_status(b.id) for b in result.bookings] == [
        "confirmed",
        "confirmed",
        "cancelled",
        "confirmed",
    ]


def test_cancel_this_and_the_following_occurrences(pole, login, book, post_form):
    result = _weekly(book, pole)
    second = result.bookings[1]
    client = login(pole.alice)
    response = post_form(
        client,
        f"/bookings/{second.id}",
        {"confirmed": "1"},
        url=f"/bookings/{second.id}/cancel-following",
        follow_redirects=True,
    )
    assert "3 occurrences" in response.get_data(as_text=True)
    assert [_status(b.id) for b in result.bookings] == [
        "confirmed",
        "cancelled",
        "cancelled",
        "cancelled",
    ]


def test_check_in_and_out_with_meter_readings(pole, login, book, post_form, pinned_clock):
    booking = book(pole.alice, pole.van, "2027-01-12T08:00", "2027-01-12T18:00")
    pinned_clock.move_to(local("2027-01-12T08:10"))
    client = login(pole.alice)
    page = f"/bookings/{booking.id}"
    assert 'name="meter"' in client.get(page).get_data(as_text=True)
    post_form(client, page, {"meter": "12000"}, url=f"{page}/check-in")
    pinned_clock.move_to(local("2027-01-12T17:30"))
    client = login(pole.alice)
    response = post_form(client, page, {"meter": "11000"}, url=f"{page}/check-out")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).checked_out_at is None
    post_form(client, page, {"meter": "12150.5"}, url=f"{page}/check-out")
    db.session.expire_all()
    stored = db.session.get(Booking, booking.id)
    assert stored.meter_start == Decimal("12000.00")
    assert stored.meter_end == Decimal("12150.50")
    assert stored.checked_out_at is not None


def test_edit_moves_the_booking_in_local_time(pole, login, book, post_form):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.alice)
    url = f"/bookings/{booking.id}/edit"
    data = {
        "date": "2027-07-13",
        "start_time": "09:00",
        "end_time": "11:30",
        "quantity": "1",
        "title": "Déplacé",
    }
    response = post_form(client, url, data)
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Booking, booking.id)
    assert moved.start_at == datetime(2027, 7, 13, 7, 0, tzinfo=UTC)
    assert moved.end_at == datetime(2027, 7, 13, 9, 30, tzinfo=UTC)
    assert moved.title == "Déplacé"


def test_edit_onto_a_taken_time_is_refused_with_409(pole, login, book, post_form):
    book(pole.bob, pole.room, "2027-01-13T14:00", "2027-01-13T16:00")
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.alice)
    data = {"date": "2027-01-13", "start_time": "15:00", "end_time": "17:00", "quantity": "1"}
    response = post_form(client, f"/bookings/{booking.id}/edit", data)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).start_at == datetime(2027, 1, 12, 13, tzinfo=UTC)


def test_add_to_calendar_link_appears_only_when_feeds_exist(pole, login, book, app):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    html = login(pole.alice).get(f"/bookings/{booking.id}").get_data(as_text=True)
    has_feeds = "feeds.booking_ics" in app.view_functions
    assert (f"/bookings/{booking.id}.ics" in html) is has_feeds
    assert db.session.scalar(select(Booking.id)) == booking.id
