"""Booking through the JSON API: create, conflicts, rules, recurrence, approval, cancel."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Booking
from pooling.extensions import db

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027


def count_bookings() -> int:
    return db.session.scalar(select(func.count(Booking.id)))


def book(client, resource, start, end, **extra):
    return client.post(
        "/api/v1/bookings",
        json={"resource_id": resource.id, "start": start, "end": end, "title": "Réunion", **extra},
    )


def test_member_books_a_free_room_and_gets_utc_and_local_times(api, pole):
    response = book(
        api(pole.alice), pole.room, "2027-01-12T14:00:00+01:00", "2027-01-12T16:00:00+01:00"
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "confirmed"
    assert body["start"] == "2027-01-12T13:00:00Z"
    assert body["start_local"] == "2027-01-12T14:00:00+01:00"
    assert body["organisation_id"] == pole.jardins.id
    assert count_bookings() == 1


def test_same_instant_with_offset_or_z_is_the_same_slot(api, pole):
    assert (
        book(
            api(pole.alice), pole.room, "2027-01-12T14:00:00+01:00", "2027-01-12T15:00:00+01:00"
        ).status_code
        == 201
    )
    clash = book(api(pole.bob), pole.room, "2027-01-12T13:00:00Z", "2027-01-12T14:00:00Z")
    assert clash.status_code == 409
    assert clash.json["error"] == "conflict"
    assert clash.json["conflicts"][0]["start"] == "2027-01-12T13:00:00Z"
    assert count_bookings() == 1


def test_adjacent_bookings_do_not_clash(api, pole):
    assert (
        book(
            api(pole.alice), pole.room, "2027-01-12T09:00:00+01:00", "2027-01-12T10:00:00+01:00"
        ).status_code
        == 201
    )
    assert (
        book(
            api(pole.bob), pole.room, "2027-01-12T10:00:00+01:00", "2027-01-12T11:00:00+01:00"
        ).status_code
        == 201
    )


def test_units_of_equipment_are_never_overbooked(api, pole):
    client = api(pole.alice)
    assert (
        book(
            client,
            pole.projectors,
            "2027-01-12T09:00:00+01:00",
            "2027-01-12T12:00:00+01:00",
            quantity=3,
        ).status_code
        == 201
    )
    assert (
        book(
            client,
            pole.projectors,
            "2027-01-12T10:00:00+01:00",
            "2027-01-12T11:00:00+01:00",
            quantity=2,
        ).status_code
        == 201
    )
    refused = book(
        client,
        pole.projectors,
        "2027-01-12T11:00:00+01:00",
        "2027-01-12T11:30:00+01:00",
        quantity=3,
    )
    assert refused.status_code == 409
    assert count_bookings() == 2


def test_naive_time_is_refused_with_a_message(api, pole):
    response = book(api(pole.alice), pole.room, "2027-01-12T14:00:00", "2027-01-12T16:00:00+01:00")
    assert response.status_code == 422
    assert "start" in response.json["fields"]
    assert count_bookings() == 0


def test_outside_opening_hours_is_refused_naming_the_rule(api, pole):
    response = book(
        api(pole.alice), pole.room, "2027-01-12T19:00:00+01:00", "2027-01-12T20:00:00+01:00"
    )
    assert response.status_code == 422
    assert response.json["error"] == "opening_hours"
    assert count_bookings() == 0


def test_spring_forward_local_time_is_refused(api, pole, app):
    from tests.factories import make_resource

    always = make_resource(
        "Salle de nuit", opening_hours={"sun": [["00:00", "24:00"]]}, max_advance_days=800
    )
    response = book(
        api(pole.alice), always, "2027-03-28T02:30:00+01:00", "2027-03-28T04:00:00+02:00"
    )
    assert response.status_code == 422
    assert response.json["error"] == "nonexistent_local_time"


def test_weekly_series_keeps_local_time_across_daylight_saving(api, pole):
    response = book(
        api(pole.alice),
        pole.room,
        "2027-03-16T09:00:00+01:00",
        "2027-03-16T11:00:00+01:00",
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    assert response.status_code == 201, response.json
    items = response.json["items"]
    assert [i["start_local"][11:16] for i in items] == ["09:00"] * 4
    assert [i["start"] for i in items] == [
        "2027-03-16T08:00:00Z",
        "2027-03-23T08:00:00Z",
        "2027-03-30T07:00:00Z",
        "2027-04-06T07:00:00Z",
    ]


def test_series_with_one_conflict_is_all_or_nothing_unless_skip(api, pole):
    assert (
        book(
            api(pole.bob), pole.room, "2027-01-19T09:00:00+01:00", "2027-01-19T10:00:00+01:00"
        ).status_code
        == 201
    )
    client = api(pole.alice)
    refused = book(
        client,
        pole.room,
        "2027-01-12T09:00:00+01:00",
        "2027-01-12T10:00:00+01:00",
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    assert refused.status_code == 409
    assert [c["start"] for c in refused.json["conflicts"]] == ["2027-01-19T08:00:00Z"]
    assert count_bookings() == 1
    skipped = book(
        client,
        pole.room,
        "2027-01-12T09:00:00+01:00",
        "2027-01-12T10:00:00+01:00",
        recurrence="FREQ=WEEKLY;COUNT=3",
        on_conflict="skip",
    )
    assert skipped.status_code == 201
    assert len(skipped.json["items"]) == 2
    assert [s["start"] for s in skipped.json["skipped"]] == ["2027-01-19T08:00:00Z"]
    assert count_bookings() == 3


def test_approval_required_booking_is_pending_and_holds_its_slot_until_decided(api, pole):
    pending = book(
        api(pole.alice), pole.workshop, "2027-01-12T09:00:00+01:00", "2027-01-12T12:00:00+01:00"
    )
    assert pending.status_code == 201
    assert pending.json["status"] == "pending"
    assert (
        book(
            api(pole.bob), pole.workshop, "2027-01-12T10:00:00+01:00", "2027-01-12T11:00:00+01:00"
        ).status_code
        == 409
    )
    booking_id = pending.json["id"]
    assert (
        api(pole.referent).post(f"/api/v1/bookings/{booking_id}/approve", json={}).status_code
        == 403
    )
    approved = api(pole.scop_referent).post(f"/api/v1/bookings/{booking_id}/approve", json={})
    assert approved.status_code == 200
    assert approved.json["status"] == "confirmed"


def test_cancel_one_occurrence_keeps_the_rest_and_frees_the_slot(api, pole):
    client = api(pole.alice)
    series = book(
        client,
        pole.room,
        "2027-01-12T09:00:00+01:00",
        "2027-01-12T10:00:00+01:00",
        recurrence="FREQ=WEEKLY;COUNT=4",
    ).json
    third = series["items"][2]
    cancelled = client.post(f"/api/v1/bookings/{third['id']}/cancel", json={"reason": "congés"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = client.post(f"/api/v1/bookings/{third['id']}/cancel", json={})
    assert again.status_code == 200
    remaining = client.get(
        f"/api/v1/bookings?series_id={series['series_id']}&status=confirmed"
    ).json["items"]
    assert len(remaining) == 3
    assert book(api(pole.bob), pole.room, third["start"], third["end"]).status_code == 201


def test_other_organisation_cannot_cancel_my_booking(api, pole):
    booking = book(
        api(pole.alice), pole.room, "2027-01-12T09:00:00+01:00", "2027-01-12T10:00:00+01:00"
    ).json
    response = api(pole.bob).post(f"/api/v1/bookings/{booking['id']}/cancel", json={})
    assert response.status_code == 403
    assert db.session.get(Booking, booking["id"]).status == "confirmed"


def test_other_organisations_titles_are_hidden(api, pole):
    booking = book(
        api(pole.alice), pole.room, "2027-01-12T09:00:00+01:00", "2027-01-12T10:00:00+01:00"
    ).json
    seen_by_bob = api(pole.bob).get(f"/api/v1/bookings/{booking['id']}").json
    assert seen_by_bob["title"] is None
    assert api(pole.referent).get(f"/api/v1/bookings/{booking['id']}").json["title"] == "Réunion"


def test_idempotency_key_replays_the_first_answer(api, pole):
    client = api(pole.alice)
    headers = {"Idempotency-Key": "abc-123"}
    payload = {
        "resource_id": pole.room.id,
        "start": "2027-01-12T09:00:00+01:00",
        "end": "2027-01-12T10:00:00+01:00",
    }
    first = client.post("/api/v1/bookings", json=payload, headers=headers)
    second = client.post("/api/v1/bookings", json=payload, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json["id"] == second.json["id"]
    assert count_bookings() == 1


def test_availability_cuts_the_window_at_every_change(api, pole):
    client = api(pole.alice)
    book(
        client,
        pole.projectors,
        "2027-01-12T09:00:00+01:00",
        "2027-01-12T10:00:00+01:00",
        quantity=2,
    )
    response = client.get(
        f"/api/v1/resources/{pole.projectors.id}/availability?start=2027-01-12T07:00:00Z&end=2027-01-12T10:00:00Z"
    )
    assert response.status_code == 200
    assert response.json["intervals"] == [
        {
            "start": "2027-01-12T07:00:00Z",
            "end": "2027-01-12T08:00:00Z",
            "start_local": "2027-01-12T08:00:00+01:00",
            "end_local": "2027-01-12T09:00:00+01:00",
            "available_quantity": 5,
        },
        {
            "start": "2027-01-12T08:00:00Z",
            "end": "2027-01-12T09:00:00Z",
            "start_local": "2027-01-12T09:00:00+01:00",
            "end_local": "2027-01-12T10:00:00+01:00",
            "available_quantity": 3,
        },
        {
            "start": "2027-01-12T09:00:00Z",
            "end": "2027-01-12T10:00:00Z",
            "start_local": "2027-01-12T10:00:00+01:00",
            "end_local": "2027-01-12T11:00:00+01:00",
            "available_quantity": 5,
        },
    ]
