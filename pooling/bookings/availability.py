"""Availability sweeps over a resource's time line (pure, no database).

Intervals are half-open ``[start, end)``: a booking 9-10 and one 10-11 never clash.
Every function takes aware UTC datetimes and plain tuples, and returns plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from pooling.resources.opening_hours import spans_of_day

# Why a piece of time cannot be booked (the API says it as ``reason.kind``).
UNAVAILABLE_KINDS = ("closure", "holiday", "opening_hours", "busy", "linked")

Span = tuple[datetime, datetime]


class Closed(NamedTuple):
    """Closed time and why: a closure's reason, or the name of a public holiday.

    ``kind`` is ``"closure"`` or ``"holiday"``. Wherever a span is expected, only its first
    two items (start, end) are read.
    """

    start: datetime
    end: datetime
    kind: str = "closure"
    reason: str = ""


@dataclass(frozen=True)
class Taken:
    """Units held over ``[start, end)``: by a booking, by a busy time of the resource's
    external calendar (``kind`` "busy", or no kind and no booking id), or for a waitlist
    offer (``kind`` "offer"); ``linked`` when held through a composite or a part of the
    resource (a hall's booking, seen from one of its rooms)."""

    start: datetime
    end: datetime
    quantity: int
    booking_id: int | None = None
    linked: bool = False
    kind: str = ""

    @property
    def busy(self) -> bool:
        """Held by the resource's external calendar."""
        return self.kind == "busy" or (not self.kind and self.booking_id is None)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """The one overlap predicate of half-open intervals."""
    return a_start < b_end and b_start < a_end


def peak(taken: Iterable[Taken], start: datetime, end: datetime) -> int:
    """The largest number of units held at any instant of ``[start, end)``."""
    events: list[tuple[datetime, int]] = []
    for item in taken:
        if overlaps(item.start, item.end, start, end):
            events.append((max(item.start, start), item.quantity))
            events.append((min(item.end, end), -item.quantity))
    # At equal instants, releases (-) come before takes (+): half-open intervals.
    events.sort(key=lambda event: (event[0], event[1]))
    level = best = 0
    for _instant, delta in events:
        level += delta
        best = max(best, level)
    return best


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlapping or touching ones joined."""
    merged: list[Span] = []
    for start, end in sorted((span[0], span[1]) for span in spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(spans: list[Span], holes: Iterable[Span]) -> list[Span]:
    """``spans`` minus ``holes`` (both lists of half-open spans)."""
    result = list(spans)
    for hole_start, hole_end in merge(holes):
        next_result: list[Span] = []
        for start, end in result:
            if not overlaps(start, end, hole_start, hole_end):
                next_result.append((start, end))
                continue
            if start < hole_start:
                next_result.append((start, hole_start))
            if hole_end < end:
                next_result.append((hole_end, end))
        result = next_result
    return result


def _local_minutes(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    wall = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return wall.replace(tzinfo=tz).astimezone(UTC)


def open_spans(
    opening_hours: dict, tz: ZoneInfo, start: datetime, end: datetime, closures: Iterable[Span] = ()
) -> list[Span]:
    """The UTC spans of ``[start, end)`` during which the resource is open and not closed.

    Opening hours are local wall-clock times per weekday, so they follow daylight saving.
    """
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    spans: list[Span] = []
    day = first
    while day <= last:
        for open_minute, close_minute in spans_of_day(opening_hours, day.weekday()):
            span_start = _local_minutes(day, open_minute, tz)
            span_end = _local_minutes(day, close_minute, tz)
            if overlaps(span_start, span_end, start, end):
                spans.append((max(span_start, start), min(span_end, end)))
        day += timedelta(days=1)
    return subtract(merge(spans), closures)


def within(spans: list[Span], start: datetime, end: datetime) -> bool:
    """Whether ``[start, end)`` lies entirely inside one of the (merged) spans."""
    return any(span_start <= start and end <= span_end for span_start, span_end in merge(spans))


@dataclass(frozen=True)
class Interval:
    """A piece of a window with the units free in it, and why none are when it says so.

    ``why`` is ``"closure"`` or ``"holiday"`` (``detail``: the reason or the holiday's name),
    ``"opening_hours"`` (outside them), ``"busy"`` (the external calendar holds it),
    ``"linked"`` (a booking of a composite or of a part takes it), or None.
    """

    start: datetime
    end: datetime
    available_quantity: int
    why: str | None = None
    detail: str = ""


def _why(
    is_open: bool,
    free: int,
    piece: Span,
    closed: list[Closed],
    busy: list[Taken],
    linked: list[Taken],
) -> tuple[str | None, str]:
    if not is_open:
        hits = [c for c in closed if overlaps(c.start, c.end, piece[0], piece[1])]
        hits.sort(key=lambda c: c.kind != "holiday")
        if hits:
            return hits[0].kind, hits[0].reason
        return "opening_hours", ""
    if free == 0 and any(overlaps(t.start, t.end, piece[0], piece[1]) for t in busy):
        return "busy", ""
    if free == 0 and any(overlaps(t.start, t.end, piece[0], piece[1]) for t in linked):
        return "linked", ""
    return None, ""


def timeline(
    quantity: int,
    open_: list[Span],
    taken: Iterable[Taken],
    start: datetime,
    end: datetime,
    closed: Iterable[Closed] = (),
) -> list[Interval]:
    """The window ``[start, end)`` cut at every change, with the units free in each piece.

    Closed or out-of-hours time has 0 free units; adjacent pieces with the same value and
    the same reason merge. ``closed`` (closures and holidays, already taken out of ``open_``)
    only names why closed time is closed; busy times of an external calendar are the held
    units that are ``busy``.
    """
    closed = [c for c in closed if isinstance(c, Closed)]
    points = {start, end}
    for span_start, span_end in open_:
        points.update({max(span_start, start), min(span_end, end)})
    for item in closed:
        points.update({max(item.start, start), min(item.end, end)})
    items = [t for t in taken if overlaps(t.start, t.end, start, end)]
    for item in items:
        points.update({max(item.start, start), min(item.end, end)})
    busy = [t for t in items if t.busy and not t.linked]
    linked = [t for t in items if t.linked]
    ordered = sorted(p for p in points if start <= p <= end)
    merged_open = merge(open_)
    result: list[Interval] = []
    for piece_start, piece_end in zip(ordered, ordered[1:], strict=False):
        if piece_start >= piece_end:
            continue
        is_open = any(s <= piece_start and piece_end <= e for s, e in merged_open)
        used = sum(t.quantity for t in items if overlaps(t.start, t.end, piece_start, piece_end))
        free = max(quantity - used, 0) if is_open else 0
        why, detail = _why(is_open, free, (piece_start, piece_end), closed, busy, linked)
        last = result[-1] if result else None
        if (
            last is not None
            and (last.available_quantity, last.why, last.detail) == (free, why, detail)
            and last.end == piece_start
        ):
            result[-1] = Interval(last.start, piece_end, free, why, detail)
        else:
            result.append(Interval(piece_start, piece_end, free, why, detail))
    return result


def free_starts(
    candidates: Iterable[datetime],
    duration: timedelta,
    quantity: int,
    capacity: int,
    taken: list[Taken],
    keeps_rules,
    count: int = 3,
) -> list[Span]:
    """The first ``count`` intervals of ``duration`` starting at one of ``candidates`` (in
    order) where ``quantity`` units fit beside ``taken`` and ``keeps_rules(start, end)`` holds.

    The intervals proposed do not overlap one another, so that each is a real alternative.
    """
    found: list[Span] = []
    for start in candidates:
        end = start + duration
        if found and start < found[-1][1]:
            continue
        if peak(taken, start, end) + quantity > capacity:
            continue
        if not keeps_rules(start, end):
            continue
        found.append((start, end))
        if len(found) >= count:
            break
    return found
