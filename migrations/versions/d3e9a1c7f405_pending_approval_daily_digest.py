"""mail: approvers choose one mail per pending booking or one daily digest

Revision ID: d3e9a1c7f405
Revises: b8d2f4a6c913
Create Date: 2026-12-07 21:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d3e9a1c7f405"
down_revision = "b8d2f4a6c913"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table copy): SQLite keeps the rows that reference users.
    op.add_column(
        "users",
        sa.Column("pending_digest", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("users", sa.Column("pending_digest_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("pending_digest_on")
        batch_op.drop_column("pending_digest")
