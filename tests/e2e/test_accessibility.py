"""axe-core on the main pages, as a referent who books and approves sees them: nothing serious.

What axe flags for review counts too (a label on an element that cannot carry one, say).
"""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from pooling.bookings import services
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from pooling.mail.models import OutboxMail
from tests.e2e.conftest import axe_violations, sign_in, wall
from tests.factories import PASSWORD, make_coordinator


def _book(user, resource, day, start, end, title, recurrence=None):
    tz = pole_tz()
    result = services.create_booking(
        user,
        services.BookingRequest(
            resource_id=resource.id,
            start=local_to_utc(wall(day, start), tz),
            end=local_to_utc(wall(day, end), tz),
            title=title,
            recurrence=recurrence,
        ),
    )
    db.session.commit()
    return result.bookings[0]


def test_main_pages_have_no_serious_or_critical_accessibility_violation(
    live_server, page, new_page, pole
):
    day = pole.tuesday
    own = _book(
        pole.paul, pole.jaures, day, "14:00", "16:00", "Conseil de gérance", "FREQ=WEEKLY;COUNT=4"
    )
    _book(pole.alice, pole.workshop, day + timedelta(days=1), "09:00", "12:00", "Compost")

    page.goto(f"{live_server}/login")
    pages = {"sign-in": None}
    found = {"sign-in": axe_violations(page, needs_review=True)}
    sign_in(page, live_server, "paul@scop-bois.example", PASSWORD)
    pages.update(
        {
            "home": "/",
            "booking form": "/bookings/new",
            "booking page": f"/bookings/{own.id}",
            "my bookings": "/bookings/",
            "calendar": f"/calendar/resources/{pole.jaures.id}?date={day}",
            "planning": f"/calendar/planning?date={day}",
            "planning of a day": f"/calendar/planning?view=day&date={day}",
            "find": f"/calendar/find?kind=premises&date={day}&start_time=14:00&end_time=16:00"
            "&capacity=10",
            "approvals": "/bookings/approvals",
            "inbox": "/inbox/",
            "my notifications": "/account/notifications/",
        }
    )
    for name, url in pages.items():
        if url is None:
            continue
        page.goto(live_server + url)
        if name == "calendar":
            expect(page.locator(".fc-event.booking").first).to_be_visible()
        found[name] = axe_violations(page, needs_review=True)

    # The calendar's month view, reached by its own button.
    page.goto(f"{live_server}/calendar/resources/{pole.jaures.id}?date={day}")
    page.locator(".fc-dayGridMonth-button").click()
    expect(page.locator(".fc-daygrid-event.booking").first).to_be_visible()
    expect(page.locator(".fc-view-harness")).to_have_attribute("role", "region")
    found["calendar, month view"] = axe_violations(page, needs_review=True)

    # The booking form with its preview, then with errors next to the fields.
    page.goto(f"{live_server}/bookings/new?resource_id={pole.jaures.id}&start={day}T14:00")
    page.check("input[name=repeat][value=weekly]")
    page.locator("#booking-form button[name=action][value=preview]").click()
    page.wait_for_load_state()
    found["booking form with preview"] = axe_violations(page, needs_review=True)
    page.fill("#start_time", "")
    page.locator("#booking-form button[name=action][value=confirm]").click()
    page.wait_for_load_state()
    expect(page.locator("#booking-form .error").first).to_be_visible()
    found["booking form with errors"] = axe_violations(page, needs_review=True)

    # The coordinators' page of mails, with a failed one to resend.
    make_coordinator(email="camille@pole.example", name="Camille Roux")
    failed = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).first()
    failed.status, failed.attempts, failed.last_error = "failed", 8, "550 5.1.1 unknown user"
    db.session.commit()
    coordinator = new_page()
    sign_in(coordinator, live_server, "camille@pole.example", PASSWORD)
    coordinator.goto(f"{live_server}/admin/mails/")
    expect(coordinator.locator("#failed-title ~ .table-wrap button")).to_be_visible()
    found["mails"] = axe_violations(coordinator, needs_review=True)

    assert {name: violations for name, violations in found.items() if violations} == {}
