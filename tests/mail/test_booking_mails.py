"""Booking mails end to end: each booking notice reaches a real SMTP server in the recipient's
language, with a working link and an invitation that has the feeds' UID and SEQUENCE."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from pooling.bookings import closures, decisions
from pooling.bookings import services as bookings
from pooling.calendar import services as calendars
from pooling.extensions import db
from pooling.mail.models import OutboxMail
from tests.bookings.conftest import local
from tests.mail.conftest import deliver, link_in, text_of

pytestmark = [pytest.mark.usefixtures("pinned_clock"), pytest.mark.pole("bookings")]

BASE = "https://pole.example.org/"


def invitation_of(message) -> Calendar:
    """The text/calendar part of a mail, parsed, with its method checked against the header."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert part.get_param("method") == str(calendar["method"])
    return calendar


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


def events_of(calendar: Calendar) -> dict[str, int]:
    return {str(e["uid"]): int(e["sequence"]) for e in calendar.walk("VEVENT")}


def feed_events(user, resource) -> dict[str, int]:
    """UID -> SEQUENCE of the resource's feed as ``user`` reads it."""
    _feed, secret = calendars.create_feed(
        user, calendars.FeedInput("resource", resource_id=resource.id)
    )
    db.session.commit()
    return events_of(Calendar.from_ical(calendars.feed_content(secret, base_url=BASE).body))


def booking_ics(user, booking) -> dict[str, int]:
    body = calendars.booking_calendar(user, booking.id, base_url=BASE).body
    return events_of(Calendar.from_ical(body))


def book(user, resource, start, end, **more):
    result = bookings.create_booking(
        user,
        bookings.BookingRequest(
            resource_id=resource.id, start=local(start), end=local(end), **more
        ),
    )
    db.session.commit()
    return result


def follow(login, user, message) -> None:
    response = login(user).get(link_in(message))
    assert response.status_code == 200


def test_pending_to_the_approvers_then_approved_to_the_booker(pole, login, smtp_server):
    pole.alice.locale = "en"
    booking = book(
        pole.alice, pole.workshop, "2027-01-12T14:00", "2027-01-12T16:00", title="Tables"
    ).bookings[0]
    deliver()
    [pending] = smtp_server.to(pole.scop_referent.email)
    assert subject(pending) == "Réservation en attente de votre validation : Atelier bois"
    assert "Tables" in text_of(pending) and "mardi 12 janvier 2027, 14:00 – 16:00" in text_of(
        pending
    )
    follow(login, pole.scop_referent, pending)
    calendar = invitation_of(pending)
    assert str(calendar["method"]) == "REQUEST"
    assert events_of(calendar) == feed_events(pole.scop_referent, pole.workshop)
    assert not smtp_server.to(pole.alice.email)

    decisions.decide(pole.scop_referent, booking.id, True, "Bring your own tools")
    deliver()
    [approved] = smtp_server.to(pole.alice.email)
    assert subject(approved) == "Booking approved: Atelier bois"
    assert "Reason: Bring your own tools" in text_of(approved)
    assert "Tuesday, January 12, 2027, 14:00 – 16:00" in text_of(approved)
    follow(login, pole.alice, approved)
    calendar = invitation_of(approved)
    assert str(calendar["method"]) == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["organizer"]).startswith("mailto:")
    assert str(vevent["attendee"]) == f"mailto:{pole.alice.email}"
    assert events_of(calendar) == feed_events(pole.alice, pole.workshop)
    assert int(vevent["sequence"]) == booking.sequence > 0


def test_rejected_with_its_reason_cancels_the_event(pole, login, smtp_server):
    booking = book(pole.alice, pole.workshop, "2027-01-12T14:00", "2027-01-12T16:00").bookings[0]
    decisions.decide(pole.scop_referent, booking.id, False, "Machine en révision")
    deliver()
    [refused] = smtp_server.to(pole.alice.email)
    assert subject(refused) == "Réservation refusée : Atelier bois"
    assert "Motif\u00a0: Machine en révision" in text_of(refused)
    follow(login, pole.alice, refused)
    calendar = invitation_of(refused)
    assert str(calendar["method"]) == "CANCEL"
    assert events_of(calendar) == booking_ics(pole.alice, booking)


def test_cancelled_by_someone_else(pole, login, smtp_server):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00").bookings[0]
    deliver()
    assert not smtp_server.messages
    bookings.cancel_booking(pole.coordinator, booking.id, "Salle inondée")
    deliver()
    [cancelled] = smtp_server.to(pole.alice.email)
    assert subject(cancelled) == "Réservation annulée : Salle Jaurès"
    assert "Motif\u00a0: Salle inondée" in text_of(cancelled)
    follow(login, pole.alice, cancelled)
    calendar = invitation_of(cancelled)
    assert str(calendar["method"]) == "CANCEL"
    assert events_of(calendar) == feed_events(pole.alice, pole.room)


