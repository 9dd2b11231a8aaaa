"""The migration that adds ``bookings.confirmed_at`` and the consent of co-organisation shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import bindparam, text

from config import TestingConfig
from pooling import create_app
from pooling.core.db import UTCDateTime
from pooling.extensions import db
from tests.migrations.test_longest_booking_backfill import (  # noqa: F401
    ORGANISATION,
    USER,
    empty_database_url,
    sql,
)

BEFORE = "c4d6e8fa1b23"  # the migration just before it
RESOURCE = """
    INSERT INTO resources (id, name, kind, description, location, quantity, unit,
                           requires_approval, active, opening_hours, slot_minutes,
                           min_notice_minutes, max_advance_days, meter_unit,
                           longest_booking_minutes, created_at, updated_at)
    VALUES (:id, :name, 'premises', '', '', 1, '', :approval, TRUE, '{}', 15, 0, 365, '',
            600, :now, :now)
"""
BOOKING = """
    INSERT INTO bookings (id, resource_id, organisation_id, user_id, title, start_at, end_at,
                          quantity, status, sequence, decided_at, created_at, updated_at)
    VALUES (:id, :resource_id, 1, 1, '', :start, :end, 1, :status, 0, :decided, :now, :now)
"""
SHARE = """
    INSERT INTO booking_shares (booking_id, organisation_id, share) VALUES (1, 1, 1)
"""


def test_confirmed_at_is_backfilled_and_existing_shares_are_accepted(
    empty_database_url,  # noqa: F811 (the shared fixture, imported)
    tmp_path,
):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=empty_database_url,
        POOLING_INSTANCE_PATH=str(tmp_path),
    )
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    decided = now + timedelta(hours=1)
    start, end = now + timedelta(days=3), now + timedelta(days=3, hours=2)
    # id -> (resource: 1 free, 2 needs approval; status; decided_at)
    bookings = {
        1: (1, "confirmed", None),  # confirmed at creation
        2: (2, "confirmed", decided),  # approved
        3: (1, "cancelled", None),  # confirmed, then cancelled
        4: (2, "cancelled", decided),  # approved, then cancelled
        5: (2, "cancelled", None),  # cancelled while pending: never confirmed
        6: (2, "pending", None),
        7: (2, "rejected", decided),
    }
    booking_insert = text(BOOKING).bindparams(
        *(bindparam(name, type_=UTCDateTime) for name in ("now", "start", "end", "decided"))
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(sql(ORGANISATION), {"now": now})
            connection.execute(sql(USER), {"now": now})
            for resource_id, approval in ((1, False), (2, True)):
                connection.execute(
                    sql(RESOURCE),
                    {
                        "id": resource_id,
                        "name": f"Salle {resource_id}",
                        "approval": approval,
                        "now": now,
                    },
                )
            for booking_id, (resource_id, status, decided_at) in bookings.items():
                connection.execute(
                    booking_insert,
                    {
                        "id": booking_id,
                        "resource_id": resource_id,
                        "start": start,
                        "end": end,
                        "status": status,
                        "decided": decided_at,
                        "now": now,
                    },
                )
            connection.execute(text(SHARE))
        upgrade()
        with db.engine.connect() as connection:
            confirmed = {
                row.id: row.confirmed_at is not None
                for row in connection.execute(text("SELECT id, confirmed_at FROM bookings"))
            }
            status = connection.execute(text("SELECT status FROM booking_shares")).scalar_one()
        db.engine.dispose()
    assert confirmed == {1: True, 2: True, 3: True, 4: True, 5: False, 6: False, 7: False}
    assert status == "accepted"
