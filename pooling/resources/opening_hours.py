"""Weekly opening hours: validation of the stored shape and plain-language description (pure)."""

from __future__ import annotations

import re
from datetime import time

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class OpeningHoursError(ValueError):
    """The opening hours are not of the expected shape; ``args[0]`` is a rule code."""


def minutes_of(hhmm: str) -> int:
    """Minutes since midnight of "HH:MM" ("24:00" is 1440)."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def as_time(hhmm: str) -> time | None:
    """A datetime.time for "HH:MM"; None for "24:00" (the end of the day)."""
    if hhmm == "24:00":
        return None
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def normalise_opening_hours(value) -> dict[str, list[list[str]]]:
    """Check and normalise opening hours: {day: [[start, end], ...]} sorted, non-overlapping.

    Raises OpeningHoursError("shape" | "day" | "time" | "order" | "overlap").
    """
    if not isinstance(value, dict):
        raise OpeningHoursError("shape")
    result: dict[str, list[list[str]]] = {}
    for day, spans in value.items():
        if day not in WEEKDAYS:
            raise OpeningHoursError("day")
        if spans is None:
            spans = []
        if not isinstance(spans, list):
            raise OpeningHoursError("shape")
        cleaned = []
        for span in spans:
            if not isinstance(span, list | tuple) or len(span) != 2:
                raise OpeningHoursError("shape")
            start, end = span
            if not (isinstance(start, str) and isinstance(end, str)):
                raise OpeningHoursError("time")
            if not HHMM.match(start) or not HHMM.match(end) or start == "24:00":
                raise OpeningHoursError("time")
            if minutes_of(end) <= minutes_of(start):
                raise OpeningHoursError("order")
            cleaned.append([start, end])
        cleaned.sort(key=lambda s: minutes_of(s[0]))
        for previous, following in zip(cleaned, cleaned[1:], strict=False):
            if minutes_of(following[0]) < minutes_of(previous[1]):
                raise OpeningHoursError("overlap")
        if cleaned:
            result[day] = cleaned
    return result


def spans_of_day(opening_hours: dict, weekday: int) -> list[tuple[int, int]]:
    """Opening spans of a weekday (0 = Monday) as (start, end) minutes since midnight."""
    return [
        (minutes_of(start), minutes_of(end))
        for start, end in (opening_hours or {}).get(WEEKDAYS[weekday], [])
    ]
