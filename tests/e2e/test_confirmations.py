"""Nothing is destroyed in one click: the page asks first, in a dialog; "Go back" changes nothing.

Cancelling a booking or the rest of a series, closing a cost period before its end, making the
referent a member, deactivating a person and revoking a calendar feed each open the question;
dismissed, nothing changes; accepted, the action is done.
"""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from pooling.accounts.models import Membership, User
from pooling.bookings import services as bookings
from pooling.bookings.models import Booking
from pooling.calendar import services as feeds
from pooling.calendar.models import Feed
from pooling.core.time import local_to_utc, pole_tz
from pooling.costing import periods
from pooling.costing.models import CostPeriod
from pooling.extensions import db
from tests.e2e.conftest import sign_in, wall
from tests.factories import PASSWORD, make_coordinator, make_user


def fresh(model, ident):
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(model, ident)


def dismiss(page) -> None:
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Revenir en arrière").click()
    expect(dialog).to_be_hidden()


def accept(page, label: str | None = None) -> None:
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    button = dialog.locator(".confirm-accept")
    if label:
        expect(button).to_have_text(label)
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def test_cancelling_from_my_bookings_asks_first(live_server, page, pole):
    booking = bookings.create_booking(
        pole.alice,
        bookings.BookingRequest(
            resource_id=pole.louise.id,
            start=local_to_utc(wall(pole.tuesday, "10:00"), pole_tz()),
            end=local_to_utc(wall(pole.tuesday, "11:00"), pole_tz()),
            title="Réunion d'équipe",
        ),
    ).bookings[0]
    db.session.commit()
    sign_in(page, live_server, "alice@jardins.example", PASSWORD)
    page.goto(f"{live_server}/bookings/")
    row = page.locator("table tbody tr", has_text="Bureau Louise Michel")
    row.get_by_role("button", name="Annuler").click()
    expect(page.locator("#confirm-dialog .confirm-question")).to_contain_text(
        "Bureau Louise Michel"
    )
    dismiss(page)
    assert fresh(Booking, booking.id).status == "confirmed"
    expect(row.locator(".tag.confirmed")).to_be_visible()

    row.get_by_role("button", name="Annuler").click()
    accept(page)
    expect(page.locator(".flash-success")).to_be_visible()
    assert fresh(Booking, booking.id).status == "cancelled"


def test_cancelling_the_rest_of_a_series_asks_first(live_server, page, pole):
    result = bookings.create_booking(
        pole.alice,
        bookings.BookingRequest(
            resource_id=pole.louise.id,
            start=local_to_utc(wall(pole.tuesday, "11:00"), pole_tz()),
            end=local_to_utc(wall(pole.tuesday, "12:00"), pole_tz()),
            title="Point hebdomadaire",
            recurrence="FREQ=WEEKLY;COUNT=3",
        ),
    )
    db.session.commit()
    ids = [b.id for b in result.bookings]
    sign_in(page, live_server, "alice@jardins.example", PASSWORD)
    page.goto(f"{live_server}/bookings/{ids[0]}")
    following = page.get_by_role("button", name="Annuler cette occurrence et les suivantes")
    following.click()
    dismiss(page)
    assert [fresh(Booking, i).status for i in ids] == ["confirmed"] * 3
    following.click()
    accept(page)
    assert [fresh(Booking, i).status for i in ids] == ["cancelled"] * 3


def test_closing_a_period_before_its_end_warns_and_asks(live_server, page, pole):
    coordinator = make_coordinator(email="coordination@pole.example", name="Camille Roux")
    today = date.today()
    period = periods.create_period(
        coordinator,
        periods.PeriodInput(
            name="Période en cours", start=today - timedelta(days=10), end=today + timedelta(20)
        ),
    )
    db.session.commit()
    sign_in(page, live_server, "coordination@pole.example", PASSWORD)
    page.goto(f"{live_server}/costs/{period.id}")
    expect(page.locator("main .flash-warning")).to_contain_text("pas encore terminée")
    page.get_by_role("button", name="Clôturer la période").click()
    expect(page.locator("#confirm-dialog .confirm-warning")).to_contain_text("pas encore terminée")
    dismiss(page)
    assert fresh(CostPeriod, period.id).status == "open"
    page.get_by_role("button", name="Clôturer la période").click()
    accept(page)
    assert fresh(CostPeriod, period.id).status == "closed"


def test_making_a_referent_member_and_deactivating_ask_first(live_server, page, pole):
    second = make_user(pole.scop, role="org_admin", name="Rita Seconde", email="rita@scop.example")
    db.session.commit()
    membership_id = db.session.scalar(select(Membership.id).where(Membership.user_id == second.id))
    sign_in(page, live_server, "paul@scop-bois.example", PASSWORD)
    page.goto(f"{live_server}/organisations/scop-bois/people")
    row = page.locator("table tbody tr", has_text="Rita Seconde")

    row.get_by_role("button", name="Nommer membre").click()
    expect(page.locator("#confirm-dialog .confirm-question")).to_contain_text("Rita Seconde")
    dismiss(page)
    assert fresh(Membership, membership_id).role == "org_admin"
    row.get_by_role("button", name="Nommer membre").click()
    accept(page)
    assert fresh(Membership, membership_id).role == "member"

    row = page.locator("table tbody tr", has_text="Rita Seconde")
    row.get_by_role("button", name="Désactiver").click()
    dismiss(page)
    assert fresh(User, second.id).active
    row.get_by_role("button", name="Désactiver").click()
    accept(page)
    assert not fresh(User, second.id).active


def test_revoking_a_feed_asks_first(live_server, page, pole):
    feed, _secret = feeds.create_feed(pole.alice, feeds.FeedInput(scope="me"))
    db.session.commit()
    sign_in(page, live_server, "alice@jardins.example", PASSWORD)
    page.goto(f"{live_server}/calendar/feeds")
    page.get_by_role("button", name="Révoquer cet abonnement").click()
    dismiss(page)
    assert fresh(Feed, feed.id).revoked_at is None
    page.get_by_role("button", name="Révoquer cet abonnement").click()
    accept(page)
    assert fresh(Feed, feed.id).revoked_at is not None


def test_without_javascript_a_page_asks_the_same_question(live_server, browser, pole):
    booking = bookings.create_booking(
        pole.alice,
        bookings.BookingRequest(
            resource_id=pole.louise.id,
            start=local_to_utc(wall(pole.tuesday, "15:00"), pole_tz()),
            end=local_to_utc(wall(pole.tuesday, "16:00"), pole_tz()),
        ),
    ).bookings[0]
    db.session.commit()
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, "alice@jardins.example", PASSWORD)
        page.goto(f"{live_server}/bookings/")
        row = page.locator("table tbody tr", has_text="Bureau Louise Michel")
        with page.expect_navigation():
            row.get_by_role("button", name="Annuler").click()
        expect(page.locator("h1")).to_contain_text("Bureau Louise Michel")
        assert fresh(Booking, booking.id).status == "confirmed"
        with page.expect_navigation():
            page.get_by_role("link", name="Revenir sans rien changer").click()
        assert fresh(Booking, booking.id).status == "confirmed"
        with page.expect_navigation():
            row.get_by_role("button", name="Annuler").click()
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        expect(page.locator(".flash-success")).to_be_visible()
        assert fresh(Booking, booking.id).status == "cancelled"
    finally:
        context.close()
