"""Browser tests: a real HTTP server on 127.0.0.1 and Debian's Chromium driven by Playwright.

The server runs the application in a thread (werkzeug's threaded server) on the test's own
database, so the test can prepare data with the factories and then click through the pages.
Skipped when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from pooling.extensions import db

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                # Date and time inputs follow the browser's own language, not the page's.
                "--lang=fr-FR",
            ],
            env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"},
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    """The application served over real HTTP on a free local port; yields its base URL."""
    app.config.update(SERVER_NAME=None)
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    db.session.remove()


@pytest.fixture
def new_page(browser, request):
    """``new_page(viewport=None)`` -> a page in a browser of its own (cookies not shared).

    Several people of a journey each get one; on failure every page is saved as a screenshot.
    """
    opened = []

    def _open(viewport: dict | None = None):
        context = browser.new_context(
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport=viewport or VIEWPORT,
            bypass_csp=False,
        )
        context.set_default_timeout(10000)
        opened.append(context)
        return context.new_page()

    yield _open
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for index, context in enumerate(opened):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for number, page in enumerate(context.pages):
                name = f"{request.node.name}-{index}-{number}.png"
                page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh browser page (French, like most of the pole's members), 1280x800."""
    return new_page()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real form."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical"), needs_review: bool = False) -> list[dict]:
    """Run axe-core on the current page; returns the violations of the given impacts.

    With ``needs_review``, also what axe could not decide alone ("incomplete"), except the
    contrast of text over striped backgrounds (closed cells and times), checked by eye.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations', 'incomplete']})"
    )
    found = result["violations"]
    if needs_review:
        found += [v for v in result["incomplete"] if v["id"] != "color-contrast"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in found
        if v["impact"] in impacts
    ]


def screenshot(page, name: str) -> None:
    """Save the page as ``name`` in $POOLING_SCREENSHOTS (the README's pictures), if it is set."""
    folder = os.environ.get("POOLING_SCREENSHOTS")
    if not folder:
        return
    path = Path(folder)
    if not path.is_absolute():
        path = ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path / name))


def tuesday_ahead(weeks: int = 3, today: date | None = None) -> date:
    """The first Tuesday at least ``weeks`` weeks after today."""
    day = (today or date.today()) + timedelta(weeks=weeks)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def wall(day: date, clock: str) -> datetime:
    """A naive local wall-clock time of the pole: ``wall(tuesday, "14:00")``."""
    return datetime.combine(day, datetime.strptime(clock, "%H:%M").time())


def no_horizontal_overflow(page) -> bool:
    """Whether the page fits the viewport's width (a phone must not scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def pole_recipe() -> str:
    """The journeys' people and resources: the "journeys" recipe of tests.world."""
    return "journeys"


@pytest.fixture
def pole(pole, app):
    """Three member organisations, their people, three rooms and a workshop lent on approval.

    The 20-person hall is already booked by another organisation on the Tuesday afternoon of
    ``pole.tuesday`` (three weeks ahead), so that only the 12-person room fits 10 people then;
    a few other bookings of that week fill the calendar and the planning, never on Tuesday
    14:00-16:00 in the 12-person room nor in the workshop on Tuesday.
    """
    from pooling.bookings import services
    from pooling.core.time import local_to_utc, pole_tz

    p = pole
    p.tuesday = tuesday_ahead()
    tz = pole_tz()
    monday = p.tuesday - timedelta(days=1)
    for who, resource, day, start, end, title in [
        (p.claire, p.veil, 1, "13:30", "17:00", "Répétition générale"),
        (p.claire, p.jaures, 0, "09:00", "12:00", "Permanence juridique"),
        (p.claire, p.jaures, 3, "17:00", "19:00", "Répétition de la chorale"),
        (p.bob, p.louise, 2, "10:00", "17:00", "Comptabilité partagée"),
        (p.paul, p.louise, 4, "08:00", "12:00", "Chantier d'insertion"),
    ]:
        services.create_booking(
            who,
            services.BookingRequest(
                resource_id=resource.id,
                start=local_to_utc(wall(monday + timedelta(days=day), start), tz),
                end=local_to_utc(wall(monday + timedelta(days=day), end), tz),
                title=title,
            ),
        )
    db.session.commit()
    return p