def test_moved_by_someone_else(pole, login, smtp_server):
    pole.alice.locale = "en"
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00").bookings[0]
    change = bookings.BookingChange(start=local("2027-01-13T09:00"), end=local("2027-01-13T11:00"))
    bookings.move_booking(pole.coordinator, booking.id, change)
    deliver()
    [moved] = smtp_server.to(pole.alice.email)
    assert subject(moved) == "Booking moved: Salle Jaurès"
    assert "Wednesday, January 13, 2027, 09:00 – 11:00" in text_of(moved)
    follow(login, pole.alice, moved)
    calendar = invitation_of(moved)
    assert str(calendar["method"]) == "REQUEST"
    assert (
        events_of(calendar)
        == feed_events(pole.alice, pole.room)
        == {next(iter(events_of(calendar))): 1}
    )


def test_cancelled_by_a_closure(pole, login, smtp_server):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00").bookings[0]
    closures.close(
        pole.coordinator,
        pole.room.id,
        local("2027-01-12T00:00"),
        local("2027-01-13T00:00"),
        "Travaux",
        cancel_bookings=True,
    )
    db.session.commit()
    deliver()
    [cancelled] = smtp_server.to(pole.alice.email)
    assert "Motif\u00a0: Travaux" in text_of(cancelled)
    follow(login, pole.alice, cancelled)
    calendar = invitation_of(cancelled)
    assert str(calendar["method"]) == "CANCEL"
    assert events_of(calendar) == booking_ics(pole.alice, booking)


def test_co_organisation_proposed_to_the_other_referents(pole, login, smtp_server):
    book(
        pole.alice,
        pole.room,
        "2027-01-12T14:00",
        "2027-01-12T16:00",
        shares=[(pole.jardins.id, "0.5"), (pole.scop.id, "0.5")],
    )
    deliver()
    [proposed] = smtp_server.to(pole.scop_referent.email)
    assert subject(proposed) == "Co-organisation proposée : Salle Jaurès"
    assert "50 %" in text_of(proposed)
    follow(login, pole.scop_referent, proposed)
    calendar = invitation_of(proposed)
    assert str(calendar["method"]) == "REQUEST"
    assert events_of(calendar) == feed_events(pole.scop_referent, pole.room)


def test_a_series_is_one_mail_with_each_occurrence(pole, smtp_server):
    result = book(
        pole.alice,
        pole.workshop,
        "2027-01-12T14:00",
        "2027-01-12T16:00",
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    assert len(result.bookings) == 3
    deliver()
    [pending] = smtp_server.to(pole.scop_referent.email)
    events = events_of(invitation_of(pending))
    assert len(events) == 3
    assert events == feed_events(pole.scop_referent, pole.workshop)


def test_a_series_approved_in_one_action_is_one_mail_with_the_dates_decided(pole, smtp_server):
    result = book(
        pole.alice,
        pole.workshop,
        "2027-01-12T14:00",
        "2027-01-12T16:00",
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    ids = [b.id for b in result.bookings]
    decisions.decide_many(pole.scop_referent, ids[:3], True, "Bienvenue")
    db.session.commit()
    deliver()
    [approved] = smtp_server.to(pole.alice.email)
    assert subject(approved) == "Réservation validée : Atelier bois"
    assert len(events_of(invitation_of(approved))) == 3


def test_an_expired_request_is_mailed_to_the_booker(pole, smtp_server, pinned_clock):
    book(pole.alice, pole.workshop, "2027-01-12T14:00", "2027-01-12T16:00")
    book(pole.alice, pole.workshop, "2027-01-12T17:00", "2027-01-12T18:00")
    deliver()
    pinned_clock.move_to(local("2027-01-12T17:30"))
    assert len(decisions.expire_requests()) == 2
    db.session.commit()
    deliver()
    expired = smtp_server.to(pole.alice.email)
    assert len(expired) == 2  # two requests, one mail each
    assert {subject(m) for m in expired} == {"Demande de réservation expirée : Atelier bois"}
    assert "personne n'a décidé avant son début" in text_of(expired[0])
    assert str(invitation_of(expired[0])["method"]) == "CANCEL"


def test_nothing_is_sent_for_a_rolled_back_change(pole, smtp_server):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00").bookings[0]
    bookings.cancel_booking(pole.coordinator, booking.id, "Oops")
    db.session.rollback()
    deliver()
    assert smtp_server.messages == []
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0
