""" "My notifications": each person chooses the booking mails they receive and their reminder
delay; a switched-off kind is not mailed, but the in-app inbox still has it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from pooling.bookings import decisions
from pooling.bookings import services as bookings
from pooling.core.db import utcnow
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from pooling.notifications.models import Notification
from tests.conftest import csrf_token
from tests.mail.conftest import deliver

pytestmark = [pytest.mark.usefixtures("pinned_clock"), pytest.mark.pole("bookings")]

PAGE = "/account/notifications/"


def afternoon(days: int) -> datetime:
    day = utcnow().astimezone(pole_tz()).date() + timedelta(days=days)
    while day.weekday() >= 5:  # the workshop is closed at the weekend
        day += timedelta(days=1)
    return local_to_utc(datetime.combine(day, time(14)), pole_tz())


def book_workshop(pole):
    start = afternoon(5)
    result = bookings.create_booking(
        pole.alice,
        bookings.BookingRequest(
            resource_id=pole.workshop.id, start=start, end=start + timedelta(hours=2)
        ),
    )
    db.session.commit()
    return result.bookings[0]


def notices(user, kind: str) -> int:
    found = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    )
    return len(list(found))


def test_a_switched_off_kind_is_not_mailed_but_stays_in_the_inbox(pole, smtp_server):
    pole.scop_referent.mail_pending = False
    pole.alice.mail_decisions = False
    db.session.commit()
    booking = book_workshop(pole)
    decisions.decide(pole.scop_referent, booking.id, True, "")
    db.session.commit()
    deliver()
    assert smtp_server.to(pole.scop_referent.email) == []
    assert smtp_server.to(pole.alice.email) == []
    assert notices(pole.scop_referent, "booking_pending") == 1
    assert notices(pole.alice, "booking_approved") == 1


def test_the_kinds_left_on_are_still_mailed(pole, smtp_server):
    pole.alice.mail_decisions = False
    db.session.commit()
    book_workshop(pole)
    deliver()
    [pending] = smtp_server.to(pole.scop_referent.email)
    assert pending["List-Unsubscribe"] == "<https://pole.example.org/account/notifications/>"


def test_the_page_saves_and_shows_the_choices_in_french(pole, login):
    client = login(pole.alice)
    page = client.get(PAGE).get_data(as_text=True)
    assert "<h1>Mes notifications</h1>" in page
    assert "Une réservation attend ma validation" in page
    assert '<option selected value="24">24 heures avant</option>' in page
    response = client.post(
        PAGE,
        data={
            "csrf_token": csrf_token(client, PAGE),
            "mail_decisions": "y",
            "mail_closures": "y",
            "reminder": "2",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (pole.alice.mail_pending, pole.alice.mail_decisions) == (False, True)
    assert (pole.alice.mail_changes, pole.alice.mail_closures) == (False, True)
    assert (pole.alice.mail_shares, pole.alice.reminder_hours) == (False, 2)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Vos choix de notifications sont enregistrés." in page
    assert '<option selected value="2">2 heures avant</option>' in page
    assert 'id="mail_decisions" name="mail_decisions" type="checkbox" value="y"' in page
    assert 'id="mail_pending" name="mail_pending" type="checkbox" value="y">' in page


def test_the_page_in_english_and_no_reminder(pole, login):
    pole.alice.locale = "en"
    db.session.commit()
    client = login(pole.alice)
    page = client.get(PAGE).get_data(as_text=True)
    assert "<h1>My notifications</h1>" in page
    assert "A booking awaits my approval" in page
    response = client.post(
        PAGE,
        data={"csrf_token": csrf_token(client, PAGE), "mail_pending": "y", "reminder": "none"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert pole.alice.reminder_hours is None and pole.alice.mail_pending is True
    assert pole.alice.mail_decisions is False
    page = client.get(PAGE).get_data(as_text=True)
    assert "Your notification choices are saved." in page
    assert '<option selected value="none">No reminder</option>' in page


def test_an_unknown_delay_is_refused_and_nothing_changes(pole, login):
    client = login(pole.alice)
    response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "reminder": "5"})
    assert response.status_code == 422
    db.session.expire_all()
    assert pole.alice.reminder_hours == 24 and pole.alice.mail_pending is True


def test_linked_from_the_account_page_and_the_top_bar(pole, login):
    client = login(pole.alice)
    assert client.get("/account").get_data(as_text=True).count(f'href="{PAGE}"') == 2
    assert f'href="{PAGE}"' in client.get("/").get_data(as_text=True)
