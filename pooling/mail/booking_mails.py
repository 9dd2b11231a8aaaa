"""Booking mails: every booking notification is also mailed, with the booking as an invitation.

``notify`` hands each booking notification to ``remember``; the mails are rendered and queued
just before the transaction commits (``before_commit``), so that they carry the booking as it
is committed (its status and its ``SEQUENCE``), and are forgotten with a rollback. Each mail is
in its recipient's language, with a link to the booking, and an iCalendar part
(``method=REQUEST``, or ``CANCEL`` when the booking is cancelled or refused) whose events have
the ``UID`` and ``SEQUENCE`` of the calendar feeds. A series is one mail with one event per
occurrence concerned (each occurrence has its own UID in the feeds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import force_locale, format_date, format_time
from icalendar import Calendar, vCalAddress, vText
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from pooling.accounts.models import User
from pooling.bookings.models import Booking
from pooling.bookings.queries import title_visible
from pooling.calendar.feeds import PRODID, _event
from pooling.calendar.services import _booking_link, _event_for
from pooling.core.urls import public_root
from pooling.extensions import db
from pooling.mail.delivery import mail_from
from pooling.mail.outbox import queue
from pooling.mail.preferences import wants_mail

# The notifications that are also mailed, and the calendar method of their invitation.
MAILED = {
    "booking_pending": "REQUEST",
    "booking_approved": "REQUEST",
    "booking_rejected": "CANCEL",
    "booking_expired": "CANCEL",
    "booking_cancelled": "CANCEL",
    "booking_cancelled_closure": "CANCEL",
    "booking_moved": "REQUEST",
    "share_proposed": "REQUEST",
    "booking_reminder": "REQUEST",
}

# The key of the session's ``info`` holding the notices waiting for the commit.
PENDING = "pooling_booking_mails"


@dataclass
class Notice:
    """One booking notification to mail: who, what kind, about which booking, with what."""

    user_ids: list[int]
    kind: str
    booking: Booking
    params: dict = field(default_factory=dict)


def remember(user_ids, kind: str, booking, params: dict) -> None:
    """Keep a booking notification to mail at the commit (other notifications are ignored)."""
    if kind not in MAILED or kind == "booking_reminder" or booking is None or not has_app_context():
        return
    _watch()
    notices = db.session.info.setdefault(PENDING, [])
    notices.append(Notice(sorted(set(user_ids)), kind, booking, dict(params)))


def _occurrences(notice: Notice) -> list[Booking]:
    """The bookings a notice is about: the occurrences of a series it counts, or its booking."""
    booking = notice.booking
    if booking.series_id is None:
        return [booking]
    query = select(Booking).where(Booking.series_id == booking.series_id)
    if notice.kind == "booking_cancelled" and booking.cancelled_at is not None:
        query = query.where(Booking.cancelled_at == booking.cancelled_at)
    elif notice.kind in ("booking_approved", "booking_rejected", "booking_expired"):
        if int(notice.params.get("count") or 1) == 1:
            return [booking]
        query = query.where(Booking.decided_at == booking.decided_at)
    elif int(notice.params.get("count") or 1) > 1:
        query = query.where(Booking.start_at >= booking.start_at, Booking.status == booking.status)
    else:
        return [booking]
    found = list(db.session.scalars(query.order_by(Booking.start_at, Booking.id)))
    return found or [booking]


def invitation(recipient: User, bookings: list[Booking], method: str) -> bytes:
    """The bookings as an iTIP message for ``recipient`` (call under their locale).

    Each event is the feed's (same UID, SEQUENCE, summary hidden as in the feeds), with the
    pole's ``MAIL_FROM`` as ORGANIZER and the recipient as ATTENDEE.
    """
    link = _booking_link(current_app.config.get("POOLING_BASE_URL") or public_root())
    name, address = parseaddr(mail_from())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    tz = current_app.config["POOLING_TIMEZONE"]
    for booking in bookings:
        component = _event(_event_for(recipient, booking, link), ZoneInfo(tz))
        organizer = vCalAddress(f"mailto:{address}")
        if name:
            organizer.params["cn"] = vText(name)
        component.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{recipient.email}")
        attendee.params["cn"] = vText(recipient.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION" if method == "REQUEST" else "DECLINED")
        component.add("attendee", attendee)
        if method == "CANCEL":
            component["status"] = "CANCELLED"
        calendar.add_component(component)
    if bookings and tz != "UTC":
        calendar.add_missing_timezones()
    return calendar.to_ical()


def queue_reminder(booking: Booking) -> None:
    """Queue the reminder of ``booking`` to its booker (unless they switched reminders off)."""
    _queue_notice(Notice([booking.user_id], "booking_reminder", booking))


def _queue_notice(notice: Notice) -> None:
    booking = notice.booking
    state = inspect(booking)
    if state.deleted or state.detached or state.transient or booking.id is None:
        return
    bookings = _occurrences(notice)
    method = MAILED[notice.kind]
    link = _booking_link(current_app.config.get("POOLING_BASE_URL") or public_root())(booking.id)
    for user in db.session.scalars(select(User).where(User.id.in_(notice.user_ids))):
        if not user.active or not user.email or not wants_mail(user, notice.kind):
            continue
        language = user.locale
        if language not in current_app.config["LANGUAGES"]:
            language = current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(language):
            calendar = invitation(user, bookings, method)
            dates = [booking_span(b) for b in bookings]
        queue(
            notice.kind,
            user=user,
            language=language,
            calendar=calendar,
            calendar_method=method,
            booking=booking,
            dates=dates,
            link=link,
            resource=booking.resource.name,
            title=booking.title if title_visible(user, booking) else "",
            reason=notice.params.get("reason") or "",
            by=notice.params.get("by") or "",
            organisation=notice.params.get("organisation") or "",
            share=notice.params.get("share") or "",
        )


def booking_span(booking: Booking) -> str:
    """The booking's time in the pole's zone and the reader's words (call under their locale)."""
    start, end = booking.start_at, booking.end_at
    text = f"{format_date(start, 'full')}, {format_time(start, 'HH:mm')} – "
    if format_date(start, "short") != format_date(end, "short"):
        text += f"{format_date(end, 'full')}, "
    return text + format_time(end, "HH:mm")


def _before_commit(session) -> None:
    notices = session.info.pop(PENDING, None)
    if not notices or not has_app_context():
        return
    session.flush()
    for notice in notices:
        _queue_notice(notice)


def _after_soft_rollback(session, previous_transaction) -> None:
    # A savepoint rolled back leaves the outer notices; its own bookings are then transient.
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)


def _watch() -> None:
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
