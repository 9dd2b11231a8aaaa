"""The demo pole has a hall made of two of its meeting rooms, booked whole."""

from __future__ import annotations

from sqlalchemy import select

from pooling.bookings.models import HOLDING, Booking
from pooling.checks.invariants import over_capacity
from pooling.extensions import db
from pooling.resources.models import Resource
from tests.calendar.page_helpers import planning_table


def test_the_demo_hall_is_two_meeting_rooms_booked_whole(app, login):
    from pooling.accounts.services import find_user_by_email
    from pooling.demo import load_demo

    load_demo()
    db.session.commit()
    hall = db.session.scalar(
        select(Resource).where(Resource.name == "Grande salle Jaurès-Marianne")
    )
    assert [part.name for part in hall.parts] == ["Salle Jaurès", "Salle Marianne"]
    booked = list(
        db.session.scalars(
            select(Booking).where(Booking.resource_id == hall.id, Booking.status.in_(HOLDING))
        )
    )
    assert booked
    assert over_capacity() == []
    coordinator = find_user_by_email("coordination@demo.pooling.fr")
    first = min(booked, key=lambda b: b.start_at)
    day = first.start_at.date().isoformat()
    page = login(coordinator).get(f"/calendar/planning?view=week&date={day}&kind=premises")
    assert page.status_code == 200
    rows = planning_table(page.get_data(as_text=True)).rows
    assert "Salle Marianne" in rows and "Grande salle Jaurès-Marianne" in rows
