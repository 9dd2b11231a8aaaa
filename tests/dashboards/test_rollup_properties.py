"""Any sequence of creates, moves, cancels, check-ins/outs and co-organised shares leaves the
dashboards' day rollup equal to a recomputation from the bookings (hypothesis, database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pooling.bookings import attendance, services, shares
from pooling.bookings.models import Booking
from pooling.core.errors import DomainError
from pooling.dashboards.models import DayRollup
from pooling.dashboards.rollup_sync import differences
from pooling.extensions import db
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN

QUANTITY = 3
# Days from today, at 21:00 UTC: bookings run across the local midnight.
TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
NOW = TODAY - timedelta(days=1)
DAY = TODAY + timedelta(days=20, hours=21)


def quarter(n: int) -> datetime:
    return DAY + timedelta(minutes=15 * n)


spans = st.tuples(st.integers(0, 60), st.integers(1, 24))
picks = st.integers(0, 50)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), spans, st.integers(1, QUANTITY), st.booleans()),
        st.tuples(st.just("move"), spans, st.integers(1, QUANTITY), picks),
        st.tuples(st.just("cancel"), st.none(), st.none(), picks),
        st.tuples(st.just("check_in"), st.integers(0, 8), st.none(), picks),
        st.tuples(st.just("check_out"), st.integers(0, 8), st.none(), picks),
        st.tuples(st.just("share"), st.none(), st.booleans(), picks),
    ),
    min_size=1,
    max_size=12,
)


def run(pole, resource, kind, span, value, pick, made: list[int]) -> None:
    if kind == "create":
        start, length = span
        result = services.create_booking(
            pole.member_a,
            services.BookingRequest(
                resource_id=resource.id,
                start=quarter(start),
                end=quarter(start + length),
                title="Atelier",
                quantity=value,
                shares=[(pole.a.id, "0.6"), (pole.b.id, "0.4")] if pick else None,
            ),
            now=NOW,
        )
        made.append(result.bookings[0].id)
        return
    if not made:
        return
    booking_id = made[pick % len(made)]
    if kind == "move":
        start, length = span
        services.move_booking(
            pole.coordinator,
            booking_id,
            services.BookingChange(
                start=quarter(start), end=quarter(start + length), quantity=value
            ),
            now=NOW,
        )
    elif kind == "cancel":
        services.cancel_booking(pole.coordinator, booking_id)
    elif kind == "share":
        shares.decide_share(pole.referent_b, booking_id, pole.b.id, accept=value)
    else:
        # The coordinator records it afterwards (backdated), the clock past every booking.
        with time_machine.travel(quarter(200), tick=False):
            act = attendance.check_in if kind == "check_in" else attendance.check_out
            start = db.session.get(Booking, booking_id).start_at
            act(pole.coordinator, booking_id, at=start + timedelta(minutes=20 * span))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=operations)
def test_the_rollup_equals_a_recomputation_after_any_booking_changes(pole, script):
    resource = make_resource(
        kind="equipment",
        quantity=QUANTITY,
        opening_hours=ALWAYS_OPEN,
        max_advance_days=800,
        meter_unit="km",
    )
    made: list[int] = []
    for kind, span, value, pick in script:
        try:
            run(pole, resource, kind, span, value, pick, made)
        except DomainError:
            db.session.rollback()
            event(f"{kind} refused")
        else:
            db.session.commit()
            event(f"{kind} done")
        assert differences(db.session.connection()) == []


def test_a_booking_across_midnight_fills_two_days_and_its_cancellation_empties_them(pole):
    resource = make_resource(kind="equipment", opening_hours=ALWAYS_OPEN, max_advance_days=800)
    result = services.create_booking(
        pole.member_a,
        services.BookingRequest(
            resource_id=resource.id,
            start=quarter(0),
            end=quarter(16),
            title="Nuit",
            shares=[(pole.a.id, "0.5"), (pole.b.id, "0.5")],
        ),
        now=NOW,
    )
    db.session.commit()
    mine = DayRollup.resource_id == resource.id
    rows = (
        select(DayRollup.day, func.sum(DayRollup.booked_seconds))
        .where(mine)
        .group_by(DayRollup.day)
    )
    assert sum(seconds for _day, seconds in db.session.execute(rows)) == 4 * 3600
    assert len(db.session.execute(rows).all()) == 2
    shares.decide_share(pole.referent_b, result.bookings[0].id, pole.b.id, accept=True)
    db.session.commit()
    used = dict(
        db.session.execute(
            select(DayRollup.organisation_id, func.sum(DayRollup.used_hours))
            .where(mine)
            .group_by(DayRollup.organisation_id)
        ).all()
    )
    assert {k: Decimal(str(v)) for k, v in used.items()} == {
        pole.a.id: Decimal(2),
        pole.b.id: Decimal(2),
    }
    services.cancel_booking(pole.coordinator, result.bookings[0].id)
    db.session.commit()
    assert sum(seconds for _day, seconds in db.session.execute(rows)) == 0
    assert differences(db.session.connection()) == []
