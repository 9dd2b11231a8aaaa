"""The public-holiday calendar and the reasons given for closed time (pure, no application)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.easter import easter

from pooling.bookings.availability import Closed, Taken, open_spans, timeline
from pooling.bookings.rules import ResourceRules, check
from pooling.resources.public_holidays import (
    HolidayCalendarError,
    holidays_between,
    parse_calendar,
)
from tests.world import ALWAYS_OPEN as ALWAYS

PARIS = ZoneInfo("Europe/Paris")
OFFICE = {day: [["08:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
YEAR = date.today().year + 1


def local(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).astimezone(UTC)


@pytest.mark.parametrize(
    ("setting", "parsed"),
    [("FR", ("FR", None)), ("FR-57", ("FR", "57")), ("fr-67", ("FR", "6AE")), ("none", None)],
)
def test_calendar_settings_are_read(setting, parsed):
    assert parse_calendar(setting) == parsed


@pytest.mark.parametrize("setting", ["", "XX", "FR-99"])
def test_unknown_calendars_are_refused(setting):
    with pytest.raises(HolidayCalendarError, match="POOLING_HOLIDAYS"):
        parse_calendar(setting)


def test_alsace_moselle_adds_good_friday_and_saint_stephen():
    year_start, year_end = local(date(YEAR, 1, 1)), local(date(YEAR + 1, 1, 1))
    national = {h.day for h in holidays_between("FR", PARIS, year_start, year_end)}
    alsace = {h.day for h in holidays_between("FR-68", PARIS, year_start, year_end)}

    assert alsace - national == {easter(YEAR) - timedelta(days=2), date(YEAR, 12, 26)}
    assert holidays_between("none", PARIS, year_start, year_end) == []


def test_a_holiday_is_its_whole_local_day_and_named_in_the_language():
    christmas = date(YEAR, 12, 25)
    (holiday,) = holidays_between("FR", PARIS, local(christmas, 10), local(christmas, 11), "fr")

    assert (holiday.start, holiday.end) == (local(christmas), local(christmas + timedelta(1)))
    assert holiday.name == "Noël"
    (english,) = holidays_between("FR", PARIS, local(christmas, 10), local(christmas, 11), "en")
    assert english.name == "Christmas Day"


def rules(opening_hours) -> ResourceRules:
    return ResourceRules(1, opening_hours, 15, None, None, 0, 800)


def test_checks_name_the_holiday_before_a_closure_and_the_hours_of_the_day():
    day = date(YEAR, 12, 25)
    now = local(day) - timedelta(days=30)
    holiday = Closed(local(day), local(day + timedelta(1)), "holiday", "Noël")
    works = Closed(local(day, 9), local(day, 12), "closure", "Travaux")

    (found,) = check(rules(ALWAYS), PARIS, now, local(day, 10), local(day, 11), 1, [works, holiday])
    assert (found.code, found.params) == ("public_holiday", {"name": "Noël"})
    (found,) = check(rules(ALWAYS), PARIS, now, local(day, 10), local(day, 11), 1, [works])
    assert (found.code, found.params) == ("closure", {"reason": "Travaux"})
    weekday = date(YEAR, 3, 1) + timedelta(days=(7 - date(YEAR, 3, 1).weekday()) % 7)
    before = local(weekday) - timedelta(days=1)
    (found,) = check(rules(OFFICE), PARIS, before, local(weekday, 18), local(weekday, 20), 1, [])
    assert found.code == "opening_hours"
    assert found.params == {"weekday": 0, "hours": [("08:00", "19:00")], "week": OFFICE}


def test_timeline_says_why_each_piece_is_unavailable():
    day = date(YEAR, 3, 1) + timedelta(days=(7 - date(YEAR, 3, 1).weekday()) % 7)  # a Monday
    works = Closed(local(day, 8), local(day, 10), "closure", "Travaux")
    busy = Taken(local(day, 12), local(day, 13), 1, None)
    start, end = local(day, 7), local(day, 14)

    pieces = timeline(
        1, open_spans(OFFICE, PARIS, start, end, [works]), [busy], start, end, [works]
    )

    assert [(p.available_quantity, p.why, p.detail) for p in pieces] == [
        (0, "opening_hours", ""),
        (0, "closure", "Travaux"),
        (1, None, ""),
        (0, "busy", ""),
        (1, None, ""),
    ]
