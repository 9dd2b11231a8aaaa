"""audit: events about a recurring booking name their object "series", not "serie"

Revision ID: a3c5e7f90b12
Revises: eb6680dd9301
Create Date: 2026-12-07 14:40:00.000000

The object kind was the table name without its last "s"; "series" lost its own.

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "a3c5e7f90b12"
down_revision = "eb6680dd9301"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE audit_events SET object_type = 'series' WHERE object_type = 'serie'")


def downgrade():
    op.execute("UPDATE audit_events SET object_type = 'serie' WHERE object_type = 'series'")
