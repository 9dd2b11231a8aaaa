"""``pooling check``: a consistent database passes; each invariant broken in the rows is named."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from pooling.bookings import services as bookings
from pooling.bookings.models import Booking, BookingShare
from pooling.calendar.models import ExternalBusyTime, ExternalCalendar
from pooling.checks.invariants import overloads, share_sums
from pooling.core.time import pole_tz
from pooling.costing.allocations import close_period
from pooling.costing.models import CostPeriod
from pooling.costing.periods import CostInput, PeriodInput, add_cost, create_period
from pooling.dashboards.models import DayRollup
from pooling.extensions import db
from pooling.resources.models import Resource
from tests.factories import make_organisation

pytestmark = pytest.mark.pole("check")


def hour(days: int, at: int) -> datetime:
    """A whole hour ``days`` days from today, ``at`` hours past midnight UTC."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days, hours=at)


@pytest.fixture
def cli(app):
    """Run ``pooling check`` as an operator would."""
    runner = app.test_cli_runner()

    def run():
        db.session.expire_all()
        result = runner.invoke(args=["check"])
        # A crash exits with 1 too: let it show as itself, not as a violation found.
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


def book(user, resource, start, end, **extra):
    result = bookings.create_booking(
        user,
        bookings.BookingRequest(
            resource_id=resource.id, start=start, end=end, title="Réunion", **extra
        ),
    )
    db.session.commit()
    return result


@pytest.fixture
def pole(pole, app):
    """A consistent pole: bookings (one co-organised, one series), a closed cost period and an
    external calendar with its busy times."""

    p = pole  # tests.world's "check" recipe: people, a room and 10 chairs, always open
    p.meeting = book(p.alice, p.room, hour(3, 8), hour(3, 9)).bookings[0]
    p.workshop = book(
        p.alice,
        p.room,
        hour(3, 12),
        hour(3, 15),
        shares=[(p.jardins.id, Decimal("0.5")), (p.scop.id, Decimal("0.5"))],
    ).bookings[0]
    p.daily = book(
        p.bob, p.chairs, hour(4, 8), hour(4, 10), quantity=6, recurrence="FREQ=DAILY;COUNT=2"
    )
    p.period = create_period(
        p.coordinator,
        PeriodInput(name="Ce mois-ci", start=date.today() - timedelta(days=10), end=date.today()),
    )
    p.rent = add_cost(
        p.coordinator,
        p.period.id,
        CostInput(
            label="Loyer", amount=Decimal("1000.00"), subsidy=Decimal("100.01"), rule="equal"
        ),
    )
    p.insurance = add_cost(
        p.coordinator,
        p.period.id,
        CostInput(
            label="Assurance",
            amount=Decimal("90.00"),
            rule="weighted",
            paid_by_organisation_id=p.scop.id,
            paid_by_given=True,
        ),
    )
    close_period(p.coordinator, p.period.id)
    db.session.commit()
    p.calendar = ExternalCalendar(
        resource_id=p.room.id, url="https://example.org/agenda.ics", busy_count=2
    )
    db.session.add(p.calendar)
    db.session.flush()
    db.session.add_all(
        ExternalBusyTime(
            calendar_id=p.calendar.id,
            resource_id=p.room.id,
            start_at=hour(days, 8),
            end_at=hour(days, 9),
        )
        for days in (20, 21)
    )
    db.session.commit()
    return p


