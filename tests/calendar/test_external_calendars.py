"""External calendars: served by a local HTTP server, synced by ``pooling ical sync``, they block bookings."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from pooling.bookings import queries as booking_queries
from pooling.bookings import services as bookings
from pooling.calendar import services
from pooling.calendar.models import ExternalBusyTime, ExternalCalendar
from pooling.extensions import db
from pooling.resources.services import CatalogueFilter
from tests.calendar.conftest import paris
from tests.conftest import csrf_token
from tests.factories import make_resource

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027

# The accountant's own calendar: a weekly meeting (Tuesdays 10:00-12:00 Paris, 3 times), a
# "free" event that must not block, and a cancelled one that must not block either.
ACCOUNTANT_ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Accountant//Own calendar//EN\r
BEGIN:VEVENT\r
UID:weekly@accountant\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Paris:20270112T100000\r
DTEND;TZID=Europe/Paris:20270112T120000\r
RRULE:FREQ=WEEKLY;COUNT=3\r
SUMMARY:Client meeting\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:free@accountant\r
DTSTAMP:20261101T000000Z\r
DTSTART:20270113T090000Z\r
DTEND:20270113T100000Z\r
TRANSP:TRANSPARENT\r
SUMMARY:Reminder\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:cancelled@accountant\r
DTSTAMP:20261101T000000Z\r
DTSTART:20270114T090000Z\r
DTEND:20270114T100000Z\r
STATUS:CANCELLED\r
SUMMARY:Called off\r
END:VEVENT\r
END:VCALENDAR\r
"""


class CalendarServer:
    """A local HTTP server whose answers each test sets per path; it records request headers."""

    def __init__(self):
        self.routes: dict[str, dict] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802  (http.server's naming)
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path, {"status": 404, "body": b"not found"})
                if "on_request" in route:
                    route["on_request"]()
                time.sleep(route.get("delay", 0))
                etag = route.get("etag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = route.get("body", b"")
                self.send_response(route.get("status", 200))
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self):
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(timeout=5)


@pytest.fixture
def ics_server():
    server = CalendarServer()
    yield server
    server.close()


@pytest.fixture
def accountant(pole):
    """The shared accountant: a staff resource open every weekday 08:00-19:00."""
    return make_resource("Comptable partagée", kind="staff", max_advance_days=800)


def attach(coordinator, resource, url):
    calendar = services.attach_external_calendar(coordinator, resource.id, url)
    db.session.commit()
    return calendar


def run_sync(app):
    result = app.test_cli_runner().invoke(args=["ical", "sync"])
    db.session.expire_all()
    return result


def book(client, resource, start, end):
    return client.post(
        "/api/v1/bookings",
        json={"resource_id": resource.id, "start": start, "end": end, "title": "Bilan"},
    )


def test_synced_busy_times_make_the_resource_unavailable(app, api, pole, accountant, ics_server):
    ics_server.routes["/accountant.ics"] = {"body": ACCOUNTANT_ICS}
    attach(pole.coordinator, accountant, ics_server.url("/accountant.ics"))
    free_before = book(
        api(pole.alice), accountant, "2027-01-19T10:30:00+01:00", "2027-01-19T11:00:00+01:00"
    )
    assert free_before.status_code == 201
    bookings.cancel_booking(pole.alice, free_before.json["id"])
    db.session.commit()

    result = run_sync(app)
    assert result.exit_code == 0, result.output

    calendar = db.session.scalar(select(ExternalCalendar))
    assert calendar.last_error_code is None and calendar.busy_count == 3
    refused = book(
        api(pole.alice), accountant, "2027-01-19T10:30:00+01:00", "2027-01-19T11:00:00+01:00"
    )
    assert refused.status_code == 409
    assert refused.json["conflicts"][0]["booking_id"] is None
    free = api(pole.alice).get(
        f"/api/v1/resources/{accountant.id}/availability"
        "?start=2027-01-12T08:00:00%2B01:00&end=2027-01-12T13:00:00%2B01:00"
    )
    busy = [i for i in free.json["intervals"] if i["available_quantity"] == 0]
    assert [(i["start_local"], i["end_local"]) for i in busy] == [
        ("2027-01-12T10:00:00+01:00", "2027-01-12T12:00:00+01:00")
    ]
    # The "free" (transparent) and the cancelled events do not block.
    ok = book(api(pole.alice), accountant, "2027-01-13T10:00:00+01:00", "2027-01-13T11:00:00+01:00")
    assert ok.status_code == 201
    ok = book(api(pole.bob), accountant, "2027-01-14T10:00:00+01:00", "2027-01-14T11:00:00+01:00")
    assert ok.status_code == 201
    found = booking_queries.free_resources(
        pole.alice,
        CatalogueFilter(kind="staff"),
        paris(2027, 1, 26, 10, 30),
        paris(2027, 1, 26, 11),
    )
    assert accountant not in found


def test_second_sync_uses_a_conditional_get_and_keeps_the_busy_times(
    app, pole, accountant, ics_server
):
    ics_server.routes["/accountant.ics"] = {"body": ACCOUNTANT_ICS, "etag": '"v1"'}
    attach(pole.coordinator, accountant, ics_server.url("/accountant.ics"))
    assert run_sync(app).exit_code == 0
    assert run_sync(app).exit_code == 0
    assert ics_server.requests[1][1].get("If-None-Match") == '"v1"'
    calendar = db.session.scalar(select(ExternalCalendar))
    assert calendar.last_error_code is None
    assert db.session.scalar(select(func.count(ExternalBusyTime.id))) == 3


