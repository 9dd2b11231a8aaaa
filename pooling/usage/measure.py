"""How much of a shared resource a booking used, inside a window, per organisation (pure).

A confirmed booking counts its booked interval, whose bounds are replaced by the actual
check-in and check-out times where recorded. A booking cancelled less than the notice
before its start (or after it started) counts as used, with its booked interval. Only the
part inside the window counts, so a booking that straddles a period's boundary is split
between the two periods. Unit-hours are hours x quantity (20 chairs for 3 h: 60 unit-hours);
meter units (km) are the readings' difference, in proportion to the part inside the window.
A co-organised booking splits everything by its accepted shares; a share another
organisation has not accepted (proposed or declined) counts for the booking's organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

SECONDS_PER_HOUR = Decimal(3600)


@dataclass(slots=True)
class BookingFacts:
    """What the measurement needs to know of one booking, as plain values.

    Fields in the order ``usage.services.booking_facts`` reads them; slots, not frozen, so
    that a year of bookings is built quickly.
    """

    booking_id: int
    resource_id: int
    resource_kind: str
    organisation_id: int
    start: datetime
    end: datetime
    status: str
    quantity: int = 1
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None
    meter_start: Decimal | None = None
    meter_end: Decimal | None = None
    shares: tuple[tuple[int, Decimal], ...] = ()
    # Whether the resource expects a check-in (e.g. a vehicle whose meter is read).
    check_in_expected: bool = False
    # Whether it had been confirmed before it was cancelled (a pending one never was).
    was_confirmed: bool = True


@dataclass(slots=True)
class UsageEntry:
    """One organisation's usage from one booking (or one manual line) inside the window."""

    organisation_id: int
    resource_id: int | None
    resource_kind: str | None
    hours: Decimal
    unit_hours: Decimal
    meter: Decimal
    share: Decimal
    booking_id: int | None = None
    late_cancellation: bool = False
    no_show: bool = False
    actual_times: bool = False
    manual: bool = False
    # For manual entries: how many manual lines were summed into this one.
    lines: int = 0


@dataclass(slots=True)
class Measurement:
    """A booking's usage inside the window, split per organisation, with its flags."""

    booking_id: int
    hours: Decimal
    unit_hours: Decimal
    meter: Decimal
    late_cancellation: bool
    no_show: bool
    actual_times: bool
    entries: tuple[UsageEntry, ...] = field(default_factory=tuple)


def counted_shares(
    organisation_id: int, shares: Sequence[tuple[int, Decimal, str]]
) -> tuple[tuple[int, Decimal], ...]:
    """The shares usage follows: (organisation id, fraction) from (organisation, share, status).

    Another organisation's share counts only once accepted; until then (and when declined)
    it counts for the booking's organisation. No shares: everything to the booking's own.
    """
    own = Decimal(0)
    counted: list[tuple[int, Decimal]] = []
    for other_id, share, status in shares:
        if other_id == organisation_id or status != "accepted":
            own += Decimal(share)
        else:
            counted.append((other_id, Decimal(share)))
    if not counted:
        return ()
    return tuple(sorted([(organisation_id, own), *counted]))


def is_late_cancellation(facts: BookingFacts, notice: timedelta) -> bool:
    """A cancelled, once confirmed booking cancelled less than ``notice`` before its start."""
    return (
        facts.status == "cancelled"
        and facts.was_confirmed
        and facts.cancelled_at is not None
        and facts.cancelled_at > facts.start - notice
    )


def is_no_show(facts: BookingFacts, now: datetime) -> bool:
    """Confirmed, over, never checked in, on a resource where a check-in is expected."""
    return (
        facts.status == "confirmed"
        and facts.check_in_expected
        and facts.checked_in_at is None
        and facts.end <= now
    )


def used_interval(facts: BookingFacts) -> tuple[datetime, datetime, bool]:
    """The interval that counts: booked, with each bound replaced by the actual time if recorded.

    Returns (start, end, whether an actual time was used). A late cancellation keeps the
    booked interval; an end before the start gives an empty interval.
    """
    if facts.status != "confirmed":
        return facts.start, facts.end, False
    start = facts.checked_in_at or facts.start
    end = facts.checked_out_at or facts.end
    actual = facts.checked_in_at is not None or facts.checked_out_at is not None
    return start, max(start, end), actual


def hours_between(start: datetime, end: datetime) -> Decimal:
    """Hours from ``start`` to ``end`` as an exact Decimal (0 when end is not after start)."""
    if end <= start:
        return Decimal(0)
    delta = end - start
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6
    return seconds / SECONDS_PER_HOUR


def measure(
    facts: BookingFacts,
    window_start: datetime,
    window_end: datetime,
    *,
    now: datetime,
    notice: timedelta,
) -> Measurement | None:
    """The usage of one booking inside ``[window_start, window_end)``, or None when it counts nothing.

    Counted: confirmed bookings and late cancellations. Shares of a co-organised booking
    (organisation id, fraction summing to 1) split the hours, unit-hours and meter units;
    without shares everything goes to the booking's organisation.
    """
    late = is_late_cancellation(facts, notice)
    if facts.status != "confirmed" and not late:
        return None
    start, end, actual = used_interval(facts)
    inside_start, inside_end = max(start, window_start), min(end, window_end)
    if inside_end <= inside_start:
        return None
    hours = hours_between(inside_start, inside_end)
    whole = hours_between(start, end)
    meter = Decimal(0)
    if facts.meter_start is not None and facts.meter_end is not None:
        travelled = max(Decimal(facts.meter_end) - Decimal(facts.meter_start), Decimal(0))
        meter = travelled if whole == 0 else travelled * hours / whole
    unit_hours = hours * facts.quantity
    no_show = is_no_show(facts, now)
    shares = facts.shares or ((facts.organisation_id, Decimal(1)),)
    entries = tuple(
        UsageEntry(
            organisation_id=org_id,
            resource_id=facts.resource_id,
            resource_kind=facts.resource_kind,
            hours=hours * share,
            unit_hours=unit_hours * share,
            meter=meter * share,
            share=Decimal(share),
            booking_id=facts.booking_id,
            late_cancellation=late,
            no_show=no_show,
            actual_times=actual,
        )
        for org_id, share in shares
    )
    return Measurement(
        booking_id=facts.booking_id,
        hours=hours,
        unit_hours=unit_hours,
        meter=meter,
        late_cancellation=late,
        no_show=no_show,
        actual_times=actual,
        entries=entries,
    )


def measure_all(
    bookings: Sequence[BookingFacts],
    window_start: datetime,
    window_end: datetime,
    *,
    now: datetime,
    notice: timedelta,
) -> list[Measurement]:
    """measure() on every booking, keeping those that count."""
    measured = (
        measure(facts, window_start, window_end, now=now, notice=notice) for facts in bookings
    )
    return [m for m in measured if m is not None]
