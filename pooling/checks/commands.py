"""``pooling check``: verify the database's invariants and print what breaks them."""

from __future__ import annotations

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from pooling.checks.invariants import CHECKS
from pooling.extensions import db, migrate


def is_migrated() -> bool:
    """Whether the database is at the newest migration (its tables are the code's)."""
    script = ScriptDirectory.from_config(migrate.get_config())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == set(script.get_heads())


@click.command("check")
def check() -> None:
    """Verify the database's invariants; print each violation; exit 1 if there is any."""
    if not is_migrated():
        click.echo("The database is not at the newest migration: run `pooling db upgrade` first.")
        raise SystemExit(2)
    violations = []
    try:
        for _name, run in CHECKS:
            violations += run()
    finally:
        db.session.rollback()
    for violation in violations:
        click.echo(f"{violation.code}: {violation.message}")
    names = ", ".join(name for name, _run in CHECKS)
    if violations:
        noun = "violation" if len(violations) == 1 else "violations"
        click.echo(f"{len(violations)} {noun} found ({names} checked).")
        raise SystemExit(1)
    click.echo(f"No violation found ({names} checked).")
