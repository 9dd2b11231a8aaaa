"""In a real browser, the demo pole reads in French for a member, a referent and a coordinator:
every page of the main menu, and the errors a booking meets (a taken time, too many units),
without an English sentence of the catalogue or a raw code of the domain."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.core.test_french_catalogue import english_fragments, raw_codes
from tests.e2e.conftest import sign_in, tuesday_ahead

pytestmark = pytest.mark.e2e

PEOPLE = {
    "member": "membre@demo.pooling.fr",
    "referent": "referente@demo.pooling.fr",
    "coordinator": "coordination@demo.pooling.fr",
}


@pytest.fixture
def demo(app):
    """The demo pole (its people sign in with the demo password)."""
    from pooling.demo import DEMO_PASSWORD, load_demo
    from pooling.extensions import db

    load_demo()
    db.session.commit()
    return DEMO_PASSWORD


def not_french(text: str) -> list[str]:
    """English sentences of the catalogue and raw codes found in a page's visible text."""
    text = " ".join(text.split())
    codes = re.compile(r"(?<![\w./-])(" + "|".join(map(re.escape, raw_codes())) + r")(?![\w-])")
    return [piece for piece in english_fragments() if piece in text] + codes.findall(text)


@pytest.mark.parametrize("role", list(PEOPLE))
def test_every_page_of_the_menu_reads_in_french(demo, live_server, page, role):
    sign_in(page, live_server, PEOPLE[role], demo)
    assert page.locator("html").get_attribute("lang") == "fr"
    menu = page.locator("header nav a").evaluate_all("links => links.map(a => a.href)")
    assert len(menu) >= 7
    found = {}
    for link in menu:
        page.goto(link)
        expect(page.locator("main h1").first).to_be_visible()
        problems = not_french(page.locator("body").inner_text())
        if problems:
            found[link] = problems
    assert found == {}


def fill_booking(page, live_server, resource: str, day, start: str, end: str, quantity=None):
    page.goto(f"{live_server}/bookings/new")
    page.select_option("#resource_id", label=resource)
    page.fill("#date", day.isoformat())
    page.fill("#start_time", start)
    page.fill("#end_time", end)
    page.fill("#title", "Assemblée générale")
    if quantity is not None:
        page.fill("#quantity", str(quantity))
    page.locator("#booking-form button[name=action][value=confirm]").click()
    page.wait_for_load_state()


def test_booking_errors_read_in_french(demo, live_server, page):
    sign_in(page, live_server, PEOPLE["member"], demo)
    day = tuesday_ahead(weeks=5)

    # Fifty of the forty chairs: the quantity error, in French, with the number.
    fill_booking(page, live_server, "Chaises pliantes", day, "10:00", "12:00", quantity=50)
    error = page.locator("main").get_by_text(re.compile("ne compte que 40 unités"))
    expect(error.first).to_be_visible()
    assert not_french(page.locator("main").inner_text()) == []
    assert "This resource has only" not in page.content()

    # The same time twice in the small office: the second is refused as taken, in French.
    for _attempt in range(2):
        fill_booking(page, live_server, "Petit bureau partagé", day, "14:00", "15:00")
    taken = page.locator(".flash-error")
    expect(taken.first).to_contain_text("déjà pris")
    assert not_french(page.locator("main").inner_text()) == []
    assert "already taken" not in page.content()
