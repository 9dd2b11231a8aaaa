"""The booking rules of a resource, checked on one interval (pure, no database).

Each broken rule is reported by its code; the services turn codes into translated messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pooling.bookings.availability import Closed, Span, open_spans, overlaps, within
from pooling.resources.opening_hours import spans_of_day


@dataclass(frozen=True)
class ResourceRules:
    """The rules of one resource, as plain values."""

    quantity: int
    opening_hours: dict
    slot_minutes: int
    min_duration_minutes: int | None
    max_duration_minutes: int | None
    min_notice_minutes: int
    max_advance_days: int


@dataclass(frozen=True)
class Violation:
    code: str
    params: dict


def _on_slot(instant: datetime, slot: int, tz: ZoneInfo) -> bool:
    local = instant.astimezone(tz)
    minutes = local.hour * 60 + local.minute
    return local.second == 0 and local.microsecond == 0 and minutes % slot == 0


def check(
    rules: ResourceRules,
    tz: ZoneInfo,
    now: datetime,
    start: datetime,
    end: datetime,
    quantity: int,
    closures: list[Span | Closed],
) -> list[Violation]:
    """Every rule that ``[start, end)`` of ``quantity`` units breaks, in a stable order.

    Codes: in_past, min_notice, max_advance, quantity, slot, min_duration, max_duration,
    opening_hours (with the opening hours of the first day it leaves), public_holiday
    (with the holiday's name), closure (with its reason).
    """
    found: list[Violation] = []
    duration = (end - start).total_seconds() / 60
    if start < now:
        found.append(Violation("in_past", {}))
    elif start < now + timedelta(minutes=rules.min_notice_minutes):
        found.append(Violation("min_notice", {"minutes": rules.min_notice_minutes}))
    if start > now + timedelta(days=rules.max_advance_days):
        found.append(Violation("max_advance", {"days": rules.max_advance_days}))
    if quantity > rules.quantity:
        found.append(Violation("quantity", {"quantity": rules.quantity}))
    if not (_on_slot(start, rules.slot_minutes, tz) and _on_slot(end, rules.slot_minutes, tz)):
        found.append(Violation("slot", {"minutes": rules.slot_minutes}))
    if rules.min_duration_minutes and duration < rules.min_duration_minutes:
        found.append(Violation("min_duration", {"minutes": rules.min_duration_minutes}))
    if rules.max_duration_minutes and duration > rules.max_duration_minutes:
        found.append(Violation("max_duration", {"minutes": rules.max_duration_minutes}))
    opened = open_spans(rules.opening_hours, tz, start, end)
    if not within(opened, start, end):
        found.append(Violation("opening_hours", _hours_left(rules.opening_hours, tz, start, end)))
    else:
        hit = [c for c in closures if overlaps(c[0], c[1], start, end)]
        hit.sort(key=lambda c: (getattr(c, "kind", "closure") != "holiday", c[0]))
        if hit:
            first = hit[0]
            if getattr(first, "kind", "closure") == "holiday":
                found.append(Violation("public_holiday", {"name": first.reason}))
            else:
                found.append(Violation("closure", {"reason": getattr(first, "reason", "")}))
    return found


def _hours_left(opening_hours: dict, tz: ZoneInfo, start: datetime, end: datetime) -> dict:
    """The local day where ``[start, end)`` first leaves the opening hours, and its hours."""
    opened = open_spans(opening_hours, tz, start, end)
    cursor = start
    for span_start, span_end in opened:
        if span_start > cursor:
            break
        cursor = max(cursor, span_end)
    day = min(cursor, end - timedelta(microseconds=1)).astimezone(tz).date()
    spans = [
        (f"{o // 60:02d}:{o % 60:02d}", f"{c // 60:02d}:{c % 60:02d}")
        for o, c in spans_of_day(opening_hours, day.weekday())
    ]
    return {"weekday": day.weekday(), "hours": spans, "week": opening_hours}
