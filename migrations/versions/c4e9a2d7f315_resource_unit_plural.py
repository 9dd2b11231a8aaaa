"""resource unit label plural

Revision ID: c4e9a2d7f315
Revises: 8031476bc41a
Create Date: 2026-12-07 21:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e9a2d7f315"
down_revision = "8031476bc41a"
branch_labels = None
depends_on = None


def _french_plural(singular: str) -> str:
    """The usual French plural of a unit label (the labels so far were typed in French)."""
    text = singular.strip()
    if not text or text.lower().endswith(("s", "x", "z")):
        return text
    if text.lower().endswith(("au", "eu")):
        return text + "x"
    return text + "s"


def upgrade():
    op.add_column(
        "resources",
        sa.Column("unit_plural", sa.String(length=40), server_default="", nullable=False),
    )
    resources = sa.table(
        "resources",
        sa.column("id", sa.Integer),
        sa.column("unit", sa.String),
        sa.column("unit_plural", sa.String),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(resources.c.id, resources.c.unit)):
        if row.unit:
            connection.execute(
                resources.update()
                .where(resources.c.id == row.id)
                .values(unit_plural=_french_plural(row.unit)[:40])
            )


def downgrade():
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.drop_column("unit_plural")
