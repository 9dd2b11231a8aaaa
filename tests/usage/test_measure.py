"""Measuring one booking's usage inside a window (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pooling.usage.measure import BookingFacts, counted_shares, measure

NOTICE = timedelta(hours=48)
NOW = datetime(2027, 6, 1, tzinfo=UTC)


def at(day: int, hour: float) -> datetime:
    return datetime(2027, 1, day, tzinfo=UTC) + timedelta(hours=hour)


def facts(**values) -> BookingFacts:
    base = dict(
        booking_id=1,
        resource_id=1,
        resource_kind="premises",
        organisation_id=10,
        start=at(12, 9),
        end=at(12, 13),
        status="confirmed",
    )
    return BookingFacts(**(base | values))


def test_actual_times_replace_the_booked_ones():
    m = measure(
        facts(checked_in_at=at(12, 9.5), checked_out_at=at(12, 12)),
        at(1, 0),
        at(31, 0),
        now=NOW,
        notice=NOTICE,
    )
    assert m.hours == Decimal("2.5")
    assert m.actual_times


def test_equipment_counts_hours_times_units():
    m = measure(
        facts(quantity=20, resource_kind="equipment"), at(1, 0), at(31, 0), now=NOW, notice=NOTICE
    )
    assert m.unit_hours == Decimal(80)


def test_a_booking_straddling_the_window_counts_only_inside():
    m = measure(
        facts(start=at(31, 20), end=at(31, 30)), at(1, 0), at(31, 24), now=NOW, notice=NOTICE
    )
    assert m.hours == Decimal(4)


def test_late_cancellation_counts_and_early_one_does_not():
    late = facts(status="cancelled", cancelled_at=at(11, 9))
    early = facts(status="cancelled", cancelled_at=at(5, 9))
    assert measure(late, at(1, 0), at(31, 0), now=NOW, notice=NOTICE).hours == Decimal(4)
    assert measure(early, at(1, 0), at(31, 0), now=NOW, notice=NOTICE) is None


def test_a_pending_booking_cancelled_late_was_never_used():
    pending = facts(status="cancelled", cancelled_at=at(12, 8), was_confirmed=False)
    assert measure(pending, at(1, 0), at(31, 0), now=NOW, notice=NOTICE) is None


def test_co_organised_booking_is_split_by_its_shares():
    m = measure(
        facts(shares=((10, Decimal("0.5")), (20, Decimal("0.5")))),
        at(1, 0),
        at(31, 0),
        now=NOW,
        notice=NOTICE,
    )
    assert {(e.organisation_id, e.hours) for e in m.entries} == {(10, Decimal(2)), (20, Decimal(2))}


def test_no_show_is_flagged_where_a_check_in_is_expected():
    assert measure(
        facts(check_in_expected=True), at(1, 0), at(31, 0), now=NOW, notice=NOTICE
    ).no_show
    assert not measure(facts(), at(1, 0), at(31, 0), now=NOW, notice=NOTICE).no_show


def test_meter_units_follow_the_readings():
    m = measure(
        facts(meter_start=Decimal("1000"), meter_end=Decimal("1084.5")),
        at(1, 0),
        at(31, 0),
        now=NOW,
        notice=NOTICE,
    )
    assert m.meter == Decimal("84.5")


def test_only_accepted_shares_move_usage_to_another_organisation():
    proposed = ((10, Decimal("0.000001"), "accepted"), (20, Decimal("0.999999"), "proposed"))
    assert counted_shares(10, proposed) == ()
    declined = ((10, Decimal("0.4"), "accepted"), (20, Decimal("0.6"), "declined"))
    assert counted_shares(10, declined) == ()
    mixed = (
        (10, Decimal("0.2"), "accepted"),
        (20, Decimal("0.5"), "accepted"),
        (30, Decimal("0.3"), "proposed"),
    )
    assert counted_shares(10, mixed) == ((10, Decimal("0.5")), (20, Decimal("0.5")))
    m = measure(
        facts(shares=counted_shares(10, mixed)), at(1, 0), at(31, 0), now=NOW, notice=NOTICE
    )
    assert {e.organisation_id: e.hours for e in m.entries} == {10: Decimal(2), 20: Decimal(2)}
