"""The pole's time zone: parsing instants, converting between UTC and local wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from pooling.core.db import utcnow

__all__ = [
    "utcnow",
    "pole_tz",
    "parse_instant",
    "to_local",
    "local_to_utc",
    "NonexistentLocalTime",
    "NaiveTime",
    "OutOfRange",
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "utc_text",
    "MAX_WINDOW_DAYS",
    "MAX_REPORT_DAYS",
]

# The instants the application accepts: far enough for any real booking or cost period, near
# enough that adding a day, an offset or a year of recurrence never leaves Python's datetime.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200

# The longest window asked at once: a booking, a search for free time, a cost period.
MAX_WINDOW_DAYS = 400
# The longest window of figures asked at once: usage and the dashboards (two years to compare).
MAX_REPORT_DAYS = 800


class NonexistentLocalTime(ValueError):
    """A local wall-clock time skipped by a daylight-saving change (e.g. 02:30 on the last Sunday of March)."""


class NaiveTime(ValueError):
    """An ISO time without an offset, which the API refuses rather than guessing."""


class OutOfRange(ValueError):
    """A date or time outside the years the application accepts (EARLIEST_YEAR to LATEST_YEAR)."""


def check_year(value: date | datetime) -> None:
    """Raise OutOfRange unless ``value`` falls within EARLIEST_YEAR..LATEST_YEAR."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise OutOfRange(value.isoformat())


class AmbiguousLocalTime(ValueError):
    """A local wall-clock time that happens twice (the autumn fall-back hour)."""


def pole_tz() -> ZoneInfo:
    """The pole's time zone from the application config (``POOLING_TIMEZONE``)."""
    return ZoneInfo(current_app.config["POOLING_TIMEZONE"])


def parse_instant(text: str, *, keep_offset: bool = False) -> datetime:
    """Parse an ISO 8601 instant that carries an offset or ``Z``; returns it in UTC.

    With ``keep_offset`` the given offset is kept (to tell which wall-clock time was meant).
    Raises ValueError for malformed text, NaiveTime for a time without an offset and
    OutOfRange for an instant outside the years EARLIEST_YEAR to LATEST_YEAR (in UTC too).
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty")
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise NaiveTime(text)
    check_year(parsed)  # first, so that the conversion below cannot overflow
    check_year(parsed.astimezone(UTC))
    return parsed if keep_offset else parsed.astimezone(UTC)


def utc_text(value: datetime | None) -> str | None:
    """An instant as ``2026-12-01T08:00:00Z`` (always a four-digit year, as RFC 3339 wants)."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def to_local(instant: datetime, tz: ZoneInfo | None = None) -> datetime:
    """The instant as an aware datetime in the pole's time zone."""
    return instant.astimezone(tz or pole_tz())


def local_to_utc(wall: datetime, tz: ZoneInfo | None = None, *, strict: bool = True) -> datetime:
    """Convert a naive local wall-clock time to a UTC instant.

    With ``strict``, a time skipped by the spring-forward change raises NonexistentLocalTime;
    an ambiguous autumn time takes its first (summer-time) occurrence. A wall time outside
    EARLIEST_YEAR..LATEST_YEAR raises OutOfRange.
    """
    tz = tz or pole_tz()
    check_year(wall)
    aware = wall.replace(tzinfo=tz)
    if strict and not local_time_exists(wall, tz):
        raise NonexistentLocalTime(wall.isoformat())
    return aware.astimezone(UTC)


def local_time_exists(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether a naive wall-clock time exists in ``tz`` (it round-trips through UTC)."""
    aware = wall.replace(tzinfo=tz)
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return back == wall.replace(tzinfo=None)


def local_day_bounds(day: date, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """The UTC instants at which a local calendar day starts and ends (23 or 25 hours on DST days)."""
    tz = tz or pole_tz()
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end
