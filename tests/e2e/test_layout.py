"""Every page of the menu fits the window, on a laptop (1366 px) and on a phone (375 px).

For a member, a referent and the coordinator of the demo pole (its realistic names, resources
and bookings), each page reached from the navigation is opened at both widths; none may be
wider than the window (wide tables scroll inside their own box or become cards).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pooling.demo import DEMO_PASSWORD, load_demo
from pooling.extensions import db
from tests.e2e.conftest import sign_in

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 740}
ROLES = {
    "member": "membre@demo.pooling.fr",
    "referent": "referente@demo.pooling.fr",
    "coordinator": "coordination@demo.pooling.fr",
}
WIDER_THAN_WINDOW = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.fixture
def demo(app):
    """The demo pole of ``make run``, in the test's database."""
    load_demo()
    db.session.commit()


def menu_pages(page) -> list[str]:
    """The pages the top bar leads to (menu, account, notifications), without the language."""
    hrefs = page.eval_on_selector_all(
        ".topbar a[href]", "links => links.map(link => link.getAttribute('href'))"
    )
    return list(dict.fromkeys(h for h in hrefs if h.startswith("/") and "lang=" not in h))


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "375px"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_menu_page_fits_the_window(live_server, new_page, demo, role, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, live_server, ROLES[role], DEMO_PASSWORD)
    pages = menu_pages(page)
    assert "/dashboard/" in pages or role == "member"
    assert len(pages) >= 8, pages
    too_wide = []
    for path in pages:
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
        if page.evaluate(WIDER_THAN_WINDOW):
            too_wide.append((path, page.evaluate("document.documentElement.scrollWidth")))
    assert not too_wide, f"wider than {viewport['width']} px: {too_wide}"


def test_phone_menu_is_one_line_and_opens_with_sign_out_inside_the_window(
    live_server, new_page, demo
):
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, ROLES["coordinator"], DEMO_PASSWORD)
    topbar = page.locator(".topbar")
    assert topbar.evaluate("e => e.offsetHeight") < 70
    sign_out = page.get_by_role("button", name="Se déconnecter")
    expect(sign_out).to_be_hidden()
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sign_out).to_be_visible()
    box = sign_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert not page.evaluate(WIDER_THAN_WINDOW)
    page.locator(".topbar nav").get_by_role("link", name="Mes réservations").click()
    page.wait_for_url("**/bookings/**")


def test_my_bookings_on_a_phone_show_status_and_cancel_on_each_card(live_server, new_page, demo):
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, ROLES["member"], DEMO_PASSWORD)
    page.goto(f"{live_server}/bookings/")
    first = page.locator("main table tbody tr").first
    status = first.locator("td[data-label='Statut'] .tag")
    expect(status).to_be_visible()
    cancel = first.get_by_role("button", name="Annuler")
    expect(cancel).to_be_visible()
    for element in (status, cancel):
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_planning_on_a_phone_scrolls_its_days_with_the_resources_kept_in_view(
    live_server, new_page, demo
):
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, ROLES["member"], DEMO_PASSWORD)
    page.goto(f"{live_server}/calendar/planning")
    assert not page.evaluate(WIDER_THAN_WINDOW)
    expect(page.locator("table.planning thead th[scope=col]")).to_have_count(8)
    wrap = page.locator(".table-wrap").filter(has=page.locator("table.planning"))
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    name = page.locator("table.planning tbody th[scope=row]").first
    before = name.bounding_box()["x"]
    wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert abs(name.bounding_box()["x"] - before) < 1
    expect(page.locator("table.planning thead th[scope=col]").last).to_be_in_viewport()
    expect(page.get_by_role("link", name="Semaine suivante")).to_be_visible()


def test_dashboard_opens_on_its_key_figures_and_its_tables_fit_a_laptop(
    live_server, new_page, demo
):
    page = new_page(viewport=LAPTOP)
    sign_in(page, live_server, ROLES["coordinator"], DEMO_PASSWORD)
    page.goto(f"{live_server}/dashboard/")
    figures = page.locator(".key-figures .key-figure")
    expect(figures).to_have_count(4)
    for label in ("Taux d'occupation", "Heures réservées", "Structures", "Période"):
        expect(page.locator(".key-figures")).to_contain_text(label)
    assert not page.evaluate(WIDER_THAN_WINDOW)
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('main .table-wrap')]
        .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
        .map(wrap => wrap.querySelector('caption').textContent.trim())"""
    )
    assert not clipped


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "375px"])
def test_pages_one_click_further_fit_the_window_too(live_server, new_page, demo, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, live_server, ROLES["coordinator"], DEMO_PASSWORD)
    further = ["/bookings/new", "/dashboard/report"]
    for start, selector in (
        ("/costs/", "main table a[href^='/costs/']"),
        ("/resources/", "main table a[href^='/resources/']"),
        ("/bookings/?scope=organisation", "main table a[href^='/bookings/']"),
    ):
        page.goto(f"{live_server}{start}")
        further.append(page.locator(selector).first.get_attribute("href"))
    too_wide = []
    for path in further:
        page.goto(f"{live_server}{path}")
        if page.evaluate(WIDER_THAN_WINDOW):
            too_wide.append((path, page.evaluate("document.documentElement.scrollWidth")))
    assert not too_wide, f"wider than {viewport['width']} px: {too_wide}"
