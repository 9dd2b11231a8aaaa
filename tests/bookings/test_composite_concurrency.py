"""Simultaneous bookings of a hall and of one of its rooms against a real 4-worker gunicorn
server: the locks of the whole family are taken in one order, so exactly one wins and nothing
deadlocks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pooling.bookings.models import HOLDING, Booking
from pooling.extensions import db
from tests.bookings.test_concurrency import (
    CALLERS,
    callers,
    describe,
    fire_together,
    next_tuesday_at,
    statuses,
)
from tests.servers import live_server

pytestmark = [pytest.mark.slow, pytest.mark.pole("halls")]


def test_twenty_requests_split_between_the_hall_and_its_room_give_one_booking(
    app, database_url, pole
):
    tokens = callers(pole)
    start = next_tuesday_at(10)
    bodies = [
        {
            "resource_id": (pole.hall if n % 2 else pole.room_a).id,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "title": "Assemblée",
        }
        for n in range(CALLERS)
    ]
    with live_server(database_url, workers=4) as server:
        answers = fire_together(server.url, tokens, bodies)
        assert statuses(answers) == {201: 1, 409: CALLERS - 1}, describe(answers, server)
    assert all(a.json()["error"] == "conflict" for a in answers if a.status_code == 409)
    db.session.rollback()
    held = list(
        db.session.scalars(
            select(Booking.resource_id).where(
                Booking.resource_id.in_([pole.hall.id, pole.room_a.id]),
                Booking.status.in_(HOLDING),
            )
        )
    )
    assert len(held) == 1
