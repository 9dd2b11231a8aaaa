"""Recurrence expansion keeps the local wall-clock time across daylight-saving changes (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.bookings.recurrence import RecurrenceError, expand, normalise_rrule

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

starts = st.builds(
    datetime.combine,
    st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
    st.builds(time, st.integers(6, 21), st.sampled_from([0, 15, 30, 45])),
)
durations = st.integers(1, 16).map(lambda quarters: timedelta(minutes=15 * quarters))


@st.composite
def rules(draw) -> str:
    """Random daily or weekly rules with COUNT (weekly ones on one or several weekdays)."""
    count = draw(st.integers(1, 60))
    interval = draw(st.integers(1, 3))
    if draw(st.booleans()):
        return f"FREQ=DAILY;INTERVAL={interval};COUNT={count}"
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True))
    return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={','.join(days)};COUNT={count}"


@settings(max_examples=300, deadline=None)
@given(rule=rules(), local_start=starts, duration=durations)
def test_every_occurrence_keeps_the_local_start_and_duration(rule, local_start, duration):
    occurrences = expand(rule, local_start, duration, PARIS)
    count = int(rule.rsplit("COUNT=", 1)[1])
    assert len(occurrences) == count
    for occurrence in occurrences:
        local = occurrence.start.astimezone(PARIS)
        assert local.time() == local_start.time()
        assert local.replace(tzinfo=None) == occurrence.local_start
        assert occurrence.end.astimezone(PARIS).replace(tzinfo=None) - occurrence.local_start == (
            duration
        )
        assert occurrence.start.tzinfo is not None and occurrence.exists
    firsts = [o.local_start.date() for o in occurrences]
    assert firsts == sorted(set(firsts))


@settings(max_examples=100, deadline=None)
@given(local_start=starts, count=st.integers(2, 30))
def test_daily_occurrences_are_one_local_day_apart(local_start, count):
    occurrences = expand(f"FREQ=DAILY;COUNT={count}", local_start, timedelta(hours=1), PARIS)
    for previous, following in zip(occurrences, occurrences[1:], strict=False):
        assert following.local_start - previous.local_start == timedelta(days=1)


@pytest.mark.parametrize(
    ("first", "summer_utc_hour", "winter_utc_hour"),
    [
        (datetime(2027, 3, 16, 9, 0), 7, 8),  # weeks around 28 March 2027
        (datetime(2027, 10, 19, 9, 0), 7, 8),  # weeks around 31 October 2027
    ],
)
def test_weekly_nine_o_clock_moves_in_utc_not_in_local_time(
    first, summer_utc_hour, winter_utc_hour
):
    occurrences = expand("FREQ=WEEKLY;COUNT=4", first, timedelta(hours=2), PARIS)
    utc_hours = {o.start.astimezone(UTC).hour for o in occurrences}
    assert utc_hours == {summer_utc_hour, winter_utc_hour}
    assert {o.start.astimezone(PARIS).hour for o in occurrences} == {9}
    assert {o.end.astimezone(PARIS).hour for o in occurrences} == {11}


def test_a_start_in_the_spring_forward_gap_is_marked_as_not_existing():
    occurrences = expand(
        "FREQ=DAILY;COUNT=3", datetime(2027, 3, 27, 2, 30), timedelta(hours=1), PARIS
    )
    assert [o.exists for o in occurrences] == [True, False, True]


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("FREQ=WEEKLY", "unbounded"),
        ("FREQ=HOURLY;COUNT=3", "frequency"),
        ("FREQ=WEEKLY;COUNT=521", "too_many"),
        ("FREQ=WEEKLY;COUNT=2;BYHOUR=9", "syntax"),
        ("FREQ=WEEKLY;COUNT=2;COUNT=3", "syntax"),
        ("FREQ=WEEKLY;INTERVAL=0;COUNT=2", "syntax"),
    ],
)
def test_unusable_rules_are_refused_with_a_code(rule, code):
    with pytest.raises(RecurrenceError) as caught:
        expand(rule, datetime(2027, 1, 4, 9), timedelta(hours=1), PARIS)
    assert caught.value.args[0] == code


def test_until_given_in_utc_is_read_in_local_time():
    assert normalise_rrule("FREQ=DAILY;UNTIL=20270704T215959Z", PARIS) == (
        "FREQ=DAILY;UNTIL=20270704T235959"
    )
    occurrences = expand(
        "FREQ=DAILY;UNTIL=20270704", datetime(2027, 7, 1, 22, 0), timedelta(hours=1), PARIS
    )
    assert [o.local_start.day for o in occurrences] == [1, 2, 3, 4]
