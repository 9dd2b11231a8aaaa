"""Lists read in a fixed number of SQL statements whatever their length (no N+1).

Each test reads a list at a small size and at a larger one and counts the statements sent
to the database: the counts must be equal. Every booking is co-organised (it has shares) and
is seen by someone of another organisation, so that the title's visibility reads the shares
and the resource of every row.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, event

from pooling.audit.models import AuditEvent
from pooling.bookings.models import Booking, BookingShare
from pooling.bookings.views import APPROVALS_PAGE_SIZE
from pooling.core.db import utcnow
from pooling.core.time import pole_tz
from pooling.extensions import db


@contextmanager
def counted_statements():
    """A list that receives one entry per statement sent to the database meanwhile."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def ids_of(pole) -> dict[str, int]:
    """The ids the bookings are made with, read once while the pole's objects are loaded."""
    return {
        "room": pole.room.id,
        "jardins": pole.jardins.id,
        "scop": pole.scop.id,
        "alice": pole.alice.id,
    }


def add_bookings(
    ids,
    count: int,
    *,
    first: int = 0,
    past: bool = False,
    step: timedelta | None = None,
    status: str = "confirmed",
) -> None:
    """``count`` confirmed bookings of the room by Alice for Les Jardins, shared with SCOP Bois,
    one a day from tomorrow on (or back from yesterday), after the ``first`` days already taken."""
    start = utcnow().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    step = step or timedelta(days=1)
    length = min(step, timedelta(hours=1))
    for number in range(first, first + count):
        at = start + (-number - 2 if past else number) * step
        booking = Booking(
            resource_id=ids["room"],
            organisation_id=ids["jardins"],
            user_id=ids["alice"],
            title=f"Réunion {number}",
            start_at=at,
            end_at=at + length,
            status=status,
        )
        booking.shares = [
            BookingShare(organisation_id=ids["jardins"], share=Decimal("0.5"), status="accepted"),
            BookingShare(organisation_id=ids["scop"], share=Decimal("0.5"), status="accepted"),
        ]
        db.session.add(booking)
    db.session.commit()


def statements_of(read) -> list[str]:
    db.session.remove()
    with counted_statements() as statements:
        read()
    return statements


def assert_same_count(large: list[str], small: list[str]) -> None:
    assert len(large) == len(small), "\n".join([*large, "-- against --", *small])


def test_api_bookings_list_reads_500_rows_in_as_many_statements_as_20(pole, api):
    client = api(pole.bob)
    ids = ids_of(pole)

    def read(size):
        response = client.get(f"/api/v1/bookings?limit={size}")
        assert response.status_code == 200
        items = response.get_json()["items"]
        assert len(items) == size
        assert all(item["title"] and len(item["shares"]) == 2 for item in items)

    add_bookings(ids, 20)
    read(20)
    small = statements_of(lambda: read(20))
    add_bookings(ids, 481, first=20)  # a page of 500 and a next one
    large = statements_of(lambda: read(500))
    assert_same_count(large, small)


@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_bookings_of_an_organisation_read_in_as_many_statements_for_5_as_for_50(pole, login, when):
    client = login(pole.referent)
    ids = ids_of(pole)
    url = f"/bookings/?scope={ids['jardins']}&when={when}"

    def read(size):
        response = client.get(url)
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("Réunion ") == size

    add_bookings(ids, 5, past=when == "past")
    read(5)
    small = statements_of(lambda: read(5))
    add_bookings(ids, 45, first=5, past=when == "past")
    large = statements_of(lambda: read(50))
    assert_same_count(large, small)


def test_planning_day_reads_as_many_statements_for_5_bookings_as_for_50(pole, login):
    client = login(pole.referent)
    ids = ids_of(pole)
    step = timedelta(minutes=10)
    day = (utcnow() + timedelta(days=1)).astimezone(pole_tz()).date()
    url = f"/calendar/planning?view=day&date={day.isoformat()}"

    def read():
        assert client.get(url).status_code == 200

    add_bookings(ids, 5, step=step)
    read()
    small = statements_of(read)
    add_bookings(ids, 45, first=5, step=step)
    large = statements_of(read)
    assert_same_count(large, small)


def test_audit_page_reads_as_many_statements_for_5_events_as_for_50(pole, login):
    client = login(pole.coordinator)
    ids = ids_of(pole)

    def add_events(count: int) -> None:
        for number in range(count):
            db.session.add(
                AuditEvent(
                    actor_id=ids["alice"],
                    action="booking.create",
                    object_type="booking",
                    object_id=number + 1,
                    after={"title": f"Réunion {number}", "quantity": 1},
                )
            )
        db.session.commit()

    def read(size):
        response = client.get("/audit/")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("Réunion ") >= size

    # Only events about bookings on both pages (the pole's making recorded others).
    db.session.execute(delete(AuditEvent))
    add_bookings(ids, 50)
    add_events(5)
    read(5)
    small = statements_of(lambda: read(5))
    add_events(45)
    large = statements_of(lambda: read(50))
    assert_same_count(large, small)


