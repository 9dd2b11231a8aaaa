"""The ``pooling ical`` commands: read the external calendars (run ``pooling ical sync`` from cron)."""

from __future__ import annotations

import click

from pooling.extensions import db


@click.group()
def ical() -> None:
    """Calendar sync."""


@ical.command("sync")
def ical_sync() -> None:
    """Read every external calendar and replace its busy times; one failure never stops the others."""
    from pooling.calendar import services

    calendar_ids = services.external_calendar_ids()
    db.session.commit()
    failed = sync_calendars(calendar_ids)
    click.echo(f"{failed} calendar(s) could not be read." if failed else "All calendars read.")


def sync_calendars(calendar_ids: list[int]) -> int:
    """Read each calendar, printing one line each; returns how many could not be read."""
    from pooling.calendar import services
    from pooling.calendar.sync import sync_calendar

    failed = 0
    for calendar_id in calendar_ids:
        try:
            outcome = sync_calendar(calendar_id)
        except Exception as error:  # one broken calendar must not stop the sync of the others
            db.session.rollback()
            failed += 1
            click.echo(f"calendar {calendar_id}: failed ({type(error).__name__})", err=True)
            continue
        if outcome.status == "failed":
            failed += 1
            message = services.external_error_message(outcome.error_code, outcome.error_detail)
            click.echo(
                f"calendar {calendar_id} (resource {outcome.resource_id}): failed: {message}",
                err=True,
            )
        else:
            click.echo(
                f"calendar {calendar_id} (resource {outcome.resource_id}): {outcome.status}, "
                f"{outcome.busy_count} busy times"
            )
    return failed
