"""``pooling check``: verify the database's invariants and print what breaks them."""

from __future__ import annotations

import click

from pooling.checks.invariants import CHECKS
from pooling.extensions import db


@click.command("check")
def check() -> None:
    """Verify the database's invariants; print each violation; exit 1 if there is any."""
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
