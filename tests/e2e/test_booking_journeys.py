"""The members' journeys in a real browser, in French and in English.

Find a room for 10 people on a Tuesday afternoon, book it every week for 4 weeks, see the
dates on the resource's calendar, cancel the third; another organisation is refused the same
slot; a booking of a lent workshop waits for the lender's referent, who approves it, and the
booker reads it in the inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from pooling.bookings import services
from pooling.bookings.models import Booking
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from tests.e2e.conftest import screenshot, sign_in, wall
from tests.factories import PASSWORD


@dataclass
class Words:
    """What each language must show (French words stay loose while the catalogue is written)."""

    lang: str
    weekday: str
    flash_booked: str = ""
    preview_free: str = ""
    cancelled: str = ""
    refused: str = ""
    nothing_free: str = ""
    pending: str = ""
    approved: str = ""
    book_label: str = ""
    find_heading: str = ""


FRENCH = Words(lang="fr", weekday="mardi")
ENGLISH = Words(
    lang="en",
    weekday="Tuesday",
    flash_booked="Booked: Salle Jaurès, 4 dates (",
    preview_free="4 dates of 4 are free.",
    cancelled="The booking is cancelled.",
    refused="This time is already taken on Salle Jaurès.",
    nothing_free="No resource is free for the whole interval.",
    pending="It awaits approval by the organisation that lends this resource.",
    approved="Your booking of Atelier bois on Tuesday",
    book_label="Book",
    find_heading="Find a free resource",
)
LANGUAGES = [pytest.param(FRENCH, id="fr"), pytest.param(ENGLISH, id="en")]


def _reload_db() -> None:
    """Forget what the test's session holds: the server wrote in its own transactions."""
    db.session.rollback()
    db.session.expire_all()


def _bookings_of(user, resource) -> list[Booking]:
    _reload_db()
    return list(
        db.session.scalars(
            select(Booking)
            .where(Booking.user_id == user.id, Booking.resource_id == resource.id)
            .order_by(Booking.start_at)
        )
    )


def _assert_language(page, words: Words) -> None:
    assert page.locator("html").get_attribute("lang") == words.lang


def _find_a_room_for_ten(page, base_url: str, day: date) -> None:
    page.goto(f"{base_url}/calendar/find")
    page.select_option("#kind", "premises")
    page.fill("#date", day.isoformat())
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "16:00")
    page.fill("#capacity", "10")
    page.locator("form.find-form button[type=submit]").click()
    page.wait_for_load_state()


def _calendar_week(page, day: date):
    """The booking events drawn in the day's column of the resource calendar (once loaded)."""
    column = page.locator(f".fc-timegrid-col[data-date='{day.isoformat()}']")
    # Out-of-hours shading comes with the same answer of the API as the bookings.
    expect(column.locator(".fc-bg-event").first).to_be_attached()
    return column.locator(".fc-event.booking")


