"""``pooling mail send``: deliver every queued mail now, whatever its backoff."""

from __future__ import annotations

import click


@click.group()
def mail() -> None:
    """The mail outbox."""


@mail.command("send")
def mail_send() -> None:
    """Deliver every queued mail now (an operator's flush after an outage)."""
    from pooling.mail.delivery import deliver_due

    click.echo(str(deliver_due(force=True, limit=100_000)))
