"""The booking form: local times to UTC, recurrence across DST, preview, clashes, spring-forward."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Booking, Series
from pooling.extensions import db

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("booking_pages"),
]


def _count() -> int:
    return db.session.scalar(select(func.count(Booking.id)))


def _form(resource, day: str, start: str, end: str, **more) -> dict:
    data = {
        "resource_id": str(resource.id),
        "date": day,
        "start_time": start,
        "end_time": end,
        "quantity": "1",
        "title": "Atelier compost",
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


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/bookings/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_form_is_prefilled_from_the_calendar_link(pole, login):
    page = login(pole.alice).get(
        f"/bookings/new?resource_id={pole.room.id}&start=2027-01-12T14:00&end=2027-01-12T16:00"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="2027-01-12"' in html
    assert 'value="14:00"' in html and 'value="16:00"' in html
    assert f'<option selected value="{pole.room.id}">' in html


def test_winter_booking_is_stored_one_hour_before_local_time(pole, login, post_form):
    client = login(pole.alice)
    response = post_form(client, "/bookings/new", _form(pole.room, "2027-01-12", "14:00", "16:00"))
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert booking.start_at == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)
    assert booking.end_at == datetime(2027, 1, 12, 15, 0, tzinfo=UTC)
    assert booking.organisation_id == pole.jardins.id
    assert response.headers["Location"].endswith(f"/bookings/{booking.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "mardi 12 janvier 2027, 14:00 – 16:00" in page


def test_summer_booking_is_stored_two_hours_before_local_time(pole, login, post_form):
    client = login(pole.alice)
    response = post_form(client, "/bookings/new", _form(pole.room, "2027-07-13", "14:00", "16:00"))
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert booking.start_at == datetime(2027, 7, 13, 12, 0, tzinfo=UTC)


def test_weekly_tuesday_and_thursday_keeps_local_time_across_october_dst(pole, login, post_form):
    client = login(pole.alice)
    data = _form(pole.room, "2027-10-26", "14:00", "16:00", repeat="weekly", weekdays=["TU", "TH"])
    data["count"] = "4"
    response = post_form(client, "/bookings/new", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bookings/")
    starts = list(db.session.scalars(select(Booking.start_at).order_by(Booking.start_at)))
    assert starts == [
        datetime(2027, 10, 26, 12, 0, tzinfo=UTC),
        datetime(2027, 10, 28, 12, 0, tzinfo=UTC),
        datetime(2027, 11, 2, 13, 0, tzinfo=UTC),
        datetime(2027, 11, 4, 13, 0, tzinfo=UTC),
    ]
    series = db.session.scalar(select(Series))
    assert series.rrule == "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"
    follow = client.get("/bookings/?when=upcoming").get_data(as_text=True)
    assert "Salle Jaurès, 4 dates (chaque semaine le mardi et le jeudi, 4 fois)" in follow
    assert len(re.findall(r'<td data-label="[^"]*"><a href="/bookings/\d+"', follow)) == 4


def test_preview_lists_a_taken_date_and_writes_nothing(pole, login, post_form, book):
    book(pole.bob, pole.room, "2027-10-28T15:00", "2027-10-28T17:00")
    client = login(pole.alice)
    data = _form(
        pole.room,
        "2027-10-26",
        "14:00",
        "16:00",
        repeat="weekly",
        weekdays=["TU", "TH"],
        action="preview",
    )
    response = post_form(client, "/bookings/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _count() == 1
    assert "chaque semaine le mardi et le jeudi, 4 fois" in html
    assert html.count('class="preview-free"') == 3
    assert html.count('class="preview-taken"') == 1
    taken = html.split('class="preview-taken"')[1].split("</li>")[0]
    assert "jeudi 28 octobre 2027, 14:00 – 16:00" in taken
    assert 'value="Atelier compost"' in html


def test_clash_shows_the_taken_date_with_409_and_writes_nothing(pole, login, post_form, book):
    book(pole.bob, pole.room, "2027-01-12T15:00", "2027-01-12T17:00")
    client = login(pole.alice)
    response = post_form(client, "/bookings/new", _form(pole.room, "2027-01-12", "14:00", "16:00"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert _count() == 1
    assert "mardi 12 janvier 2027, 14:00 – 16:00" in html
    assert 'value="Atelier compost"' in html


def test_series_with_a_taken_date_can_book_the_free_dates(pole, login, post_form, book):
    book(pole.bob, pole.room, "2027-10-28T15:00", "2027-10-28T17:00")
    client = login(pole.alice)
    data = _form(
        pole.room,
        "2027-10-26",
        "14:00",
        "16:00",
        repeat="weekly",
        weekdays=["TU", "TH"],
        on_conflict="skip",
    )
    response = post_form(client, "/bookings/new", data, follow_redirects=True)
    assert response.status_code == 200
    assert _count() == 4
    assert "jeudi 28 octobre 2027, 14:00 – 16:00" in response.get_data(as_text=True)


def test_spring_forward_time_is_refused_next_to_the_start_time(pole, login, post_form):
    client = login(pole.alice)
    response = post_form(client, "/bookings/new", _form(pole.room, "2027-03-28", "02:30", "04:00"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _count() == 0
    assert 'id="start_time-error"' in html
    error = html.split('id="start_time-error"')[1].split("</p>")[0]
    assert "on avance d&#39;une heure cette nuit-là (changement d&#39;heure)" in error


def test_rule_error_is_shown_next_to_the_field_with_422(pole, login, post_form):
    client = login(pole.alice)
    response = post_form(client, "/bookings/new", _form(pole.room, "2027-01-12", "16:00", "14:00"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _count() == 0
    assert 'id="end_time-error"' in html


def test_recurrence_until_a_date_books_every_week_up_to_it(pole, login, post_form):
    client = login(pole.alice)
    data = _form(
        pole.room,
        "2027-01-12",
        "09:00",
        "10:00",
        repeat="weekly",
        ending="until",
        until="2027-02-02",
    )
    response = post_form(client, "/bookings/new", data)
    assert response.status_code == 302
    assert _count() == 4


def test_monthly_on_the_second_tuesday(pole, login, post_form):
    client = login(pole.alice)
    data = _form(pole.room, "2027-01-12", "09:00", "10:00", repeat="monthly_weekday", count="3")
    response = post_form(client, "/bookings/new", data)
    assert response.status_code == 302
    days = [s.day for s in db.session.scalars(select(Booking.start_at).order_by(Booking.start_at))]
    assert days == [12, 9, 9]  # 2nd Tuesday of January, February and March 2027


def test_person_of_two_organisations_must_choose_and_the_choice_is_kept(pole, login, post_form):
    from tests.factories import add_membership

    add_membership(pole.alice, pole.scop)
    client = login(pole.alice)
    page = client.get("/bookings/new").get_data(as_text=True)
    assert 'name="organisation_id"' in page
    response = post_form(client, "/bookings/new", _form(pole.room, "2027-01-12", "14:00", "16:00"))
    assert response.status_code == 422
    assert 'id="organisation_id-error"' in response.get_data(as_text=True)
    response = post_form(
        client,
        "/bookings/new",
        _form(pole.room, "2027-01-12", "14:00", "16:00", organisation_id=str(pole.scop.id)),
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Booking.organisation_id)) == pole.scop.id


def test_co_organised_booking_is_split_between_two_organisations(pole, login, post_form):
    client = login(pole.alice)
    data = _form(pole.room, "2027-01-12", "14:00", "16:00", co_organisation_id=str(pole.scop.id))
    response = post_form(client, "/bookings/new", data)
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking))
    shares = {s.organisation_id: s.share for s in booking.shares}
    assert shares == {pole.jardins.id: 0.5, pole.scop.id: 0.5}


def test_english_interface_shows_english_labels(pole, login):
    html = login(pole.alice).get("/bookings/new?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Shared resource" in html and "Start time" in html and "Does not repeat" in html
    assert "Tuesday" in html
