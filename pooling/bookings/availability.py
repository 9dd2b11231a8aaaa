"""Availability sweeps over a resource's time line (pure, no database).

Intervals are half-open ``[start, end)``: a booking 9-10 and one 10-11 never clash.
Every function takes aware UTC datetimes and plain tuples, and returns plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pooling.resources.opening_hours import spans_of_day

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Taken:
    """Units held by one booking over ``[start, end)``."""

    start: datetime
    end: datetime
    quantity: int
    booking_id: int | None = None


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
    for start, end in sorted(spans):
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
    start: datetime
    end: datetime
    available_quantity: int


def timeline(
    quantity: int,
    open_: list[Span],
    taken: Iterable[Taken],
    start: datetime,
    end: datetime,
) -> list[Interval]:
    """The window ``[start, end)`` cut at every change, with the units free in each piece.

    Closed or out-of-hours time has 0 free units; adjacent pieces with the same value merge.
    """
    points = {start, end}
    for span_start, span_end in open_:
        points.update({max(span_start, start), min(span_end, end)})
    items = [t for t in taken if overlaps(t.start, t.end, start, end)]
    for item in items:
        points.update({max(item.start, start), min(item.end, end)})
    ordered = sorted(p for p in points if start <= p <= end)
    merged_open = merge(open_)
    result: list[Interval] = []
    for piece_start, piece_end in zip(ordered, ordered[1:], strict=False):
        if piece_start >= piece_end:
            continue
        is_open = any(s <= piece_start and piece_end <= e for s, e in merged_open)
        used = sum(t.quantity for t in items if overlaps(t.start, t.end, piece_start, piece_end))
        free = max(quantity - used, 0) if is_open else 0
        if result and result[-1].available_quantity == free and result[-1].end == piece_start:
            result[-1] = Interval(result[-1].start, piece_end, free)
        else:
            result.append(Interval(piece_start, piece_end, free))
    return result