def add_booking(p, resource, start, end, quantity=1, status="confirmed") -> Booking:
    """A booking written straight into the table, past every rule of the booking service."""
    booking = Booking(
        resource_id=resource.id,
        organisation_id=p.scop.id,
        user_id=p.bob.id,
        title="Planté",
        start_at=start,
        end_at=end,
        quantity=quantity,
        status=status,
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def violations_of(result, code: str) -> list[str]:
    """The messages of the violations of one kind printed by the command."""
    prefix = f"{code}: "
    return [x.removeprefix(prefix) for x in result.output.splitlines() if x.startswith(prefix)]


def test_loaded_demo_has_no_violation(cli):
    from pooling.demo import load_demo

    load_demo()
    db.session.commit()
    result = cli()
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No violation found"), result.output
    assert len(result.output.splitlines()) == 1


def test_consistent_pole_has_no_violation(cli, pole):
    result = cli()
    assert result.exit_code == 0, result.output
    assert "No violation found" in result.output


def test_bookings_above_the_quantity_are_named_with_their_overlap(cli, pole):
    first = add_booking(pole, pole.chairs, hour(10, 8), hour(10, 10), quantity=6)
    second = add_booking(pole, pole.chairs, hour(10, 9), hour(10, 11), quantity=5)
    result = cli()
    assert result.exit_code == 1, result.output
    [line] = violations_of(result, "over_capacity")
    assert f'Resource {pole.chairs.id} "Chaises pliantes" has quantity 10' in line
    assert "quantity 10 but up to 11 units are held" in line
    window = f"from {hour(10, 9):%Y-%m-%d %H:%M} UTC to {hour(10, 10):%Y-%m-%d %H:%M} UTC"
    assert window in line
    assert f"bookings {first.id}, {second.id}" in line
    assert result.output.splitlines()[-1].startswith("1 violation found")


def test_a_second_confirmed_booking_of_the_last_unit_is_a_violation(cli, pole):
    intruder = add_booking(pole, pole.room, hour(3, 8), hour(3, 9))
    result = cli()
    assert result.exit_code == 1, result.output
    [line] = violations_of(result, "over_capacity")
    assert f"Resource {pole.room.id}" in line and "quantity 1 but up to 2 units" in line
    assert f"bookings {pole.meeting.id}, {intruder.id}" in line


def test_back_to_back_and_cancelled_bookings_do_not_exceed_the_quantity(cli, pole):
    add_booking(pole, pole.room, hour(3, 9), hour(3, 12))
    add_booking(pole, pole.room, hour(3, 8), hour(3, 9), status="cancelled")
    add_booking(pole, pole.room, hour(3, 12), hour(3, 15), status="rejected")
    result = cli()
    assert result.exit_code == 0, result.output


def test_a_share_left_alone_at_one_half_is_named(cli, pole):
    db.session.execute(
        BookingShare.__table__.delete().where(
            BookingShare.booking_id == pole.workshop.id,
            BookingShare.organisation_id == pole.scop.id,
        )
    )
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    [line] = violations_of(result, "shares_not_one")
    assert f"Booking {pole.workshop.id}: its shares add up to 0.500000, not 1" in line
    assert f"organisation {pole.jardins.id}: 0.500000" in line


def test_thirds_stored_with_six_decimals_add_up_to_one(app, pole):
    third = make_organisation("Ressourcerie")
    book(
        pole.alice,
        pole.room,
        hour(5, 8),
        hour(5, 9),
        shares=[(o.id, Decimal("0.333333")) for o in (pole.jardins, pole.scop, third)],
    )
    assert share_sums() == []


def test_a_frozen_allocation_line_changed_by_one_cent_is_named(cli, pole):
    period = db.session.get(CostPeriod, pole.period.id)
    snapshot = copy.deepcopy(period.snapshot)
    line = next(x for x in snapshot["lines"] if x["cost_id"] == pole.rent.id)
    line["amount"] = str(Decimal(line["amount"]) + Decimal("0.01"))
    period.snapshot = snapshot
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    lines = violations_of(result, "frozen_allocation")
    label = f'Cost period {pole.period.id} "Ce mois-ci"'
    assert (
        f'{label}: the frozen lines of cost {pole.rent.id} "Loyer" add up to 900.00, '
        f"not 1000.00 - 100.01 = 899.99 (off by 0.01)."
    ) in lines
    owed = [x for x in lines if f"organisation {line['organisation_id']} " in x]
    assert owed and "owes" in owed[0], lines


def test_a_closed_period_frozen_without_its_snapshot_is_named(cli, pole):
    db.session.execute(
        update(CostPeriod).where(CostPeriod.id == pole.period.id).values(snapshot=None)
    )
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    assert violations_of(result, "frozen_allocation") == [
        f'Cost period {pole.period.id} "Ce mois-ci": it is closed but has no frozen allocation.'
    ]


def test_frozen_transfers_that_do_not_settle_the_balances_are_named(cli, pole):
    period = db.session.get(CostPeriod, pole.period.id)
    snapshot = copy.deepcopy(period.snapshot)
    assert snapshot["transfers"], snapshot
    transfer = snapshot["transfers"][0]
    transfer["amount"] = str(Decimal(transfer["amount"]) - Decimal("1.00"))
    period.snapshot = snapshot
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    lines = violations_of(result, "frozen_allocation")
    assert len(lines) == 2, lines
    assert all("the frozen transfers give" in x for x in lines)


def test_longest_booking_shorter_than_a_holding_booking_is_named(cli, pole):
    db.session.execute(
        update(Resource).where(Resource.id == pole.room.id).values(longest_booking_minutes=0)
    )
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    assert violations_of(result, "longest_booking_too_short") == [
        f'Resource {pole.room.id} "Salle Jaurès" has '
        f"longest_booking_minutes 0 but booking {pole.workshop.id} lasts 180 minutes: "
        "the conflict query would miss it."
    ]


def test_a_longer_cancelled_booking_does_not_need_a_longer_bound(cli, pole):
    add_booking(pole, pole.room, hour(6, 0), hour(6, 10), status="cancelled")
    result = cli()
    assert result.exit_code == 0, result.output


def test_busy_count_that_disagrees_with_the_busy_times_is_named(cli, pole):
    db.session.execute(
        update(ExternalCalendar).where(ExternalCalendar.id == pole.calendar.id).values(busy_count=5)
    )
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    assert violations_of(result, "busy_count_mismatch") == [
        f"External calendar {pole.calendar.id} (resource {pole.room.id}) "
        "has busy_count 5 but 2 busy times."
    ]


def test_busy_times_blocking_another_resource_than_their_calendar_are_named(cli, pole):
    busy = db.session.scalars(select(ExternalBusyTime).order_by(ExternalBusyTime.id)).first()
    busy.resource_id = pole.chairs.id
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    [line] = violations_of(result, "busy_time_resource_mismatch")
    assert (
        f"External calendar {pole.calendar.id} belongs to resource {pole.room.id} but 1 of its "
        f"busy times block resource {pole.chairs.id}."
    ) in line


def test_an_occurrence_moved_to_another_organisation_than_its_series_is_named(cli, pole):
    occurrence = pole.daily.bookings[1]
    db.session.execute(
        update(Booking).where(Booking.id == occurrence.id).values(organisation_id=pole.jardins.id)
    )
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    [line] = violations_of(result, "series_mismatch")
    assert f"Booking {occurrence.id} of series {pole.daily.series.id}" in line
    assert f"for organisation {pole.jardins.id}" in line


def test_every_broken_invariant_is_counted_in_the_summary(cli, pole):
    add_booking(pole, pole.room, hour(3, 8), hour(3, 9))
    db.session.execute(
        update(Resource).where(Resource.id == pole.room.id).values(longest_booking_minutes=0)
    )
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1].startswith("2 violations found")


