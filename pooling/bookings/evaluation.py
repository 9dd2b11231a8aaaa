"""One occurrence of a booking, evaluated: which rules it breaks, what it clashes with, and
which quota it exceeds.

Create, move and the preview ask these questions in this order (rules, then conflict, then
quota) and differ only in what they do with the answers: refuse, skip, or show.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pooling.bookings.availability import Taken, overlaps, peak
from pooling.bookings.quotas import QuotaBook
from pooling.bookings.recurrence import Occurrence
from pooling.bookings.rules import ResourceRules, Violation, check
from pooling.resources.models import Resource

UNOVERRIDABLE = {"quantity", "nonexistent_local_time", "inactive"}


def violations(
    resource: Resource,
    rules: ResourceRules,
    tz: ZoneInfo,
    now: datetime,
    occurrence: Occurrence,
    quantity: int,
    closures: list,
) -> list[Violation]:
    """The rules the occurrence breaks, a local time the clocks skip first."""
    found = check(rules, tz, now, occurrence.start, occurrence.end, quantity, closures)
    if not occurrence.exists:
        found.insert(0, Violation("nonexistent_local_time", {}))
    return found


def blocking(broken: list[Violation], override_rules: bool) -> list[Violation]:
    """The broken rules that refuse the occurrence: all of them, or with an override of the
    rules those no one may override."""
    return [v for v in broken if v.code in UNOVERRIDABLE or not override_rules]


def clashing(
    taken: list[Taken], start: datetime, end: datetime, quantity: int, capacity: int
) -> list[Taken] | None:
    """What holds [start, end) when ``quantity`` more units do not fit beside it; None when
    they fit."""
    if peak(taken, start, end) + quantity <= capacity:
        return None
    return [t for t in taken if overlaps(t.start, t.end, start, end)]


def quota_exceeded(quota_book: QuotaBook, start: datetime, end: datetime) -> Violation | None:
    """The quota [start, end) would exceed; when none, [start, end) is counted against them."""
    return quota_book.take(start, end)
