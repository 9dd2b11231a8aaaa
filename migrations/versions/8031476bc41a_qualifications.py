"""qualifications: what a resource may require, who holds each and until when

Revision ID: 8031476bc41a
Revises: d3e9a1c7f405
Create Date: 2026-12-07 21:04:48.668503

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8031476bc41a'
down_revision = 'd3e9a1c7f405'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('qualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('validity_months IS NULL OR validity_months > 0', name=op.f('ck_qualifications_validity_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualifications')),
    sa.UniqueConstraint('name', name=op.f('uq_qualifications_name'))
    )
    op.create_table('qualification_holders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('qualification_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualifications.id'], name=op.f('fk_qualification_holders_qualification_id_qualifications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_qualification_holders_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_qualification_holders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification_holders')),
    sa.UniqueConstraint('qualification_id', 'user_id', name='uq_qualification_holders_person')
    )
    with op.batch_alter_table('qualification_holders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualification_holders_qualification_id'), ['qualification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qualification_holders_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qualification_holders_valid_until'), ['valid_until'], unique=False)

    op.create_table('resource_qualifications',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('qualification_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualifications.id'], name=op.f('fk_resource_qualifications_qualification_id_qualifications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_resource_qualifications_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'qualification_id', name=op.f('pk_resource_qualifications'))
    )
    with op.batch_alter_table('resource_qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_qualifications_qualification_id'), ['qualification_id'], unique=False)



def downgrade():
    with op.batch_alter_table('resource_qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_qualifications_qualification_id'))

    op.drop_table('resource_qualifications')
    with op.batch_alter_table('qualification_holders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualification_holders_valid_until'))
        batch_op.drop_index(batch_op.f('ix_qualification_holders_user_id'))
        batch_op.drop_index(batch_op.f('ix_qualification_holders_qualification_id'))

    op.drop_table('qualification_holders')
    op.drop_table('qualifications')