def test_a_day_rollup_row_changed_behind_the_listener_is_named_until_rebuilt(app, cli, pole):
    booking = add_booking(pole, pole.room, hour(4, 8), hour(4, 10))
    day = booking.start_at.astimezone(pole_tz()).date()
    db.session.execute(
        update(DayRollup)
        .where(DayRollup.day == day, DayRollup.resource_id == pole.room.id)
        .values(booked_seconds=DayRollup.booked_seconds + 600)
    )
    db.session.commit()
    result = cli()
    assert result.exit_code == 1, result.output
    assert violations_of(result, "day_rollup_differs") == [
        f"Day rollup of {day.isoformat()}, resource {pole.room.id}, organisation "
        f"{pole.scop.id}, purpose none: booked_seconds is 7800.0, the bookings give 7200.0."
    ]
    rebuilt = app.test_cli_runner().invoke(args=["rollup", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert rebuilt.output.startswith("Day rollup rebuilt:")
    assert cli().exit_code == 0


def test_overloads_sweep_merges_a_stretch_and_closes_it_at_the_last_release():
    class Span:
        def __init__(self, id, start, end, quantity):
            self.id, self.start_at, self.end_at, self.quantity = id, start, end, quantity

    t = hour(1, 0)
    spans = [
        Span(1, t, t + timedelta(hours=4), 1),
        Span(2, t + timedelta(hours=1), t + timedelta(hours=2), 1),
        Span(3, t + timedelta(hours=2), t + timedelta(hours=3), 1),
        Span(4, t + timedelta(hours=4), t + timedelta(hours=5), 2),
    ]
    found = overloads(1, spans)
    assert [(o.start, o.end, o.peak, sorted(o.booking_ids)) for o in found] == [
        (t + timedelta(hours=1), t + timedelta(hours=3), 2, [1, 2, 3]),
        (t + timedelta(hours=4), t + timedelta(hours=5), 2, [4]),
    ]


def test_an_unmigrated_database_is_named_rather_than_a_traceback(tmp_path):
    """`pooling check` on a database without the tables says to migrate it (exit 2)."""
    from config import TestingConfig
    from pooling import create_app

    empty = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}",
        POOLING_INSTANCE_PATH=str(tmp_path),
    )
    with empty.app_context():
        result = empty.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 2
    assert "run `pooling db upgrade` first" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
