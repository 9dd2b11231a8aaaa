"""The demo's bookings carry purposes and expected attendance; the demo's report shows them."""

from __future__ import annotations

from sqlalchemy import func, select

from pooling.bookings.models import Booking, BookingPurpose
from pooling.extensions import db


def test_demo_bookings_have_purposes_and_attendance(app, login):
    from pooling.accounts.services import find_user_by_email
    from pooling.demo import load_demo

    load_demo()
    db.session.commit()
    codes = set(
        db.session.scalars(
            select(BookingPurpose.code).join(Booking, Booking.purpose_id == BookingPurpose.id)
        )
    )
    assert {"training", "public_event", "internal_meeting", "economic_activity"} <= codes
    assert db.session.scalar(select(func.sum(Booking.attendance))) > 0
    # Every purpose of the demo is one of the default list, all offered.
    assert len(db.session.scalars(select(BookingPurpose)).all()) == 6
    coordinator = find_user_by_email("coordination@demo.pooling.fr")
    page = login(coordinator).get("/dashboard/report?lang=fr").get_data(as_text=True)
    assert "Heures par objet et par structure" in page
    assert "Réunion interne" in page
