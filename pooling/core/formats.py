"""Numbers, months, day ranges, counted units and durations as a person reads them, in their language."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import format_date, format_decimal, get_locale, pgettext, to_user_timezone

MINUTES_PER_UNIT = {"days": 24 * 60, "hours": 60, "minutes": 1}


def _french() -> bool:
    return str(get_locale() or "fr").startswith("fr")


def as_decimal(value) -> Decimal | None:
    """A figure as a Decimal (``None`` for nothing or for text that is not a number)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def count(value) -> str:
    """A count without decimals and with thousands separators: ``20.0`` -> ``20``, ``45 230``."""
    figure = as_decimal(value)
    if figure is None:
        return "" if value is None else str(value)
    return format_decimal(figure, "#,##0")


def number(value, pattern: str = "#,##0.##") -> str:
    """A figure in the reader's format without useless zeros: ``45230.00`` -> ``45 230``,
    ``12.50`` -> ``12,5`` in French; a dash when there is none."""
    if value is None or value == "":
        return "–"
    figure = as_decimal(value)
    if figure is None:
        return str(value)
    return format_decimal(figure, pattern)


def percent(value, pattern: str = "#,##0.#") -> str:
    """A figure already in percent with its sign: ``33,3 %`` in French, ``33.3%`` in English;
    a dash when there is none."""
    if value is None or value == "":
        return "–"
    return number(value, pattern) + ("\u00a0%" if _french() else "%")


def month_name(value: str | date) -> str:
    """A month by name: ``2026-12`` -> ``décembre 2026`` in French, ``December 2026`` in English."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:7] + "-01")
        except ValueError:
            return value
    return format_date(value, "LLLL y")


def sentence_case(text: str) -> str:
    """The text with its first letter in capitals, for a range that starts a sentence."""
    return text[:1].upper() + text[1:]


def _day(value: date, month: bool = True, year: bool = True) -> str:
    """A day of a month, "1er" for the first in French."""
    pattern = "d" + (" MMMM" if month else "") + (" y" if year else "")
    text = format_date(value, pattern)
    if _french() and value.day == 1:
        text = "1er" + text[1:]
    return text


def _local_day(value: str | date | datetime, exclusive_end: bool = False) -> date:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        if exclusive_end:
            value = value - timedelta(microseconds=1)
        return to_user_timezone(value).date()
    return value


def last_day(end: datetime | None, style: str = "long") -> str:
    """The last local day included in an interval that ends (exclusive) at ``end``."""
    if end is None:
        return ""
    return format_date(_local_day(end, exclusive_end=True), style)


def day_range(first: str | date | datetime, last: str | date | datetime) -> str:
    """Inclusive local days in words: "du 1er au 31 décembre 2026", "1–31 December 2026".

    Dates (or ISO text) are the first and the last day included; instants are a half-open interval
    ``[start, end)`` whose end is therefore shown as the last day it includes.
    """
    first_day = _local_day(first)
    last_day = _local_day(last, exclusive_end=isinstance(last, datetime))
    if last_day < first_day:
        last_day = first_day
    if first_day == last_day:
        return pgettext("one day", "%(day)s", day=_day(first_day))
    if (first_day.year, first_day.month) == (last_day.year, last_day.month):
        return pgettext(
            "days of one month",
            "%(first)s–%(last)s",
            first=_day(first_day, month=False, year=False),
            last=_day(last_day),
        )
    if first_day.year == last_day.year:
        return pgettext(
            "days of one year",
            "%(first)s – %(last)s",
            first=_day(first_day, year=False),
            last=_day(last_day),
        )
    return pgettext(
        "days of several years", "%(first)s – %(last)s", first=_day(first_day), last=_day(last_day)
    )


def unit_form(number, singular: str | None, plural: str | None = None) -> str:
    """The unit's form for ``number``: singular for 0 and 1 in French, for 1 only in English."""
    singular = singular or ""
    figure = as_decimal(number)
    if figure is None or not plural:
        return singular
    one = abs(figure) < 2 if _french() else abs(figure) == 1
    return singular if one else plural


def counted(number, singular: str | None, plural: str | None = None) -> str:
    """A count followed by its unit in the right form: "40 chaises", "1 chaise"."""
    unit = unit_form(number, singular, plural)
    return f"{count(number)}\u00a0{unit}" if unit else count(number)


def default_plural(singular: str | None, language: str = "fr") -> str:
    """The usual plural of a unit label: French adds "s" unless it ends with s, x or z (or "au",
    "eau", "eu" take "x"); English adds "s" ("es" after s, x, z, ch, sh). Only the last word."""
    text = (singular or "").strip()
    if not text:
        return ""
    lower = text.lower()
    if language.startswith("fr"):
        if lower.endswith(("s", "x", "z")):
            return text
        if lower.endswith(("au", "eu")):
            return text + "x"
        return text + "s"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return text + "es"
    return text + "s"


def split_minutes(minutes: int | None) -> tuple[int | None, str]:
    """A stored duration in minutes as (number, unit) in the largest exact unit: 1440 -> (1, days)."""
    if minutes is None:
        return None, "hours"
    if minutes == 0:
        return 0, "hours"
    for unit in ("days", "hours", "minutes"):
        size = MINUTES_PER_UNIT[unit]
        if minutes % size == 0:
            return minutes // size, unit
    return minutes, "minutes"


def to_minutes(number: int | Decimal | None, unit: str) -> int | None:
    """Minutes of a duration typed as a number of minutes, hours or days (``None`` stays ``None``)."""
    if number is None:
        return None
    return int(Decimal(number) * MINUTES_PER_UNIT[unit])
