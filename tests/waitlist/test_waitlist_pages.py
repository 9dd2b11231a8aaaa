"""The waitlist pages: one click to wait from the booking form's conflict, the planning's
full cell and the free-resource search; "My waitlist" with positions and the accept,
decline and leave buttons; every resource's list for the coordinators."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from pooling.bookings import services as bookings
from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.waitlist.models import WaitlistEntry

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("booking_pages"),
]

JOIN_FORM = re.compile(r'<form[^>]*action="/waitlist/join"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"')
SELECTED = re.compile(
    r'<select[^>]*name="organisation_id"[^>]*>.*?<option selected value="(\d+)"', re.S
)


def join_fields(html: str) -> dict:
    """The hidden fields of the first "join the waitlist" form of a page."""
    match = JOIN_FORM.search(html)
    assert match, "no join form on the page"
    fields = dict(INPUT.findall(match.group(1)))
    selected = SELECTED.search(match.group(1))
    if selected:
        fields["organisation_id"] = selected.group(1)
    return {k: v.replace("&#43;", "+").replace("&amp;", "&") for k, v in fields.items()}


def booking_form(resource, day: str, start: str, end: str) -> dict:
    return {
        "resource_id": str(resource.id),
        "date": day,
        "start_time": start,
        "end_time": end,
        "quantity": "1",
        "title": "Atelier compost",
        "repeat": "none",
        "interval": "1",
        "ending": "count",
        "count": "4",
        "on_conflict": "fail",
        "co_share": "50",
        "action": "confirm",
    }


def entries() -> list[WaitlistEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)))


def test_a_conflict_offers_to_join_the_waitlist_in_one_click(pole, login, post_form, book):
    book(pole.bob, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.alice)
    clash = post_form(
        client, "/bookings/new", booking_form(pole.room, "2027-01-12", "14:00", "16:00")
    )
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "Rejoindre la liste d&#39;attente" in html or "Rejoindre la liste d'attente" in html
    response = client.post("/waitlist/join", data=join_fields(html))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/waitlist/")
    [entry] = entries()
    assert (entry.user_id, entry.resource_id, entry.status) == (
        pole.alice.id,
        pole.room.id,
        "waiting",
    )
    assert entry.organisation_id == pole.jardins.id
    assert entry.title == "Atelier compost"
    page = client.get("/waitlist/").get_data(as_text=True)
    assert "Position 1" in page
    assert "Salle Jaurès" in page


def test_my_waitlist_accepts_an_offer_and_shows_the_booking(pole, login, post_form, book):
    taken = book(pole.bob, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.alice)
    clash = post_form(
        client, "/bookings/new", booking_form(pole.room, "2027-01-12", "14:00", "16:00")
    )
    client.post("/waitlist/join", data=join_fields(clash.get_data(as_text=True)))
    bookings.cancel_booking(pole.bob, taken.id)
    db.session.commit()
    page = client.get("/waitlist/").get_data(as_text=True)
    assert "Proposé pour vous" in page
    assert "Accepter et réserver" in page
    [entry] = entries()
    response = post_form(client, "/waitlist/", {}, url=f"/waitlist/{entry.id}/accept")
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking).where(Booking.user_id == pole.alice.id))
    assert response.headers["Location"].endswith(f"/bookings/{booking.id}")
    assert booking.status == "confirmed"
    assert entries()[0].status == "accepted"


def test_declining_and_leaving_from_the_page(pole, login, post_form, book):
    taken = book(pole.bob, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    for person in (pole.alice, pole.referent):
        client = login(person)
        clash = post_form(
            client, "/bookings/new", booking_form(pole.room, "2027-01-12", "14:00", "16:00")
        )
        client.post("/waitlist/join", data=join_fields(clash.get_data(as_text=True)))
    bookings.cancel_booking(pole.bob, taken.id)
    db.session.commit()
    alice_entry, ines_entry = entries()
    assert alice_entry.status == "offered"
    alice = login(pole.alice)
    post_form(alice, "/waitlist/", {}, url=f"/waitlist/{alice_entry.id}/decline")
    assert [e.status for e in entries()] == ["declined", "offered"]
    ines = login(pole.referent)
    post_form(ines, "/waitlist/", {}, url=f"/waitlist/{ines_entry.id}/leave")
    assert [e.status for e in entries()] == ["declined", "left"]
    # Another person's entry is not theirs to touch.
    assert (
        post_form(alice, "/waitlist/", {}, url=f"/waitlist/{ines_entry.id}/leave").status_code
        == 404
    )


def test_coordinators_see_each_resource_list(pole, login, post_form, book):
    book(pole.bob, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.alice)
    clash = post_form(
        client, "/bookings/new", booking_form(pole.room, "2027-01-12", "14:00", "16:00")
    )
    client.post("/waitlist/join", data=join_fields(clash.get_data(as_text=True)))
    page = login(pole.coordinator).get("/waitlist/").get_data(as_text=True)
    assert (
        "Listes d&#39;attente des ressources" in page or "Listes d'attente des ressources" in page
    )
    assert "Alice" in page and "Les Jardins" in page
    mine = login(pole.bob).get("/waitlist/").get_data(as_text=True)
    assert "Alice" not in mine


def test_a_full_cell_of_the_planning_joins_the_waitlist(pole, login, book):
    book(pole.bob, pole.room, "2027-01-12T14:00", "2027-01-12T15:00")
    client = login(pole.alice)
    page = client.get("/calendar/planning?view=day&date=2027-01-12").get_data(as_text=True)
    fields = join_fields(page)
    assert fields["start"].startswith("2027-01-12T13:00")
    response = client.post("/waitlist/join", data=fields)
    assert response.status_code == 302
    [entry] = entries()
    assert entry.status == "waiting" and entry.resource_id == pole.room.id


def test_the_free_resource_search_offers_to_wait_for_a_taken_resource(pole, login, book):
    book(pole.bob, pole.van, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.alice)
    page = client.get(
        "/calendar/find?kind=equipment&date=2027-01-12&start_time=14:00&end_time=16:00&quantity=1"
    ).get_data(as_text=True)
    assert "Camionnette" in page
    response = client.post("/waitlist/join", data=join_fields(page))
    assert response.status_code == 302
    [entry] = entries()
    assert entry.resource_id == pole.van.id


def test_the_menu_links_to_my_waitlist(pole, login):
    page = login(pole.alice).get("/waitlist/").get_data(as_text=True)
    assert 'href="/waitlist/"' in page
    assert "Ma liste d&#39;attente" in page or "Ma liste d'attente" in page
