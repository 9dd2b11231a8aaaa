"""Reminders: ``pooling jobs run`` mails each booker, once, their confirmed booking that starts
within their reminder delay, in their language, with the booking as an invitation."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from pooling.bookings import decisions
from pooling.bookings import services as bookings
from pooling.core.db import utcnow
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from pooling.mail.models import OutboxMail
from tests.mail.conftest import text_of

pytestmark = [pytest.mark.pole("bookings")]


def afternoon(days: int) -> datetime:
    """14:00 in the pole's zone, ``days`` days from today (or the next weekday), in UTC."""
    day = utcnow().astimezone(pole_tz()).date() + timedelta(days=days)
    while day.weekday() >= 5:  # the workshop is closed at the weekend
        day += timedelta(days=1)
    return local_to_utc(datetime.combine(day, time(14)), pole_tz())


def book_room(pole, start: datetime):
    result = bookings.create_booking(
        pole.alice,
        bookings.BookingRequest(
            resource_id=pole.room.id, start=start, end=start + timedelta(hours=2), title="Atelier"
        ),
    )
    db.session.commit()
    [booking] = result.bookings
    assert booking.status == "confirmed"
    return booking


def run_jobs(app) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def reminders() -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "booking_reminder")))


def test_one_reminder_within_the_delay_even_after_two_runs(app, pole, smtp_server, pinned_clock):
    start = afternoon(3)
    booking = book_room(pole, start)
    pinned_clock.move_to(start - timedelta(hours=25))
    run_jobs(app)
    assert reminders() == []
    pinned_clock.move_to(start - timedelta(hours=23))
    run_jobs(app)
    run_jobs(app)
    [mail] = smtp_server.to(pole.alice.email)
    assert " ".join(str(mail["Subject"]).split()) == "Rappel : Salle Jaurès"
    assert "Votre réservation (Salle Jaurès) commence bientôt." in text_of(mail)
    assert mail["List-Unsubscribe"] == "<https://pole.example.org/account/notifications/>"
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["method"]) == "REQUEST"
    assert len(list(calendar.walk("VEVENT"))) == 1
    assert len(reminders()) == 1
    assert db.session.get(type(booking), booking.id).reminded_at is not None


def test_in_english_for_an_english_reader(app, pole, smtp_server, pinned_clock):
    pole.alice.locale = "en"
    start = afternoon(3)
    book_room(pole, start)
    pinned_clock.move_to(start - timedelta(hours=2))
    run_jobs(app)
    [mail] = smtp_server.to(pole.alice.email)
    assert " ".join(str(mail["Subject"]).split()) == "Reminder: Salle Jaurès"
    assert "Your booking of Salle Jaurès starts soon." in text_of(mail)


def test_none_for_a_booking_made_within_the_delay(app, pole, smtp_server, pinned_clock):
    start = afternoon(3)
    pinned_clock.move_to(start - timedelta(hours=10))
    book_room(pole, start)
    run_jobs(app)
    pinned_clock.move_to(start - timedelta(hours=1))
    run_jobs(app)
    assert reminders() == []
    assert smtp_server.to(pole.alice.email) == []


def ask_workshop(pole, start: datetime):
    result = bookings.create_booking(
        pole.alice,
        bookings.BookingRequest(
            resource_id=pole.workshop.id, start=start, end=start + timedelta(hours=2)
        ),
    )
    db.session.commit()
    [booking] = result.bookings
    assert booking.status == "pending"
    return booking


def test_none_for_a_booking_approved_within_the_delay(app, pole, smtp_server, pinned_clock):
    start = afternoon(3)
    booking = ask_workshop(pole, start)
    pinned_clock.move_to(start - timedelta(hours=5))
    decisions.decide(pole.scop_referent, booking.id, True, "")
    db.session.commit()
    run_jobs(app)
    pinned_clock.move_to(start - timedelta(hours=1))
    run_jobs(app)
    assert reminders() == []
    # The approval mail told Alice; no reminder follows it.
    assert [" ".join(str(m["Subject"]).split()) for m in smtp_server.to(pole.alice.email)] == [
        "Réservation validée : Atelier bois"
    ]


def test_one_for_a_booking_approved_before_the_delay(app, pole, smtp_server, pinned_clock):
    start = afternoon(3)
    booking = ask_workshop(pole, start)
    pinned_clock.move_to(start - timedelta(hours=30))
    decisions.decide(pole.scop_referent, booking.id, True, "")
    db.session.commit()
    pinned_clock.move_to(start - timedelta(hours=23))
    run_jobs(app)
    assert [m.to_address for m in reminders()] == [pole.alice.email]


def test_none_for_a_cancelled_booking(app, pole, smtp_server, pinned_clock):
    start = afternoon(3)
    booking = book_room(pole, start)
    bookings.cancel_booking(pole.alice, booking.id, "Plus besoin")
    db.session.commit()
    pinned_clock.move_to(start - timedelta(hours=23))
    run_jobs(app)
    assert reminders() == []


def test_each_person_chooses_the_delay(app, pole, smtp_server, pinned_clock):
    pole.alice.reminder_hours = 2
    db.session.commit()
    start = afternoon(3)
    book_room(pole, start)
    pinned_clock.move_to(start - timedelta(hours=23))
    run_jobs(app)
    assert reminders() == []
    pinned_clock.move_to(start - timedelta(minutes=90))
    run_jobs(app)
    assert [m.to_address for m in reminders()] == [pole.alice.email]


def test_no_reminder_for_who_chose_none(app, pole, smtp_server, pinned_clock):
    pole.alice.reminder_hours = None
    db.session.commit()
    start = afternoon(3)
    book_room(pole, start)
    pinned_clock.move_to(start - timedelta(minutes=30))
    run_jobs(app)
    assert reminders() == []
    assert smtp_server.to(pole.alice.email) == []
