"""The activity report breaks the hours down by purpose and organisation and adds up the
expected attendance, on the page (French, English) and in its CSV."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pooling.bookings import purposes
from pooling.bookings.models import Booking, BookingPurpose
from pooling.extensions import db
from tests.dashboards.fixture import local

OCTOBER = "start=2026-10-01&end=2026-10-31"


@pytest.fixture
def pole(pole):
    """October's bookings, two with a purpose: the van on 12 October (Gamma, 10 h, a training
    for 8 people) and the room on 6 October (Alpha, 2 h, an event open to 30 people)."""
    purposes.ensure_defaults()

    def purpose(code):
        return db.session.scalar(select(BookingPurpose).where(BookingPurpose.code == code))

    def booking_at(resource, day, hour):
        return db.session.scalar(
            select(Booking).where(
                Booking.resource_id == resource.id, Booking.start_at == local(day, hour)
            )
        )

    van = booking_at(pole.van, 12, 8)
    van.purpose, van.attendance = purpose("training"), 8
    room = booking_at(pole.room, 6, 9)
    room.purpose, room.attendance = purpose("public_event"), 30
    db.session.commit()
    return pole


def test_the_report_breaks_hours_down_by_purpose_and_organisation(pole, login):
    page = login(pole.coordinator).get(f"/dashboard/report?{OCTOBER}&lang=fr")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Heures par objet et par structure" in text
    assert "Formation" in text and "Événement ouvert au public" in text
    assert "Objet non précisé" in text
    assert "Toutes les structures" in text
    assert ">38<" in text  # 8 + 30 people expected


def test_the_report_in_english(pole, login):
    text = (
        login(pole.coordinator).get(f"/dashboard/report?{OCTOBER}&lang=en").get_data(as_text=True)
    )
    assert "Hours by purpose and organisation" in text
    assert "Event open to the public" in text


def test_the_report_csv_has_the_purposes_and_the_attendance(pole, login):
    body = (
        login(pole.coordinator)
        .get(f"/dashboard/report.csv?{OCTOBER}&lang=fr")
        .get_data(as_text=True)
    )
    assert "Heures par objet;Formation;10,00;heures" in body
    assert f"Heures par objet;Formation · {pole.c.name};10,00;heures" in body
    assert f"Heures par objet;Événement ouvert au public · {pole.a.name};2,00;heures" in body
    assert "Fréquentation attendue;Total;38;personnes" in body


def test_the_dashboard_shows_the_hours_by_purpose_of_the_whole_pole(pole, login):
    text = (
        login(pole.coordinator)
        .get("/dashboard/?period=month&on=2026-10-15&lang=fr")
        .get_data(as_text=True)
    )
    assert "Heures par objet et par structure" in text
    assert "Formation" in text and pole.c.name in text
    assert ">38<" in text


def test_a_referent_sees_only_the_hours_of_their_organisation(pole, login):
    """Beta's referent: none of Beta's bookings has a purpose; Alpha's and Gamma's are not shown."""
    text = (
        login(pole.referent_b)
        .get("/dashboard/?period=month&on=2026-10-15&lang=fr")
        .get_data(as_text=True)
    )
    assert "Heures par objet et par structure" in text
    assert "Objet non précisé" in text
    assert "Formation" not in text
    assert "Événement ouvert au public" not in text
