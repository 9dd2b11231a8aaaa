"""The daily digest of the bookings awaiting approval, for approvers who chose it.

An approver who chose the digest ("My notifications") gets no mail per pending request; instead
``pooling jobs run`` mails them, at most once per local day of the pole (``POOLING_TIMEZONE``)
and not before ``DIGEST_HOUR`` o'clock, the list of the requests still pending that they can
decide (the approvals page's list, without those already over). The first run after
``DIGEST_HOUR`` at which something waits sends it; a day with nothing waiting sends nothing.
The day is claimed on the person's row (``pending_digest_on``) in the transaction that queues
the mail, so two runs at once send it once. The in-app inbox keeps every notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from pooling.accounts.models import User
from pooling.bookings.pending import pending_for
from pooling.bookings.queries import title_visible
from pooling.core.time import pole_tz
from pooling.core.urls import external_url
from pooling.extensions import db
from pooling.mail.booking_mails import booking_span
from pooling.mail.outbox import queue
from pooling.mail.preferences import DIGEST

# The local hour (in the pole's zone) from which the day's digest is sent.
DIGEST_HOUR = 7


@dataclass
class Request:
    """One request of the digest: a booking, or the pending occurrences of one series."""

    resource: str
    organisation: str
    title: str
    booker: str
    dates: list[str] = field(default_factory=list)


def digest_day(now: datetime) -> date | None:
    """The pole's local day whose digest may be sent at ``now`` (None before ``DIGEST_HOUR``)."""
    local = now.astimezone(pole_tz())
    return local.date() if local.hour >= DIGEST_HOUR else None


def requests_for(user: User, now: datetime) -> list[Request]:
    """The requests awaiting ``user``'s decision, as they may read them (call under their
    locale): titles and bookers hidden as on the pages, a series as one request."""
    requests: dict[tuple[str, int], Request] = {}
    for booking in pending_for(user):
        if booking.end_at <= now:
            continue
        key = ("series", booking.series_id) if booking.series_id else ("booking", booking.id)
        request = requests.get(key)
        if request is None:
            visible = title_visible(user, booking)
            request = requests[key] = Request(
                resource=booking.resource.name,
                organisation=booking.organisation.name,
                title=(booking.title or "") if visible else "",
                booker=booking.user.name if visible and booking.user else "",
            )
        request.dates.append(booking_span(booking))
    return list(requests.values())


def _claim(user: User, day: date) -> bool:
    """Mark ``day``'s digest of ``user`` as sent; False if another run already did."""
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.pending_digest_on.is_(None), User.pending_digest_on < day),
        )
        .values(pending_digest_on=day)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def queue_due_digests(now: datetime) -> int:
    """Queue the digests due at ``now`` and claim their day (the caller commits)."""
    day = digest_day(now)
    if day is None:
        return 0
    people = db.session.scalars(
        select(User)
        .where(
            User.pending_digest.is_(True),
            User.mail_pending.is_(True),
            User.active.is_(True),
            or_(User.pending_digest_on.is_(None), User.pending_digest_on < day),
        )
        .order_by(User.id)
    )
    queued = 0
    for user in list(people):
        if not user.email:
            continue
        language = user.locale
        if language not in current_app.config["LANGUAGES"]:
            language = current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(language):
            requests = requests_for(user, now)
        if not requests or not _claim(user, day):
            continue
        queue(
            DIGEST,
            user=user,
            language=language,
            requests=requests,
            count=len(requests),
            link=external_url("bookings.approvals"),
        )
        queued += 1
    return queued
