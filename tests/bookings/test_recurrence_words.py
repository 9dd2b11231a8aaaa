"""Recurrence from the form's plain choices to RRULE text, and back to plain words (fr, en)."""

from __future__ import annotations

from datetime import date

import pytest

from pooling.bookings.recurrence_form import (
    RecurrenceChoice,
    RecurrenceChoiceError,
    build_rrule,
    describe_rrule,
    nth_weekday,
)

TUESDAY = date(2027, 1, 12)


def test_does_not_repeat_gives_no_rule():
    assert build_rrule(RecurrenceChoice("none", TUESDAY)) is None


def test_weekly_on_ticked_days_in_week_order():
    choice = RecurrenceChoice("weekly", TUESDAY, weekdays=["th", "TU"], count=4)
    assert build_rrule(choice) == "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"


def test_weekly_without_ticked_day_takes_the_weekday_of_the_date():
    choice = RecurrenceChoice("weekly", TUESDAY, ending="until", until=date(2027, 6, 30))
    assert build_rrule(choice) == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630"


def test_every_other_day():
    assert build_rrule(RecurrenceChoice("daily", TUESDAY, interval=2, count=5)) == (
        "FREQ=DAILY;INTERVAL=2;COUNT=5"
    )


def test_monthly_on_the_same_date():
    assert build_rrule(RecurrenceChoice("monthly_date", TUESDAY, count=3)) == (
        "FREQ=MONTHLY;BYMONTHDAY=12;COUNT=3"
    )


def test_monthly_on_the_second_tuesday():
    assert build_rrule(RecurrenceChoice("monthly_weekday", TUESDAY, count=10)) == (
        "FREQ=MONTHLY;BYDAY=2TU;COUNT=10"
    )


def test_a_fifth_weekday_becomes_the_last_of_the_month():
    assert nth_weekday(date(2027, 3, 30)) == (-1, "TU")


@pytest.mark.parametrize(
    ("choice", "field", "code"),
    [
        (RecurrenceChoice("weekly", TUESDAY, count=None), "count", "count"),
        (RecurrenceChoice("weekly", TUESDAY, count=0), "count", "count"),
        (RecurrenceChoice("weekly", TUESDAY, ending="until"), "until", "until_missing"),
        (
            RecurrenceChoice("weekly", TUESDAY, ending="until", until=date(2027, 1, 1)),
            "until",
            "until_before_start",
        ),
        (RecurrenceChoice("weekly", TUESDAY, interval=0, count=2), "interval", "interval"),
        (RecurrenceChoice("weekly", TUESDAY, weekdays=["XX"], count=2), "weekdays", "weekday"),
        (RecurrenceChoice("hourly", TUESDAY, count=2), "repeat", "frequency"),
    ],
)
def test_impossible_choices_name_their_field(choice, field, code):
    with pytest.raises(RecurrenceChoiceError) as raised:
        build_rrule(choice)
    assert (raised.value.field, raised.value.code) == (field, code)


@pytest.mark.parametrize(
    ("rule", "french", "english"),
    [
        (
            "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630",
            "chaque semaine le mardi et le jeudi, jusqu'au 30 juin 2027",
            "every week on Tuesday and Thursday, until 30 June 2027",
        ),
        (
            "FREQ=MONTHLY;BYDAY=2MO;COUNT=10",
            "chaque mois le 2e lundi, 10 fois",
            "every month on the 2nd Monday, 10 times",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR;COUNT=2",
            "chaque mois le dernier vendredi, 2 fois",
            "every month on the last Friday, 2 times",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=1;INTERVAL=2;UNTIL=20270701",
            "tous les 2 mois le 1er, jusqu'au 1er juillet 2027",
            "every 2 months on the 1st, until 1 July 2027",
        ),
        ("FREQ=DAILY;COUNT=1", "chaque jour, une fois", "every day, once"),
        (
            "FREQ=WEEKLY;INTERVAL=2;COUNT=6",
            "toutes les 2 semaines le mardi, 6 fois",
            "every 2 weeks on Tuesday, 6 times",
        ),
    ],
)
def test_rule_in_plain_words(rule, french, english):
    assert describe_rrule(rule, TUESDAY, "fr") == french
    assert describe_rrule(rule, TUESDAY, "en") == english


def test_built_rule_reads_back_as_the_choice():
    choice = RecurrenceChoice(
        "weekly", TUESDAY, weekdays=["TU", "TH"], ending="until", until=date(2027, 6, 30)
    )
    assert describe_rrule(build_rrule(choice), TUESDAY, "en") == (
        "every week on Tuesday and Thursday, until 30 June 2027"
    )


def test_no_rule_reads_as_nothing_and_an_unknown_one_as_itself():
    assert describe_rrule(None, TUESDAY, "fr") == ""
    assert describe_rrule("FREQ=SECONDLY;COUNT=2", TUESDAY, "fr") == "FREQ=SECONDLY;COUNT=2"
