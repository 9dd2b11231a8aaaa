"""Take the README's screenshots again, from the demo pole, on a laptop and on a phone.

Builds the demo pole of ``make run`` in a temporary SQLite database, serves it on a free local
port and drives Debian's Chromium (/usr/bin/chromium) with Playwright through the pages, in
French, as a member, a referent and the coordinator. The pictures are written to
docs/screenshots/ (or the folder given as the first argument):

    .venv/bin/python docs/screenshots.py [FOLDER]

Dates are the demo's (computed from today), so two runs on different days differ.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "demo-pooling-2026"
MEMBER = "membre@demo.pooling.fr"
COORDINATOR = "coordination@demo.pooling.fr"
LAPTOP = {"width": 1366, "height": 860}
PHONE = {"width": 375, "height": 740}


def serve_demo(folder: str):
    """The demo pole in a SQLite file of ``folder``, served over HTTP; returns (url, stop)."""
    os.environ.update(
        POOLING_ENV="development",
        DATABASE_URL=f"sqlite:///{folder}/demo.db",
        POOLING_INSTANCE_PATH=folder,
        POOLING_LOG_FORMAT="text",
    )
    import logging

    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from pooling import create_app
    from pooling.demo import load_demo
    from pooling.extensions import db

    app = create_app()
    for name in ("werkzeug", "pooling.request", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def next_tuesday() -> date:
    day = date.today() + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def take(browser, base: str, out: Path) -> list[Path]:
    """Every picture of the README; returns their paths."""
    taken: list[Path] = []

    def open_as(email: str, viewport: dict):
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport=viewport)
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        return context, page

    def shot(page, name: str, full_page: bool = False) -> None:
        page.wait_for_load_state("networkidle")
        path = out / name
        page.screenshot(path=str(path), full_page=full_page)
        taken.append(path)

    tuesday = next_tuesday()

    # A member on a laptop: the planning, a room's calendar, the booking form and its preview.
    context, page = open_as(MEMBER, LAPTOP)
    page.goto(f"{base}/calendar/planning?date={tuesday}")
    shot(page, "planning.png")
    page.locator("table.planning tbody th a", has_text="Salle Jaurès").click()
    page.wait_for_selector(".fc-timegrid-col[data-date]")
    shot(page, "calendar.png")
    page.goto(f"{base}/calendar/planning?date={tuesday}")
    row = page.locator("table.planning tbody tr", has_text="Salle Jaurès")
    row.locator("td:nth-child(3) a.cell-book").click()
    page.wait_for_url("**/bookings/new?**")
    page.fill("#start_time", "10:00")
    page.fill("#end_time", "12:00")
    page.fill("#title", "Conseil de gérance")
    page.check("input[name=repeat][value=weekly]")
    page.check("input[name=weekdays][value=TU]")
    page.check("input[name=ending][value=count]")
    page.fill("#count", "4")
    page.locator("#booking-form button[name=action][value=preview]").click()
    page.wait_for_selector(".preview-list")
    shot(page, "booking-form.png")
    # Cancelling asks first.
    page.goto(f"{base}/bookings/")
    page.locator("main table tbody tr").first.get_by_role("button", name="Annuler").click()
    page.wait_for_selector("#confirm-dialog[open]")
    shot(page, "confirm-cancel.png")
    context.close()

    # The same member on a phone: the compact menu, my bookings as cards, the planning.
    context, page = open_as(MEMBER, PHONE)
    page.goto(f"{base}/bookings/")
    shot(page, "phone-bookings.png")
    page.get_by_role("button", name="Menu").click()
    shot(page, "phone-menu.png")
    page.goto(f"{base}/calendar/planning?date={tuesday}")
    page.locator("table.planning").scroll_into_view_if_needed()
    shot(page, "phone-planning.png")
    context.close()

    # The coordinator: the dashboard, the activity report, a cost period.
    context, page = open_as(COORDINATOR, LAPTOP)
    page.goto(f"{base}/dashboard/")
    page.wait_for_timeout(800)  # the charts' animation
    shot(page, "dashboard.png")
    page.goto(f"{base}/dashboard/report")
    page.wait_for_timeout(800)
    shot(page, "report.png")
    page.goto(f"{base}/costs/")
    page.locator("main table a[href^='/costs/']").first.click()
    page.wait_for_load_state()
    shot(page, "costs.png")
    context.close()

    context, page = open_as(COORDINATOR, PHONE)
    page.goto(f"{base}/dashboard/")
    page.locator(".period-summary").evaluate("e => e.scrollIntoView()")
    page.wait_for_timeout(800)
    shot(page, "phone-dashboard.png")
    context.close()
    return taken


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        base, stop = serve_demo(folder)
        try:
            with sync_playwright() as playwright:
                # Date and time fields follow the browser's language, not the page's.
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--lang=fr-FR"],
                    env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"},
                )
                for path in take(browser, base, out):
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
                browser.close()
        finally:
            stop()


if __name__ == "__main__":
    main()
