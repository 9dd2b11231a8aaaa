"""``pooling rollup``: refill the dashboards' day rollup from the bookings."""

from __future__ import annotations

import click

from pooling.dashboards.rollup_sync import rebuild
from pooling.extensions import db


@click.group("rollup")
def rollup() -> None:
    """The dashboards' day rollup."""


@rollup.command("rebuild")
def rebuild_command() -> None:
    """Empty the day rollup and fill it again from every booking (after a change of time zone,
    or of bookings written behind the application's back)."""
    rows = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Day rollup rebuilt: {rows} rows.")
