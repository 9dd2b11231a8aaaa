"""iCal feeds read by calendar clients: contents, visibility, DST, changes, ETag, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from pooling.bookings import decisions
from pooling.bookings import services as bookings
from pooling.bookings.models import Booking
from pooling.extensions import db
from tests.calendar.conftest import expand, feed_path, paris, parse
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027

WIDE = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC))


def book(actor, resource, start, end, title="Réunion", **extra):
    result = bookings.create_booking(
        actor,
        bookings.BookingRequest(
            resource_id=resource.id, start=start, end=end, title=title, **extra
        ),
    )
    db.session.commit()
    return result


def read(client, feed: dict, **headers):
    return client.get(feed_path(feed["url"]), headers=headers)


def events_by_uid(body: bytes) -> dict:
    return {str(e["UID"]): e for e in parse(body).walk("VEVENT")}


def test_weekly_series_keeps_nine_o_clock_local_across_the_end_of_october(client, pole, new_feed):
    result = book(
        pole.alice,
        pole.room,
        paris(2027, 10, 14, 9),
        paris(2027, 10, 14, 10),
        recurrence="FREQ=WEEKLY;COUNT=6",
    )
    feed = new_feed(pole.alice, "me")
    response = read(client, feed)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = expand(response.data, *WIDE)
    assert len(events) == len(result.bookings) == 6
    starts = sorted(e.start for e in events)
    assert [s.astimezone(paris(2027, 1, 1).tzinfo).hour for s in starts] == [9] * 6
    assert [s.astimezone(UTC).hour for s in starts] == [7, 7, 7, 8, 8, 8]
    assert {str(e["DTSTART"].params["TZID"]) for e in events} == {"Europe/Paris"}
    assert "BEGIN:VTIMEZONE" in response.get_data(as_text=True)
    matched = {(b.start_at, b.end_at) for b in result.bookings}
    assert {(e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in events} == matched


def test_moved_cancelled_and_pending_occurrences_are_told_to_clients(client, pole, new_feed):
    moved = book(pole.alice, pole.room, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10)).bookings[0]
    cancelled = book(pole.alice, pole.room, paris(2027, 3, 3, 9), paris(2027, 3, 3, 10)).bookings[0]
    pending = book(pole.alice, pole.workshop, paris(2027, 3, 4, 9), paris(2027, 3, 4, 10)).bookings[
        0
    ]
    feed = new_feed(pole.alice, "me")
    before = events_by_uid(read(client, feed).data)

    bookings.move_booking(
        pole.alice,
        moved.id,
        bookings.BookingChange(start=paris(2027, 3, 2, 14), end=paris(2027, 3, 2, 16)),
    )
    bookings.cancel_booking(pole.alice, cancelled.id)
    db.session.commit()
    after = events_by_uid(read(client, feed).data)

    assert set(after) == set(before) and len(after) == 3
    by_summary = {}
    for uid, event in after.items():
        by_summary[uid] = event
    moved_uid = next(u for u in after if u.startswith(f"booking-{moved.id}-"))
    cancelled_uid = next(u for u in after if u.startswith(f"booking-{cancelled.id}-"))
    pending_uid = next(u for u in after if u.startswith(f"booking-{pending.id}-"))
    assert after[moved_uid]["SEQUENCE"] > before[moved_uid]["SEQUENCE"]
    assert after[moved_uid]["DTSTART"].dt == paris(2027, 3, 2, 14)
    assert after[moved_uid]["DTEND"].dt == paris(2027, 3, 2, 16)
    assert str(after[moved_uid]["STATUS"]) == "CONFIRMED"
    assert str(after[cancelled_uid]["STATUS"]) == "CANCELLED"
    assert after[cancelled_uid]["SEQUENCE"] > before[cancelled_uid]["SEQUENCE"]
    assert str(after[pending_uid]["STATUS"]) == "TENTATIVE"


def test_uids_are_stable_and_reveal_no_host_or_person(client, pole, new_feed):
    booking = book(pole.alice, pole.room, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10)).bookings[0]
    me = new_feed(pole.alice, "me")
    room = new_feed(pole.coordinator, "resource", resource_id=pole.room.id)
    first = list(events_by_uid(read(client, me).data))
    again = list(events_by_uid(read(client, room).data))
    assert first == again and len(first) == 1
    uid = first[0]
    assert uid.startswith(f"booking-{booking.id}-") and uid.endswith("@pooling")
    assert "localhost" not in uid and pole.alice.email not in uid and "@example" not in uid


def test_feed_has_dtstamp_last_modified_description_and_refresh_hints(client, pole, new_feed):
    book(pole.alice, pole.room, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10), title="Bureau")
    response = read(client, new_feed(pole.alice, "me"))
    calendar = parse(response.data)
    text = response.get_data(as_text=True)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "X-PUBLISHED-TTL:PT1H" in text
    assert str(calendar["X-WR-CALNAME"])
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    (event,) = calendar.walk("VEVENT")
    for name in ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "LOCATION", "DESCRIPTION"):
        assert name in event, name
    assert str(event["SUMMARY"]) == "Bureau"
    assert "Salle Jaurès" in str(event["LOCATION"])
    assert "http://localhost/" in str(event["DESCRIPTION"])


def test_other_organisations_titles_never_appear_in_any_feed(client, pole, new_feed):
    pole.alice.locale = "en"
    db.session.commit()
    book(pole.bob, pole.room, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10), title="Plan social SCOP")
    book(pole.alice, pole.room, paris(2027, 3, 2, 11), paris(2027, 3, 2, 12), title="Jardins AG")
    feeds = [
        new_feed(pole.alice, "me"),
        new_feed(pole.alice, "organisation"),
        new_feed(pole.alice, "resource", resource_id=pole.room.id),
    ]
    for feed in feeds:
        body = read(client, feed).data
        assert b"Plan social" not in body
        assert b"SCOP Bois" not in body and pole.bob.name.encode() not in body
    room = parse(read(client, feeds[2]).data)
    summaries = sorted(str(e["SUMMARY"]) for e in room.walk("VEVENT"))
    assert summaries == ["Booked", "Jardins AG"]
    coordinator_room = new_feed(pole.coordinator, "resource", resource_id=pole.room.id)
    assert b"Plan social SCOP" in read(client, coordinator_room).data


def test_organisation_feed_shows_the_organisations_bookings_only(client, pole, new_feed):
    book(pole.alice, pole.room, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10), title="Alice")
    book(pole.referent, pole.room, paris(2027, 3, 2, 10), paris(2027, 3, 2, 11), title="Inès")
    book(pole.bob, pole.room, paris(2027, 3, 2, 11), paris(2027, 3, 2, 12), title="Bob")
    mine = parse(read(client, new_feed(pole.alice, "me")).data)
    ours = parse(read(client, new_feed(pole.alice, "organisation")).data)
    assert sorted(str(e["SUMMARY"]) for e in mine.walk("VEVENT")) == ["Alice"]
    assert sorted(str(e["SUMMARY"]) for e in ours.walk("VEVENT")) == ["Alice", "Inès"]


def test_if_none_match_gives_304_and_a_change_gives_a_new_etag(client, pole, new_feed):
    booking = book(pole.alice, pole.room, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10)).bookings[0]
    feed = new_feed(pole.alice, "me")
    first = read(client, feed)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = read(client, feed)
    assert again.data == first.data and again.headers["ETag"] == etag
    not_modified = read(client, feed, **{"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""

    bookings.move_booking(pole.alice, booking.id, bookings.BookingChange(title="Renamed"))
    db.session.commit()
    changed = read(client, feed, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert b"Renamed" in changed.data


def test_revoked_or_wrong_secret_answers_404(client, api, pole, new_feed):
    feed = new_feed(pole.alice, "me")
    assert read(client, feed).status_code == 200
    assert client.get(feed_path(feed["url"]).replace(".ics", "x.ics")).status_code == 404
    assert client.get("/ical/not-a-secret.ics").status_code == 404
    assert api(pole.alice).delete(f"/api/v1/feeds/{feed['id']}").status_code == 204
    assert read(client, feed).status_code == 404


def test_empty_feed_is_still_a_valid_calendar(client, pole, new_feed):
    response = read(client, new_feed(pole.bob, "me"))
    assert response.status_code == 200
    calendar = parse(response.data)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["PRODID"]) and str(calendar["VERSION"]) == "2.0"
    assert calendar.walk("VEVENT") == []
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert response.data.endswith(b"END:VCALENDAR\r\n")


def test_titles_cannot_inject_properties_and_lines_are_folded(client, pole, new_feed):
    title = "a;b,c\nDTSTART:1999 " + "long " * 30
    booking = book(
        pole.alice, pole.room, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10), title=title
    ).bookings[0]
    body = read(client, new_feed(pole.alice, "me")).data
    (event,) = parse(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == booking.title
    assert event["DTSTART"].dt == paris(2027, 3, 2, 9)
    lines = body.split(b"\r\n")
    assert not any(line.startswith(b"DTSTART:1999") for line in lines)
    assert sum(line.startswith(b"DTSTART;TZID=") for line in lines) == 1
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75


def test_window_rejected_and_old_cancellations_are_left_out(client, pole, new_feed):
    now = datetime.now(UTC)
    far = (now + timedelta(days=600)).astimezone(paris(2027, 1, 1).tzinfo)
    far = far.replace(hour=9, minute=0, second=0, microsecond=0)
    while far.weekday() > 4:
        far += timedelta(days=1)
    book(pole.alice, pole.room, far, far + timedelta(hours=1), title="Too far")
    rejected = book(
        pole.alice, pole.workshop, paris(2027, 3, 4, 9), paris(2027, 3, 4, 10), title="Refused"
    ).bookings[0]
    decisions.decide(pole.scop_referent, rejected.id, approve=False)
    old = book(
        pole.alice, pole.room, paris(2027, 3, 5, 9), paris(2027, 3, 5, 10), title="Old"
    ).bookings[0]
    bookings.cancel_booking(pole.alice, old.id)
    db.session.commit()
    db.session.execute(
        update(Booking).where(Booking.id == old.id).values(cancelled_at=now - timedelta(days=40))
    )
    db.session.commit()
    book(pole.alice, pole.room, paris(2027, 3, 8, 9), paris(2027, 3, 8, 10), title="Kept")
    body = read(client, new_feed(pole.alice, "me")).data
    summaries = [str(e["SUMMARY"]) for e in parse(body).walk("VEVENT")]
    assert summaries == ["Kept"]


def test_feed_of_a_person_who_left_the_organisation_answers_404(client, pole, new_feed):
    from pooling.accounts.models import Membership

    person = make_user(pole.jardins, name="Leaving")
    feed = new_feed(person, "organisation")
    assert read(client, feed).status_code == 200
    db.session.query(Membership).filter_by(user_id=person.id).delete()
    db.session.commit()
    assert read(client, feed).status_code == 404


def test_single_booking_ics_for_a_signed_in_person(client, login, pole):
    booking = book(
        pole.alice, pole.room, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10), title="Bureau"
    )
    response = login(pole.alice).get(f"/bookings/{booking.bookings[0].id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    (event,) = parse(response.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Bureau" and event["DTSTART"].dt == paris(2027, 3, 2, 9)
    other = login(pole.bob).get(f"/bookings/{booking.bookings[0].id}.ics")
    assert b"Bureau" not in other.data
    assert client.get(f"/bookings/{booking.bookings[0].id}.ics").status_code in (302, 401)
    assert login(pole.alice).get("/bookings/999999.ics").status_code == 404
