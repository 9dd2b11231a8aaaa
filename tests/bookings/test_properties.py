"""Any sequence of creates, moves and cancels keeps the quantity invariant (hypothesis, database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pooling.audit.models import AuditEvent
from pooling.bookings import services
from pooling.bookings.models import HOLDING, Booking, BookingShare, Series
from pooling.core.errors import DomainError
from pooling.extensions import db
from pooling.notifications.models import Notification
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

NOW = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)
DAY = datetime(2027, 1, 12, 6, 0, tzinfo=UTC)
QUANTITY = 3


def quarter(n: int) -> datetime:
    return DAY + timedelta(minutes=15 * n)


spans = st.tuples(st.integers(0, 40), st.integers(1, 16))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), spans, st.integers(1, QUANTITY), st.integers(0, 1)),
        st.tuples(st.just("move"), spans, st.integers(1, QUANTITY), st.integers(0, 50)),
        st.tuples(st.just("resize"), spans, st.none(), st.integers(0, 50)),
        st.tuples(st.just("cancel"), st.none(), st.none(), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=14,
)


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Booking, Series, BookingShare, AuditEvent, Notification)
    )


def rows(resource_id: int) -> list[tuple]:
    return list(
        db.session.execute(
            select(
                Booking.id, Booking.start_at, Booking.end_at, Booking.quantity, Booking.status
            ).where(Booking.resource_id == resource_id)
        )
    )


def most_units_held(resource_id: int) -> int:
    """Independent sweep over the stored rows: ends before starts at the same instant."""
    events = []
    for _id, start, end, quantity, status in rows(resource_id):
        if status in HOLDING:
            events += [(start, 1, quantity), (end, 0, -quantity)]
    level = highest = 0
    for _instant, _kind, delta in sorted(events):
        level += delta
        highest = max(highest, level)
    return highest


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=operations)
def test_creates_moves_and_cancels_never_exceed_the_quantity(pole, script):
    # A fresh resource per example: earlier examples' bookings cannot interfere.
    resource = make_resource(
        kind="equipment", quantity=QUANTITY, opening_hours=SEVEN_DAYS, max_advance_days=800
    )
    people = [pole.alice, pole.bob]
    made: list[int] = []
    for kind, span, quantity, pick in script:
        before_counts, before_rows = counts(), rows(resource.id)
        try:
            if kind == "create":
                start, length = span
                result = services.create_booking(
                    people[pick],
                    services.BookingRequest(
                        resource_id=resource.id,
                        start=quarter(start),
                        end=quarter(start + length),
                        title="Essai",
                        quantity=quantity,
                    ),
                    now=NOW,
                )
                made.append(result.bookings[0].id)
            elif not made:
                continue
            elif kind in ("move", "resize"):
                start, length = span
                services.move_booking(
                    pole.coordinator,
                    made[pick % len(made)],
                    services.BookingChange(
                        start=quarter(start) if kind == "move" else None,
                        end=quarter(start + length),
                        quantity=quantity,
                    ),
                    now=NOW,
                )
            else:
                services.cancel_booking(pole.coordinator, made[pick % len(made)])
        except DomainError:
            # Refused: nothing added or changed, even before the adapter's rollback.
            assert counts() == before_counts
            assert rows(resource.id) == before_rows
            db.session.rollback()
        else:
            db.session.commit()
        assert most_units_held(resource.id) <= QUANTITY