@pytest.mark.parametrize("words", LANGUAGES)
def test_member_finds_books_weekly_sees_the_calendar_and_cancels_one_date(
    live_server, new_page, pole, words
):
    if words.lang == "en":
        pole.alice.locale = "en"
        db.session.commit()
    page = new_page()
    tuesdays = [pole.tuesday + timedelta(weeks=n) for n in range(4)]

    sign_in(page, live_server, "alice@jardins.example", PASSWORD)
    assert page.url.rstrip("/") == live_server
    _assert_language(page, words)

    # Find: the 20-person hall is taken, the 6-person office too small.
    _find_a_room_for_ten(page, live_server, pole.tuesday)
    _assert_language(page, words)
    found = page.locator("tr.free-resource")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Salle Jaurès")
    expect(page.locator("#results-title")).to_contain_text(words.weekday)
    if words.find_heading:
        expect(page.locator("h1")).to_have_text(words.find_heading)
        expect(found.locator("a.button")).to_contain_text(words.book_label)
    found.locator("a.button").click()

    # The booking form comes prefilled with the room, the day and the times.
    page.wait_for_url("**/bookings/new?**")
    assert page.input_value("#resource_id") == str(pole.jaures.id)
    assert page.input_value("#date") == pole.tuesday.isoformat()
    assert page.input_value("#start_time") == "14:00"
    assert page.input_value("#end_time") == "16:00"
    page.fill("#title", "Conseil de gérance")
    page.check("input[name=repeat][value=weekly]")
    page.check("input[name=weekdays][value=TU]")
    page.check("input[name=ending][value=count]")
    page.fill("#count", "4")
    page.locator("#booking-form button[name=action][value=preview]").click()
    page.wait_for_load_state()

    preview = page.locator(".preview-list li")
    expect(preview).to_have_count(4)
    expect(page.locator(".preview-list li.preview-free")).to_have_count(4)
    expect(preview.first).to_contain_text(words.weekday)
    if words.preview_free:
        expect(page.locator(".preview")).to_contain_text(words.preview_free)
    assert _bookings_of(pole.alice, pole.jaures) == [], "a preview books nothing"
    if words.lang == "fr":
        screenshot(page, "booking-form.png")
    page.locator(".preview button[value=confirm]").click()
    page.wait_for_url("**/bookings/")

    expect(page.locator(".flash-success")).to_contain_text("Salle Jaurès")
    if words.flash_booked:
        expect(page.locator(".flash-success")).to_contain_text(words.flash_booked)
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(4)
    booked = _bookings_of(pole.alice, pole.jaures)
    assert [b.status for b in booked] == ["confirmed"] * 4
    assert len({b.series_id for b in booked}) == 1
    tz = pole_tz()
    assert [b.start_at for b in booked] == [
        local_to_utc(wall(day, "14:00"), tz) for day in tuesdays
    ]

    # The calendar shows each Tuesday's booking, week after week.
    page.goto(f"{live_server}/calendar/resources/{pole.jaures.id}?date={pole.tuesday}")
    for number, day in enumerate(tuesdays):
        if number:
            page.locator(".fc-next-button").click()
        events = _calendar_week(page, day)
        expect(events).to_have_count(1)
        expect(events).to_contain_text("Conseil de gérance")
        expect(events).to_contain_text("14:00")
        expect(page.locator(".fc-view-harness")).to_have_attribute("role", "region")
        if number == 0:
            # The other organisation's bookings of the week are drawn without their titles.
            expect(page.locator(".fc-event.booking")).to_have_count(3)
            expect(page.locator(".fc-event.booking", has_text="Permanence")).to_have_count(0)
            # Thursday's booking ends at closing time: the night after it stays greyed.
            for later in (day + timedelta(days=2), day + timedelta(days=3)):
                column = page.locator(f".fc-timegrid-col[data-date='{later}']")
                expect(column.locator(".fc-bg-event.closed")).to_have_count(2)
            if words.lang == "fr":
                page.evaluate(
                    "window.scrollTo(0, document.querySelector('.fc-toolbar')"
                    ".getBoundingClientRect().top + window.scrollY - 12)"
                )
                screenshot(page, "calendar.png")

    # The planning of the week: the room is partly taken that Tuesday.
    page.goto(f"{live_server}/calendar/planning?date={pole.tuesday}")
    row = page.locator("table.planning tbody tr", has_text="Salle Jaurès")
    expect(row.locator("td").nth(1)).to_have_attribute("data-state", "partial")
    expect(row.locator("td").nth(2)).to_have_attribute("data-state", "free")
    if words.lang == "fr":
        screenshot(page, "planning.png")

    # Cancel the third Tuesday from its booking page.
    page.goto(f"{live_server}/bookings/")
    page.locator("table tbody tr").nth(2).locator("td a").first.click()
    page.wait_for_url(f"**/bookings/{booked[2].id}")
    page.fill("#cancel_reason", "Assemblée générale déplacée")
    page.locator("form[action$='/cancel'] button[type=submit]:not([formaction])").click()
    # The question is asked first, in a dialog of the page.
    expect(page.locator("#confirm-dialog")).to_be_visible()
    with page.expect_navigation():
        page.locator("#confirm-dialog .confirm-accept").click()
    page.wait_for_load_state()
    expect(page.locator(".flash-success")).to_be_visible()
    if words.cancelled:
        expect(page.locator(".flash-success")).to_have_text(words.cancelled)
    expect(page.locator(".when .tag.cancelled")).to_be_visible()
    assert [b.status for b in _bookings_of(pole.alice, pole.jaures)] == [
        "confirmed",
        "confirmed",
        "cancelled",
        "confirmed",
    ]

    # My bookings: the third date is marked cancelled and can no longer be cancelled.
    page.goto(f"{live_server}/bookings/")
    rows = page.locator("table tbody tr")
    expect(rows.nth(2).locator(".tag.cancelled")).to_be_visible()
    expect(rows.nth(2).locator("form[action$='/cancel']")).to_have_count(0)
    expect(page.locator("table tbody .tag.confirmed")).to_have_count(3)
    page.goto(f"{live_server}/bookings/?status=confirmed")
    expect(page.locator("table tbody tr")).to_have_count(3)

    # The calendar: the third Tuesday is free again; the fourth is still booked.
    page.goto(f"{live_server}/calendar/resources/{pole.jaures.id}?date={tuesdays[2]}")
    expect(_calendar_week(page, tuesdays[2])).to_have_count(0)
    expect(page.locator(".week-list table")).to_have_count(0)
    page.locator(".fc-next-button").click()
    expect(_calendar_week(page, tuesdays[3])).to_have_count(1)


