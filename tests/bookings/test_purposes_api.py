"""A booking's purpose and expected attendance through the JSON API: read, create and PATCH."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pooling.bookings import purposes
from pooling.bookings.models import Booking, BookingPurpose
from pooling.extensions import db

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027


@pytest.fixture(autouse=True)
def default_purposes(app):
    purposes.ensure_defaults()
    db.session.commit()


def book(client, resource, **extra):
    return client.post(
        "/api/v1/bookings",
        json={
            "resource_id": resource.id,
            "start": "2027-01-12T14:00:00+01:00",
            "end": "2027-01-12T16:00:00+01:00",
            "title": "Atelier",
            **extra,
        },
    )


def count_bookings() -> int:
    return db.session.scalar(select(func.count(Booking.id)))


def test_a_booking_carries_its_purpose_and_attendance(api, pole):
    client = api(pole.alice)
    response = book(client, pole.room, purpose="training", attendance=12)
    assert response.status_code == 201, response.json
    assert response.json["purpose"] == "training"
    assert response.json["attendance"] == 12
    again = client.get(f"/api/v1/bookings/{response.json['id']}", headers={"Accept-Language": "en"})
    assert again.json["purpose"] == "training"
    assert again.json["purpose_label"] == "Training"
    french = client.get(
        f"/api/v1/bookings/{response.json['id']}", headers={"Accept-Language": "fr"}
    )
    assert french.json["purpose_label"] == "Formation"


def test_without_purpose_both_are_null(api, pole):
    response = book(api(pole.alice), pole.room)
    assert response.status_code == 201
    assert response.json["purpose"] is None
    assert response.json["purpose_label"] is None
    assert response.json["attendance"] is None


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Unknown or inactive purpose"), ("fr", "Objet inconnu")]
)
def test_an_unknown_purpose_is_refused_in_the_callers_language(api, pole, language, words):
    response = api(pole.alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": pole.room.id,
            "start": "2027-01-12T14:00:00+01:00",
            "end": "2027-01-12T16:00:00+01:00",
            "purpose": "party",
        },
        headers={"Accept-Language": language},
    )
    assert response.status_code == 422
    assert response.json["error"] == "invalid_purpose"
    assert words in response.json["message"]
    assert count_bookings() == 0


def test_an_inactive_purpose_is_refused(api, pole):
    db.session.scalar(select(BookingPurpose).where(BookingPurpose.code == "other")).active = False
    db.session.commit()
    response = book(api(pole.alice), pole.room, purpose="other")
    assert response.status_code == 422
    assert response.json["error"] == "invalid_purpose"
    assert count_bookings() == 0


@pytest.mark.parametrize("attendance", [-1, 1.5, "many", 1_000_000])
def test_a_negative_or_odd_attendance_is_refused(api, pole, attendance):
    response = book(api(pole.alice), pole.room, attendance=attendance)
    assert response.status_code == 422
    assert count_bookings() == 0


def test_patch_sets_changes_and_clears_them(api, pole):
    client = api(pole.alice)
    booking_id = book(client, pole.room, purpose="training", attendance=5).json["id"]
    url = f"/api/v1/bookings/{booking_id}"

    title_only = client.patch(url, json={"title": "Atelier compost"})
    assert title_only.status_code == 200, title_only.json
    assert (title_only.json["purpose"], title_only.json["attendance"]) == ("training", 5)

    changed = client.patch(url, json={"purpose": "public_event", "attendance": 40})
    assert changed.status_code == 200, changed.json
    assert (changed.json["purpose"], changed.json["attendance"]) == ("public_event", 40)
    assert changed.json["sequence"] > title_only.json["sequence"]

    cleared = client.patch(url, json={"purpose": None, "attendance": None})
    assert cleared.status_code == 200
    assert (cleared.json["purpose"], cleared.json["attendance"]) == (None, None)


def test_patch_refuses_an_unknown_purpose_and_a_negative_attendance(api, pole):
    client = api(pole.alice)
    booking_id = book(client, pole.room, purpose="training", attendance=5).json["id"]
    url = f"/api/v1/bookings/{booking_id}"
    unknown = client.patch(url, json={"purpose": "party"}, headers={"Accept-Language": "en"})
    assert unknown.status_code == 422
    assert unknown.json["error"] == "invalid_purpose"
    negative = client.patch(url, json={"attendance": -3})
    assert negative.status_code == 422
    booking = db.session.get(Booking, booking_id)
    db.session.refresh(booking)
    assert (booking.purpose.code, booking.attendance) == ("training", 5)


def test_a_purpose_deactivated_since_stays_on_the_booking_when_it_is_edited(api, pole):
    client = api(pole.alice)
    booking_id = book(client, pole.room, purpose="support").json["id"]
    db.session.scalar(select(BookingPurpose).where(BookingPurpose.code == "support")).active = False
    db.session.commit()
    response = client.patch(
        f"/api/v1/bookings/{booking_id}", json={"purpose": "support", "title": "Suivi"}
    )
    assert response.status_code == 200, response.json
    assert response.json["purpose"] == "support"


def test_the_audit_trail_reads_the_purpose_in_words(api, pole, login):
    client = api(pole.alice)
    booking_id = book(client, pole.room, purpose="training").json["id"]
    assert (
        client.patch(f"/api/v1/bookings/{booking_id}", json={"purpose": "other"}).status_code == 200
    )
    html = login(pole.coordinator).get("/audit/").get_data(as_text=True)
    assert "Objet" in html and "Formation" in html and "Autre" in html
