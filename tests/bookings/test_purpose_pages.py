"""The booking form, the edit page and the booking's page ask for and show its purpose and
expected attendance, in French and in English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pooling.bookings import purposes
from pooling.bookings.models import Booking, BookingPurpose
from pooling.extensions import db
from tests.bookings.test_booking_form import _form

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("booking_pages"),
]


@pytest.fixture(autouse=True)
def default_purposes(app):
    purposes.ensure_defaults()
    db.session.commit()


def _purpose(code: str) -> BookingPurpose:
    return db.session.scalar(select(BookingPurpose).where(BookingPurpose.code == code))


def _only_booking() -> Booking:
    db.session.expire_all()
    return db.session.scalars(select(Booking)).one()


def test_the_form_offers_the_active_purposes_in_french(pole, login):
    _purpose("other").active = False
    db.session.commit()
    html = login(pole.alice).get("/bookings/new").get_data(as_text=True)
    assert "Objet (facultatif)" in html
    assert "Événement ouvert au public" in html
    assert 'value="other"' not in html
    assert "Fréquentation attendue (facultatif)" in html


def test_the_form_speaks_english_to_an_english_reader(pole, login):
    pole.alice.locale = "en"
    db.session.commit()
    html = login(pole.alice).get("/bookings/new").get_data(as_text=True)
    assert "Purpose (optional)" in html
    assert "Event open to the public" in html


def test_booking_with_a_purpose_and_attendance_shows_them(pole, login, post_form):
    client = login(pole.alice)
    data = _form(pole.room, "2027-01-12", "14:00", "16:00", purpose="training", attendance="15")
    response = post_form(client, "/bookings/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    booking = _only_booking()
    assert (booking.purpose.code, booking.attendance) == ("training", 15)
    html = client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Formation" in html
    assert "15 personnes" in html


def test_both_stay_optional(pole, login, post_form):
    data = _form(pole.room, "2027-01-12", "14:00", "16:00", purpose="", attendance="")
    response = post_form(login(pole.alice), "/bookings/new", data)
    assert response.status_code == 302
    booking = _only_booking()
    assert (booking.purpose, booking.attendance) == (None, None)


def test_a_negative_attendance_is_refused_and_nothing_is_booked(pole, login, post_form):
    data = _form(pole.room, "2027-01-12", "14:00", "16:00", attendance="-2")
    response = post_form(login(pole.alice), "/bookings/new", data)
    assert response.status_code == 422
    assert db.session.scalars(select(Booking)).first() is None


def test_an_unknown_purpose_is_refused_with_a_french_message(pole, login, post_form):
    data = _form(pole.room, "2027-01-12", "14:00", "16:00", purpose="party")
    response = post_form(login(pole.alice), "/bookings/new", data)
    assert response.status_code == 422
    assert "Objet inconnu ou désactivé" in response.get_data(as_text=True)
    assert db.session.scalars(select(Booking)).first() is None


def test_the_edit_page_changes_and_clears_them(pole, login, post_form, book):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00", purpose="support")
    client = login(pole.alice)
    page = f"/bookings/{booking.id}/edit"
    html = client.get(page).get_data(as_text=True)
    assert 'selected value="support"' in html
    data = {
        "date": "2027-01-12",
        "start_time": "14:00",
        "end_time": "16:00",
        "quantity": "1",
        "title": "Suivi",
        "purpose": "public_event",
        "attendance": "30",
    }
    assert post_form(client, page, data).status_code == 302
    changed = _only_booking()
    assert (changed.purpose.code, changed.attendance) == ("public_event", 30)
    assert post_form(client, page, {**data, "purpose": "", "attendance": ""}).status_code == 302
    cleared = _only_booking()
    assert (cleared.purpose, cleared.attendance) == (None, None)


def test_a_deactivated_purpose_stays_offered_on_its_booking_edit_page(pole, login, book):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00", purpose="other")
    _purpose("other").active = False
    db.session.commit()
    html = login(pole.alice).get(f"/bookings/{booking.id}/edit").get_data(as_text=True)
    assert 'selected value="other"' in html


def test_the_booking_page_in_english(pole, login, book):
    booking = book(
        pole.alice,
        pole.room,
        "2027-01-12T14:00",
        "2027-01-12T16:00",
        purpose="training",
        attendance=1,
    )
    pole.alice.locale = "en"
    db.session.commit()
    html = login(pole.alice).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Training" in html
    assert "1 person" in html