@pytest.mark.parametrize("words", LANGUAGES)
def test_second_organisation_is_refused_the_same_slot_and_nothing_is_booked(
    live_server, new_page, pole, words
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
    if words.lang == "en":
        page.locator(".lang-switch a[hreflang=en]").click()
        page.wait_for_load_state()
    _assert_language(page, words)

    # Searching shows that no room for 10 is free then.
    _find_a_room_for_ten(page, live_server, pole.tuesday)
    expect(page.locator("tr.free-resource")).to_have_count(0)
    expect(page.locator(".empty-result")).to_be_visible()
    if words.nothing_free:
        expect(page.locator(".empty-result")).to_have_text(words.nothing_free)

    # Booking the taken slot anyway is refused, with the reason and the date shown.
    page.goto(f"{live_server}/bookings/new")
    page.select_option("#resource_id", label="Salle Jaurès")
    page.fill("#date", pole.tuesday.isoformat())
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "16:00")
    page.fill("#title", "Atelier menuiserie")
    page.locator("#booking-form button[name=action][value=confirm]").click()
    page.wait_for_load_state()

    assert "/bookings/new" in page.url
    error = page.locator(".flash-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Salle Jaurès")
    if words.refused:
        expect(error).to_have_text(words.refused)
    refused = page.locator("section[role=alert] .taken-dates li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(words.weekday)
    expect(refused).to_contain_text("14:00")
    assert page.input_value("#title") == "Atelier menuiserie", "the form keeps what was typed"
    assert _bookings_of(pole.bob, pole.jaures) == []
    assert len(_bookings_of(pole.alice, pole.jaures)) == 1


@pytest.mark.parametrize("words", LANGUAGES)
def test_lent_workshop_booking_waits_is_approved_by_the_referent_and_reaches_the_inbox(
    live_server, new_page, pole, words
):
    if words.lang == "en":
        pole.alice.locale = "en"
        pole.paul.locale = "en"
        db.session.commit()
    day = pole.tuesday
    alice = new_page()
    sign_in(alice, live_server, "alice@jardins.example", PASSWORD)
    alice.goto(f"{live_server}/bookings/new")
    alice.select_option("#resource_id", label="Atelier bois")
    alice.fill("#date", day.isoformat())
    alice.fill("#start_time", "09:00")
    alice.fill("#end_time", "12:00")
    alice.fill("#title", "Fabrication de bacs à compost")
    alice.locator("#booking-form button[name=action][value=confirm]").click()
    alice.wait_for_load_state()

    (booking,) = _bookings_of(pole.alice, pole.workshop)
    assert booking.status == "pending"
    alice.wait_for_url(f"**/bookings/{booking.id}")
    expect(alice.locator(".when .tag.pending")).to_be_visible()
    if words.pending:
        expect(alice.locator(".flash-success")).to_contain_text(words.pending)

    # The lender's referent sees it waiting (badge in the menu) and approves it.
    paul = new_page()
    sign_in(paul, live_server, "paul@scop-bois.example", PASSWORD)
    _assert_language(paul, words)
    approvals_link = paul.locator("nav a[href$='/bookings/approvals']")
    expect(approvals_link.locator(".badge")).to_contain_text("1")
    approvals_link.click()
    paul.wait_for_url("**/bookings/approvals")
    card = paul.locator(".approvals li.card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Atelier bois")
    expect(card).to_contain_text("Les Jardins partagés")
    card.locator("button.primary").click()
    paul.wait_for_url("**/bookings/approvals")
    expect(paul.locator(".flash-success")).to_be_visible()
    expect(paul.locator(".approvals li.card")).to_have_count(0)
    expect(paul.locator("nav a[href$='/bookings/approvals'] .badge")).to_have_count(0)
    assert _bookings_of(pole.alice, pole.workshop)[0].status == "confirmed"

    # The booker sees the unread badge, then the approval in the inbox.
    alice.goto(f"{live_server}/")
    inbox_link = alice.locator("nav a[href$='/inbox/']")
    expect(inbox_link.locator(".badge")).to_be_visible()
    inbox_link.click()
    alice.wait_for_url("**/inbox/")
    approved = alice.locator(".inbox li", has=alice.locator(f"a[href$='/bookings/{booking.id}']"))
    expect(approved.first).to_contain_text("Atelier bois")
    expect(approved.first).to_contain_text(words.weekday)
    if words.approved:
        expect(alice.locator(".inbox")).to_contain_text(words.approved)
        expect(alice.locator(".inbox")).to_contain_text("is approved.")
    alice.locator(".inbox li", has_text="09:00").first.locator("a").first.click()
    alice.wait_for_url(f"**/bookings/{booking.id}")
    expect(alice.locator(".when .tag.confirmed")).to_be_visible()
