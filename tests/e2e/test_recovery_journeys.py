"""Recovering from mistakes in a real browser: a clash proposes the next free times and one
click fills the form; a typed date that does not exist is said so; a referent approves a
whole weekly series in one action."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from pooling.bookings import services
from pooling.bookings.models import Booking
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from tests.e2e.conftest import sign_in, wall
from tests.factories import PASSWORD, make_resource

pytestmark = pytest.mark.e2e

NBSP = "\u00a0"
CLASH = {
    "fr": f"Vidéoprojecteur{NBSP}: 1 sur 3 encore libre à ce moment.",
    "en": "Vidéoprojecteur: 1 of 3 still free at that time.",
}
CHOSEN = {"fr": "Horaires remplis", "en": "Times filled in"}


def _reload_db() -> None:
    db.session.rollback()
    db.session.expire_all()


def _book(user, resource, day, start: str, end: str, **more):
    tz = pole_tz()
    result = services.create_booking(
        user,
        services.BookingRequest(
            resource_id=resource.id,
            start=local_to_utc(wall(day, start), tz),
            end=local_to_utc(wall(day, end), tz),
            **more,
        ),
    )
    db.session.commit()
    return result


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_clash_proposes_free_times_and_a_click_fills_the_form(live_server, new_page, pole, lang):
    projectors = make_resource("Vidéoprojecteur", kind="equipment", quantity=3)
    if lang == "en":
        pole.alice.locale = "en"
        db.session.commit()
    # Bob holds 2 of the 3 projectors on the Tuesday afternoon.
    _book(pole.bob, projectors, pole.tuesday, "14:00", "16:00", quantity=2)

    page = new_page()
    sign_in(page, live_server, "alice@jardins.example", PASSWORD)
    page.goto(f"{live_server}/bookings/new")
    page.select_option("#resource_id", str(projectors.id))
    page.fill("#date", pole.tuesday.isoformat())
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "16:00")
    page.fill("#quantity", "2")
    page.fill("#title", "Projection-débat")
    page.locator("#booking-form button[name=action][value=confirm]").click()
    page.wait_for_load_state()

    expect(page.locator(".flash-error")).to_contain_text(CLASH[lang])
    free_times = page.locator(".free-times a[data-free-time]")
    expect(free_times).to_have_count(3)
    expect(free_times.first).to_contain_text("16:00 – 18:00")

    free_times.first.click()
    assert page.url.endswith("/bookings/new"), "the click fills the form, it does not leave it"
    assert page.input_value("#date") == pole.tuesday.isoformat()
    assert page.input_value("#start_time") == "16:00"
    assert page.input_value("#end_time") == "18:00"
    assert page.input_value("#title") == "Projection-débat"
    expect(page.locator("#free-time-chosen")).to_contain_text(CHOSEN[lang])

    page.locator("#booking-form button[name=action][value=confirm]").click()
    page.wait_for_url(re.compile(r"/bookings/\d+$"))
    _reload_db()
    mine = db.session.scalars(
        select(Booking).where(
            Booking.user_id == pole.alice.id, Booking.resource_id == projectors.id
        )
    ).all()
    assert [(b.quantity, b.start_at) for b in mine] == [
        (2, local_to_utc(wall(pole.tuesday, "16:00"), pole_tz()))
    ]


def test_a_typed_date_that_does_not_exist_is_said_so(live_server, page, pole):
    sign_in(page, live_server, "alice@jardins.example", PASSWORD)
    page.goto(f"{live_server}/bookings/new")
    page.select_option("#resource_id", str(pole.jaures.id))
    year = pole.tuesday.year + 1
    # 31 February, typed in the order of the browser's date field (day or month first).
    for typed in (f"3102{year}", f"0231{year}"):
        page.fill("#date", "")
        page.locator("#date").focus()
        page.keyboard.type(typed)
        if page.evaluate("() => document.getElementById('date').validity.badInput"):
            break
    assert page.evaluate("() => document.getElementById('date').validity.badInput")
    page.fill("#start_time", "10:00")
    page.fill("#end_time", "11:00")
    page.locator("#booking-form button[name=action][value=confirm]").click()
    page.wait_for_load_state()
    expect(page.locator("#date-error")).to_have_text("Cette date n'existe pas.")


def test_referent_approves_a_whole_series_in_one_action(live_server, new_page, pole):
    result = _book(
        pole.alice,
        pole.workshop,
        pole.tuesday,
        "09:00",
        "12:00",
        recurrence="FREQ=WEEKLY;COUNT=4",
        title="Bacs à compost",
    )
    ids = [b.id for b in result.bookings]
    assert len(ids) == 4

    paul = new_page()
    sign_in(paul, live_server, "paul@scop-bois.example", PASSWORD)
    paul.goto(f"{live_server}/bookings/approvals")
    card = paul.locator(".approvals li.card")
    expect(card).to_have_count(1)
    expect(card.locator("input[name=booking_ids]:checked")).to_have_count(4)
    for week in range(4):
        day = pole.tuesday + timedelta(weeks=week)
        expect(card).to_contain_text(f"{day.day} ")
    card.locator("input[name=decision_reason]").fill("Bon chantier !")
    card.locator("button[name=decision][value=approve]").click()
    paul.wait_for_url("**/bookings/approvals")
    expect(paul.locator(".flash-success")).to_contain_text("4 dates acceptées")
    expect(paul.locator(".approvals li.card")).to_have_count(0)

    _reload_db()
    decided = [db.session.get(Booking, i) for i in ids]
    assert [b.status for b in decided] == ["confirmed"] * 4
    assert {b.decision_reason for b in decided} == {"Bon chantier !"}
