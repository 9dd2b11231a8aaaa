"""What one booking adds to the dashboards' day rollup (pure): its figures per resource x
organisation x purpose x local day, by the same definitions the dashboard read from the
bookings.

- Booked (the occupancy, lending and purposes): a confirmed booking's seconds inside each
  local day, times its quantity for unit-seconds; the booking's own organisation.
- Counts (confirmed, cancelled, pending, not checked in, checked in, expected attendance):
  on the local day the booking starts, for the booking's own organisation.
- Used (the usage page's definition, ``usage.measure``): hours, unit-hours and meter units
  inside each local day of the used interval, split by the shares usage follows; the booking
  (and a late cancellation) counted once per organisation on the day its used interval
  starts. ``late_bookings`` counts a late cancellation once, for the booking's organisation.
- The heatmap: a confirmed booking's minutes in each local hour, weighted for each
  organisation by the part of it that organisation carries (``queries._counted_share``),
  so that the weights of a booking add up to exactly one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pooling.usage.measure import BookingFacts, counted_shares, measure, used_interval

HEAT = tuple(f"heat_{hour:02d}" for hour in range(24))
COUNTS = (
    "confirmed_started",
    "cancelled_started",
    "pending_started",
    "unchecked_started",
    "checked_in_started",
    "attendance_started",
    "late_bookings",
    "used_bookings",
    "late_entries",
)
USED = ("used_hours", "used_unit_hours", "used_meter")
FLOATS = ("booked_seconds", "unit_seconds", *USED, *HEAT)
FIGURES = (*FLOATS, *COUNTS)

Key = tuple[date, int, int, int]
"""(local day, resource id, organisation id, purpose id or 0)."""


@dataclass(slots=True)
class RollupFacts:
    """The columns of one booking (and its shares) that its rollup figures depend on."""

    booking_id: int
    resource_id: int
    organisation_id: int
    purpose_id: int | None
    start: datetime
    end: datetime
    status: str
    quantity: int
    cancelled_at: datetime | None
    confirmed_at: datetime | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    meter_start: Decimal | None
    meter_end: Decimal | None
    attendance: int | None
    shares: tuple[tuple[int, Decimal, str], ...] = ()


def local_pieces(
    start: datetime, end: datetime, tz: ZoneInfo
) -> Iterator[tuple[date, datetime, datetime]]:
    """``[start, end)`` cut at the local midnights: (local day, piece start, piece end)."""
    cursor = start
    while cursor < end:
        day = cursor.astimezone(tz).date()
        midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        piece_end = min(end, midnight.astimezone(start.tzinfo))
        yield day, cursor, piece_end
        cursor = piece_end


def hour_pieces(start: datetime, end: datetime, tz: ZoneInfo) -> Iterator[tuple[date, int, float]]:
    """``[start, end)`` cut at the local hours: (local day, local hour, seconds)."""
    cursor = start
    while cursor < end:
        local = cursor.astimezone(tz)
        into = timedelta(minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
        piece_end = min(end, cursor - into + timedelta(hours=1))
        yield local.date(), local.hour, (piece_end - cursor).total_seconds()
        cursor = piece_end


def heat_weights(facts: RollupFacts) -> dict[int, Decimal]:
    """The part of a booking each organisation carries on the heatmap: its own organisation
    one less the shares others accepted, each other organisation the share it accepted."""
    weights = {facts.organisation_id: Decimal(1)}
    for organisation_id, share, status in facts.shares:
        if organisation_id != facts.organisation_id and status == "accepted":
            weights[organisation_id] = max(weights.get(organisation_id, Decimal(0)), share)
            weights[facts.organisation_id] -= Decimal(share)
    return weights


def _usage_facts(facts: RollupFacts) -> BookingFacts:
    usage = BookingFacts(
        booking_id=facts.booking_id,
        resource_id=facts.resource_id,
        resource_kind="",
        organisation_id=facts.organisation_id,
        start=facts.start,
        end=facts.end,
        status=facts.status,
        quantity=facts.quantity,
        cancelled_at=facts.cancelled_at,
        checked_in_at=facts.checked_in_at,
        checked_out_at=facts.checked_out_at,
        meter_start=facts.meter_start,
        meter_end=facts.meter_end,
        was_confirmed=facts.confirmed_at is not None,
    )
    if facts.shares:
        usage.shares = counted_shares(facts.organisation_id, facts.shares)
    return usage


def contributions(
    facts: RollupFacts, tz: ZoneInfo, notice: timedelta
) -> dict[Key, dict[str, float | int]]:
    """The figures one booking adds to each rollup row it touches (nothing for a rejected one)."""
    rows: dict[Key, dict[str, float | int]] = {}
    purpose = facts.purpose_id or 0

    def row(day: date, organisation_id: int) -> dict:
        return rows.setdefault((day, facts.resource_id, organisation_id, purpose), {})

    def add(figures: dict, name: str, value) -> None:
        figures[name] = figures.get(name, 0) + value

    own = facts.organisation_id
    first_day = facts.start.astimezone(tz).date()
    if facts.status in ("confirmed", "cancelled", "pending"):
        started = row(first_day, own)
        add(started, f"{facts.status}_started", 1)
        if facts.checked_in_at is not None:
            add(started, "checked_in_started", 1)
        if facts.status == "confirmed":
            if facts.checked_in_at is None:
                add(started, "unchecked_started", 1)
            add(started, "attendance_started", facts.attendance or 0)
    if facts.status == "confirmed":
        for day, piece_start, piece_end in local_pieces(facts.start, facts.end, tz):
            seconds = (piece_end - piece_start).total_seconds()
            figures = row(day, own)
            add(figures, "booked_seconds", seconds)
            add(figures, "unit_seconds", seconds * facts.quantity)
        weights = heat_weights(facts)
        for day, hour, seconds in hour_pieces(facts.start, facts.end, tz):
            for organisation_id, weight in weights.items():
                add(row(day, organisation_id), HEAT[hour], seconds / 60 * float(weight))

    usage = _usage_facts(facts)
    used_start, used_end, _actual = used_interval(usage)
    first = True
    for day, piece_start, piece_end in local_pieces(used_start, used_end, tz):
        measured = measure(usage, piece_start, piece_end, now=piece_end, notice=notice)
        if measured is None:
            continue
        for entry in measured.entries:
            figures = row(day, entry.organisation_id)
            add(figures, "used_hours", float(entry.hours))
            add(figures, "used_unit_hours", float(entry.unit_hours))
            add(figures, "used_meter", float(entry.meter))
            if first:
                add(figures, "used_bookings", 1)
                if entry.late_cancellation:
                    add(figures, "late_entries", 1)
        if first and measured.late_cancellation:
            add(row(day, own), "late_bookings", 1)
        first = False
    return rows


def total(
    bookings: Iterable[RollupFacts], tz: ZoneInfo, notice: timedelta, sign: int = 1
) -> dict[Key, dict[str, float | int]]:
    """The figures of several bookings summed per row (``sign`` -1: to take them away)."""
    totals: dict[Key, dict[str, float | int]] = {}
    for facts in bookings:
        for key, figures in contributions(facts, tz, notice).items():
            into = totals.setdefault(key, {})
            for name, value in figures.items():
                into[name] = into.get(name, 0) + sign * value
    return totals
