"""The daily digest of the bookings awaiting approval: an approver who chose it gets no mail per
request, and ``pooling jobs run`` mails them once a local day, from 07:00, the requests still
waiting for their decision, in their language; nothing on a day when none waits."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from pooling.accounts.models import User
from pooling.bookings import decisions
from pooling.bookings import services as bookings
from pooling.core.db import utcnow
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from pooling.mail import digests
from pooling.mail.models import OutboxMail
from pooling.notifications.models import Notification
from tests.factories import make_resource
from tests.mail.conftest import deliver, html_of, link_in, text_of

pytestmark = [pytest.mark.pole("bookings")]


def weekday(days: int) -> date:
    """A Monday to Thursday ``days`` days or more from today in the pole's zone: the workshop
    is open that day and the next."""
    day = utcnow().astimezone(pole_tz()).date() + timedelta(days=days)
    while day.weekday() >= 4:
        day += timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(datetime.combine(day, time(hour, minute)), pole_tz())


def ask(user, resource, day: date, hour: int, title: str = ""):
    result = bookings.create_booking(
        user,
        bookings.BookingRequest(
            resource_id=resource.id,
            start=at(day, hour),
            end=at(day, hour + 2),
            title=title,
        ),
    )
    db.session.commit()
    [booking] = result.bookings
    assert booking.status == "pending"
    return booking


def run_jobs(app) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


def words(message) -> str:
    """The mail's text with its spaces (non-breaking ones too) and lines made single spaces."""
    return " ".join(text_of(message).split())


@pytest.fixture
def digest_reader(pole):
    """Paul, the referent of SCOP Bois (who lends the workshop), chose the daily digest."""
    pole.scop_referent.pending_digest = True
    db.session.commit()
    return pole.scop_referent


def test_one_digest_a_day_with_the_requests_still_waiting(
    app, pole, digest_reader, smtp_server, pinned_clock, login
):
    day = weekday(7)
    pinned_clock.move_to(at(day - timedelta(days=1), 6))
    first = ask(pole.alice, pole.workshop, day, 9, title="Tables")
    ask(pole.alice, pole.workshop, day, 14, title="Chaises")
    decided = ask(pole.bob, pole.workshop, day + timedelta(days=1), 9)
    decisions.decide(pole.coordinator, decided.id, True, "")
    db.session.commit()
    deliver()
    # No mail per request for Paul (the inbox keeps them); Camille still gets hers.
    assert smtp_server.to(digest_reader.email) == []
    assert len(smtp_server.to(pole.coordinator.email)) == 3
    kept = db.session.scalars(
        select(Notification).where(
            Notification.user_id == digest_reader.id, Notification.kind == "booking_pending"
        )
    )
    assert len(list(kept)) == 3

    run_jobs(app)  # 06:00 local: too early
    assert smtp_server.to(digest_reader.email) == []

    pinned_clock.move_to(at(day - timedelta(days=1), 7, 5))
    run_jobs(app)
    run_jobs(app)
    [mail] = smtp_server.to(digest_reader.email)
    assert subject(mail) == "2 réservations attendent votre validation"
    text = words(mail)
    assert "Ces demandes de réservation attendent votre décision :" in text
    assert text.count("Atelier bois") == 2
    assert "Tables" in text and "Chaises" in text
    assert "Organisation : Les Jardins · Réservé par Alice" in text
    assert "Bob" not in text  # approved already: no longer waiting
    assert f"{first.start_at.astimezone(pole_tz()):%H}:00 – " in text
    assert "Tables" in html_of(mail) and "Les Jardins" in html_of(mail)
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["List-Unsubscribe"] == "<https://pole.example.org/account/notifications/>"
    assert mail["Message-ID"].endswith("@pole.example.org>")
    assert link_in(mail) == "/bookings/approvals"
    page = login(digest_reader).get(link_in(mail))
    assert page.status_code == 200 and "Chaises" in page.get_data(as_text=True)

    # A new request later that day waits for the next day's digest.
    pinned_clock.move_to(at(day - timedelta(days=1), 15))
    ask(pole.alice, pole.workshop, day + timedelta(days=1), 14, title="Bancs")
    deliver()
    run_jobs(app)
    assert len(smtp_server.to(digest_reader.email)) == 1

    pinned_clock.move_to(at(day, 7, 1))
    run_jobs(app)
    first_mail, second = smtp_server.to(digest_reader.email)
    assert subject(second) == "3 réservations attendent votre validation"
    assert "Bancs" in text_of(second)
    digest_mails = db.session.scalars(
        select(OutboxMail).where(OutboxMail.kind == "booking_pending_digest")
    )
    assert len(list(digest_mails)) == 2


