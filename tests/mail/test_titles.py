"""Titles hidden as on the pages: a mail never shows a booking's title to someone the pages hide
it from (``permissions.can_see_title``), neither in its subject, text, HTML nor invitation."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar

from pooling.bookings import decisions, permissions
from pooling.bookings import services as bookings
from pooling.core.db import utcnow
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from tests.mail.conftest import deliver, html_of, text_of

pytestmark = [pytest.mark.pole("bookings")]

TITLE = "Assemblée confidentielle"


def afternoon(days: int) -> datetime:
    day = utcnow().astimezone(pole_tz()).date() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return local_to_utc(datetime.combine(day, time(14)), pole_tz())


def ask_workshop(pole):
    start = afternoon(5)
    result = bookings.create_booking(
        pole.alice,
        bookings.BookingRequest(
            resource_id=pole.workshop.id, start=start, end=start + timedelta(hours=2), title=TITLE
        ),
    )
    db.session.commit()
    [booking] = result.bookings
    assert booking.status == "pending"
    return booking


def summaries(message) -> list[str]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    body = part.get_payload(decode=True)
    return [str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")], body


def shows_title(message) -> bool:
    """Whether the title appears anywhere in the mail (checked part by part)."""
    found, calendar = summaries(message)
    places = [
        str(message["Subject"]),
        text_of(message),
        html_of(message),
        calendar.decode("utf-8"),
        *found,
    ]
    return any(TITLE in place for place in places)


@pytest.fixture
def own_organisation_only(monkeypatch):
    """A stricter rule than the pole's default: only the booker's organisation and the
    coordinators read titles (the owner's referents approve without reading them)."""

    def rule(user, booking, public_titles):
        return bool(user.is_coordinator or booking.organisation_id in user.organisation_ids())

    monkeypatch.setattr(permissions, "can_see_title", rule)


def test_the_approvers_who_may_read_the_title_read_it(pole, smtp_server, pinned_clock):
    ask_workshop(pole)
    deliver()
    [to_paul] = smtp_server.to(pole.scop_referent.email)
    [to_camille] = smtp_server.to(pole.coordinator.email)
    assert shows_title(to_paul) and shows_title(to_camille)
    assert summaries(to_paul)[0] == [TITLE]


def test_a_recipient_who_may_not_read_the_title_never_sees_it(
    pole, smtp_server, pinned_clock, own_organisation_only, login
):
    booking = ask_workshop(pole)
    deliver()
    [to_paul] = smtp_server.to(pole.scop_referent.email)
    [to_camille] = smtp_server.to(pole.coordinator.email)
    assert not shows_title(to_paul)
    assert summaries(to_paul)[0] == ["Réservé"]
    assert "Atelier bois" in text_of(to_paul)  # the rest of the mail is there
    assert shows_title(to_camille)
    # As on the booking's page.
    page = login(pole.scop_referent).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert TITLE not in page
    assert TITLE in login(pole.alice).get(f"/bookings/{booking.id}").get_data(as_text=True)

    # The decision's mail to the booker shows it: she may read it.
    decisions.decide(pole.scop_referent, booking.id, True, "")
    deliver()
    [to_alice] = smtp_server.to(pole.alice.email)
    assert shows_title(to_alice)


def test_the_daily_digest_hides_the_title_and_the_booker_too(
    app, pole, smtp_server, pinned_clock, own_organisation_only
):
    pole.scop_referent.pending_digest = True
    db.session.commit()
    ask_workshop(pole)
    pinned_clock.move_to(afternoon(1))
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    [digest] = smtp_server.to(pole.scop_referent.email)
    text = text_of(digest)
    assert "Atelier bois" in text and "Les Jardins" in text
    assert TITLE not in text and TITLE not in html_of(digest)
    assert "Alice" not in text and "Alice" not in html_of(digest)
