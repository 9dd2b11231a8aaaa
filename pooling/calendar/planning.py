"""The planning grid: resources x days of a week or hours of a day, with what is free (pure).

Every function takes plain values (aware UTC datetimes, opening hours as stored, tuples of
bookings and closures) and returns plain values, so the grid is tested without a database.
The availability sweep itself is ``pooling.bookings.availability``; this module only cuts
the window into columns and sums each column up as free, partly taken, taken or closed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pooling.bookings.availability import Closed, Span, Taken, open_spans, overlaps, timeline
from pooling.resources.opening_hours import spans_of_day

FREE = "free"
PARTIAL = "partial"
TAKEN = "taken"
CLOSED = "closed"

DAY_FIRST_HOUR = 7
DAY_LAST_HOUR = 21
BOOKING_STEP_MINUTES = 15
DEFAULT_BOOKING_MINUTES = 60


@dataclass(frozen=True)
class PlannedResource:
    """What the grid needs to know of a resource."""

    id: int
    name: str
    quantity: int = 1
    opening_hours: dict = field(default_factory=dict)
    kind: str = "premises"
    capacity: int | None = None
    location: str = ""
    unit: str = ""
    unit_plural: str = ""
    min_duration_minutes: int | None = None
    closed_on_public_holidays: bool = True


@dataclass(frozen=True)
class Column:
    """A day (week view) or an hour (day view): its local label values and its UTC bounds."""

    day: date
    hour: int | None
    start: datetime
    end: datetime
    current: bool = False


@dataclass(frozen=True)
class Cell:
    """One resource over one column.

    ``free_min`` units are free throughout the open time of the column, ``free_max`` at its
    quietest moment; ``book_start``/``book_end`` (local wall-clock, naive) prefill the booking
    form when something can still be booked, else they are None. ``closed_by`` says why
    (part of) the column is closed: the public holiday or closure, else None (a closed cell
    with no ``closed_by`` is outside the opening hours). ``busy`` marks time held by the
    resource's external calendar. A taken cell still ahead has ``wait_start``/``wait_end``
    (UTC): the open time a person may wait for (the waitlist).
    """

    state: str
    quantity: int
    free_min: int = 0
    free_max: int = 0
    book_start: datetime | None = None
    book_end: datetime | None = None
    closed_by: Closed | None = None
    busy: bool = False
    wait_start: datetime | None = None
    wait_end: datetime | None = None

    @property
    def bookable(self) -> bool:
        """Whether the cell links to the booking form."""
        return self.book_start is not None


@dataclass(frozen=True)
class Row:
    """A resource and its cells, one per column."""

    resource: PlannedResource
    cells: list[Cell]


def monday_of(day: date) -> date:
    """The Monday of the week of ``day`` (weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    wall = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return wall.replace(tzinfo=tz).astimezone(UTC)


def week_columns(day: date, tz: ZoneInfo, now: datetime) -> list[Column]:
    """Monday to Sunday of the week of ``day``; a day lasts 23 or 25 hours on a DST change."""
    today = now.astimezone(tz).date()
    columns = []
    for offset in range(7):
        current = monday_of(day) + timedelta(days=offset)
        start = _local(current, 0, tz)
        end = _local(current + timedelta(days=1), 0, tz)
        columns.append(Column(current, None, start, end, current == today))
    return columns


def day_hours(resources: Iterable[PlannedResource], day: date) -> tuple[int, int]:
    """The hours a day view shows: 07:00-21:00, widened to the resources' opening hours."""
    first, last = DAY_FIRST_HOUR, DAY_LAST_HOUR
    for resource in resources:
        for open_minute, close_minute in spans_of_day(resource.opening_hours, day.weekday()):
            first = min(first, open_minute // 60)
            last = max(last, math.ceil(close_minute / 60))
    return first, last


def day_columns(day: date, tz: ZoneInfo, now: datetime, first: int, last: int) -> list[Column]:
    """One column per local hour ``first``..``last`` of ``day``; hours skipped by DST are left out.

    An hour that happens twice (the autumn change) is one column of two real hours.
    """
    columns = []
    for hour in range(first, last):
        start = _local(day, hour * 60, tz)
        end = _local(day, (hour + 1) * 60, tz)
        if (start.astimezone(tz).date(), start.astimezone(tz).hour) != (day, hour):
            continue
        if end <= start:
            continue
        columns.append(Column(day, hour, start, end, start <= now < end))
    return columns


def _ceil_to_step(instant: datetime, tz: ZoneInfo) -> datetime:
    local = instant.astimezone(tz)
    minutes = local.hour * 60 + local.minute
    extra = (-minutes) % BOOKING_STEP_MINUTES
    if extra == 0 and local.second == 0 and local.microsecond == 0:
        return instant
    if extra == 0:
        extra = BOOKING_STEP_MINUTES
    return (local.replace(second=0, microsecond=0) + timedelta(minutes=extra)).astimezone(UTC)


def summarise(
    resource: PlannedResource,
    column: Column,
    taken: Sequence[Taken],
    closures: Sequence[Span | Closed],
    tz: ZoneInfo,
    now: datetime,
) -> Cell:
    """One cell: closed (no open time), free, taken (nothing free) or partly taken.

    Free units are counted over the open time of the column only; out-of-hours time and
    closures never make a cell "partly taken". The booking link starts at the first moment
    that is free and not past (rounded up to a quarter of an hour) and lasts an hour, or the
    resource's minimum duration, or less when the free stretch is shorter.
    """
    hours = open_spans(resource.opening_hours, tz, column.start, column.end)
    hits = [
        c
        for c in closures
        if isinstance(c, Closed) and any(overlaps(c[0], c[1], s, e) for s, e in hours)
    ]
    hits.sort(key=lambda c: (c.kind != "holiday", c.start))
    closed_by = hits[0] if hits else None
    open_ = open_spans(resource.opening_hours, tz, column.start, column.end, closures)
    if not open_:
        return Cell(CLOSED, resource.quantity, closed_by=closed_by)
    busy = any(t.busy and any(overlaps(t.start, t.end, s, e) for s, e in open_) for t in taken)
    pieces = []
    for span_start, span_end in open_:
        pieces.extend(
            timeline(resource.quantity, [(span_start, span_end)], taken, span_start, span_end)
        )
    free_min = min(piece.available_quantity for piece in pieces)
    free_max = max(piece.available_quantity for piece in pieces)
    if free_min == resource.quantity:
        state = FREE
    elif free_max == 0:
        state = TAKEN
    else:
        state = PARTIAL
    book_start = book_end = None
    duration = timedelta(minutes=max(DEFAULT_BOOKING_MINUTES, resource.min_duration_minutes or 0))
    for piece in pieces:
        if piece.available_quantity == 0:
            continue
        start = max(piece.start, _ceil_to_step(now, tz))
        if start >= piece.end:
            continue
        if column.hour is None:
            end = min(piece.end, start + duration)
        else:
            end = piece.end
        book_start = start.astimezone(tz).replace(tzinfo=None)
        book_end = end.astimezone(tz).replace(tzinfo=None)
        break
    wait_start = wait_end = None
    if state == TAKEN and not busy:
        for span_start, span_end in open_:
            start = max(span_start, _ceil_to_step(now, tz))
            if start < span_end:
                wait_start, wait_end = start, span_end
                break
    return Cell(
        state,
        resource.quantity,
        free_min,
        free_max,
        book_start,
        book_end,
        closed_by,
        busy,
        wait_start,
        wait_end,
    )


def build_grid(
    resources: Sequence[PlannedResource],
    columns: Sequence[Column],
    bookings: Iterable[tuple[int, Taken]],
    closures: Iterable[tuple[int | None, Closed]],
    tz: ZoneInfo,
    now: datetime,
) -> list[Row]:
    """The planning grid: one row per resource, one cell per column.

    ``bookings`` are (resource id, held units) of the bookings that hold units (pending or
    confirmed; busy times of external calendars have no booking id); ``closures`` are
    (resource id or None for the whole pole, closed time); public holidays (None, kind
    ``holiday``) close only the resources that are ``closed_on_public_holidays``.
    """
    held: dict[int, list[Taken]] = {resource.id: [] for resource in resources}
    for resource_id, item in bookings:
        held.setdefault(resource_id, []).append(item)
    closures = list(closures)
    rows = []
    for resource in resources:
        own = [
            c
            for owner, c in closures
            if owner == resource.id
            or (owner is None and (c.kind != "holiday" or resource.closed_on_public_holidays))
        ]
        cells = [summarise(resource, column, held[resource.id], own, tz, now) for column in columns]
        rows.append(Row(resource, cells))
    return rows
