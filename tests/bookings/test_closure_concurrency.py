"""A closure and bookings sent at once to a real 4-worker gunicorn server: every booking
left inside the closed time is one the closure listed, so nobody is missed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from pooling.bookings.models import HOLDING, Booking
from pooling.extensions import db
from tests.bookings.test_concurrency import callers, next_tuesday_at
from tests.factories import make_token
from tests.servers import live_server

pytestmark = pytest.mark.slow

BOOKERS = 12


def test_bookings_racing_a_closure_are_either_refused_or_listed_by_it(app, database_url, pole):
    tokens = callers(pole, BOOKERS)
    coordinator_token = make_token(pole.coordinator)
    day_start = next_tuesday_at(8)
    barrier = threading.Barrier(BOOKERS + 1)
    answers: dict[int, requests.Response | BaseException] = {}

    def send(index: int, path: str, token: str, body: dict) -> None:
        try:
            barrier.wait(timeout=30)
            answers[index] = requests.post(
                url + path,
                json=body,
                headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
                timeout=60,
            )
        except BaseException as error:  # reported below
            answers[index] = error

    with live_server(database_url, workers=4) as server:
        url = server.url
        threads = [
            threading.Thread(
                target=send,
                args=(
                    index,
                    "/api/v1/bookings",
                    tokens[index],
                    {
                        "resource_id": pole.projectors.id,
                        "start": (day_start + timedelta(minutes=30 * index)).isoformat(),
                        "end": (day_start + timedelta(minutes=30 * index + 30)).isoformat(),
                        "title": "Atelier",
                    },
                ),
            )
            for index in range(BOOKERS)
        ]
        threads.append(
            threading.Thread(
                target=send,
                args=(
                    BOOKERS,
                    "/api/v1/closures",
                    coordinator_token,
                    {
                        "resource_id": pole.projectors.id,
                        "start": day_start.isoformat(),
                        "end": (day_start + timedelta(hours=11)).isoformat(),
                        "reason": "Inventaire",
                    },
                ),
            )
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log = server.log()[-3000:]

    failures = {i: a for i, a in answers.items() if not isinstance(a, requests.Response)}
    assert not failures, failures
    closure = answers[BOOKERS]
    assert closure.status_code == 201, closure.text + log
    booked = {a.json()["id"] for i, a in answers.items() if i < BOOKERS and a.status_code == 201}
    refused = [a for i, a in answers.items() if i < BOOKERS and a.status_code != 201]
    assert all(a.status_code == 422 and a.json()["error"] == "closure" for a in refused), log
    assert booked == set(closure.json()["affected_bookings"])
    db.session.rollback()
    held = set(
        db.session.scalars(
            select(Booking.id).where(
                Booking.resource_id == pole.projectors.id, Booking.status.in_(HOLDING)
            )
        )
    )
    assert held == booked
