"""invitations: an invitation can propose that an existing account join an organisation

Revision ID: c4d6e8fa1b23
Revises: a3c5e7f90b12
Create Date: 2026-12-07 14:50:00.000000

A referent adding an address that already has an account elsewhere gets the same answer as
for a new address; the account's owner accepts the proposal signed in.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d6e8fa1b23"
down_revision = "a3c5e7f90b12"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("role", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_invitations_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_invitations_organisation_id_organisations"),
            "organisations",
            ["organisation_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_invitations_organisation_id_organisations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_invitations_organisation_id"))
        batch_op.drop_column("name")
        batch_op.drop_column("role")
        batch_op.drop_column("organisation_id")
