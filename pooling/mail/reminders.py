"""Reminders: ``pooling jobs run`` mails each booker their confirmed bookings that start soon.

A booking is reminded once (``reminded_at``), when it starts within its booker's delay
(``reminder_hours``); a booking created after its reminder was due (less than the delay
before its start) gets none, nor does one approved after that moment (the approval mail has
just told its booker), nor does a booker who chose no reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from pooling.accounts.models import User
from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.mail.booking_mails import queue_reminder
from pooling.mail.preferences import REMINDER_HOURS


def due_reminders(now: datetime) -> list[Booking]:
    """The confirmed bookings whose reminder is due at ``now`` and not yet queued."""
    longest = timedelta(hours=max(h for h in REMINDER_HOURS if h is not None))
    candidates = db.session.execute(
        select(Booking, User.reminder_hours)
        .join(User, User.id == Booking.user_id)
        .where(
            Booking.status == "confirmed",
            Booking.reminded_at.is_(None),
            Booking.start_at > now,
            Booking.start_at <= now + longest,
            User.reminder_hours.is_not(None),
            User.active.is_(True),
        )
        .order_by(Booking.start_at, Booking.id)
    )
    due = []
    for booking, hours in candidates:
        moment = booking.start_at - timedelta(hours=hours)
        confirmed = booking.confirmed_at or booking.created_at
        if moment <= now and booking.created_at <= moment and confirmed <= moment:
            due.append(booking)
    return due


def queue_due_reminders(now: datetime) -> int:
    """Queue the due reminders and mark their bookings reminded (the caller commits)."""
    queued = 0
    for booking in due_reminders(now):
        # Claim the reminder first: of two runs at once, only one queues it. A reminder
        # changes nothing of the booking itself: its feeds' LAST-MODIFIED stays.
        claimed = db.session.execute(
            update(Booking)
            .where(Booking.id == booking.id, Booking.reminded_at.is_(None))
            .values(reminded_at=now, updated_at=Booking.updated_at)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            queue_reminder(booking)
            queued += 1
    return queued
