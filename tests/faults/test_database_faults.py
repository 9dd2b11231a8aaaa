"""Database faults: transient conflicts are retried, a lost connection is a clean 503, SQLite's WAL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from pooling.audit.models import AuditEvent
from pooling.bookings import services
from pooling.bookings.models import Booking
from pooling.extensions import db
from tests.factories import make_organisation, make_resource, make_user
from tests.security.world import next_monday_at
from tests.world import ALWAYS_OPEN as ALWAYS


class SerializationFailure(Exception):
    """What psycopg raises when PostgreSQL cancels a transaction to keep it serializable."""

    sqlstate = "40001"


class DeadlockDetected(Exception):
    sqlstate = "40P01"


@pytest.fixture
def booking_request(app):
    """A member of an organisation and a free room; the JSON body of a booking of one hour."""
    organisation = make_organisation()
    member = make_user(organisation)
    room = make_resource(capacity=4, opening_hours=ALWAYS, max_advance_days=800)
    start = next_monday_at(9)
    body = {
        "resource_id": room.id,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "title": "Board meeting",
    }
    return member, body


def bookings_written() -> int:
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(Booking))


@pytest.mark.parametrize("failure", [SerializationFailure, DeadlockDetected])
def test_transient_failure_is_retried_and_books_once(
    app, api, booking_request, monkeypatch, failure
):
    member, body = booking_request
    real = services.create_booking
    calls = []

    def fails_once(actor, request):
        calls.append(1)
        booking = real(actor, request)  # the first attempt writes, then the database refuses
        if len(calls) == 1:
            raise OperationalError("INSERT INTO bookings ...", {}, failure())
        return booking

    monkeypatch.setattr(services, "create_booking", fails_once)
    response = api(member).post("/api/v1/bookings", json=body)
    assert response.status_code == 201, response.get_json()
    assert len(calls) == 2
    assert bookings_written() == 1


def test_transient_failure_that_persists_is_a_503_and_writes_nothing(
    app, api, booking_request, monkeypatch
):
    member, body = booking_request
    real = services.create_booking
    calls = []

    def always_fails(actor, request):
        calls.append(1)
        real(actor, request)
        raise OperationalError("INSERT INTO bookings ...", {}, SerializationFailure())

    monkeypatch.setattr(services, "create_booking", always_fails)
    response = api(member).post("/api/v1/bookings", json=body)
    assert response.status_code == 503
    assert response.get_json()["error"] == "unavailable"
    assert len(calls) == 3
    assert bookings_written() == 0


def test_other_database_errors_are_not_retried(app, api, booking_request, monkeypatch):
    member, body = booking_request
    calls = []

    class CheckViolation(Exception):
        sqlstate = "23514"

    def broken(actor, request):
        calls.append(1)
        raise OperationalError("INSERT INTO bookings ...", {}, CheckViolation())

    monkeypatch.setattr(services, "create_booking", broken)
    response = api(member).post("/api/v1/bookings", json=body)
    assert response.status_code == 500
    assert len(calls) == 1


def _lose_connection() -> None:
    """End this request's database connection as a crash of the server or the network would."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        other = create_engine(db.engine.url)
        with other.begin() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()
    else:
        connection.connection.dbapi_connection.close()


def test_lost_connection_mid_booking_is_a_clear_503_and_nothing_is_written(
    app, api, booking_request, monkeypatch
):
    member, body = booking_request
    client = api(member)  # the token is made before the fault
    real = services.create_booking

    def loses_connection(actor, request):
        result = real(actor, request)  # the booking and its audit event are flushed...
        _lose_connection()  # ...and the connection goes away before the commit
        return result

    monkeypatch.setattr(services, "create_booking", loses_connection)
    response = client.post("/api/v1/bookings", json=body)
    assert response.status_code == 503
    answer = response.get_json()
    assert answer["error"] == "unavailable"
    assert answer["message"]  # a sentence that says to try again (in the pole's language)
    monkeypatch.setattr(services, "create_booking", real)
    assert bookings_written() == 0
    booking_events = select(func.count()).where(AuditEvent.object_type == "booking")
    assert db.session.scalar(booking_events) == 0
    # The pool recovers: the next request books normally.
    assert client.post("/api/v1/bookings", json=body).status_code == 201
    assert bookings_written() == 1


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
