"""waitlist entries, and the waitlist mail preference

Revision ID: 9a4c2e7b1d60
Revises: a7c3e1f9b2d4
Create Date: 2026-12-08 01:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "9a4c2e7b1d60"
down_revision = "a7c3e1f9b2d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_waitlist_entries_end_after_start")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_waitlist_entries_quantity_positive")),
        sa.CheckConstraint(
            "status IN ('waiting', 'offered', 'accepted', 'declined', 'expired', 'left')",
            name=op.f("ck_waitlist_entries_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_waitlist_entries_booking_id_bookings")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_waitlist_entries_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_waitlist_entries_resource_id_resources"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_waitlist_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entries")),
    )
    op.create_index(
        "ix_waitlist_entries_resource_status",
        "waitlist_entries",
        ["resource_id", "status", "start_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_waitlist_entries_user_id"), "waitlist_entries", ["user_id"], unique=False
    )
    # Plain ADD COLUMN (no table copy): SQLite keeps the rows that reference users.
    op.add_column(
        "users", sa.Column("mail_waitlist", sa.Boolean(), server_default=sa.true(), nullable=False)
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # In place, as the upgrade added it: a batch copy of users would cascade.
        op.execute("ALTER TABLE users DROP COLUMN mail_waitlist")
    else:
        op.drop_column("users", "mail_waitlist")
    op.drop_index(op.f("ix_waitlist_entries_user_id"), table_name="waitlist_entries")
    op.drop_index("ix_waitlist_entries_resource_status", table_name="waitlist_entries")
    op.drop_table("waitlist_entries")
