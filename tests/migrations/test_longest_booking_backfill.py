"""The migration that backfills ``resources.longest_booking_minutes`` from existing bookings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from pooling import create_app
from pooling.core.db import UTCDateTime
from pooling.extensions import db
from tests.conftest import DATABASES, TEST_DATABASE_URL

BEFORE_BACKFILL = "2d7f85e25a3e"


@pytest.fixture(params=DATABASES)
def empty_database_url(request, tmp_path):
    """An empty database of its own (on PostgreSQL, a database created for this test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'backfill.db'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_backfill"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


ORGANISATION = """
    INSERT INTO organisations (id, name, slug, kind, weight, active, created_at)
    VALUES (1, 'Les Jardins', 'jardins', 'association', 1, TRUE, :now)
"""
USER = """
    INSERT INTO users (id, email, name, locale, active, is_coordinator, session_token, created_at)
    VALUES (1, 'alice@example.org', 'Alice', 'fr', TRUE, FALSE, 'token', :now)
"""
RESOURCE = """
    INSERT INTO resources (id, name, kind, description, location, quantity, unit,
                           requires_approval, active, opening_hours, slot_minutes,
                           min_notice_minutes, max_advance_days, meter_unit,
                           longest_booking_minutes, created_at, updated_at)
    VALUES (:id, :name, 'premises', '', '', 1, '', FALSE, TRUE, '{}', 15, 0, 365, '',
            :longest, :now, :now)
"""
BOOKING = """
    INSERT INTO bookings (resource_id, organisation_id, user_id, title, start_at, end_at,
                          quantity, status, sequence, created_at, updated_at)
    VALUES (:resource_id, 1, 1, '', :start, :end, 1, :status, 0, :now, :now)
"""


def sql(statement: str):
    """Plain SQL whose instants are bound as the application stores them (UTC)."""
    instants = [name for name in ("now", "start", "end") if f":{name}" in statement]
    return text(statement).bindparams(*(bindparam(name, type_=UTCDateTime) for name in instants))


def test_backfill_sets_the_longest_holding_booking_of_each_resource(empty_database_url, tmp_path):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=empty_database_url,
        POOLING_INSTANCE_PATH=str(tmp_path),
    )
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = now + timedelta(days=10)
    # resource id -> (longest_booking_minutes before, bookings as (minutes, status))
    resources = {
        1: (0, [(150, "confirmed"), (600, "cancelled"), (90, "pending"), (300, "rejected")]),
        2: (0, [(60.5, "pending")]),
        3: (45, []),
    }
    with app.app_context():
        upgrade(revision=BEFORE_BACKFILL)
        with db.engine.begin() as connection:
            connection.execute(sql(ORGANISATION), {"now": now})
            connection.execute(sql(USER), {"now": now})
            for resource_id, (longest, bookings) in resources.items():
                connection.execute(
                    sql(RESOURCE),
                    {
                        "id": resource_id,
                        "name": f"Salle {resource_id}",
                        "longest": longest,
                        "now": now,
                    },
                )
                for minutes, status in bookings:
                    end = start + timedelta(minutes=minutes)
                    connection.execute(
                        sql(BOOKING),
                        {
                            "resource_id": resource_id,
                            "start": start,
                            "end": end,
                            "status": status,
                            "now": now,
                        },
                    )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, longest_booking_minutes FROM resources ORDER BY id")
            )
            longest = {row.id: row.longest_booking_minutes for row in rows}
        db.engine.dispose()
    # Cancelled and rejected bookings hold nothing; 60.5 minutes round up to 61.
    assert longest == {1: 150, 2: 61, 3: 0}
