"""A freed slot is offered to exactly one entry, even when two cancellations and an accept
reach a real 4-worker gunicorn server at once (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from pooling.bookings.models import HOLDING, Booking
from pooling.extensions import db
from pooling.waitlist.models import WaitlistEntry
from tests.bookings.test_concurrency import next_tuesday_at
from tests.factories import make_token, make_user
from tests.servers import live_server

pytestmark = pytest.mark.slow

# People waiting for each of the two freed hours: only the oldest of each gets it.
WAITING_PER_SLOT = 3


def test_two_cancellations_and_an_accept_at_once_offer_each_freed_slot_to_one_entry(
    app, database_url, pole, api
):
    day = next_tuesday_at(9)
    hour = timedelta(hours=1)
    room = pole.room

    def slot(start, length=1):
        return {"start": start.isoformat(), "end": (start + length * hour).isoformat()}

    def booked(user, start, length=1) -> int:
        response = api(user).post(
            "/api/v1/bookings",
            json={"resource_id": room.id, "title": "Réunion", **slot(start, length)},
        )
        assert response.status_code == 201, response.json
        return response.json["id"]

    def joined(user, start, length=1) -> int:
        response = api(user).post(
            "/api/v1/waitlist",
            json={"resource_id": room.id, "title": "Attente", **slot(start, length)},
        )
        assert response.status_code == 201, response.json
        return response.json["id"]

    first = booked(pole.alice, day + 5 * hour)  # 14:00-15:00
    second = booked(pole.bob, day + 6 * hour)  # 15:00-16:00
    early = booked(pole.alice, day)  # 09:00-10:00, freed before the race
    people = [
        make_user(pole.jardins if n % 2 else pole.scop, name=f"Waiting {n}") for n in range(8)
    ]
    # The oldest entry wants 14:00-16:00: never wholly free while the others hold an hour.
    whole = joined(people[0], day + 5 * hour, 2)
    first_hour = [joined(people[1 + n], day + 5 * hour) for n in range(WAITING_PER_SLOT)]
    second_hour = [joined(people[4 + n], day + 6 * hour) for n in range(WAITING_PER_SLOT)]
    accepting = joined(people[7], day)
    assert api(pole.alice).post(f"/api/v1/bookings/{early}/cancel").status_code == 200
    db.session.expire_all()
    assert db.session.get(WaitlistEntry, accepting).status == "offered"

    acts = [
        (f"/api/v1/bookings/{first}/cancel", make_token(pole.alice)),
        (f"/api/v1/bookings/{second}/cancel", make_token(pole.bob)),
        (f"/api/v1/waitlist/{accepting}/accept", make_token(people[7])),
    ]
    barrier = threading.Barrier(len(acts))
    answers: dict[int, requests.Response | BaseException] = {}

    def send(index: int) -> None:
        path, token = acts[index]
        try:
            barrier.wait(timeout=30)
            answers[index] = requests.post(
                url + path,
                json={},
                headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
                timeout=60,
            )
        except BaseException as error:  # reported below
            answers[index] = error

    with live_server(database_url, workers=4) as server:
        url = server.url
        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(acts))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log = server.log()[-3000:]

    failures = {i: a for i, a in answers.items() if not isinstance(a, requests.Response)}
    assert not failures, failures
    assert [answers[i].status_code for i in range(3)] == [200, 200, 201], log
    db.session.rollback()
    db.session.expire_all()
    status = {
        entry.id: entry.status
        for entry in db.session.scalars(
            select(WaitlistEntry).where(WaitlistEntry.resource_id == room.id)
        )
    }
    # Each freed hour went to exactly one entry, the oldest that fits; the rest still wait.
    assert [status[i] for i in first_hour] == ["offered"] + ["waiting"] * (WAITING_PER_SLOT - 1)
    assert [status[i] for i in second_hour] == ["offered"] + ["waiting"] * (WAITING_PER_SLOT - 1)
    assert status[whole] == "waiting"
    assert status[accepting] == "accepted"
    assert list(status.values()).count("offered") == 2
    holding = list(
        db.session.scalars(
            select(Booking).where(Booking.resource_id == room.id, Booking.status.in_(HOLDING))
        )
    )
    assert [(b.start_at, b.user_id) for b in holding] == [(day, people[7].id)]
