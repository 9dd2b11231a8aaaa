"""Attendance: checking a booking in and out, the actual times of use and the meter readings.

The usage reports measure what is recorded here. A time may be given (a check-in entered
afterwards), within the booking's window and never in the future; an entry more than a
quarter of an hour old is backdating, for coordinators and approvers only, and audited.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.bookings import locks, permissions, queries
from pooling.bookings.models import Booking
from pooling.bookings.snapshots import iso, snapshot
from pooling.core.db import utcnow
from pooling.core.errors import Conflict, NotAllowed, RuleViolation
from pooling.extensions import db
from pooling.waitlist.offers import offer_freed

# An ``at`` this far in the past is a backdated entry: for coordinators and approvers, audited.
BACKDATE_TOLERANCE = timedelta(minutes=15)
# A device's clock may run this far ahead of the server's: not yet "in the future".
CLOCK_SKEW = timedelta(minutes=1)
# Meters (km, hours) read below this.
METER_LIMIT = Decimal("1e10")


def meter_reading(value: Decimal | int | str | None) -> Decimal | None:
    """A meter reading to two decimals: a positive number below 10 billion. Raises RuleViolation."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
        if isinstance(value, bool) or not number.is_finite() or not 0 <= number < METER_LIMIT:
            raise InvalidOperation
    except (InvalidOperation, ValueError) as error:
        message = _("The meter reading is a positive number.")
        raise RuleViolation(message, code="invalid_meter", fields={"meter": [message]}) from error
    return number.quantize(Decimal("0.01"))


def _local(instant: datetime) -> str:
    return format_datetime(instant, "short")


def _actual_time(at: datetime | None, now: datetime) -> datetime:
    """The instant given for a check-in or check-out (default now), never in the future."""
    moment = (at or now).astimezone(UTC)
    if moment > now + CLOCK_SKEW:
        message = _("This time is in the future (it is now %(now)s).", now=_local(now))
        raise RuleViolation(message, code="at_in_future", fields={"at": [message]})
    return moment


