"""mail: each person's choice of booking mails and reminder delay; bookings remember their reminder

Revision ID: b8d2f4a6c913
Revises: fb9f7540f0c1
Create Date: 2026-12-07 19:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d2f4a6c913'
down_revision = 'fb9f7540f0c1'
branch_labels = None
depends_on = None

KINDS = ('mail_pending', 'mail_decisions', 'mail_changes', 'mail_closures', 'mail_shares')


def upgrade():
    # Plain ADD COLUMN (no table copy): SQLite keeps the rows that reference users.
    for name in KINDS:
        op.add_column(
            'users', sa.Column(name, sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.add_column(
        'users', sa.Column('reminder_hours', sa.Integer(), server_default='24', nullable=True)
    )
    op.add_column('bookings', sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('reminder_hours')
        for name in reversed(KINDS):
            batch_op.drop_column(name)
