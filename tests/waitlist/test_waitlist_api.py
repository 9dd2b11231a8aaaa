"""The waitlist through the JSON API: join a taken slot, get the freed slot offered and held,
accept it (a booking), decline or leave it (the next entry gets it), and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Booking
from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.mail.models import OutboxMail
from pooling.notifications.models import Notification
from pooling.waitlist.models import WaitlistEntry

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027

START, END = "2027-01-12T14:00:00+01:00", "2027-01-12T16:00:00+01:00"


def book(client, resource, start=START, end=END, **extra):
    return client.post(
        "/api/v1/bookings",
        json={"resource_id": resource.id, "start": start, "end": end, "title": "Réunion", **extra},
    )


def join(client, resource, start=START, end=END, **extra):
    return client.post(
        "/api/v1/waitlist",
        json={"resource_id": resource.id, "start": start, "end": end, "title": "CA", **extra},
    )


def entry(entry_id: int) -> WaitlistEntry:
    db.session.expire_all()
    return db.session.get(WaitlistEntry, entry_id)


@pytest.fixture
def taken(api, pole):
    """The room booked by Alice on 12 January 2027, 14:00-16:00; returns the booking's id."""
    response = book(api(pole.alice), pole.room)
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_joining_a_taken_slot_puts_the_person_on_the_list(api, pole, taken):
    response = join(api(pole.bob), pole.room)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "waiting"
    assert body["position"] == 1
    assert body["start"] == "2027-01-12T13:00:00Z"
    assert body["organisation_id"] == pole.scop.id
    assert response.headers["Location"].endswith(f"/api/v1/waitlist/{body['id']}")
    second = join(api(pole.scop_referent), pole.room, "2027-01-12T15:00:00+01:00", END)
    assert second.json["position"] == 2


def test_a_free_slot_is_refused_with_slot_free(api, pole):
    response = join(api(pole.bob), pole.room)
    assert response.status_code == 422
    assert response.json["error"] == "slot_free"
    assert db.session.scalar(select(func.count(WaitlistEntry.id))) == 0


def test_the_booking_rules_apply_to_joining(api, pole, taken):
    response = join(
        api(pole.bob), pole.room, "2027-01-12T21:00:00+01:00", "2027-01-12T22:00:00+01:00"
    )
    assert response.status_code == 422
    assert response.json["error"] == "opening_hours"
    naive = join(api(pole.bob), pole.room, "2027-01-12T14:00:00", END)
    assert naive.status_code == 422


def test_waiting_twice_for_the_same_time_is_refused(api, pole, taken):
    assert join(api(pole.bob), pole.room).status_code == 201
    again = join(api(pole.bob), pole.room)
    assert again.status_code == 409
    assert again.json["error"] == "already_waiting"


def test_a_cancellation_offers_the_slot_to_the_oldest_entry_and_holds_it(api, pole, taken):
    first = join(api(pole.bob), pole.room).json["id"]
    second = join(api(pole.scop_referent), pole.room).json["id"]
    assert api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel").status_code == 200
    offered = entry(first)
    assert offered.status == "offered"
    assert offered.offer_expires_at == offered.offered_at + timedelta(minutes=1440)
    assert entry(second).status == "waiting"
    # Held for Bob: Alice, or anybody else, gets a 409 meanwhile.
    clash = book(api(pole.alice), pole.room)
    assert clash.status_code == 409
    assert clash.json["error"] == "conflict"
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == pole.bob.id, Notification.kind == "waitlist_offered"
            )
        )
        == 1
    )
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.kind == "waitlist_offer"))
    assert mail is not None and mail.to_address == pole.bob.email
    assert "Salle Jaurès" in mail.subject


def test_accepting_books_the_held_slot(api, pole, taken):
    entry_id = join(api(pole.bob), pole.room).json["id"]
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    response = api(pole.bob).post(f"/api/v1/waitlist/{entry_id}/accept")
    assert response.status_code == 201, response.json
    assert response.json["status"] == "confirmed"
    assert response.json["organisation_id"] == pole.scop.id
    assert response.json["title"] == "CA"
    assert entry(entry_id).status == "accepted"
    assert entry(entry_id).booking_id == response.json["id"]
    again = api(pole.bob).post(f"/api/v1/waitlist/{entry_id}/accept")
    assert again.status_code == 409
    assert (
        db.session.scalar(select(func.count(Booking.id)).where(Booking.status == "confirmed")) == 1
    )


def test_accepting_checks_the_rules_again(api, pole, taken):
    entry_id = join(api(pole.bob), pole.room).json["id"]
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    # The room is closed meanwhile over that time: accepting it is refused, nothing booked.
    closure = api(pole.coordinator).post(
        "/api/v1/closures",
        json={"resource_id": pole.room.id, "start": START, "end": END, "reason": "Travaux"},
    )
    assert closure.status_code == 201, closure.json
    response = api(pole.bob).post(f"/api/v1/waitlist/{entry_id}/accept")
    assert response.status_code == 422
    assert response.json["error"] == "closure"
    assert entry(entry_id).status == "offered"


