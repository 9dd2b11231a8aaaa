"""The dashboard tests' October, whose figures are computed by hand in the tests.

October 2026 in Europe/Paris (summer time ends on Sunday 25 October):
- "Salle A" (premises, lent by A), open Monday-Friday 09:00-17:00, closed Friday 2 October:
  21 open days x 8 h = 168 open hours. Confirmed: Tue 6 Oct 09-11 (A), Thu 8 Oct 13-17
  co-organised A/B 50/50 (made by A, accepted by B), Tue 20 Oct 09-11 (B, summer time), Tue 27 Oct 09-11
  (B, winter time) = 10 h. Cancelled by C: Wed 14 Oct 10-12 the day before (late), Wed
  21 Oct 10-12 ten days before. Pending (C): Mon 26 Oct and Fri 30 Oct 10-11.
- "Van" (equipment, no owner), default hours Monday-Friday 08:00-19:00: 22 x 11 = 242 h.
  Confirmed: Mon 12 Oct 08-18 (C, checked in, meter 1000 -> 1250), Mon 19 Oct 09-12 (A,
  never checked in: a no-show) = 13 h.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pooling.bookings.models import Booking, BookingShare
from pooling.extensions import db
from pooling.resources.models import Closure

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 10, 28, 12, 0, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    """An October 2026 wall-clock time in Paris, as a UTC instant."""
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def book_october(pole) -> None:
    """Add the October data described in the module docstring to the "dashboards" pole of
    tests.world (Alpha, Beta, Gamma, their people, "Salle A" and the "Van")."""
    a, b, c, room, van = pole.a, pole.b, pole.c, pole.room, pole.van
    referent_b, member_a, user_c = pole.referent_b, pole.member_a, pole.user_c
    room.owner_organisation_id = a.id
    room.opening_hours = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    db.session.add(Closure(resource_id=room.id, start_at=local(2, 0), end_at=local(3, 0)))

    def book(resource, organisation, user, start, end, status="confirmed", **values):
        booking = Booking(
            resource_id=resource.id,
            organisation_id=organisation.id,
            user_id=user.id,
            start_at=start,
            end_at=end,
            status=status,
            **values,
        )
        db.session.add(booking)
        return booking

    book(room, a, member_a, local(6, 9), local(6, 11))
    shared = book(room, a, member_a, local(8, 13), local(8, 17))
    shared.shares = [
        BookingShare(organisation_id=a.id, share=Decimal("0.5"), status="accepted"),
        BookingShare(organisation_id=b.id, share=Decimal("0.5"), status="accepted"),
    ]
    book(room, b, referent_b, local(20, 9), local(20, 11))
    book(room, b, referent_b, local(27, 9), local(27, 11))
    confirmed = {"confirmed_at": local(1, 9)}
    book(
        room,
        c,
        user_c,
        local(14, 10),
        local(14, 12),
        "cancelled",
        cancelled_at=local(13, 12),
        **confirmed,
    )
    book(
        room,
        c,
        user_c,
        local(21, 10),
        local(21, 12),
        "cancelled",
        cancelled_at=local(11, 9),
        **confirmed,
    )
    book(room, c, user_c, local(26, 10), local(26, 11), "pending")
    book(room, c, user_c, local(30, 10), local(30, 11), "pending")
    book(
        van,
        c,
        user_c,
        local(12, 8),
        local(12, 18),
        checked_in_at=local(12, 8),
        meter_start=Decimal("1000"),
        meter_end=Decimal("1250"),
    )
    book(van, a, member_a, local(19, 9), local(19, 12))
    room.longest_booking_minutes = 240
    van.longest_booking_minutes = 600
    db.session.commit()
