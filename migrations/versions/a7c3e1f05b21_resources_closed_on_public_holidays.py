"""resources closed on public holidays

Revision ID: a7c3e1f05b21
Revises: a7c3e51f0b2d
Create Date: 2026-12-07 14:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e1f05b21'
down_revision = 'a7c3e51f0b2d'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no table copy on SQLite, whose foreign keys would refuse the drop).
    op.add_column(
        'resources',
        sa.Column(
            'closed_on_public_holidays', sa.Boolean(), server_default=sa.true(), nullable=False
        ),
    )


def downgrade():
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_column('closed_on_public_holidays')
