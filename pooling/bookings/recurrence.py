"""Recurrence: RFC 5545 RRULE text expanded in the pole's local time (pure, no database).

A weekly 09:00-11:00 booking stays 09:00-11:00 on the wall clock across daylight-saving
changes: occurrences are generated as naive local times, then each one is converted to UTC
on its own date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

MAX_OCCURRENCES = 520
ALLOWED_KEYS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYSETPOS",
    "WKST",
    "BYMONTH",
}
ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


class RecurrenceError(ValueError):
    """The rule cannot be used; ``args[0]`` is a code: syntax, frequency, unbounded, too_many."""


@dataclass(frozen=True)
class Occurrence:
    """One date of a series: local wall-clock start and the UTC interval it stands for."""

    local_start: datetime  # naive, pole time
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    exists: bool = True  # False when the local start falls in a spring-forward gap


def _parse_parts(text: str) -> dict[str, str]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts: dict[str, str] = {}
    for chunk in body.split(";"):
        if not chunk.strip():
            continue
        key, sep, value = chunk.partition("=")
        key = key.strip().upper()
        if not sep or not value.strip() or key in parts:
            raise RecurrenceError("syntax")
        if key not in ALLOWED_KEYS:
            raise RecurrenceError("syntax")
        parts[key] = value.strip().upper()
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise RecurrenceError("frequency")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise RecurrenceError("unbounded")
    if "COUNT" in parts:
        if not parts["COUNT"].isdigit() or not 1 <= int(parts["COUNT"]) <= MAX_OCCURRENCES:
            raise RecurrenceError("too_many")
    if "INTERVAL" in parts and (not parts["INTERVAL"].isdigit() or int(parts["INTERVAL"]) < 1):
        raise RecurrenceError("syntax")
    return parts


def _local_until(value: str, tz: ZoneInfo) -> str:
    """UNTIL as a naive local time for dateutil: a date means the end of that local day."""
    try:
        if len(value) == 8:
            day = datetime.strptime(value, "%Y%m%d").date()
            return datetime.combine(day, time(23, 59, 59)).strftime("%Y%m%dT%H%M%S")
        if value.endswith("Z"):
            instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return instant.astimezone(tz).replace(tzinfo=None).strftime("%Y%m%dT%H%M%S")
        datetime.strptime(value, "%Y%m%dT%H%M%S")
        return value
    except ValueError as error:
        raise RecurrenceError("syntax") from error


def normalise_rrule(text: str, tz: ZoneInfo) -> str:
    """The rule with UNTIL made local and keys in a stable order; raises RecurrenceError."""
    if not isinstance(text, str) or len(text) > 500:
        raise RecurrenceError("syntax")
    parts = _parse_parts(text)
    if "UNTIL" in parts:
        parts["UNTIL"] = _local_until(parts["UNTIL"], tz)
    return ";".join(f"{key}={value}" for key, value in parts.items())


def expand(
    rule: str,
    local_start: datetime,
    duration: timedelta,
    tz: ZoneInfo,
    *,
    limit: int = MAX_OCCURRENCES,
) -> list[Occurrence]:
    """Every occurrence of ``rule`` from the naive local ``local_start``, in order.

    Each occurrence keeps the local wall-clock start and the same wall-clock duration; its
    UTC instants are computed on its own date, so daylight-saving changes move the UTC time,
    not the local one. Raises RecurrenceError (syntax, frequency, unbounded, too_many).
    """
    normalised = normalise_rrule(rule, tz)
    try:
        rrule = rrulestr(normalised, dtstart=local_start.replace(tzinfo=None))
    except (ValueError, TypeError) as error:
        raise RecurrenceError("syntax") from error
    occurrences: list[Occurrence] = []
    for wall in rrule:
        if len(occurrences) >= limit:
            raise RecurrenceError("too_many")
        occurrences.append(occurrence_at(wall, duration, tz))
    return occurrences


def occurrence_at(wall: datetime, duration: timedelta, tz: ZoneInfo) -> Occurrence:
    """The occurrence that starts at local wall time ``wall`` and lasts ``duration`` of wall time."""
    wall_end = wall + duration
    start = wall.replace(tzinfo=tz).astimezone(UTC)
    end = wall_end.replace(tzinfo=tz).astimezone(UTC)
    exists = _exists(wall, tz) and _exists(wall_end, tz)
    return Occurrence(local_start=wall, start=start, end=end, exists=exists)


def _exists(wall: datetime, tz: ZoneInfo) -> bool:
    back = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return back == wall
