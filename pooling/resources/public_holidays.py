"""Public holidays of the pole's calendar (``POOLING_HOLIDAYS``), as named closed days (pure).

The calendar comes from the maintained ``holidays`` package. A setting is a country code,
optionally with a subdivision: ``FR``, ``FR-57`` (Moselle), ``FR-67``/``FR-68`` (Alsace),
where Good Friday and 26 December are also public holidays; ``none``: no public holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

# Départements whose holidays the package files under another subdivision code.
SUBDIVISION_ALIASES = {("FR", "67"): "6AE", ("FR", "68"): "6AE"}


class HolidayCalendarError(ValueError):
    """A ``POOLING_HOLIDAYS`` value that names no known country or subdivision."""


@dataclass(frozen=True)
class PublicHoliday:
    """One public holiday: its local date, its name, and the UTC bounds of that local day."""

    day: date
    name: str
    start: datetime
    end: datetime


NO_HOLIDAYS = "none"


def parse_calendar(setting: str) -> tuple[str, str | None] | None:
    """``"FR-57"`` -> ``("FR", "57")``; ``"none"`` -> None. Raises HolidayCalendarError
    naming what is wrong."""
    text = (setting or "").strip()
    if text.lower() == NO_HOLIDAYS:
        return None
    country, _sep, subdivision = text.partition("-")
    country = country.upper()
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise HolidayCalendarError(
            f"POOLING_HOLIDAYS={setting!r}: unknown country code "
            "(e.g. FR, FR-57, FR-67, FR-68, or none)"
        )
    if not subdivision:
        return country, None
    code = SUBDIVISION_ALIASES.get((country, subdivision.upper()), subdivision)
    known = {s.upper(): s for s in supported[country]}
    if code.upper() not in known:
        raise HolidayCalendarError(
            f"POOLING_HOLIDAYS={setting!r}: {country} has no subdivision {subdivision!r} "
            f"(known: {', '.join(supported[country])})"
        )
    return country, known[code.upper()]


@lru_cache(maxsize=64)
def _names(setting: str, year: int, language: str) -> tuple[tuple[date, str], ...]:
    calendar_code = parse_calendar(setting)
    if calendar_code is None:
        return ()
    country, subdivision = calendar_code
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    languages = calendar.supported_languages or ()
    chosen = next((lang for lang in languages if lang.split("_")[0] == language), None)
    if chosen is not None:
        calendar = holidays.country_holidays(
            country, subdiv=subdivision, years=year, language=chosen
        )
    return tuple(sorted(calendar.items()))


def _day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def holidays_between(
    setting: str, tz: ZoneInfo, start: datetime, end: datetime, language: str = "fr"
) -> list[PublicHoliday]:
    """The public holidays whose local day overlaps ``[start, end)``, named in ``language``."""
    if end <= start:
        return []
    first = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    found = []
    for year in range(first.year, last.year + 1):
        for day, name in _names(setting, year, language):
            if first <= day <= last:
                day_start, day_end = _day_bounds(day, tz)
                if day_start < end and start < day_end:
                    found.append(PublicHoliday(day, name, day_start, day_end))
    return found