def test_a_new_version_replaces_the_previous_busy_times(app, pole, accountant, ics_server):
    ics_server.routes["/accountant.ics"] = {"body": ACCOUNTANT_ICS, "etag": '"v1"'}
    attach(pole.coordinator, accountant, ics_server.url("/accountant.ics"))
    run_sync(app)
    ics_server.routes["/accountant.ics"] = {
        "body": ACCOUNTANT_ICS.replace(b"COUNT=3", b"COUNT=1"),
        "etag": '"v2"',
    }
    run_sync(app)
    spans = db.session.scalars(select(ExternalBusyTime)).all()
    assert [(s.start_at, s.end_at) for s in spans] == [
        (datetime(2027, 1, 12, 9, tzinfo=UTC), datetime(2027, 1, 12, 11, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    ("route", "code"),
    [
        ({"status": 500, "body": b"oops"}, "http_status"),
        ({"body": b"<html>this is not a calendar</html>"}, "invalid"),
        ({"body": ACCOUNTANT_ICS, "delay": 6}, "timeout"),
        ({"body": ACCOUNTANT_ICS * 20}, "too_large"),
    ],
    ids=["server-error", "garbage", "slow", "too-large"],
)
def test_a_broken_calendar_is_reported_and_the_others_are_still_synced(
    app, pole, accountant, ics_server, route, code
):
    # Only the slow case needs a short timeout; the others get a generous one, so that a
    # loaded machine cannot turn their answer into a timeout.
    app.config.update(
        POOLING_ICAL_FETCH_TIMEOUT=2 if code == "timeout" else 10,
        POOLING_ICAL_MAX_BYTES=len(ACCOUNTANT_ICS) * 2,
    )
    other = make_resource("Salle de réunion", max_advance_days=800)
    ics_server.routes["/broken.ics"] = route
    ics_server.routes["/good.ics"] = {"body": ACCOUNTANT_ICS}
    attach(pole.coordinator, other, ics_server.url("/broken.ics"))
    attach(pole.coordinator, accountant, ics_server.url("/good.ics"))

    result = run_sync(app)
    assert result.exit_code == 0, result.output

    broken = db.session.scalar(
        select(ExternalCalendar).where(ExternalCalendar.resource_id == other.id)
    )
    good = db.session.scalar(
        select(ExternalCalendar).where(ExternalCalendar.resource_id == accountant.id)
    )
    assert broken.last_error_code == code
    assert broken.last_attempt_at is not None and broken.last_success_at is None
    assert good.last_error_code is None and good.busy_count == 3
    assert "could not be read" in result.output


def test_an_unreachable_address_is_reported_and_keeps_the_known_busy_times(
    app, pole, accountant, ics_server
):
    ics_server.routes["/accountant.ics"] = {"body": ACCOUNTANT_ICS}
    attach(pole.coordinator, accountant, ics_server.url("/accountant.ics"))
    run_sync(app)
    ics_server.close()
    result = run_sync(app)
    assert result.exit_code == 0
    calendar = db.session.scalar(select(ExternalCalendar))
    assert calendar.last_error_code == "unreachable"
    assert db.session.scalar(select(func.count(ExternalBusyTime.id))) == 3


def test_coordinator_attaches_a_calendar_and_sees_the_last_error(
    app, login, pole, accountant, ics_server
):
    ics_server.routes["/broken.ics"] = {"status": 500, "body": b"oops"}
    client = login(pole.coordinator)
    page = f"/resources/{accountant.id}/external-calendar"
    response = client.post(
        page,
        data={"url": ics_server.url("/broken.ics"), "csrf_token": csrf_token(client, page)},
    )
    assert response.status_code == 302
    run_sync(app)
    shown = client.get(page).get_data(as_text=True)
    assert "500" in shown and ics_server.url("/broken.ics") in shown
    # The resource's own page says the external calendar could not be read.
    resource_page = client.get(f"/resources/{accountant.id}").get_data(as_text=True)
    assert "flash-error" in resource_page and "500" in resource_page
    assert f"/resources/{accountant.id}/external-calendar" in resource_page


def test_attach_refuses_other_schemes_and_writes_nothing(login, pole, accountant):
    client = login(pole.coordinator)
    page = f"/resources/{accountant.id}/external-calendar"
    response = client.post(
        page, data={"url": "file:///etc/passwd", "csrf_token": csrf_token(client, page)}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(ExternalCalendar.id))) == 0


def test_members_cannot_see_or_set_external_calendars(login, pole, accountant):
    client = login(pole.alice)
    page = f"/resources/{accountant.id}/external-calendar"
    assert client.get(page).status_code == 403
    assert db.session.scalar(select(func.count(ExternalCalendar.id))) == 0


def test_coordinator_removes_the_calendar_and_its_busy_times(
    app, login, pole, accountant, ics_server
):
    ics_server.routes["/accountant.ics"] = {"body": ACCOUNTANT_ICS}
    attach(pole.coordinator, accountant, ics_server.url("/accountant.ics"))
    run_sync(app)
    client = login(pole.coordinator)
    page = f"/resources/{accountant.id}/external-calendar"
    assert "Comptable partagée" in client.get(page).get_data(as_text=True)
    response = client.post(page, data={"url": "", "csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ExternalCalendar.id))) == 0
    assert db.session.scalar(select(func.count(ExternalBusyTime.id))) == 0
    assert client.get(page).status_code == 200