def _check_backdating(actor: User, booking: Booking, moment: datetime, now: datetime) -> None:
    """An instant more than 15 minutes old only from a coordinator or an approver of the resource."""
    if moment < now - BACKDATE_TOLERANCE and actor.id not in queries.approver_ids(booking.resource):
        message = _(
            "Only a coordinator or an approver of this resource can record a time more than "
            "%(minutes)s minutes ago; record it now, or ask them.",
            minutes=int(BACKDATE_TOLERANCE.total_seconds() // 60),
        )
        raise RuleViolation(message, code="backdated", fields={"at": [message]})


def _record_backdated(actor: User, booking: Booking, act: str, moment: datetime, now: datetime):
    if moment < now - BACKDATE_TOLERANCE:
        record(
            actor,
            "booking.backdated",
            booking,
            after={"act": act, "at": iso(moment), "recorded_at": iso(now)},
        )


def check_in_window(booking: Booking) -> tuple[datetime, datetime]:
    """When a booking can be checked in: from the lead time before its start until its end."""
    lead = timedelta(minutes=int(current_app.config["POOLING_CHECK_IN_LEAD_MINUTES"]))
    return booking.start_at - lead, booking.end_at


def _used_by(actor: User, booking_id: int, refused: str) -> Booking:
    booking, _quota = locks.locked_booking(actor, booking_id)
    if not permissions.can_check_in(actor, booking):
        raise NotAllowed(refused)
    return booking


def can_check_in_now(actor: User, booking: Booking, now: datetime | None = None) -> bool:
    """Whether the actor may check the booking in at this moment (the page's button)."""
    now = now or utcnow()
    opens, closes = check_in_window(booking)
    return (
        booking.resource.records_check_in
        and booking.status == "confirmed"
        and not booking.in_use
        and permissions.can_check_in(actor, booking)
        and opens <= now < closes
    )


def can_check_out_now(actor: User, booking: Booking, now: datetime | None = None) -> bool:
    """Whether the actor may check the (checked-in) booking out at this moment (the page's button)."""
    now = now or utcnow()
    return (
        booking.resource.records_check_in
        and booking.status == "confirmed"
        and booking.checked_in_at is not None
        and booking.checked_out_at is None
        and permissions.can_check_in(actor, booking)
        and booking.checked_in_at <= now
    )


def check_in(
    actor: User,
    booking_id: int,
    meter: Decimal | int | str | None = None,
    *,
    at: datetime | None = None,
) -> Booking:
    """Record the actual start of use (and the meter reading, e.g. the van's km).

    ``at`` (default now) lies from ``POOLING_CHECK_IN_LEAD_MINUTES`` before the start until the
    end, never in the future; more than 15 minutes old, only from a coordinator or an
    approver of the resource, and audited as backdated. Raises NotFound, NotAllowed,
    Conflict (not confirmed, already checked in), RuleViolation (``at`` or ``meter``).
    """
    booking = _used_by(actor, booking_id, _("You cannot check in this booking."))
    if booking.status != "confirmed":
        raise Conflict(_("Only confirmed bookings can be checked in."), code="not_confirmed")
    if booking.in_use:
        raise Conflict(_("This booking is already checked in."), code="already_checked_in")
    now = utcnow()
    moment = _actual_time(at, now)
    opens, closes = check_in_window(booking)
    if not opens <= moment < closes:
        message = _(
            "A check-in is possible from %(start)s to %(end)s.",
            start=_local(opens),
            end=_local(closes),
        )
        raise RuleViolation(message, code="check_in_outside_booking", fields={"at": [message]})
    _check_backdating(actor, booking, moment, now)
    reading = meter_reading(meter)
    before = snapshot(booking) | {"checked_in_at": None}
    booking.checked_in_at = moment
    booking.meter_start = reading if reading is not None else booking.meter_start
    booking.updated_at = now
    record(
        actor,
        "booking.check_in",
        booking,
        before=before,
        after={
            "checked_in_at": moment.isoformat(),
            "meter": str(booking.meter_start) if booking.meter_start is not None else None,
        },
    )
    _record_backdated(actor, booking, "check_in", moment, now)
    db.session.flush()
    return booking


def check_out(
    actor: User,
    booking_id: int,
    meter: Decimal | int | str | None = None,
    *,
    at: datetime | None = None,
) -> Booking:
    """Record the actual end of use (and the meter reading); the end reading cannot be lower.

    ``at`` (default now) is not before the check-in (or, without one, the check-in window's
    opening) and never in the future; the backdating rule of ``check_in`` applies. A check-out
    before the booked end frees the rest of the slot. Raises NotFound, NotAllowed, Conflict
    (not confirmed, already checked out), RuleViolation (``at`` or ``meter``).
    """
    booking = _used_by(actor, booking_id, _("You cannot check out this booking."))
    if booking.status != "confirmed":
        raise Conflict(_("Only confirmed bookings can be checked out."), code="not_confirmed")
    if booking.checked_out_at is not None:
        raise Conflict(_("This booking is already checked out."), code="already_checked_out")
    now = utcnow()
    moment = _actual_time(at, now)
    if booking.checked_in_at is not None and moment < booking.checked_in_at:
        message = _(
            "The check-out cannot be before the check-in (%(start)s).",
            start=_local(booking.checked_in_at),
        )
        raise RuleViolation(message, code="check_out_before_check_in", fields={"at": [message]})
    opens, _closes = check_in_window(booking)
    if booking.checked_in_at is None and moment < opens:
        message = _("A check-out is possible from %(start)s.", start=_local(opens))
        raise RuleViolation(message, code="check_out_before_check_in", fields={"at": [message]})
    _check_backdating(actor, booking, moment, now)
    reading = meter_reading(meter)
    if reading is not None and booking.meter_start is not None and reading < booking.meter_start:
        message = _(
            "The meter reading at return cannot be lower than at departure (%(start)s).",
            start=booking.meter_start,
        )
        raise RuleViolation(message, code="invalid_meter", fields={"meter": [message]})
    booking.checked_out_at = moment
    if reading is not None:
        booking.meter_end = reading
    booking.updated_at = now
    record(
        actor,
        "booking.check_out",
        booking,
        after={
            "checked_out_at": moment.isoformat(),
            "meter": str(booking.meter_end) if booking.meter_end is not None else None,
        },
    )
    _record_backdated(actor, booking, "check_out", moment, now)
    db.session.flush()
    if moment < booking.end_at:
        # The rest of the slot is free again: the waitlist may take it.
        offer_freed([booking.resource_id], now=now)
    return booking
