"""Recurrence in plain words: build RRULE text from the booking form's choices, and read it back.

Pure (no database, no request): the booking form offers "every day / every week on these days /
every month on the same date / every month on the Nth weekday", an interval and an end
("after N times" or "until a date"); this module turns those choices into RFC 5545 RRULE text
that bookings.recurrence expands, and describes any such rule in the reader's language.

The description is assembled from per-language phrase tables rather than message catalogues,
because the word order and elisions differ too much between languages ("le 2e mardi",
"jusqu'au 1er juillet", "the 2nd Tuesday") to be built from translated fragments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, get_day_names
from babel.lists import format_list

FREQUENCIES = ("none", "daily", "weekly", "monthly_date", "monthly_weekday")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_INTERVAL = 52


@dataclass
class RecurrenceChoice:
    """What the form asks: how often, every how many, on which days, and until when."""

    frequency: str = "none"
    start: date | None = None
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)
    ending: str = "count"
    count: int | None = None
    until: date | None = None


class RecurrenceChoiceError(ValueError):
    """A choice cannot make a rule; ``field`` names the form field, ``code`` the problem."""

    def __init__(self, field_name: str, code: str):
        super().__init__(code)
        self.field = field_name
        self.code = code


def nth_weekday(day: date) -> tuple[int, str]:
    """Which weekday of its month a date is: (2, "TU") for the 2nd Tuesday, (-1, ...) for a 5th."""
    position = (day.day - 1) // 7 + 1
    return (-1 if position == 5 else position), WEEKDAY_CODES[day.weekday()]


def build_rrule(choice: RecurrenceChoice) -> str | None:
    """RRULE text for the choice, or None for "does not repeat".

    Raises RecurrenceChoiceError (field, code): unknown frequency, interval below 1 or above
    52, weekly with an unknown day, monthly without a start date, a missing or non-positive
    count, an end date missing or before the start.
    """
    if choice.frequency == "none":
        return None
    if choice.frequency not in FREQUENCIES:
        raise RecurrenceChoiceError("repeat", "frequency")
    if not isinstance(choice.interval, int) or not 1 <= choice.interval <= MAX_INTERVAL:
        raise RecurrenceChoiceError("interval", "interval")
    parts: list[str] = []
    if choice.frequency == "daily":
        parts.append("FREQ=DAILY")
    elif choice.frequency == "weekly":
        parts.append("FREQ=WEEKLY")
        days = [d.upper() for d in choice.weekdays]
        if any(d not in WEEKDAY_CODES for d in days):
            raise RecurrenceChoiceError("weekdays", "weekday")
        if not days and choice.start is not None:
            days = [WEEKDAY_CODES[choice.start.weekday()]]
        if days:
            ordered = sorted(set(days), key=WEEKDAY_CODES.index)
            parts.append("BYDAY=" + ",".join(ordered))
    else:
        if choice.start is None:
            raise RecurrenceChoiceError("date", "start")
        parts.append("FREQ=MONTHLY")
        if choice.frequency == "monthly_date":
            parts.append(f"BYMONTHDAY={choice.start.day}")
        else:
            position, code = nth_weekday(choice.start)
            parts.append(f"BYDAY={position}{code}")
    if choice.interval > 1:
        parts.append(f"INTERVAL={choice.interval}")
    if choice.ending == "until":
        if choice.until is None:
            raise RecurrenceChoiceError("until", "until_missing")
        if choice.start is not None and choice.until < choice.start:
            raise RecurrenceChoiceError("until", "until_before_start")
        parts.append(f"UNTIL={choice.until:%Y%m%d}")
    else:
        if not isinstance(choice.count, int) or choice.count < 1:
            raise RecurrenceChoiceError("count", "count")
        parts.append(f"COUNT={choice.count}")
    return ";".join(parts)


# ---------------------------------------------------------------- plain words

PHRASES = {
    "en": {
        "daily": ("every day", "every {n} days"),
        "weekly": ("every week", "every {n} weeks"),
        "monthly": ("every month", "every {n} months"),
        "yearly": ("every year", "every {n} years"),
        "on_days": "{base} on {days}",
        "on_monthday": "{base} on the {ordinal}",
        "on_nth": "{base} on the {ordinal} {day}",
        "on_last": "{base} on the last {day}",
        "count": ("{base}, once", "{base}, {n} times"),
        "until": "{base}, until {date}",
        "day_article": "{day}",
    },
    "fr": {
        "daily": ("chaque jour", "tous les {n} jours"),
        "weekly": ("chaque semaine", "toutes les {n} semaines"),
        "monthly": ("chaque mois", "tous les {n} mois"),
        "yearly": ("chaque année", "tous les {n} ans"),
        "on_days": "{base} {days}",
        "on_monthday": "{base} le {ordinal}",
        "on_nth": "{base} le {ordinal} {day}",
        "on_last": "{base} le dernier {day}",
        "count": ("{base}, une fois", "{base}, {n} fois"),
        "until": "{base}, jusqu'au {date}",
        "day_article": "le {day}",
    },
}


def _language(locale: Locale | str) -> str:
    language = locale.language if isinstance(locale, Locale) else str(locale).split("_")[0]
    return language if language in PHRASES else "en"


def _ordinal(n: int, language: str) -> str:
    if language == "fr":
        return "1er" if n == 1 else f"{n}e"
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _long_date(day: date, locale: Locale | str, language: str) -> str:
    text = format_date(day, "d MMMM y", locale=locale)
    if language == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


def _parts(rule: str) -> dict[str, str]:
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts = {}
    for chunk in body.split(";"):
        key, _sep, value = chunk.partition("=")
        if key.strip():
            parts[key.strip().upper()] = value.strip().upper()
    return parts


def _until_date(value: str) -> date | None:
    for pattern in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def describe_rrule(rule: str | None, start: date | None, locale: Locale | str) -> str:
    """The rule in plain words, e.g. "every week on Tuesday and Thursday, until 30 June 2027".

    ``start`` is the first date (it gives the weekday of a weekly rule without days). A rule
    that cannot be read is returned as it is; no rule reads as an empty string.
    """
    if not rule:
        return ""
    language = _language(locale)
    words = PHRASES[language]
    parts = _parts(rule)
    frequency = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "YEARLY": "yearly"}
    key = frequency.get(parts.get("FREQ", ""))
    if key is None:
        return rule
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return rule
    one, many = words[key]
    text = one if interval == 1 else many.format(n=interval)
    day_names = get_day_names("wide", locale=locale)

    def day_word(code: str) -> str:
        return str(day_names[WEEKDAY_CODES.index(code)])

    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    if key == "weekly":
        codes = [d for d in byday if d in WEEKDAY_CODES]
        if not codes and start is not None:
            codes = [WEEKDAY_CODES[start.weekday()]]
        if codes:
            names = [words["day_article"].format(day=day_word(c)) for c in codes]
            text = words["on_days"].format(base=text, days=format_list(names, locale=locale))
    elif key == "monthly":
        if "BYMONTHDAY" in parts and parts["BYMONTHDAY"].lstrip("-").isdigit():
            text = words["on_monthday"].format(
                base=text, ordinal=_ordinal(int(parts["BYMONTHDAY"]), language)
            )
        elif len(byday) == 1 and byday[0][-2:] in WEEKDAY_CODES:
            position, code = byday[0][:-2], byday[0][-2:]
            if position == "-1":
                text = words["on_last"].format(base=text, day=day_word(code))
            elif position.isdigit():
                text = words["on_nth"].format(
                    base=text, ordinal=_ordinal(int(position), language), day=day_word(code)
                )
    if "COUNT" in parts and parts["COUNT"].isdigit():
        count = int(parts["COUNT"])
        once, several = words["count"]
        text = once.format(base=text) if count == 1 else several.format(base=text, n=count)
    elif "UNTIL" in parts:
        until = _until_date(parts["UNTIL"])
        if until is not None:
            text = words["until"].format(base=text, date=_long_date(until, locale, language))
    return text
