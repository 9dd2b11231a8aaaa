"""The waitlist in a real browser: Bob is refused a taken room and joins its waitlist from
the conflict in one click; Alice cancels; Bob finds the slot offered to him (inbox and
"My waitlist"), accepts it, and sees his booking. "My waitlist" fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from pooling.bookings import services
from pooling.bookings.models import Booking
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from pooling.waitlist.models import WaitlistEntry
from tests.e2e.conftest import PHONE, no_horizontal_overflow, sign_in, wall
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def _entries() -> list[WaitlistEntry]:
    db.session.rollback()
    db.session.expire_all()
    return list(db.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)))


def test_join_from_a_conflict_get_the_offer_accept_it_and_see_the_booking(
    live_server, new_page, pole
):
    tz = pole_tz()
    alices = services.create_booking(
        pole.alice,
        services.BookingRequest(
            resource_id=pole.jaures.id,
            start=local_to_utc(wall(pole.tuesday, "14:00"), tz),
            end=local_to_utc(wall(pole.tuesday, "16:00"), tz),
            title="Conseil de gérance",
        ),
    ).bookings[0]
    db.session.commit()
    alices_id = alices.id

    page = new_page()
    sign_in(page, live_server, "bob@scop-bois.example", PASSWORD)
    page.goto(f"{live_server}/bookings/new")
    page.select_option("#resource_id", label="Salle Jaurès")
    page.fill("#date", pole.tuesday.isoformat())
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "16:00")
    page.fill("#title", "Atelier menuiserie")
    page.locator("#booking-form button[name=action][value=confirm]").click()
    page.wait_for_load_state()

    # The conflict offers to wait, in one click.
    join = page.get_by_role("button", name="Rejoindre la liste d'attente")
    expect(join).to_be_visible()
    join.click()
    page.wait_for_load_state()
    assert page.url.endswith("/waitlist/")
    expect(page.locator("tr.waitlist-entry")).to_have_count(1)
    expect(page.locator("tr.waitlist-entry")).to_contain_text("Salle Jaurès")
    expect(page.locator("tr.waitlist-entry")).to_contain_text("Position 1")
    [entry] = _entries()
    assert (entry.user_id, entry.status, entry.title) == (
        pole.bob.id,
        "waiting",
        "Atelier menuiserie",
    )

    # Alice cancels: the slot is offered to Bob and held for him.
    services.cancel_booking(pole.alice, alices_id)
    db.session.commit()
    assert _entries()[0].status == "offered"

    page.goto(f"{live_server}/inbox/")
    expect(page.locator("main")).to_contain_text("Salle Jaurès")
    expect(page.locator("main")).to_contain_text("liste d'attente")
    page.goto(f"{live_server}/waitlist/")
    row = page.locator("tr.waitlist-entry")
    expect(row).to_contain_text("Proposé pour vous")
    row.get_by_role("button", name="Accepter et réserver").click()
    page.wait_for_load_state()

    # The booking is his: its page shows it.
    db.session.rollback()
    booking = db.session.scalar(
        select(Booking).where(Booking.user_id == pole.bob.id, Booking.resource_id == pole.jaures.id)
    )
    assert booking is not None and booking.status == "confirmed"
    assert page.url.endswith(f"/bookings/{booking.id}")
    expect(page.locator("main")).to_contain_text("Salle Jaurès")
    expect(page.locator("main")).to_contain_text("Atelier menuiserie")
    assert _entries()[0].status == "accepted"


def test_my_waitlist_fits_a_phone(live_server, new_page, pole):
    tz = pole_tz()
    services.create_booking(
        pole.alice,
        services.BookingRequest(
            resource_id=pole.jaures.id,
            start=local_to_utc(wall(pole.tuesday, "14:00"), tz),
            end=local_to_utc(wall(pole.tuesday, "16:00"), tz),
            title="Conseil de gérance",
        ),
    )
    db.session.commit()
    from pooling.waitlist import services as waitlist

    waitlist.join(
        pole.bob,
        waitlist.WaitlistRequest(
            resource_id=pole.jaures.id,
            start=local_to_utc(wall(pole.tuesday, "14:00"), tz),
            end=local_to_utc(wall(pole.tuesday, "16:00"), tz),
            title="Atelier menuiserie",
        ),
    )
    db.session.commit()
    page = new_page(PHONE)
    sign_in(page, live_server, "bob@scop-bois.example", PASSWORD)
    page.goto(f"{live_server}/waitlist/")
    expect(page.locator("tr.waitlist-entry")).to_contain_text("Position 1")
    expect(page.get_by_role("button", name="Quitter la liste")).to_be_visible()
    assert no_horizontal_overflow(page)


def test_a_taken_range_selected_on_the_resource_calendar_joins_its_waitlist(
    live_server, new_page, pole
):
    tz = pole_tz()
    services.create_booking(
        pole.alice,
        services.BookingRequest(
            resource_id=pole.jaures.id,
            start=local_to_utc(wall(pole.tuesday, "14:00"), tz),
            end=local_to_utc(wall(pole.tuesday, "16:00"), tz),
            title="Conseil de gérance",
        ),
    )
    db.session.commit()
    page = new_page()
    sign_in(page, live_server, "bob@scop-bois.example", PASSWORD)
    page.goto(f"{live_server}/calendar/resources/{pole.jaures.id}?date={pole.tuesday}")
    column = page.locator(f".fc-timegrid-col[data-date='{pole.tuesday.isoformat()}']")
    expect(column.locator(".fc-event.booking")).to_have_count(1)
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    # Drag from 13:00, free, to 15:00, into Alice's booking: a range that is partly taken.
    box = column.bounding_box()
    top = page.locator("td.fc-timegrid-slot-lane[data-time='13:00:00']").bounding_box()
    bottom = page.locator("td.fc-timegrid-slot-lane[data-time='15:00:00']").bounding_box()
    x = box["x"] + box["width"] / 4
    page.mouse.move(x, top["y"] + 2)
    page.mouse.down()
    page.mouse.move(x, top["y"] + top["height"] / 2, steps=4)
    page.mouse.move(x, bottom["y"] - 2, steps=4)
    page.mouse.up()
    page.wait_for_url("**/waitlist/")
    assert questions and "liste d'attente" in questions[0]
    [entry] = _entries()
    assert (entry.user_id, entry.resource_id, entry.status) == (
        pole.bob.id,
        pole.jaures.id,
        "waiting",
    )
    assert entry.start_at == local_to_utc(wall(pole.tuesday, "13:00"), tz)
    assert entry.end_at == local_to_utc(wall(pole.tuesday, "15:00"), tz)