def test_nothing_on_a_day_when_no_request_waits(
    app, pole, digest_reader, smtp_server, pinned_clock
):
    day = weekday(7)
    pinned_clock.move_to(at(day, 8))
    # A request that Paul cannot decide (a van lent by Les Jardins) is not his to hear of.
    van = make_resource(
        "Camion", kind="equipment", requires_approval=True, owner_organisation_id=pole.jardins.id
    )
    ask(pole.bob, van, weekday(9), 9, title="Déménagement")
    run_jobs(app)
    assert smtp_server.to(digest_reader.email) == []
    assert db.session.get(User, digest_reader.id).pending_digest_on is None
    # A request that comes later in the day is in that day's digest, once.
    ask(pole.alice, pole.workshop, weekday(9), 9, title="Tables")
    deliver()
    assert smtp_server.to(digest_reader.email) == []
    run_jobs(app)
    run_jobs(app)
    [mail] = smtp_server.to(digest_reader.email)
    assert subject(mail) == "1 réservation attend votre validation"
    assert "Déménagement" not in text_of(mail) and "Camion" not in text_of(mail)


def test_in_english_for_an_english_reader(app, pole, digest_reader, smtp_server, pinned_clock):
    digest_reader.locale = "en"
    db.session.commit()
    day = weekday(7)
    pinned_clock.move_to(at(day, 9))
    ask(pole.alice, pole.workshop, weekday(9), 9, title="Tables")
    run_jobs(app)
    [mail] = smtp_server.to(digest_reader.email)
    assert subject(mail) == "1 booking awaits your approval"
    assert "This booking request awaits your decision:" in words(mail)
    assert "Organisation: Les Jardins · Booked by Alice" in words(mail)
    assert mail["Content-Language"] == "en"


def test_no_digest_when_mails_of_pending_bookings_are_off(
    app, pole, digest_reader, smtp_server, pinned_clock
):
    digest_reader.mail_pending = False
    db.session.commit()
    pinned_clock.move_to(at(weekday(7), 9))
    ask(pole.alice, pole.workshop, weekday(9), 9)
    run_jobs(app)
    assert smtp_server.to(digest_reader.email) == []


def test_a_day_claimed_by_another_run_is_not_sent_again(
    app, pole, digest_reader, smtp_server, pinned_clock, monkeypatch
):
    """Two runs at once: the other run claims the day between this one's reading and its claim."""
    day = weekday(7)
    pinned_clock.move_to(at(day, 9))
    ask(pole.alice, pole.workshop, weekday(9), 9)
    real = digests.requests_for

    def other_run_claims_first(user, now):
        found = real(user, now)
        with db.engine.begin() as connection:
            connection.execute(update(User).where(User.id == user.id).values(pending_digest_on=day))
        return found

    monkeypatch.setattr(digests, "requests_for", other_run_claims_first)
    assert digests.queue_due_digests(utcnow()) == 0
    db.session.commit()
    monkeypatch.undo()
    run_jobs(app)
    assert smtp_server.to(digest_reader.email) == []


def test_the_page_offers_the_digest_to_approvers_only(pole, digest_reader, login):
    from tests.conftest import csrf_token

    page_url = "/account/notifications/"
    client = login(digest_reader)
    page = client.get(page_url).get_data(as_text=True)
    assert "Réservations en attente de ma validation" in page
    assert '<option selected value="digest">Un récapitulatif quotidien</option>' in page
    assert '<option value="each">Chaque demande dès qu’elle arrive</option>' in page
    response = client.post(
        page_url,
        data={
            "csrf_token": csrf_token(client, page_url),
            "mail_pending": "y",
            "pending_mode": "each",
            "reminder": "24",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert digest_reader.pending_digest is False
    response = client.post(
        page_url,
        data={
            "csrf_token": csrf_token(client, page_url),
            "mail_pending": "y",
            "pending_mode": "weekly",
            "reminder": "24",
        },
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert digest_reader.pending_digest is False

    alice = login(pole.alice)
    assert "Un récapitulatif quotidien" not in alice.get(page_url).get_data(as_text=True)
    alice.post(
        page_url,
        data={"csrf_token": csrf_token(alice, page_url), "mail_pending": "y", "reminder": "24"},
    )
    db.session.expire_all()
    assert pole.alice.pending_digest is False and pole.alice.reminder_hours == 24
