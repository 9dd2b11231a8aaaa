"""Translated messages for the booking rules, conflicts and recurrence errors."""

from __future__ import annotations

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from pooling.bookings.rules import Violation
from pooling.resources.describe import describe_duration, opening_hours_short, weekday_names


def _duration(p: dict) -> str:
    """A rule's duration in words, in the largest units that fit ("1 day", "1 hour and 30 minutes")."""
    return describe_duration(int(p.get("minutes") or 0))


def _opening_hours_message(p: dict) -> str:
    week = opening_hours_short(p.get("week"))
    if "weekday" not in p or not week:
        return _("The booking falls outside the resource's opening hours.")
    if not p.get("hours"):
        return _(
            "Outside the opening hours (closed on %(day)s): %(hours)s.",
            day=weekday_names()[p["weekday"]],
            hours=week,
        )
    return _("Outside the opening hours: %(hours)s.", hours=week)


def _closure_message(p: dict) -> str:
    if p.get("reason"):
        return _("Closed: %(reason)s (closure).", reason=p["reason"])
    return _("The resource is closed during this time (closure).")


def _qualification_message(p: dict) -> str:
    names = list(p.get("names") or [])
    day = p.get("date")
    return ngettext(
        "Missing qualification: %(names)s, required to book this resource and valid on %(date)s.",
        "Missing qualifications: %(names)s, required to book this resource and valid on %(date)s.",
        len(names),
        names=", ".join(names),
        date=format_date(day, "full") if day else "",
    )


def rule_message(violation: Violation) -> str:
    """One sentence that names the broken rule, in the reader's language."""
    p = violation.params
    return {
        "in_past": lambda: _("Bookings cannot start in the past."),
        "min_notice": lambda: _(
            "This resource must be booked at least %(duration)s in advance (minimum notice).",
            duration=_duration(p),
        ),
        "max_advance": lambda: _(
            "This resource cannot be booked more than %(days)s days ahead.", days=p.get("days")
        ),
        "quantity": lambda: ngettext(
            "This resource has only %(num)d unit.",
            "This resource has only %(num)d units.",
            int(p.get("quantity") or 0),
        ),
        "slot": lambda: _(
            "Start and end must fall on the %(minutes)s-minute slots of this resource.",
            minutes=p.get("minutes"),
        ),
        "min_duration": lambda: _(
            "The booking is too short: at least %(duration)s (minimum duration).",
            duration=_duration(p),
        ),
        "max_duration": lambda: _(
            "The booking is too long: at most %(duration)s (maximum duration).",
            duration=_duration(p),
        ),
        "opening_hours": lambda: _opening_hours_message(p),
        "closure": lambda: _closure_message(p),
        "public_holiday": lambda: _("Closed: %(name)s (public holiday).", name=p.get("name")),
        "quota": lambda: _(
            "This booking would exceed the quota of %(organisation)s: %(hours)s h per %(period)s "
            "(%(used)s h already booked).",
            organisation=p.get("organisation"),
            hours=p.get("hours"),
            period=_("week") if p.get("period") == "week" else _("month"),
            used=p.get("used"),
        ),
        "nonexistent_local_time": lambda: _(
            "This local time does not exist: the clocks skip an hour that night "
            "(daylight-saving change)."
        ),
        "inactive": lambda: _("This resource is deactivated and cannot be booked."),
        "qualification_required": lambda: _qualification_message(p),
    }.get(violation.code, lambda: violation.code)()


def unavailable_reason(why: str, detail: str = "") -> str:
    """Why time is unavailable, in a few words: a closure and its reason, a public holiday
    and its name, outside the opening hours, busy in the external calendar, or taken by a
    booking of a composite it belongs to or of one of its parts."""
    if why == "holiday":
        return _("%(name)s (public holiday)", name=detail)
    if why == "closure":
        return _("Closure: %(reason)s", reason=detail) if detail else _("Closure")
    if why == "opening_hours":
        return _("Outside opening hours")
    if why == "busy":
        return _("Busy in the external calendar")
    if why == "linked":
        return _("Taken by a booking of a resource it is part of, or of one of its parts")
    return why


def recurrence_message(code: str) -> str:
    return {
        "syntax": _("The recurrence rule is not valid RRULE text (e.g. FREQ=WEEKLY;COUNT=10)."),
        "frequency": _("The recurrence must be daily, weekly, monthly or yearly."),
        "unbounded": _("Give the recurrence an end: COUNT or UNTIL."),
        "too_many": _("A recurrence may have at most 520 occurrences."),
    }.get(code, code)


def recurrence_choice_message(code: str) -> str:
    """What to correct in the booking form's recurrence choices (``RecurrenceChoiceError``)."""
    return {
        "frequency": _("Choose how the booking repeats."),
        "interval": _("Repeat every 1 to 52 days, weeks or months."),
        "weekday": _("Tick the days of the week."),
        "start": _("Give the date."),
        "until_missing": _("Give the last date."),
        "until_before_start": _("The last date cannot be before the first."),
        "count": _("Give the number of times."),
    }.get(code, code)
