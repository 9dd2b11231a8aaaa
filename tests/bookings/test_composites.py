"""Booking a composite resource (a hall made of room A and room B): the hall takes one unit of
each room, a room's booking blocks the hall, at every level, and every reader agrees: the
conflict answer, the availability, the free-resource search, the planning and the checks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import update

from pooling.bookings.models import Booking
from pooling.bookings.queries import clash_help
from pooling.checks.invariants import over_capacity
from pooling.core.time import pole_tz
from pooling.extensions import db
from tests.calendar.page_helpers import planning_table
from tests.factories import make_resource

pytestmark = pytest.mark.pole("halls")


def tuesday() -> date:
    """A Tuesday three to four weeks from today (inside every resource's booking horizon)."""
    day = date.today() + timedelta(weeks=3)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def at(hour: int, minute: int = 0, day: date | None = None) -> datetime:
    return datetime.combine(day or tuesday(), time(hour, minute), tzinfo=pole_tz())


def book(client, resource, start: datetime, end: datetime, **extra):
    body = {
        "resource_id": resource.id,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "title": "Assemblée",
        **extra,
    }
    return client.post("/api/v1/bookings", json=body)


def availability(client, resource, start: datetime, end: datetime) -> list[dict]:
    answer = client.get(
        f"/api/v1/resources/{resource.id}/availability"
        f"?start={quote(start.isoformat())}&end={quote(end.isoformat())}"
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["intervals"]


def free_units(client, resource, start: datetime, end: datetime) -> list[int]:
    return [piece["available_quantity"] for piece in availability(client, resource, start, end)]


def free_names(client, start: datetime, end: datetime) -> set[str]:
    answer = client.get(
        f"/api/v1/resources?kind=premises&available_start={quote(start.isoformat())}"
        f"&available_end={quote(end.isoformat())}"
    )
    assert answer.status_code == 200, answer.get_json()
    return {item["name"] for item in answer.get_json()["items"]}


def test_booking_the_hall_takes_both_rooms_for_that_time(api, pole):
    alice = api(pole.alice)
    hall = book(alice, pole.hall, at(10), at(12))
    assert hall.status_code == 201, hall.get_json()
    refused = book(api(pole.bob), pole.room_a, at(11), at(13))
    assert refused.status_code == 409
    assert [c["booking_id"] for c in refused.get_json()["conflicts"]] == [hall.get_json()["id"]]
    assert book(api(pole.bob), pole.room_b, at(9), at(10, 30)).status_code == 409
    # Outside the hall's time, the rooms are free; so is another room of the pole.
    assert book(api(pole.bob), pole.room_a, at(12), at(13)).status_code == 201
    assert book(api(pole.bob), pole.room, at(10), at(12)).status_code == 201


def test_a_booked_room_blocks_the_hall_but_not_the_other_room(api, pole):
    assert book(api(pole.bob), pole.room_a, at(14), at(15)).status_code == 201
    refused = book(api(pole.alice), pole.hall, at(13), at(16))
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "conflict"
    assert book(api(pole.alice), pole.room_b, at(14), at(15)).status_code == 201
    assert book(api(pole.alice), pole.hall, at(15), at(16)).status_code == 201


def test_cancelling_the_hall_gives_the_rooms_back(api, pole):
    alice = api(pole.alice)
    hall = book(alice, pole.hall, at(10), at(12)).get_json()
    assert alice.post(f"/api/v1/bookings/{hall['id']}/cancel", json={}).status_code == 200
    assert book(api(pole.bob), pole.room_a, at(10), at(12)).status_code == 201


def test_moving_a_room_booking_onto_the_halls_time_is_a_conflict(api, pole):
    assert book(api(pole.alice), pole.hall, at(10), at(12)).status_code == 201
    room = book(api(pole.bob), pole.room_a, at(14), at(15)).get_json()
    moved = api(pole.bob).patch(
        f"/api/v1/bookings/{room['id']}",
        json={"start": at(11).isoformat(), "end": at(12).isoformat()},
    )
    assert moved.status_code == 409
    assert db.session.get(Booking, room["id"]).start_at == at(14)


def test_the_availability_of_rooms_and_hall_shows_each_other(api, pole):
    client = api(pole.alice)
    assert book(client, pole.hall, at(10), at(11)).status_code == 201
    assert book(client, pole.room_b, at(14), at(15)).status_code == 201
    assert free_units(client, pole.room_a, at(10), at(11)) == [0]
    assert free_units(client, pole.room_a, at(14), at(15)) == [1]
    assert free_units(client, pole.room_b, at(10), at(11)) == [0]
    assert free_units(client, pole.hall, at(14), at(15)) == [0]
    assert free_units(client, pole.hall, at(12), at(13)) == [1]


def test_the_availability_says_why_a_room_is_taken_by_the_hall(api, pole):
    client = api(pole.alice)
    assert book(client, pole.hall, at(10), at(11)).status_code == 201
    [piece] = availability(client, pole.room_a, at(10), at(11))
    assert piece["reason"] == {
        "kind": "linked",
        "text": "Occupée par la réservation d'une ressource dont elle fait partie ou de l'une "
        "de ses parties",
    }
    assert "reason" not in availability(client, pole.room_a, at(11), at(12))[0]


def test_booking_the_hall_shows_both_rooms_taken_on_the_planning(api, login, pole):
    assert book(api(pole.alice), pole.hall, at(8), at(19)).status_code == 201
    page = login(pole.bob).get(f"/calendar/planning?view=week&date={tuesday().isoformat()}")
    assert page.status_code == 200
    table = planning_table(page.get_data(as_text=True))
    tuesday_states = {name: table.rows[name][1]["state"] for name in table.rows}
    assert tuesday_states["Grande salle"] == "taken"
    assert tuesday_states["Salle A"] == "taken"
    assert tuesday_states["Salle B"] == "taken"
    assert tuesday_states["Salle Jaurès"] == "free"
    assert table.rows["Salle A"][2]["state"] == "free"


def test_a_booked_room_shows_the_hall_partly_taken_on_the_planning(api, login, pole):
    assert book(api(pole.alice), pole.room_b, at(10), at(12)).status_code == 201
    page = login(pole.bob).get(f"/calendar/planning?view=week&date={tuesday().isoformat()}")
    table = planning_table(page.get_data(as_text=True))
    assert table.rows["Grande salle"][1]["state"] == "partial"
    assert table.rows["Salle A"][1]["state"] == "free"


def test_the_free_resource_search_leaves_out_what_the_family_takes(api, pole):
    client = api(pole.alice)
    assert book(client, pole.hall, at(10), at(11)).status_code == 201
    assert book(client, pole.room_b, at(14), at(15)).status_code == 201
    during_hall = free_names(client, at(10), at(11))
    assert {"Salle A", "Salle B", "Grande salle"}.isdisjoint(during_hall)
    assert "Salle Jaurès" in during_hall
    during_room_b = free_names(client, at(14), at(15))
    assert "Salle A" in during_room_b
    assert {"Salle B", "Grande salle"}.isdisjoint(during_room_b)


def test_a_part_of_a_part_counts_at_every_level(api, pole):
    coordinator = api(pole.coordinator)
    wing = coordinator.post(
        "/api/v1/resources",
        json={
            "name": "Aile nord",
            "kind": "premises",
            "parts": [pole.hall.id, pole.room.id],
            "max_advance_days": 800,
        },
    ).get_json()

    class Wing:
        id = wing["id"]

    assert book(api(pole.alice), Wing, at(9), at(10)).status_code == 201
    assert book(api(pole.bob), pole.room_a, at(9), at(10)).status_code == 409
    assert book(api(pole.bob), pole.room_b, at(16), at(17)).status_code == 201
    assert book(api(pole.alice), Wing, at(16, 30), at(18)).status_code == 409


def test_a_composite_takes_one_unit_of_a_part_that_has_several(api, pole):
    chairs = make_resource("Chaises", kind="equipment", quantity=3, max_advance_days=800)
    kit = make_resource(
        "Kit conférence", kind="equipment", parts=(chairs.id,), max_advance_days=800
    )
    client = api(pole.alice)
    assert book(client, kit, at(10), at(11)).status_code == 201
    assert free_units(client, chairs, at(10), at(11)) == [2]
    assert book(client, chairs, at(10), at(11), quantity=2).status_code == 201
    assert book(client, chairs, at(10), at(11)).status_code == 409
    # Any chair booked leaves no kit.
    assert book(client, kit, at(12), at(13)).status_code == 201
    assert book(client, chairs, at(14), at(15)).status_code == 201
    assert free_units(client, kit, at(14), at(15)) == [0]


def test_the_check_finds_a_room_and_its_hall_held_at_once(api, pole):
    hall = book(api(pole.alice), pole.hall, at(10), at(11)).get_json()
    room = book(api(pole.bob), pole.room_a, at(14), at(15)).get_json()
    assert over_capacity() == []
    # Written past the booking service: the room's booking now overlaps the hall's.
    db.session.execute(
        update(Booking).where(Booking.id == room["id"]).values(start_at=at(10), end_at=at(11))
    )
    db.session.commit()
    found = [v.message for v in over_capacity()]
    assert len(found) == 2, found
    assert any(
        "Grande salle" in line and f"bookings {min(hall['id'], room['id'])}" in line
        for line in found
    )
    assert any("Salle A" in line for line in found)


def test_after_a_clash_the_free_times_proposed_for_a_room_skip_the_halls_booking(api, pole):
    assert book(api(pole.alice), pole.hall, at(10), at(12)).status_code == 201
    found = clash_help(pole.bob, pole.room_a.id, at(10), at(11), 1)
    assert found.free == 0
    assert found.free_times[0] == (at(12), at(13))


def test_the_rooms_calendar_lists_the_halls_booking_of_the_week(api, login, pole):
    assert book(api(pole.alice), pole.hall, at(10), at(12)).status_code == 201
    page = login(pole.bob).get(f"/calendar/resources/{pole.room_a.id}?date={tuesday()}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    week = text.split('id="week-list-title"')[1]
    assert "(réservation de la ressource Grande salle)" in week
    other = login(pole.bob).get(f"/calendar/resources/{pole.room.id}?date={tuesday()}")
    assert "Grande salle" not in other.get_data(as_text=True).split('id="week-list-title"')[1]
