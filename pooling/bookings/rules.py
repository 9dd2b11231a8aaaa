"""The booking rules of a resource, checked on one interval (pure, no database).

Each broken rule is reported by its code; the services turn codes into translated messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pooling.bookings.availability import Span, open_spans, overlaps, within


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
    closures: list[Span],
) -> list[Violation]:
    """Every rule that ``[start, end)`` of ``quantity`` units breaks, in a stable order.

    Codes: in_past, min_notice, max_advance, quantity, slot, min_duration, max_duration,
    opening_hours, closure.
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
        found.append(Violation("opening_hours", {}))
    elif any(overlaps(c_start, c_end, start, end) for c_start, c_end in closures):
        found.append(Violation("closure", {}))
    return found
