"""Simultaneous bookings against a real 4-worker gunicorn server: the last free unit goes once."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
import requests
from sqlalchemy import select

from pooling.bookings.models import HOLDING, Booking
from pooling.core.time import pole_tz
from pooling.extensions import db
from tests.factories import make_token, make_user
from tests.servers import live_server

pytestmark = pytest.mark.slow

CALLERS = 20


def next_tuesday_at(hour: int, weeks: int = 2) -> datetime:
    """A Tuesday a few weeks ahead, at ``hour`` local time (inside default opening hours)."""
    day = datetime.now(pole_tz()).date() + timedelta(weeks=weeks)
    day += timedelta(days=(1 - day.weekday()) % 7)
    return datetime.combine(day, time(hour), tzinfo=pole_tz())


def callers(pole, count: int = CALLERS) -> list[str]:
    """Tokens of ``count`` different people, alternating between the two organisations."""
    people = [
        make_user(pole.jardins if n % 2 else pole.scop, name=f"Caller {n}") for n in range(count)
    ]
    return [make_token(person) for person in people]


def fire_together(url: str, tokens: list[str], bodies: list[dict]) -> list[requests.Response]:
    """POST every body at once (one thread and one person each), released by a barrier."""
    barrier = threading.Barrier(len(bodies))
    answers: list[requests.Response | BaseException | None] = [None] * len(bodies)

    def send(index: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {tokens[index]}", "Accept-Language": "en"}
        try:
            barrier.wait(timeout=30)
            answers[index] = session.post(
                url + "/api/v1/bookings", json=bodies[index], headers=headers, timeout=60
            )
        except BaseException as error:  # reported by the test below
            answers[index] = error
        finally:
            session.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [a for a in answers if not isinstance(a, requests.Response)]
    assert not failures, failures
    return answers  # type: ignore[return-value]


def held_rows(resource_id: int) -> list[tuple[datetime, datetime, int]]:
    """The holding bookings of a resource as committed by the server (fresh read)."""
    db.session.rollback()
    rows = db.session.execute(
        select(Booking.start_at, Booking.end_at, Booking.quantity).where(
            Booking.resource_id == resource_id, Booking.status.in_(HOLDING)
        )
    )
    return [(r.start_at, r.end_at, r.quantity) for r in rows]


def most_units_held(rows: list[tuple[datetime, datetime, int]]) -> int:
    """Independent sweep: the largest sum of quantities at any instant (half-open intervals)."""
    events = sorted(
        [(start, 1, quantity) for start, _end, quantity in rows]
        + [(end, 0, -quantity) for _start, end, quantity in rows]
    )
    level = highest = 0
    for _instant, _kind, delta in events:
        level += delta
        highest = max(highest, level)
    return highest


def statuses(answers: list[requests.Response]) -> Counter:
    return Counter(a.status_code for a in answers)


def describe(answers: list[requests.Response], server) -> str:
    bodies = [f"{a.status_code} {a.text[:300]}" for a in answers if a.status_code >= 500]
    return "\n".join(bodies) + "\n--- server log ---\n" + server.log()[-3000:]


def test_twenty_people_for_the_same_free_room_slot_give_one_booking(app, database_url, pole):
    tokens = callers(pole)
    start = next_tuesday_at(10)
    body = {
        "resource_id": pole.room.id,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "title": "Réunion",
    }
    with live_server(database_url, workers=4) as server:
        answers = fire_together(server.url, tokens, [body] * CALLERS)
        assert statuses(answers) == {201: 1, 409: CALLERS - 1}, describe(answers, server)
    assert all(a.json()["error"] == "conflict" for a in answers if a.status_code == 409)
    rows = held_rows(pole.room.id)
    assert len(rows) == 1
    assert most_units_held(rows) == 1


def test_twenty_people_for_one_of_five_units_give_five_bookings(app, database_url, pole):
    tokens = callers(pole)
    start = next_tuesday_at(14)
    body = {
        "resource_id": pole.projectors.id,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "title": "Projection",
        "quantity": 1,
    }
    with live_server(database_url, workers=4) as server:
        answers = fire_together(server.url, tokens, [body] * CALLERS)
        assert statuses(answers) == {201: 5, 409: CALLERS - 5}, describe(answers, server)
    rows = held_rows(pole.projectors.id)
    assert len(rows) == 5
    assert most_units_held(rows) == pole.projectors.quantity


def test_overlapping_requests_of_several_units_never_overbook(app, database_url, pole):
    tokens = callers(pole)
    chooser = random.Random(20260101)
    day = next_tuesday_at(8, weeks=3)
    bodies = []
    for _n in range(CALLERS):
        begin = chooser.randrange(0, 37) * 15
        length = chooser.randrange(1, 9) * 15
        start = day + timedelta(minutes=begin)
        bodies.append(
            {
                "resource_id": pole.projectors.id,
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=length)).isoformat(),
                "title": "Atelier",
                "quantity": chooser.randint(1, 3),
            }
        )
    with live_server(database_url, workers=4) as server:
        answers = fire_together(server.url, tokens, bodies)
        counts = statuses(answers)
        assert set(counts) <= {201, 409}, describe(answers, server)
    rows = held_rows(pole.projectors.id)
    assert len(rows) == counts[201] >= 1
    assert most_units_held(rows) <= pole.projectors.quantity
