"""bookings remember when they were confirmed; co-organisation shares await consent

Revision ID: a7c3e51f0b2d
Revises: c4d6e8fa1b23
Create Date: 2026-12-07 14:40:00.000000

booking_shares.status: existing shares were counted as they stood, so they are accepted.
bookings.confirmed_at: late cancellations are those of once-confirmed bookings; it is
backfilled from decided_at, else created_at, for confirmed bookings and for cancelled ones
that had been confirmed (approved, or on a resource that needs no approval).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e51f0b2d"
down_revision = "c4d6e8fa1b23"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("booking_shares", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), server_default="accepted", nullable=False)
        )
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_booking_shares_decided_by_id_users"), "users", ["decided_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_booking_shares_share_status_known"), "status IN ('accepted', 'proposed', 'declined')"
        )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        sa.text(
            """
            UPDATE bookings SET confirmed_at = COALESCE(decided_at, created_at)
            WHERE status = 'confirmed'
               OR (status = 'cancelled' AND (
                    decided_at IS NOT NULL
                    OR resource_id IN (SELECT id FROM resources WHERE NOT requires_approval)))
            """
        )
    )


def downgrade():
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")
    with op.batch_alter_table("booking_shares", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_booking_shares_share_status_known"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_booking_shares_decided_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by_id")
        batch_op.drop_column("status")