def test_only_its_person_accepts_an_offer(api, pole, taken):
    entry_id = join(api(pole.bob), pole.room).json["id"]
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    assert api(pole.alice).post(f"/api/v1/waitlist/{entry_id}/accept").status_code == 404
    assert api(pole.alice).get(f"/api/v1/waitlist/{entry_id}").status_code == 404
    assert api(pole.coordinator).get(f"/api/v1/waitlist/{entry_id}").status_code == 200


def test_declining_passes_the_offer_to_the_next_entry(api, pole, taken):
    first = join(api(pole.bob), pole.room).json["id"]
    second = join(api(pole.scop_referent), pole.room).json["id"]
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    response = api(pole.bob).post(f"/api/v1/waitlist/{first}/decline")
    assert response.status_code == 200
    assert response.json["status"] == "declined"
    assert entry(second).status == "offered"
    # Declining a slot that is not offered is a conflict.
    assert api(pole.bob).post(f"/api/v1/waitlist/{first}/decline").status_code == 409


def test_leaving_an_offer_passes_it_on_and_leaving_twice_changes_nothing(api, pole, taken):
    first = join(api(pole.bob), pole.room).json["id"]
    second = join(api(pole.scop_referent), pole.room).json["id"]
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    response = api(pole.bob).delete(f"/api/v1/waitlist/{first}")
    assert response.status_code == 200
    assert response.json["status"] == "left"
    assert entry(second).status == "offered"
    assert api(pole.bob).delete(f"/api/v1/waitlist/{first}").json["status"] == "left"


def test_an_entry_whose_interval_is_not_wholly_free_waits_and_a_later_one_gets_it(api, pole, taken):
    # Another booking holds 16:00-17:00: Bob's 15:00-17:00 is not wholly free after the
    # cancellation, so Paul (later, 14:00-16:00) is offered it.
    assert (
        book(
            api(pole.referent), pole.room, "2027-01-12T16:00:00+01:00", "2027-01-12T17:00:00+01:00"
        ).status_code
        == 201
    )
    bob = join(api(pole.bob), pole.room, "2027-01-12T15:00:00+01:00", "2027-01-12T17:00:00+01:00")
    paul = join(api(pole.scop_referent), pole.room)
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    assert entry(bob.json["id"]).status == "waiting"
    assert entry(paul.json["id"]).status == "offered"


def test_the_hold_never_lasts_past_the_start(app, api, pole):
    # Monday 7 December 2026 (the pinned clock): 11:00-12:00 in Paris, two hours ahead.
    soon = utcnow().replace(hour=10, minute=0, second=0, microsecond=0)
    start, end = soon.isoformat(), (soon + timedelta(hours=1)).isoformat()
    booking = book(api(pole.alice), pole.room, start, end)
    assert booking.status_code == 201, booking.json
    entry_id = join(api(pole.bob), pole.room, start, end).json["id"]
    api(pole.alice).post(f"/api/v1/bookings/{booking.json['id']}/cancel")
    assert entry(entry_id).offer_expires_at == soon


def test_jobs_run_expires_offers_and_passes_them_on(app, api, pole, taken, pinned_clock):
    first = join(api(pole.bob), pole.room).json["id"]
    second = join(api(pole.scop_referent), pole.room).json["id"]
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    pinned_clock.shift(timedelta(minutes=1441))
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert "waitlist: 1 offer(s) expired, 1 passed on" in result.output
    assert entry(first).status == "expired"
    assert entry(second).status == "offered"
    expired = api(pole.bob).post(f"/api/v1/waitlist/{first}/accept")
    assert expired.status_code == 409


def test_a_lapsed_offer_holds_nothing_before_the_job_runs(api, pole, taken, pinned_clock):
    join(api(pole.bob), pole.room)
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    assert book(api(pole.alice), pole.room).status_code == 409
    pinned_clock.shift(timedelta(minutes=1441))
    assert book(api(pole.alice), pole.room).status_code == 201


def test_a_rejected_request_offers_the_slot(api, pole):
    pending = book(api(pole.alice), pole.workshop)
    assert pending.json["status"] == "pending"
    entry_id = join(api(pole.bob), pole.workshop).json["id"]
    rejected = api(pole.coordinator).post(f"/api/v1/bookings/{pending.json['id']}/reject")
    assert rejected.status_code == 200
    assert entry(entry_id).status == "offered"


def test_a_move_offers_the_time_it_leaves(api, pole, taken):
    entry_id = join(api(pole.bob), pole.room).json["id"]
    moved = api(pole.alice).patch(
        f"/api/v1/bookings/{taken}",
        json={"start": "2027-01-13T14:00:00+01:00", "end": "2027-01-13T16:00:00+01:00"},
    )
    assert moved.status_code == 200, moved.json
    assert entry(entry_id).status == "offered"


