"""The waitlist with a composite resource (a hall made of room A and room B): units freed on a
room are freed for the hall too, and the other way round; an offer on the hall holds its rooms."""

from __future__ import annotations

import pytest

from pooling.extensions import db
from pooling.waitlist.models import WaitlistEntry
from tests.bookings.test_composites import at, book

pytestmark = pytest.mark.pole("halls")


def join(client, resource, start, end):
    return client.post(
        "/api/v1/waitlist",
        json={
            "resource_id": resource.id,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "title": "Assemblée générale",
        },
    )


def status(entry_id: int) -> str:
    db.session.expire_all()
    return db.session.get(WaitlistEntry, entry_id).status


def test_a_room_given_back_offers_the_hall_to_who_waits_for_it(api, pole):
    room = book(api(pole.alice), pole.room_a, at(10), at(12))
    assert room.status_code == 201, room.get_json()
    # The hall is taken through its room: Bob waits for the hall.
    waiting = join(api(pole.bob), pole.hall, at(10), at(12))
    assert waiting.status_code == 201, waiting.get_json()
    assert waiting.get_json()["status"] == "waiting"
    cancelled = api(pole.alice).post(f"/api/v1/bookings/{room.get_json()['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.get_json()
    assert status(waiting.get_json()["id"]) == "offered"
    # The offer on the hall holds its rooms: nobody else takes room A meanwhile.
    assert book(api(pole.alice), pole.room_a, at(10), at(11)).status_code == 409
    accepted = api(pole.bob).post(f"/api/v1/waitlist/{waiting.get_json()['id']}/accept")
    assert accepted.status_code == 201, accepted.get_json()
    assert accepted.get_json()["resource_id"] == pole.hall.id


def test_a_hall_given_back_offers_a_room_to_who_waits_for_it(api, pole):
    hall = book(api(pole.alice), pole.hall, at(14), at(16))
    assert hall.status_code == 201, hall.get_json()
    waiting = join(api(pole.bob), pole.room_b, at(14), at(15))
    assert waiting.status_code == 201, waiting.get_json()
    other = join(api(pole.bob), pole.room_a, at(17), at(18))
    assert other.status_code == 422  # room A is free then: book it instead
    assert other.get_json()["error"] == "slot_free"
    cancelled = api(pole.alice).post(f"/api/v1/bookings/{hall.get_json()['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.get_json()
    assert status(waiting.get_json()["id"]) == "offered"
