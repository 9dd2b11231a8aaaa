"""resources: backfill longest_booking_minutes from the bookings that hold units

Revision ID: eb6680dd9301
Revises: 2d7f85e25a3e
Create Date: 2026-12-07 05:56:05.000000

The conflict query only looks back longest_booking_minutes before a slot, so bookings made
before the column existed (it was added as 0) could be missed and their units booked again.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "eb6680dd9301"
down_revision = "2d7f85e25a3e"
branch_labels = None
depends_on = None

# Milliseconds from start_at to end_at: both databases compute durations differently.
MILLISECONDS = {
    "postgresql": "CAST(ROUND(EXTRACT(EPOCH FROM (b.end_at - b.start_at)) * 1000) AS BIGINT)",
    "sqlite": "CAST(ROUND((julianday(b.end_at) - julianday(b.start_at)) * 86400000) AS INTEGER)",
}


def upgrade():
    milliseconds = MILLISECONDS[op.get_bind().dialect.name]
    # The longest booking holding units (pending or confirmed, what the conflict query
    # reads), in whole minutes rounded up by integer division; 0 for a resource without.
    op.execute(
        sa.text(
            f"""
            UPDATE resources SET longest_booking_minutes = COALESCE((
                SELECT MAX(({milliseconds} + 59999) / 60000)
                FROM bookings b
                WHERE b.resource_id = resources.id
                  AND b.status IN ('pending', 'confirmed')
            ), 0)
            """
        )
    )


def downgrade():
    # The column stays (its removal belongs to the revision that added it); nothing to undo.
    pass
