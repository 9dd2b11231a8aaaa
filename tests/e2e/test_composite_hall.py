"""A hall made of two rooms, in a real browser: a member books the hall for a whole Tuesday
and the planning shows both rooms taken that day (and free the day after)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from pooling.bookings.models import Booking
from pooling.extensions import db
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, make_resource

pytestmark = pytest.mark.e2e


def test_booking_the_hall_shows_both_rooms_taken_on_the_planning(live_server, page, pole):
    hall = make_resource(
        "Grande salle Jaurès-Louise",
        capacity=18,
        parts=(pole.jaures.id, pole.louise.id),
    )
    sign_in(page, live_server, "alice@jardins.example", PASSWORD)

    page.goto(f"{live_server}/bookings/new")
    page.select_option("#resource_id", label="Grande salle Jaurès-Louise")
    page.fill("#date", pole.tuesday.isoformat())
    page.fill("#start_time", "08:00")
    page.fill("#end_time", "19:00")
    page.fill("#title", "Assemblée générale")
    page.locator("#booking-form button[name=action][value=confirm]").click()
    page.wait_for_load_state()
    expect(page.locator(".flash-success")).to_be_visible()
    db.session.rollback()
    assert db.session.scalar(select(Booking.title).where(Booking.resource_id == hall.id)) == (
        "Assemblée générale"
    )

    page.goto(f"{live_server}/calendar/planning?date={pole.tuesday}")
    for name in ("Grande salle Jaurès-Louise", "Salle Jaurès", "Bureau Louise Michel"):
        row = page.locator("table.planning tbody tr", has_text=name)
        expect(row.locator("td").nth(1)).to_have_attribute("data-state", "taken")
    # Another room of the pole stays as it was: the 20-person hall, booked that afternoon only.
    veil = page.locator("table.planning tbody tr", has_text="Grande salle Simone Veil")
    expect(veil.locator("td").nth(1)).to_have_attribute("data-state", "partial")
