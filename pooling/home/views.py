"""The home page: what my organisation has today and this week, what waits for me."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from pooling.bookings import queries as booking_queries
from pooling.bookings.models import HOLDING
from pooling.core.db import utcnow
from pooling.core.time import local_day_bounds, pole_tz

bp = Blueprint("home", __name__)

HOME_LIMIT = 50


@bp.get("/")
@login_required
def index():
    now = utcnow()
    today = now.astimezone(pole_tz()).date()
    _start, end_of_today = local_day_bounds(today)
    _monday, end_of_week = local_day_bounds(today + timedelta(days=6 - today.weekday()))
    organisation_ids = sorted(current_user.organisation_ids())
    scopes = [
        booking_queries.BookingFilter(
            organisation_id=org_id, start=now, end=end_of_week, statuses=HOLDING
        )
        for org_id in organisation_ids
    ] or [
        booking_queries.BookingFilter(
            user_id=current_user.id, start=now, end=end_of_week, statuses=HOLDING
        )
    ]
    found = {}
    for filters in scopes:
        for booking in booking_queries.list_bookings(current_user, filters, limit=HOME_LIMIT):
            found[booking.id] = booking
    upcoming = sorted(found.values(), key=lambda b: (b.start_at, b.id))
    return render_template(
        "home/index.html",
        today=[b for b in upcoming if b.start_at < end_of_today],
        this_week=[b for b in upcoming if b.start_at >= end_of_today],
    )
