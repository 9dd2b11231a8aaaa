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
]


class NonexistentLocalTime(ValueError):
    """A local wall-clock time skipped by a daylight-saving change (e.g. 02:30 on the last Sunday of March)."""


class NaiveTime(ValueError):
    """An ISO time without an offset, which the API refuses rather than guessing."""


class AmbiguousLocalTime(ValueError):
    """A local wall-clock time that happens twice (the autumn fall-back hour)."""


def pole_tz() -> ZoneInfo:
    """The pole's time zone from the application config (``POOLING_TIMEZONE``)."""
    return ZoneInfo(current_app.config["POOLING_TIMEZONE"])


def parse_instant(text: str, *, keep_offset: bool = False) -> datetime:
    """Parse an ISO 8601 instant that carries an offset or ``Z``; returns it in UTC.

    With ``keep_offset`` the given offset is kept (to tell which wall-clock time was meant).
    Raises ValueError for malformed text and NaiveTime for a time without an offset.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty")
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise NaiveTime(text)
    return parsed if keep_offset else parsed.astimezone(UTC)


def to_local(instant: datetime, tz: ZoneInfo | None = None) -> datetime:
    """The instant as an aware datetime in the pole's time zone."""
    return instant.astimezone(tz or pole_tz())


def local_to_utc(wall: datetime, tz: ZoneInfo | None = None, *, strict: bool = True) -> datetime:
    """Convert a naive local wall-clock time to a UTC instant.

    With ``strict``, a time skipped by the spring-forward change raises NonexistentLocalTime;
    an ambiguous autumn time takes its first (summer-time) occurrence.
    """
    tz = tz or pole_tz()
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