def test_feed_of_5000_events_reads_as_many_statements_as_a_feed_of_50(pole, api):
    ids = ids_of(pole)
    created = api(pole.bob).post(
        "/api/v1/feeds", json={"scope": "organisation", "organisation_id": ids["scop"]}
    )
    assert created.status_code == 201, created.json
    path = "/" + created.json["url"].split("://", 1)[1].split("/", 1)[1]
    client = api(pole.bob).client  # a feed is read without the token, by its secret URL
    step = timedelta(hours=2)

    def read(size):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("BEGIN:VEVENT") == size

    add_bookings(ids, 50, step=step)
    read(50)
    small = statements_of(lambda: read(50))
    add_bookings(ids, 4950, first=50, step=step)
    large = statements_of(lambda: read(5000))
    assert_same_count(large, small)


def test_approvals_read_a_full_page_in_as_many_statements_whatever_waits_behind(pole, login):
    """The approvals page by page: what clashes now is read for the dates of the page only,
    so a page costs the same whether one page or ten wait."""
    client = login(pole.scop_referent)
    ids = {**ids_of(pole), "room": pole.workshop.id}
    size = APPROVALS_PAGE_SIZE

    def read(page=1):
        response = client.get(f"/bookings/approvals?page={page}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    add_bookings(ids, size, status="pending")
    read()
    small = statements_of(read)
    add_bookings(ids, 9 * size + 5, first=size, status="pending")
    large = statements_of(read)
    assert_same_count(large, small)
    first, second, last = read(), read(2), read(11)
    assert first.count("Réunion ") == second.count("Réunion ") == size
    assert "?page=2" in first and "?page=1" in second and "?page=3" in second
    assert last.count("Réunion ") == 5 and "?page=12" not in last


def test_feed_already_read_answers_304_without_building_the_calendar(pole, api):
    """A calendar client sending back the ETag it holds gets a 304, in as many statements
    for 150 events as for 50, none of them reading the bookings' rows or shares."""
    ids = ids_of(pole)
    created = api(pole.bob).post(
        "/api/v1/feeds", json={"scope": "organisation", "organisation_id": ids["scop"]}
    )
    path = "/" + created.json["url"].split("://", 1)[1].split("/", 1)[1]
    client = api(pole.bob).client
    step = timedelta(hours=2)

    def revalidate(etag):
        response = client.get(path, headers={"If-None-Match": etag})
        assert response.status_code == 304 and response.data == b""
        assert response.headers["ETag"] == etag

    add_bookings(ids, 50, step=step)
    first = client.get(path)
    etag = first.headers["ETag"]
    small = statements_of(lambda: revalidate(etag))
    assert not [s for s in small if "booking_shares.share" in s or "bookings.title" in s]

    add_bookings(ids, 100, first=50, step=step)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_data(as_text=True).count("BEGIN:VEVENT") == 150
    new_etag = changed.headers["ETag"]
    assert new_etag != etag
    large = statements_of(lambda: revalidate(new_etag))
    assert_same_count(large, small)


def test_what_clashes_with_requests_is_read_in_as_many_statements_for_8_dates_as_for_24(pole):
    """The approvals' "taken now" of each date of a page is read for the whole page at once.
    One date in two clashes with a booking confirmed since, and says so."""
    from pooling.bookings.pending import pending_requests_page

    ids = {**ids_of(pole), "room": pole.workshop.id}
    add_bookings(ids, 24, status="pending")
    add_bookings(ids, 12, first=0, step=timedelta(days=2))  # confirmed over every other date
    approver_id = pole.scop_referent.id

    def read(size):
        from pooling.accounts.models import User

        approver = db.session.get(User, approver_id)
        requests, _more = pending_requests_page(approver, page=1, size=size)
        clashes = [date.clash for request in requests for date in request.dates]
        assert len(clashes) == size
        assert clashes.count("") == size // 2

    small = statements_of(lambda: read(8))
    large = statements_of(lambda: read(24))
    assert_same_count(large, small)


def test_my_bookings_read_in_as_many_statements_for_10_as_for_30(pole, login):
    """ "My bookings": each co-organised booking with its shares and resource, no N+1."""
    client = login(pole.alice)
    ids = ids_of(pole)

    def read(size):
        response = client.get("/bookings/?scope=mine")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("Réunion ") == size

    add_bookings(ids, 10)
    read(10)
    small = statements_of(lambda: read(10))
    add_bookings(ids, 20, first=10)
    large = statements_of(lambda: read(30))
    assert_same_count(large, small)
