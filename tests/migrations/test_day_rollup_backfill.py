"""The migration that creates the dashboards' day rollup fills it from the stored bookings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import bindparam, text

from config import TestingConfig
from pooling import create_app
from pooling.core.db import UTCDateTime
from pooling.dashboards.rollup_sync import differences
from pooling.extensions import db
from tests.migrations.test_confirmed_at_backfill import RESOURCE
from tests.migrations.test_longest_booking_backfill import (  # noqa: F401
    ORGANISATION,
    USER,
    empty_database_url,
    sql,
)

BEFORE = "e7b1c9d3a5f2"  # the migration just before it
BOOKING = """
    INSERT INTO bookings (id, resource_id, organisation_id, user_id, title, start_at, end_at,
                          quantity, status, sequence, confirmed_at, created_at, updated_at)
    VALUES (:id, 1, 1, 1, '', :start, :end, :quantity, :status, 0, :now, :now, :now)
"""


def test_the_day_rollup_is_filled_from_the_bookings_already_stored(
    empty_database_url,  # noqa: F811 (the shared fixture, imported)
    tmp_path,
):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=empty_database_url,
        POOLING_INSTANCE_PATH=str(tmp_path),
    )
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = now + timedelta(days=3)
    # id -> (hours, quantity, status)
    bookings = {1: (2, 3, "confirmed"), 2: (1, 1, "confirmed"), 3: (4, 1, "pending")}
    insert = text(BOOKING).bindparams(
        *(bindparam(name, type_=UTCDateTime) for name in ("now", "start", "end"))
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(sql(ORGANISATION), {"now": now})
            connection.execute(sql(USER), {"now": now})
            connection.execute(
                sql(RESOURCE), {"id": 1, "name": "Salle 1", "approval": False, "now": now}
            )
            for booking_id, (hours, quantity, status) in bookings.items():
                connection.execute(
                    insert,
                    {
                        "id": booking_id,
                        "start": start,
                        "end": start + timedelta(hours=hours),
                        "quantity": quantity,
                        "status": status,
                        "now": now,
                    },
                )
        upgrade()
        with db.engine.connect() as connection:
            booked, unit, pending = connection.execute(
                text(
                    "SELECT sum(booked_seconds), sum(unit_seconds), sum(pending_started) "
                    "FROM day_rollups"
                )
            ).one()
            found = differences(connection)
        db.engine.dispose()
    assert (booked, unit, pending) == (3 * 3600, 7 * 3600, 1)
    assert found == []
