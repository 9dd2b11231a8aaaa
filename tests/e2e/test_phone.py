"""On a phone (375x740): the planning, the booking form and the calendar fit and can be used."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, no_horizontal_overflow, sign_in
from tests.factories import PASSWORD


def test_booking_form_and_planning_fit_a_phone_and_book(live_server, new_page, pole):
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, "alice@jardins.example", PASSWORD)
    assert no_horizontal_overflow(page), "home"

    # The planning: the page itself does not scroll sideways; the grid scrolls in its box.
    page.goto(f"{live_server}/calendar/planning?date={pole.tuesday}")
    assert no_horizontal_overflow(page), "planning"
    wrap = page.locator(".table-wrap").filter(has=page.locator("table.planning"))
    assert wrap.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    assert wrap.evaluate("e => e.clientWidth") <= PHONE["width"]
    row = page.locator("table.planning tbody tr", has_text="Salle Jaurès")
    book = row.locator("td:nth-child(3) a.cell-book")
    book.scroll_into_view_if_needed()
    expect(book).to_be_visible()
    book.click()

    # The booking form, prefilled from the planning's cell (Tuesday is the 2nd day column).
    page.wait_for_url("**/bookings/new?**")
    assert no_horizontal_overflow(page), "booking form"
    assert page.input_value("#resource_id") == str(pole.jaures.id)
    assert page.input_value("#date") == pole.tuesday.isoformat()
    page.fill("#start_time", "10:00")
    page.fill("#end_time", "11:00")
    page.fill("#title", "Point équipe")
    page.check("input[name=repeat][value=weekly]")
    assert no_horizontal_overflow(page), "booking form with the recurrence fields"
    page.check("input[name=repeat][value=none]")
    confirm = page.locator("#booking-form button[name=action][value=confirm]")
    confirm.scroll_into_view_if_needed()
    confirm.click()
    page.wait_for_url(re.compile(r"/bookings/\d+$"))
    expect(page.locator(".when .tag.confirmed")).to_be_visible()
    assert no_horizontal_overflow(page), "booking page"

    # The resource's calendar opens on one day, its toolbar wrapped to the screen's width.
    page.goto(f"{live_server}/calendar/resources/{pole.jaures.id}?date={pole.tuesday}")
    expect(page.locator(".fc-timegrid-col[data-date] .fc-event.booking")).to_have_count(1)
    expect(page.locator(".fc-timegrid-col[data-date]")).to_have_count(1)
    assert no_horizontal_overflow(page), "calendar"
