"""the dashboards' day rollup: booked and used figures per resource, organisation, purpose and local day

Revision ID: b7e2d9c4a610
Revises: e7b1c9d3a5f2
Create Date: 2026-12-08 00:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2d9c4a610"
down_revision = "e7b1c9d3a5f2"
branch_labels = None
depends_on = None

FLOATS = ("booked_seconds", "unit_seconds")
COUNTS = (
    "confirmed_started",
    "cancelled_started",
    "pending_started",
    "unchecked_started",
    "checked_in_started",
    "attendance_started",
    "late_bookings",
)
DECIMALS = ("used_hours", "used_unit_hours", "used_meter")
USED_COUNTS = ("used_bookings", "late_entries")


def upgrade():
    op.create_table(
        "day_rollups",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("purpose_key", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Float(), nullable=False) for name in FLOATS],
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
        *[sa.Column(name, sa.Float(), nullable=False) for name in DECIMALS],
        *[sa.Column(name, sa.Integer(), nullable=False) for name in USED_COUNTS],
        *[sa.Column(f"heat_{hour:02d}", sa.Float(), nullable=False) for hour in range(24)],
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_day_rollups_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_day_rollups_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "day", "resource_id", "organisation_id", "purpose_key", name=op.f("pk_day_rollups")
        ),
    )
    # Filled from the bookings already stored, by the same code that keeps it afterwards.
    from pooling.dashboards.rollup_sync import rebuild

    rebuild(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE day_rollups")


def downgrade():
    op.drop_table("day_rollups")
