"""``pooling jobs run``: the one cron line; each job commits its own work and reports it.

Jobs today: forget idempotency keys older than their time to live, read the external
calendars whose last attempt is older than ``POOLING_ICAL_SYNC_MINUTES``, refuse as expired
the requests still pending after their start (their bookers told), take back the waitlist
offers past their hold (each passes to the next entry, ``pooling.waitlist.offers``), queue the reminders
of the bookings that start soon (``pooling.mail.reminders``), the daily digests of the
bookings awaiting approval (``pooling.mail.digests``), tell the holders of the
qualifications that end soon and their referents (``pooling.mail.qualification_notices``),
and deliver the mails of the outbox that are due (a mail the server refuses stays queued for a later try,
or is marked failed: the run still succeeds). A failing job is
reported and the others still run; the exit status is 0 unless a job crashed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask import current_app

from pooling.core.db import utcnow
from pooling.extensions import db


@click.group()
def jobs() -> None:
    """Periodic work (run `pooling jobs run` from cron every minute)."""


def purge_idempotency_keys(now: datetime) -> str:
    from pooling.bookings.idempotency import purge_expired

    deleted = purge_expired(now)
    db.session.commit()
    return f"idempotency keys: {deleted} expired key(s) deleted"


def sync_due_calendars(now: datetime) -> str:
    from pooling.calendar import services
    from pooling.calendar.commands import sync_calendars

    every = timedelta(minutes=int(current_app.config["POOLING_ICAL_SYNC_MINUTES"]))
    due = services.due_calendar_ids(now, every)
    db.session.commit()
    failed = sync_calendars(due)
    return f"external calendars: {len(due)} due, {len(due) - failed} read, {failed} failed"


def queue_reminders(now: datetime) -> str:
    from pooling.mail.reminders import queue_due_reminders

    count = queue_due_reminders(now)
    db.session.commit()
    return f"reminders: {count} queued"


def queue_digests(now: datetime) -> str:
    from pooling.mail.digests import queue_due_digests

    count = queue_due_digests(now)
    db.session.commit()
    return f"approval digests: {count} queued"


def tell_ending_qualifications(now: datetime) -> str:
    from pooling.mail.qualification_notices import due_holdings, tell_holding

    due = due_holdings(now)
    db.session.commit()
    told = 0
    for holding_id in due:
        # One transaction per holding: its claim and its notices are committed together.
        told += tell_holding(holding_id, now)
        db.session.commit()
    return f"ending qualifications: {told} told"


def expire_requests(now: datetime) -> str:
    from pooling.bookings.decisions import expire_requests as expire

    expired = expire(now)
    db.session.commit()
    return f"requests: {len(expired)} expired (pending past their start)"


def expire_waitlist_offers(now: datetime) -> str:
    from pooling.waitlist.offers import expire_offers

    expired, passed_on = expire_offers(now)
    db.session.commit()
    return f"waitlist: {expired} offer(s) expired, {passed_on} passed on"


def deliver_mail(now: datetime) -> str:
    from pooling.mail.delivery import deliver_due

    return str(deliver_due())


JOBS = (
    purge_idempotency_keys,
    sync_due_calendars,
    expire_requests,
    expire_waitlist_offers,
    queue_reminders,
    queue_digests,
    tell_ending_qualifications,
    deliver_mail,
)


@jobs.command("run")
def jobs_run() -> None:
    """Do the periodic work that is due now and print what was done."""
    now = utcnow()
    crashed = 0
    for job in JOBS:
        try:
            click.echo(job(now))
        except Exception as error:  # one job's failure must not stop the others
            db.session.rollback()
            current_app.logger.exception("Job %s failed", job.__name__)
            click.echo(f"{job.__name__}: failed ({type(error).__name__}: {error})", err=True)
            crashed += 1
    if crashed:
        raise SystemExit(1)
