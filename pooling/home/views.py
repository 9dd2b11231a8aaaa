"""The home page: my next bookings, my organisation's this week, what waits for me."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from pooling.bookings.queries import title_visible
from pooling.core.db import utcnow
from pooling.home.queries import home_bookings

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return render_template(
        "home/index.html",
        bookings=home_bookings(current_user, utcnow()),
        title_visible=lambda booking: title_visible(current_user, booking),
    )
