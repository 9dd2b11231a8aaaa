"""booking purposes and expected attendance

Revision ID: f1a2b3c4d5e6
Revises: c4e9a2d7f315
Create Date: 2026-12-07 22:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f1a2b3c4d5e6"
down_revision = "c4e9a2d7f315"
branch_labels = None
depends_on = None

DEFAULTS = (
    ("internal_meeting", "Réunion interne", "Internal meeting"),
    ("training", "Formation", "Training"),
    ("public_event", "Événement ouvert au public", "Event open to the public"),
    ("economic_activity", "Activité économique", "Economic activity"),
    ("support", "Accompagnement", "Support and coaching"),
    ("other", "Autre", "Other"),
)


def upgrade():
    purposes = op.create_table(
        "booking_purposes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_purposes")),
        sa.UniqueConstraint("code", name=op.f("uq_booking_purposes_code")),
    )
    op.bulk_insert(
        purposes,
        [
            {"code": c, "name_fr": fr, "name_en": en, "active": True, "position": i}
            for i, (c, fr, en) in enumerate(DEFAULTS)
        ],
    )
    if op.get_bind().dialect.name == "sqlite":
        # A batch copy of ``bookings`` would drop the table, and with it (cascade) the shares:
        # SQLite adds a nullable column with its reference and its check in place.
        op.execute(
            "ALTER TABLE bookings ADD COLUMN purpose_id INTEGER "
            "CONSTRAINT fk_bookings_purpose_id_booking_purposes REFERENCES booking_purposes (id)"
        )
        op.execute(
            "ALTER TABLE bookings ADD COLUMN attendance INTEGER "
            "CONSTRAINT ck_bookings_attendance_not_negative "
            "CHECK (attendance IS NULL OR attendance >= 0)"
        )
    else:
        op.add_column("bookings", sa.Column("purpose_id", sa.Integer(), nullable=True))
        op.add_column("bookings", sa.Column("attendance", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_bookings_purpose_id_booking_purposes"),
            "bookings",
            "booking_purposes",
            ["purpose_id"],
            ["id"],
        )
        op.create_check_constraint(
            op.f("ck_bookings_attendance_not_negative"),
            "bookings",
            "attendance IS NULL OR attendance >= 0",
        )
    op.create_index(op.f("ix_bookings_purpose_id"), "bookings", ["purpose_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_bookings_purpose_id"), table_name="bookings")
    if op.get_bind().dialect.name == "sqlite":
        # In place, as the upgrade added them: a batch copy would cascade to the shares.
        op.execute("ALTER TABLE bookings DROP COLUMN attendance")
        op.execute("ALTER TABLE bookings DROP COLUMN purpose_id")
    else:
        with op.batch_alter_table("bookings", schema=None) as batch_op:
            batch_op.drop_constraint(op.f("ck_bookings_attendance_not_negative"), type_="check")
            batch_op.drop_constraint(
                op.f("fk_bookings_purpose_id_booking_purposes"), type_="foreignkey"
            )
            batch_op.drop_column("attendance")
            batch_op.drop_column("purpose_id")
    op.drop_table("booking_purposes")
