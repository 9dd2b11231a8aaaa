"""qualifications: the notice sent before a holding ends, and its mail preference

Revision ID: e7b1c9d3a5f2
Revises: f1a2b3c4d5e6
Create Date: 2026-12-08 01:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e7b1c9d3a5f2"
down_revision = "f1a2b3c4d5e6"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table copy): SQLite keeps the rows that reference these tables.
    op.add_column(
        "qualification_holders", sa.Column("expiry_notice_for", sa.Date(), nullable=True)
    )
    op.add_column(
        "users",
        sa.Column("mail_qualifications", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("mail_qualifications")
    with op.batch_alter_table("qualification_holders", schema=None) as batch_op:
        batch_op.drop_column("expiry_notice_for")
