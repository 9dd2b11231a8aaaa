"""Closures through the JSON API: the bookings a closure hits are listed, kept or cancelled
with the reason and their bookers told; removing a closure frees the time.

Dates are computed from today (a working day two weeks ahead, clear of public holidays).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from pooling.audit.models import AuditEvent
from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.notifications.models import Notification
from pooling.notifications.services import message
from pooling.resources.models import Closure
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def day() -> date:
    """A day two weeks ahead; the resources of these tests stay open on public holidays."""
    return date.today() + timedelta(days=14)


@pytest.fixture
def hall(pole):
    return make_resource(
        "Grande salle",
        rules={"opening_hours": SEVEN_DAYS, "closed_on_public_holidays": False},
    )


def local(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), tzinfo=PARIS).isoformat()


def book(client, resource, day, start_hour, end_hour):
    response = client.post(
        "/api/v1/bookings",
        json={
            "resource_id": resource.id,
            "start": local(day, start_hour),
            "end": local(day, end_hour),
            "title": "Atelier",
        },
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def close(client, resource, day, start_hour=0, end_hour=23, **extra):
    body = {
        "resource_id": resource.id if resource is not None else None,
        "start": local(day, start_hour),
        "end": local(day, end_hour),
        "reason": "Dégât des eaux",
        **extra,
    }
    return client.post("/api/v1/closures", json=body)


def status_of(booking_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Booking, booking_id).status


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_closure_lists_the_bookings_it_hits_and_keeps_them(api, pole, hall, day):
    morning = book(api(pole.alice), hall, day, 9, 11)
    evening = book(api(pole.bob), hall, day, 20, 22)

    response = close(api(pole.coordinator), hall, day, 8, 12)

    assert response.status_code == 201, response.json
    body = response.json
    assert body["affected_bookings"] == [morning]
    assert body["cancelled_bookings"] == []
    assert body["reason"] == "Dégât des eaux"
    assert body["resource_id"] == hall.id
    assert status_of(morning) == "confirmed"
    assert status_of(evening) == "confirmed"


def test_closure_with_cancel_bookings_cancels_them_and_tells_their_bookers(api, pole, hall, day):
    alice_booking = book(api(pole.alice), hall, day, 9, 11)
    bob_booking = book(api(pole.bob), hall, day, 14, 16)
    later = book(api(pole.bob), hall, day + timedelta(days=1), 9, 10)

    response = close(api(pole.coordinator), hall, day, cancel_bookings=True)

    assert response.status_code == 201, response.json
    assert sorted(response.json["cancelled_bookings"]) == sorted([alice_booking, bob_booking])
    assert status_of(alice_booking) == "cancelled"
    assert status_of(bob_booking) == "cancelled"
    assert status_of(later) == "confirmed"
    assert db.session.get(Booking, alice_booking).cancel_reason == "Dégât des eaux"
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "booking_cancelled_closure")
    ).all()
    assert {n.user_id for n in notes} == {pole.alice.id, pole.bob.id}
    assert all("Dégât des eaux" in message(n) for n in notes)
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "booking.cancel")
    ).all()
    assert len(audited) == 2


def test_whole_pole_closure_hits_every_resource(api, pole, hall, day):
    in_hall = book(api(pole.alice), hall, day, 9, 11)

    response = close(api(pole.coordinator), None, day, 0, 23)

    assert response.status_code == 201, response.json
    assert response.json["resource_id"] is None
    assert response.json["affected_bookings"] == [in_hall]


def test_closed_time_refuses_bookings_and_removing_the_closure_frees_it(api, pole, hall, day):
    closure_id = close(api(pole.coordinator), hall, day, 8, 12).json["id"]

    refused = api(pole.alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": hall.id,
            "start": local(day, 9),
            "end": local(day, 10),
            "title": "Atelier",
        },
    )
    assert refused.status_code == 422
    assert refused.json["error"] == "closure"
    assert "Dégât des eaux" in refused.json["message"]

    assert api(pole.coordinator).delete(f"/api/v1/closures/{closure_id}").status_code == 204
    assert count(Closure) == 0
    assert book(api(pole.alice), hall, day, 9, 10)


def test_closures_are_listed_by_resource_and_window(api, pole, hall, day):
    close(api(pole.coordinator), hall, day)
    close(api(pole.coordinator), pole.room, day)
    close(api(pole.coordinator), None, day + timedelta(days=30))

    mine = api(pole.alice).get(
        "/api/v1/closures",
        query_string={
            "resource_id": hall.id,
            "start": local(day - timedelta(days=1), 0),
            "end": local(day + timedelta(days=2), 0),
        },
    )

    assert mine.status_code == 200
    assert [(c["resource_id"], c["reason"]) for c in mine.json["items"]] == [
        (hall.id, "Dégât des eaux")
    ]
    assert mine.json["next"] is None
    everything = api(pole.alice).get("/api/v1/closures").json["items"]
    assert len(everything) == 3


@pytest.mark.parametrize("who", ["alice", "referent"])
def test_only_coordinators_close_and_reopen(api, pole, hall, day, who):
    refused = close(api(getattr(pole, who)), hall, day)
    assert refused.status_code == 403
    assert count(Closure) == 0
    closure_id = close(api(pole.coordinator), hall, day).json["id"]
    assert api(getattr(pole, who)).delete(f"/api/v1/closures/{closure_id}").status_code == 403
    assert count(Closure) == 1


def test_anonymous_callers_get_401(client, hall, day):
    assert client.get("/api/v1/closures").status_code == 401


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"start": "2030-01-10T09:00:00"}, "start", 422),
        ({"reason": ""}, "reason", 422),
        ({"reason": "   "}, "reason", 422),
        ({"reason": None}, "reason", 422),
        ({"resource_id": 999999}, "resource_id", 404),
        ({"resource_id": "salle"}, "resource_id", 422),
        ({"cancel_bookings": "yes"}, "cancel_bookings", 422),
        ({"end": "hier"}, "end", 422),
        ({"start": "0999-01-01T00:00:00Z"}, "start", 422),
    ],
)
def test_bad_closures_are_refused_with_the_field_and_change_nothing(
    api, pole, hall, day, change, field, status
):
    book(api(pole.alice), hall, day, 9, 11)
    body = {
        "resource_id": hall.id,
        "start": local(day, 0),
        "end": local(day, 23),
        "reason": "Travaux",
        **change,
    }

    response = api(pole.coordinator).post("/api/v1/closures", json=body)

    assert response.status_code == status, response.json
    assert field in response.json["fields"]
    assert count(Closure) == 0
    assert db.session.scalar(select(func.count()).where(Booking.status == "cancelled")) == 0


def test_closure_ending_before_it_starts_is_refused(api, pole, hall, day):
    response = close(api(pole.coordinator), hall, day, 12, 8)

    assert response.status_code == 422
    assert "end" in response.json["fields"]
    assert count(Closure) == 0


def test_removing_an_unknown_closure_is_not_found(api, pole):
    assert api(pole.coordinator).delete("/api/v1/closures/424242").status_code == 404
