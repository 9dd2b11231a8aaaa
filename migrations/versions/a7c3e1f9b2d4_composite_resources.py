"""composite resources: the parts a resource is made of

Revision ID: a7c3e1f9b2d4
Revises: b7e2d9c4a610
Create Date: 2026-12-08 00:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e1f9b2d4"
down_revision = "b7e2d9c4a610"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "resource_parts",
        sa.Column("composite_id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("composite_id <> part_id", name=op.f("ck_resource_parts_not_own_part")),
        sa.ForeignKeyConstraint(
            ["composite_id"],
            ["resources.id"],
            name=op.f("fk_resource_parts_composite_id_resources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["resources.id"],
            name=op.f("fk_resource_parts_part_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("composite_id", "part_id", name=op.f("pk_resource_parts")),
    )
    with op.batch_alter_table("resource_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_parts_part_id"), ["part_id"], unique=False)


def downgrade():
    with op.batch_alter_table("resource_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_parts_part_id"))
    op.drop_table("resource_parts")
