"""The availability sweep and the rule checks against brute force and known cases (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.bookings.availability import Taken, merge, open_spans, peak, subtract, timeline
from pooling.bookings.rules import ResourceRules, check

PARIS = ZoneInfo("Europe/Paris")
ORIGIN = datetime(2027, 3, 1, tzinfo=UTC)
WEEKDAYS_8_19 = {day: [["08:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def minute(n: int) -> datetime:
    return ORIGIN + timedelta(minutes=n)


takens = st.lists(
    st.builds(
        lambda start, length, quantity: Taken(minute(start), minute(start + length), quantity),
        st.integers(0, 180),
        st.integers(1, 60),
        st.integers(1, 4),
    ),
    max_size=12,
)
windows = st.tuples(st.integers(0, 200), st.integers(1, 120)).map(
    lambda pair: (minute(pair[0]), minute(pair[0] + pair[1]))
)


def held_at(taken: list[Taken], instant: datetime) -> int:
    return sum(t.quantity for t in taken if t.start <= instant < t.end)


@settings(max_examples=300, deadline=None)
@given(taken=takens, window=windows)
def test_peak_equals_a_minute_by_minute_count(taken, window):
    start, end = window
    instants = []
    moment = start
    while moment < end:
        instants.append(moment)
        moment += timedelta(minutes=1)
    assert peak(taken, start, end) == max(held_at(taken, i) for i in instants)


@settings(max_examples=200, deadline=None)
@given(taken=takens, window=windows)
def test_timeline_gives_the_free_units_of_every_minute(taken, window):
    start, end = window
    pieces = timeline(10, [(start, end)], taken, start, end)
    assert pieces[0].start == start and pieces[-1].end == end
    for piece in pieces:
        moment = piece.start
        while moment < piece.end:
            assert piece.available_quantity == max(10 - held_at(taken, moment), 0)
            moment += timedelta(minutes=1)
    for previous, following in zip(pieces, pieces[1:], strict=False):
        assert previous.end == following.start
        assert previous.available_quantity != following.available_quantity


def test_back_to_back_bookings_do_not_add_up():
    taken = [Taken(minute(0), minute(60), 1), Taken(minute(60), minute(120), 1)]
    assert peak(taken, minute(0), minute(120)) == 1


def test_merge_and_subtract_half_open_spans():
    assert merge([(minute(30), minute(60)), (minute(0), minute(30))]) == [(minute(0), minute(60))]
    assert subtract([(minute(0), minute(60))], [(minute(10), minute(20))]) == [
        (minute(0), minute(10)),
        (minute(20), minute(60)),
    ]


def test_opening_hours_follow_local_time_across_the_spring_change():
    friday = datetime(2027, 3, 26, tzinfo=UTC)
    monday = datetime(2027, 3, 29, tzinfo=UTC)
    before = open_spans(WEEKDAYS_8_19, PARIS, friday, friday + timedelta(days=1))
    after = open_spans(WEEKDAYS_8_19, PARIS, monday, monday + timedelta(days=1))
    assert before == [(friday.replace(hour=7), friday.replace(hour=18))]
    assert after == [(monday.replace(hour=6), monday.replace(hour=17))]


def rules(**changes) -> ResourceRules:
    values = dict(
        quantity=2,
        opening_hours=WEEKDAYS_8_19,
        slot_minutes=15,
        min_duration_minutes=None,
        max_duration_minutes=None,
        min_notice_minutes=0,
        max_advance_days=365,
    )
    return ResourceRules(**(values | changes))


def codes(found) -> list[str]:
    return [v.code for v in found]


NOW = datetime(2027, 1, 4, 7, tzinfo=UTC)


def paris(day: int, hour: int, minute_: int = 0) -> datetime:
    return datetime(2027, 1, day, hour, minute_, tzinfo=PARIS)


def test_rules_report_every_broken_rule_by_code():
    assert codes(check(rules(), PARIS, NOW, paris(12, 9), paris(12, 10), 1, [])) == []
    assert codes(check(rules(), PARIS, NOW, paris(12, 18), paris(12, 20), 3, [])) == [
        "quantity",
        "opening_hours",
    ]
    assert codes(
        check(rules(slot_minutes=30), PARIS, NOW, paris(12, 9, 15), paris(12, 10), 1, [])
    ) == ["slot"]
    assert codes(
        check(rules(min_duration_minutes=60), PARIS, NOW, paris(12, 9), paris(12, 9, 30), 1, [])
    ) == ["min_duration"]
    assert codes(
        check(rules(max_duration_minutes=60), PARIS, NOW, paris(12, 9), paris(12, 11), 1, [])
    ) == ["max_duration"]
    assert codes(
        check(rules(min_notice_minutes=120), PARIS, NOW, paris(4, 9), paris(4, 10), 1, [])
    ) == ["min_notice"]
    assert codes(check(rules(), PARIS, NOW, paris(1, 9), paris(1, 10), 1, [])) == ["in_past"]
    assert codes(
        check(rules(max_advance_days=7), PARIS, NOW, paris(12, 9), paris(12, 10), 1, [])
    ) == ["max_advance"]
    closed = [(paris(12, 9, 30), paris(12, 9, 45))]
    assert codes(check(rules(), PARIS, NOW, paris(12, 9), paris(12, 10), 1, closed)) == ["closure"]
    touching = [(paris(12, 10), paris(12, 11))]
    assert codes(check(rules(), PARIS, NOW, paris(12, 9), paris(12, 10), 1, touching)) == []
