"""Booking rules, opening hours and closures in plain language, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_day_names
from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from pooling.resources.opening_hours import WEEKDAYS

NBSP = "\u00a0"


def _locale(locale: Locale | str | None) -> Locale:
    if locale is None:
        locale = get_locale() or "fr"
    return locale if isinstance(locale, Locale) else Locale.parse(str(locale))


def format_clock(hhmm: str, locale: Locale | str | None = None) -> str:
    """A wall-clock time "HH:MM" as people write it: "8 h", "14 h 30" in French, "08:00" else.

    "24:00" (the end of a day) stays "24 h" / "24:00".
    """
    hours, minutes = (int(part) for part in hhmm.split(":"))
    if _locale(locale).language == "fr":
        return f"{hours}{NBSP}h" if minutes == 0 else f"{hours}{NBSP}h{NBSP}{minutes:02d}"
    return f"{hours:02d}:{minutes:02d}"


def weekday_names(locale: Locale | str | None = None) -> list[str]:
    """The seven weekday names, Monday first, in the reader's language."""
    names = get_day_names("wide", locale=_locale(locale))
    return [names[index] for index in range(7)]


def _days_label(first: int, last: int, locale: Locale) -> str:
    names = get_day_names("wide", locale=locale)
    if first == 0 and last == 6:
        return _("Every day")
    if first == last:
        return names[first]
    if last == first + 1:
        return format_list([names[first], names[last]], locale=locale)
    return _("%(first)s to %(last)s", first=names[first], last=names[last])


def _hours_label(spans: tuple, locale: Locale) -> str:
    if not spans:
        return _("closed")
    return format_list(
        [f"{format_clock(start, locale)} – {format_clock(end, locale)}" for start, end in spans],
        locale=locale,
    )


def describe_opening_hours(
    opening_hours: dict | None, locale: Locale | str | None = None
) -> list[str]:
    """One line per run of consecutive weekdays with the same hours, Monday first.

    E.g. ["Monday to Friday: 08:00 – 19:00", "Saturday and Sunday: closed"].
    """
    loc = _locale(locale)
    hours = opening_hours or {}
    keys = [tuple(tuple(span) for span in hours.get(day) or []) for day in WEEKDAYS]
    lines = []
    first = 0
    for index in range(1, len(WEEKDAYS) + 1):
        if index == len(WEEKDAYS) or keys[index] != keys[first]:
            lines.append(
                _(
                    "%(days)s: %(hours)s",
                    days=_days_label(first, index - 1, loc),
                    hours=_hours_label(keys[first], loc),
                )
            )
            first = index
    return lines


def opening_hours_short(opening_hours: dict | None, locale: Locale | str | None = None) -> str:
    """The open days and hours in a few words, closed days left out: "lun.–ven. 8 h–19 h"
    in French, "Mon–Fri 08:00–19:00" in English; "" when never open."""
    loc = _locale(locale)
    names = get_day_names("abbreviated", locale=loc)
    hours = opening_hours or {}
    keys = [tuple(tuple(span) for span in hours.get(day) or []) for day in WEEKDAYS]
    runs = []
    first = 0
    for index in range(1, len(WEEKDAYS) + 1):
        if index == len(WEEKDAYS) or keys[index] != keys[first]:
            if keys[first]:
                if first == 0 and index == len(WEEKDAYS):
                    days = _("every day")
                elif first == index - 1:
                    days = names[first]
                else:
                    days = f"{names[first]}–{names[index - 1]}"
                spans = ", ".join(
                    f"{format_clock(start, loc)}–{format_clock(end, loc)}"
                    for start, end in keys[first]
                )
                runs.append(f"{days} {spans}")
            first = index
    return " ; ".join(runs) if loc.language == "fr" else "; ".join(runs)


def describe_duration(minutes: int, locale: Locale | str | None = None) -> str:
    """A number of minutes in words: "15 minutes", "1 hour and 30 minutes", "2 days"."""
    loc = _locale(locale)
    if minutes and minutes % 1440 == 0:
        return ngettext("%(num)d day", "%(num)d days", minutes // 1440)
    parts = []
    if minutes >= 60:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", minutes // 60))
    if minutes % 60 or not parts:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes % 60))
    return format_list(parts, locale=loc)


def describe_rules(rules: dict, locale: Locale | str | None = None) -> list[str]:
    """The booking rules (slot, durations, notice, horizon) as sentences, in that order."""
    lines = []
    slot = rules.get("slot_minutes")
    if slot:
        lines.append(
            _(
                "Bookings start and end on steps of %(duration)s.",
                duration=describe_duration(slot, locale),
            )
        )
    low, high = rules.get("min_duration_minutes"), rules.get("max_duration_minutes")
    if low and high:
        lines.append(
            _(
                "A booking lasts between %(low)s and %(high)s.",
                low=describe_duration(low, locale),
                high=describe_duration(high, locale),
            )
        )
    elif low:
        lines.append(_("A booking lasts at least %(low)s.", low=describe_duration(low, locale)))
    elif high:
        lines.append(_("A booking lasts at most %(high)s.", high=describe_duration(high, locale)))
    else:
        lines.append(_("No minimum or maximum duration."))
    notice = rules.get("min_notice_minutes") or 0
    if notice:
        lines.append(
            _("Book at least %(duration)s in advance.", duration=describe_duration(notice, locale))
        )
    else:
        lines.append(_("Can be booked up to the last minute."))
    advance = rules.get("max_advance_days")
    if advance:
        lines.append(
            ngettext(
                "Can be booked at most %(num)d day ahead.",
                "Can be booked at most %(num)d days ahead.",
                advance,
            )
        )
    if rules.get("closed_on_public_holidays") is False:
        lines.append(_("Open on public holidays."))
    elif "closed_on_public_holidays" in rules:
        lines.append(_("Closed on public holidays."))
    return lines


def _is_local_midnight(local: datetime) -> bool:
    return local.time() == time(0)


def describe_closure(
    start_at: datetime, end_at: datetime, tz: ZoneInfo, locale: Locale | str | None = None
) -> str:
    """A closure's period: whole local days as dates ("from 24 Dec to 2 Jan"), else date-times."""
    loc = _locale(locale)
    start_local, end_local = start_at.astimezone(tz), end_at.astimezone(tz)
    if _is_local_midnight(start_local) and _is_local_midnight(end_local):
        first: date = start_local.date()
        last: date = (end_local - timedelta(days=1)).date()
        if first == last:
            return format_date(first, "full", locale=loc)
        return _(
            "from %(start)s to %(end)s",
            start=format_date(first, "full", locale=loc),
            end=format_date(last, "full", locale=loc),
        )
    return _(
        "from %(start)s to %(end)s",
        start=_date_and_time(start_local, loc),
        end=_date_and_time(end_local, loc),
    )


def _date_and_time(local: datetime, locale: Locale) -> str:
    """ "Wed, Jul 1, 2026, 14:00" / "mer. 1 juil. 2026, 14:00": the locale's medium pattern."""
    pattern = str(locale.datetime_formats.get("medium", "{1} {0}"))
    return pattern.format(
        format_time(local.time(), "HH:mm", locale=locale),
        format_skeleton("yMMMEd", local, locale=locale),
    )
