"""Every answer carries a request id; one structured log line per request; errors keep their id."""

from __future__ import annotations

import json
import logging
import re

import pytest

from pooling.core.request_log import RequestIdFilter, _handler
from tests.factories import make_user

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "pooling.request"]


@pytest.mark.parametrize(
    "path", ["/login", "/", "/api/v1/me", "/api/v1/openapi.json", "/nowhere", "/static/css/app.css"]
)
def test_every_answer_carries_a_fresh_request_id(app, client, path):
    first = client.get(path).headers["X-Request-Id"]
    second = client.get(path).headers["X-Request-Id"]
    assert HEX_ID.match(first) and HEX_ID.match(second)
    assert first != second


def test_the_proxy_request_id_is_kept_when_it_is_a_plain_token(app, client):
    kept = client.get("/login", headers={"X-Request-Id": "0123456789abcdef0123456789abcdef"})
    assert kept.headers["X-Request-Id"] == "0123456789abcdef0123456789abcdef"
    forged = client.get("/login", headers={"X-Request-Id": "evil id with spaces && {json}"})
    assert HEX_ID.match(forged.headers["X-Request-Id"])


def test_one_line_per_request_with_route_status_duration_and_user(app, login, caplog):
    caplog.set_level(logging.INFO, logger="pooling.request")
    person = make_user()
    response = login(person).get("/bookings/")
    records = request_records(caplog)
    assert len(records) == 1
    line = records[0]
    assert line.request_id == response.headers["X-Request-Id"]
    assert (line.method, line.route, line.status) == ("GET", "/bookings/", response.status_code)
    assert line.user_id == person.id
    assert line.duration_ms > 0


def test_api_calls_are_logged_with_the_token_owner_and_the_route_pattern(app, api, caplog):
    caplog.set_level(logging.INFO, logger="pooling.request")
    person = make_user()
    api(person).get("/api/v1/bookings/99999")
    line = request_records(caplog)[-1]
    assert line.route == "/api/v1/bookings/<int:booking_id>"
    assert line.status == 404
    assert line.user_id == person.id


def test_secrets_in_paths_never_reach_the_log(app, client, caplog):
    caplog.set_level(logging.INFO, logger="pooling.request")
    client.get("/ical/this-is-a-feed-secret.ics")
    assert "this-is-a-feed-secret" not in caplog.text
    assert request_records(caplog)[-1].route == "/ical/<secret>.ics"


def test_an_error_is_logged_with_its_traceback_and_request_id(app, caplog):
    def broken():
        raise ZeroDivisionError("a bug")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    response = app.test_client().get("/broken-for-test")
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0].exc_info[0] is ZeroDivisionError
    assert errors[0].request_id == response.headers["X-Request-Id"]
    assert request_records(caplog)[-1].status == 500


def test_json_lines_hold_the_fields_a_log_collector_reads(app):
    record = logging.LogRecord("pooling.request", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.request_id, record.status, record.route = "abc", 200, "/"
    handler = _handler("json")
    assert RequestIdFilter().filter(record)
    line = json.loads(handler.format(record))
    assert line["level"] == "INFO"
    assert line["logger"] == "pooling.request"
    assert line["message"] == "GET / 200"
    assert (line["request_id"], line["status"], line["route"]) == ("abc", 200, "/")
    assert line["time"]