def test_removing_a_closure_offers_the_reopened_time(api, pole, taken):
    entry_id = join(api(pole.bob), pole.room).json["id"]
    # Closed with its bookings cancelled: the slot is not free, the entry keeps waiting.
    closure = api(pole.coordinator).post(
        "/api/v1/closures",
        json={
            "resource_id": pole.room.id,
            "start": START,
            "end": END,
            "reason": "Travaux",
            "cancel_bookings": True,
        },
    )
    assert closure.status_code == 201, closure.json
    assert closure.json["affected_bookings"] == [taken]
    assert entry(entry_id).status == "waiting"
    reopened = api(pole.coordinator).delete(f"/api/v1/closures/{closure.json['id']}")
    assert reopened.status_code in (200, 204)
    assert entry(entry_id).status == "offered"


def test_coordinators_see_every_list_members_their_own(api, pole, taken):
    join(api(pole.bob), pole.room)
    join(api(pole.scop_referent), pole.room)
    mine = api(pole.bob).get("/api/v1/waitlist")
    assert [e["user_id"] for e in mine.json["items"]] == [pole.bob.id]
    everyone = api(pole.coordinator).get(f"/api/v1/waitlist?resource_id={pole.room.id}")
    assert sorted(e["position"] for e in everyone.json["items"]) == [1, 2]
    other = api(pole.coordinator).get(f"/api/v1/waitlist?resource_id={pole.projectors.id}")
    assert other.json["items"] == []


def test_the_offer_mail_follows_the_language_and_the_choice_of_its_person(api, pole, taken):
    pole.bob.locale = "en"
    pole.scop_referent.mail_waitlist = False
    db.session.commit()
    first = join(api(pole.bob), pole.room).json["id"]
    join(api(pole.scop_referent), pole.room)
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.kind == "waitlist_offer"))
    assert mail.language == "en"
    assert mail.subject == "A slot you are waiting for is free: Salle Jaurès"
    assert "/waitlist/" in mail.text
    # Bob declines: Paul is offered the slot, told in his inbox but not by mail (switched off).
    api(pole.bob).post(f"/api/v1/waitlist/{first}/decline")
    assert (
        db.session.scalar(
            select(func.count(OutboxMail.id)).where(OutboxMail.kind == "waitlist_offer")
        )
        == 1
    )
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == pole.scop_referent.id,
                Notification.kind == "waitlist_offered",
            )
        )
        == 1
    )


def test_the_inbox_tells_the_offer_in_words(login, api, pole, taken):
    join(api(pole.bob), pole.room)
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    page = login(pole.bob).get("/inbox/").get_data(as_text=True)
    assert "Salle Jaurès" in page
    assert "liste d&#39;attente" in page or "liste d'attente" in page


def test_an_early_check_out_offers_the_rest_of_the_slot(api, pole, pinned_clock):
    # Monday 7 December 2026, 09:00 in Paris (the pinned clock): booked 09:30-12:00.
    booking = book(
        api(pole.alice), pole.room, "2026-12-07T09:30:00+01:00", "2026-12-07T12:00:00+01:00"
    )
    assert booking.status_code == 201, booking.json
    entry_id = join(
        api(pole.bob), pole.room, "2026-12-07T10:30:00+01:00", "2026-12-07T11:30:00+01:00"
    ).json["id"]
    client = api(pole.alice)
    assert (
        client.post(f"/api/v1/bookings/{booking.json['id']}/check-in", json={}).status_code == 200
    )
    assert entry(entry_id).status == "waiting"
    pinned_clock.shift(timedelta(hours=1))  # 10:00 in Paris
    out = client.post(f"/api/v1/bookings/{booking.json['id']}/check-out", json={})
    assert out.status_code == 200, out.json
    offered = entry(entry_id)
    assert offered.status == "offered"
    assert offered.offer_expires_at == offered.start_at  # held until its start, not a day


def test_an_offered_slot_reads_as_held_in_the_availability_and_the_search(api, pole, taken):
    join(api(pole.bob), pole.room)
    api(pole.alice).post(f"/api/v1/bookings/{taken}/cancel")
    answer = api(pole.alice).get(
        f"/api/v1/resources/{pole.room.id}/availability?start=2027-01-12T13:00:00Z&end=2027-01-12T15:00:00Z"
    )
    assert answer.status_code == 200
    assert [i["available_quantity"] for i in answer.json["intervals"]] == [0]
    free = api(pole.alice).get(
        "/api/v1/resources?available_start=2027-01-12T13:00:00Z&available_end=2027-01-12T15:00:00Z"
    )
    assert pole.room.id not in [r["id"] for r in free.json["items"]]
