"""Who booked what is said only to the people of the same organisation (and coordinators)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import add_membership

PARIS = ZoneInfo("Europe/Paris")


def monday_at(hour: int) -> datetime:
    day = datetime.now(PARIS).date() + timedelta(weeks=3)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(hour), tzinfo=PARIS)


@pytest.fixture
def bob_booking(pole, api):
    start = monday_at(10)
    response = api(pole.bob).post(
        "/api/v1/bookings",
        json={
            "resource_id": pole.room.id,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "title": "Bob's meeting",
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def ids(response) -> list[int]:
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()["items"]]


def test_member_of_another_organisation_cannot_list_someones_bookings(pole, api, bob_booking):
    assert ids(api(pole.alice).get(f"/api/v1/bookings?user_id={pole.bob.id}")) == []
    assert ids(api(pole.referent).get(f"/api/v1/bookings?user_id={pole.bob.id}")) == []


def test_unknown_person_and_invisible_person_answer_alike(pole, api, bob_booking):
    hidden = api(pole.alice).get(f"/api/v1/bookings?user_id={pole.bob.id}")
    unknown = api(pole.alice).get("/api/v1/bookings?user_id=999999")
    assert hidden.status_code == unknown.status_code == 200
    assert hidden.get_json() == unknown.get_json()


def test_colleague_and_coordinator_list_someones_bookings(pole, api, bob_booking):
    assert ids(api(pole.scop_referent).get(f"/api/v1/bookings?user_id={pole.bob.id}")) == [
        bob_booking
    ]
    assert ids(api(pole.coordinator).get(f"/api/v1/bookings?user_id={pole.bob.id}")) == [
        bob_booking
    ]
    assert ids(api(pole.bob).get(f"/api/v1/bookings?user_id={pole.bob.id}")) == [bob_booking]


def test_shared_worker_is_seen_only_through_the_shared_organisation(pole, api, bob_booking):
    add_membership(pole.alice, pole.scop)
    assert ids(api(pole.alice).get(f"/api/v1/bookings?user_id={pole.bob.id}")) == [bob_booking]
    # Alice's bookings for her other organisation stay out of Bob's colleagues' answer.
    start = monday_at(14)
    made = api(pole.alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": pole.room.id,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "title": "For the gardens",
            "organisation_id": pole.jardins.id,
        },
    )
    assert made.status_code == 201, made.get_json()
    assert ids(api(pole.bob).get(f"/api/v1/bookings?user_id={pole.alice.id}")) == []
    assert ids(api(pole.referent).get(f"/api/v1/bookings?user_id={pole.alice.id}")) == [
        made.get_json()["id"]
    ]


def test_the_unfiltered_list_still_shows_the_slot_without_its_owner(pole, api, bob_booking):
    items = api(pole.alice).get("/api/v1/bookings").get_json()["items"]
    mine = [item for item in items if item["id"] == bob_booking]
    assert mine and mine[0]["user_id"] is None and mine[0]["title"] is None
