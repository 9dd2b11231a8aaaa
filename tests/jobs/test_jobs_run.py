"""``pooling jobs run``: forgets idempotency keys after 24 hours, reads the calendars that are due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from pooling.bookings.models import IdempotencyKey
from pooling.calendar import services
from pooling.calendar.models import ExternalCalendar
from pooling.extensions import db
from tests.calendar.test_external_calendars import ACCOUNTANT_ICS
from tests.factories import make_coordinator, make_resource

# A weekday (the room opens Monday to Friday) a week or two from the day the tests run.
DAY = datetime.now(UTC).date() + timedelta(days=7)
DAY += timedelta(days=(7 - DAY.weekday()) % 7)


def book_with_key(client, resource, key: str, hour: int):
    """Book ``hour``:00-``hour+1``:00 UTC on DAY with an Idempotency-Key."""
    return client.post(
        "/api/v1/bookings",
        json={
            "resource_id": resource.id,
            "start": f"{DAY.isoformat()}T{hour:02d}:00:00Z",
            "end": f"{DAY.isoformat()}T{hour + 1:02d}:00:00Z",
            "title": "Réunion",
        },
        headers={"Idempotency-Key": key},
    )


def run_jobs(app):
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    db.session.expire_all()
    return result


def key_count() -> int:
    return db.session.scalar(select(func.count(IdempotencyKey.id)))


def test_a_key_replays_its_answer_for_24_hours_then_is_forgotten(app, api, pole):
    client = api(pole.alice)
    first = book_with_key(client, pole.room, "retry-me", hour=9)
    assert first.status_code == 201
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=23), tick=True):
        again = book_with_key(client, pole.room, "retry-me", hour=9)
        assert again.json["id"] == first.json["id"]
        reused = book_with_key(client, pole.room, "retry-me", hour=11)
        assert reused.status_code == 422
        assert reused.json["error"] == "idempotency_key_reused"
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=25), tick=True):
        new_request = book_with_key(client, pole.room, "retry-me", hour=11)
    assert new_request.status_code == 201, new_request.json
    assert new_request.json["id"] != first.json["id"]


def test_jobs_run_deletes_only_the_expired_keys(app, api, pole):
    client = api(pole.alice)
    with time_machine.travel(datetime.now(UTC) - timedelta(hours=30), tick=True):
        assert book_with_key(client, pole.room, "old-key", hour=9).status_code == 201
    assert book_with_key(client, pole.room, "fresh-key", hour=11).status_code == 201
    assert key_count() == 2
    result = run_jobs(app)
    assert result.exit_code == 0, result.output
    assert "idempotency keys: 1 expired key(s) deleted" in result.output
    remaining = db.session.scalars(select(IdempotencyKey.key)).all()
    assert remaining == ["fresh-key"]


def test_jobs_run_reads_only_the_calendars_that_are_due(app, pole, ics_server):
    coordinator = make_coordinator()
    never_read = make_resource("Comptable", kind="staff")
    read_recently = make_resource("Animatrice", kind="staff")
    ics_server.routes["/never.ics"] = {"body": ACCOUNTANT_ICS}
    ics_server.routes["/recent.ics"] = {"body": ACCOUNTANT_ICS}
    services.attach_external_calendar(coordinator, never_read.id, ics_server.url("/never.ics"))
    recent = services.attach_external_calendar(
        coordinator, read_recently.id, ics_server.url("/recent.ics")
    )
    recent.last_attempt_at = datetime.now(UTC) - timedelta(minutes=5)
    db.session.commit()

    result = run_jobs(app)
    assert result.exit_code == 0, result.output
    assert "external calendars: 1 due, 1 read, 0 failed" in result.output
    assert [path for path, _headers in ics_server.requests] == ["/never.ics"]
    assert db.session.get(ExternalCalendar, recent.id).busy_count == 0

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16), tick=True):
        result = run_jobs(app)
    assert "external calendars: 2 due, 2 read, 0 failed" in result.output
    assert sorted(path for path, _headers in ics_server.requests) == [
        "/never.ics",
        "/never.ics",
        "/recent.ics",
    ]


def test_no_database_connection_is_held_while_a_calendar_is_fetched(app, pole, ics_server):
    coordinator = make_coordinator()
    accountant = make_resource("Comptable", kind="staff")
    engine = db.engine
    held_during_fetch: list[int] = []
    ics_server.routes["/slow.ics"] = {
        "body": ACCOUNTANT_ICS,
        "delay": 0.2,
        "on_request": lambda: held_during_fetch.append(engine.pool.checkedout()),
    }
    services.attach_external_calendar(coordinator, accountant.id, ics_server.url("/slow.ics"))
    db.session.commit()

    result = run_jobs(app)
    assert result.exit_code == 0, result.output
    assert held_during_fetch == [0]
    calendar = db.session.scalar(select(ExternalCalendar))
    assert calendar.last_success_at is not None


def test_an_unreachable_calendar_is_reported_and_jobs_run_still_succeeds(app, pole):
    coordinator = make_coordinator()
    accountant = make_resource("Comptable", kind="staff")
    services.attach_external_calendar(coordinator, accountant.id, "http://127.0.0.1:9/cal.ics")
    db.session.commit()
    result = run_jobs(app)
    assert result.exit_code == 0
    assert "external calendars: 1 due, 0 read, 1 failed" in result.output
    calendar = db.session.scalar(select(ExternalCalendar))
    assert calendar.last_error_code == "unreachable"
