"""What the home page reads: the person's own next bookings first, then their organisations'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pooling.accounts.models import User
from pooling.bookings import queries as booking_queries
from pooling.bookings.models import HOLDING, Booking
from pooling.core.time import local_day_bounds, pole_tz

# How many of one's own next bookings the home page lists, and how many of the organisation's.
MY_NEXT_LIMIT = 10
ORGANISATION_LIMIT = 50


@dataclass
class HomeBookings:
    """The person's own next bookings (whatever their date), and the bookings that other
    people made for the person's organisations, from now to the end of the week."""

    mine: list[Booking]
    organisation: list[Booking]
    end_of_today: datetime


def home_bookings(actor: User, now: datetime) -> HomeBookings:
    """The person's next bookings, and this week's bookings of their organisations made by
    others (a new member sees a colleague's booking there, never among their own)."""
    today = now.astimezone(pole_tz()).date()
    _start, end_of_today = local_day_bounds(today)
    _monday, end_of_week = local_day_bounds(today + timedelta(days=6 - today.weekday()))
    mine = booking_queries.list_bookings(
        actor,
        booking_queries.BookingFilter(user_id=actor.id, start=now, statuses=HOLDING),
        limit=MY_NEXT_LIMIT,
    )
    found: dict[int, Booking] = {}
    for organisation_id in sorted(actor.organisation_ids()):
        filters = booking_queries.BookingFilter(
            organisation_id=organisation_id, start=now, end=end_of_week, statuses=HOLDING
        )
        for booking in booking_queries.list_bookings(actor, filters, limit=ORGANISATION_LIMIT):
            if booking.user_id != actor.id:
                found[booking.id] = booking
    others = sorted(found.values(), key=lambda b: (b.start_at, b.id))
    return HomeBookings(mine=mine, organisation=others, end_of_today=end_of_today)
