"""Check-in and check-out happen around the booking's time: bounds, backdating, what they lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from pooling.audit.models import AuditEvent
from pooling.bookings.models import Booking
from pooling.calendar.models import ExternalBusyTime, ExternalCalendar
from pooling.checks.invariants import over_capacity
from pooling.extensions import db
from tests.conftest import PINNED_NOW
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

pytestmark = pytest.mark.usefixtures("pinned_clock")

# Wednesday after the pinned Monday, 10:00 to 14:00 in Paris.
PARIS = ZoneInfo("Europe/Paris")
START = datetime.combine(
    PINNED_NOW.astimezone(PARIS).date() + timedelta(days=2), datetime.min.time(), tzinfo=PARIS
) + timedelta(hours=10)
END = START + timedelta(hours=4)


def z(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def van(pole):
    """A van lent by the SCOP, open every day and every hour, its km read at each trip."""
    return make_resource(
        "Camionnette",
        kind="equipment",
        meter_unit="km",
        opening_hours=SEVEN_DAYS,
        owner_organisation_id=pole.scop.id,
        max_advance_days=800,
    )


@pytest.fixture
def trip(api, pole, van):
    """Alice's confirmed booking of the van, START to END."""
    response = api(pole.alice).post(
        "/api/v1/bookings",
        json={"resource_id": van.id, "start": z(START), "end": z(END), "title": "Livraison"},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def stored(booking_id: int) -> Booking:
    db.session.expire_all()
    return db.session.get(Booking, booking_id)


def check_in(client, booking_id: int, **body):
    return client.post(f"/api/v1/bookings/{booking_id}/check-in", json=body)


def check_out(client, booking_id: int, **body):
    return client.post(f"/api/v1/bookings/{booking_id}/check-out", json=body)


def en(client):
    client.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# ---------------------------------------------------------------- check-in window


def test_check_in_more_than_an_hour_before_the_start_is_refused_with_the_window(
    api, pole, trip, pinned_clock
):
    pinned_clock.move_to(START - timedelta(hours=2))
    refused = check_in(en(api(pole.alice)), trip, meter=12000)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"] == "check_in_outside_booking"
    message = refused.json["fields"]["at"][0]
    # The window in the pole's local time: from 09:00 to 14:00.
    assert "9:00" in message and "2:00" in message or "14:00" in message, message
    assert stored(trip).checked_in_at is None
    assert stored(trip).meter_start is None


def test_check_in_an_hour_before_the_start_is_accepted(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START - timedelta(minutes=59))
    accepted = check_in(api(pole.alice), trip, meter=12000)
    assert accepted.status_code == 200, accepted.json
    assert stored(trip).checked_in_at is not None
    assert abs(stored(trip).checked_in_at - (START - timedelta(minutes=59))) < timedelta(minutes=1)


def test_check_in_after_the_end_is_refused(api, pole, trip, pinned_clock):
    pinned_clock.move_to(END + timedelta(minutes=10))
    refused = check_in(api(pole.coordinator), trip)
    assert refused.status_code == 422
    assert "at" in refused.json["fields"]
    assert stored(trip).checked_in_at is None


def test_check_in_at_a_future_instant_is_refused(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START + timedelta(minutes=5))
    refused = check_in(en(api(pole.coordinator)), trip, at=z(START + timedelta(minutes=30)))
    assert refused.status_code == 422
    assert refused.json["error"] == "at_in_future"
    assert "future" in refused.json["fields"]["at"][0]
    assert stored(trip).checked_in_at is None


def test_a_minute_of_clock_skew_is_tolerated(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START + timedelta(minutes=5))
    given = START + timedelta(minutes=5, seconds=40)
    assert check_in(api(pole.alice), trip, at=z(given)).status_code == 200
    assert stored(trip).checked_in_at == given.astimezone(UTC)


def test_the_lead_time_is_a_setting(app, api, pole, trip, pinned_clock):
    app.config["POOLING_CHECK_IN_LEAD_MINUTES"] = "120"
    pinned_clock.move_to(START - timedelta(minutes=100))
    assert check_in(api(pole.alice), trip).status_code == 200


# ---------------------------------------------------------------- backdating


def test_member_cannot_backdate_a_check_in(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START + timedelta(hours=1))
    refused = check_in(en(api(pole.alice)), trip, at=z(START))
    assert refused.status_code == 422
    assert refused.json["error"] == "backdated"
    assert "coordinator" in refused.json["fields"]["at"][0]
    assert stored(trip).checked_in_at is None
    # Ten minutes back is a forgetful minute, not a backdating.
    assert check_in(api(pole.alice), trip, at=z(START + timedelta(minutes=50))).status_code == 200


@pytest.mark.parametrize("who", ["coordinator", "scop_referent"])
def test_approver_backdates_a_check_in_and_it_is_audited(api, pole, trip, pinned_clock, who):
    pinned_clock.move_to(START + timedelta(hours=1))
    person = getattr(pole, who)
    accepted = check_in(api(person), trip, at=z(START))
    assert accepted.status_code == 200, accepted.json
    assert stored(trip).checked_in_at == START.astimezone(UTC)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "booking.backdated", AuditEvent.object_id == trip
        )
    )
    assert event is not None
    assert event.actor_id == person.id
    assert event.after["act"] == "check_in"
    assert datetime.fromisoformat(event.after["at"]) == START
    recorded = datetime.fromisoformat(event.after["recorded_at"])
    assert abs(recorded - (START + timedelta(hours=1))) < timedelta(minutes=1)


def test_member_cannot_backdate_a_check_out(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START)
    assert check_in(api(pole.alice), trip).status_code == 200
    pinned_clock.move_to(START + timedelta(hours=3))
    refused = check_out(api(pole.alice), trip, at=z(START + timedelta(minutes=30)))
    assert refused.status_code == 422
    assert refused.json["error"] == "backdated"
    assert stored(trip).checked_out_at is None


# ---------------------------------------------------------------- check-out


def test_check_out_before_the_check_in_or_in_the_future_is_refused(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START + timedelta(minutes=30))
    assert check_in(api(pole.alice), trip).status_code == 200
    before = check_out(api(pole.alice), trip, at=z(START + timedelta(minutes=20)))
    assert before.status_code == 422
    assert before.json["error"] == "check_out_before_check_in"
    assert "at" in before.json["fields"]
    future = check_out(api(pole.alice), trip, at=z(START + timedelta(hours=2)))
    assert future.status_code == 422
    assert future.json["error"] == "at_in_future"
    assert stored(trip).checked_out_at is None


def test_a_second_check_in_or_check_out_is_refused(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START)
    assert check_in(api(pole.alice), trip, meter=100).status_code == 200
    assert check_in(api(pole.alice), trip, meter=50).status_code == 409
    pinned_clock.move_to(START + timedelta(hours=1))
    assert check_out(api(pole.alice), trip, meter=150).status_code == 200
    assert check_out(api(pole.alice), trip, meter=900).status_code == 409
    assert (stored(trip).meter_start, stored(trip).meter_end) == (100, 150)


# ---------------------------------------------------------------- what a check-in locks


def test_checked_in_booking_cannot_be_cancelled_nor_moved(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START)
    assert check_in(api(pole.alice), trip).status_code == 200
    cancel = api(pole.alice).post(f"/api/v1/bookings/{trip}/cancel", json={})
    assert cancel.status_code == 409
    assert cancel.json["error"] == "checked_in"
    move = api(pole.alice).patch(
        f"/api/v1/bookings/{trip}", json={"end": z(END + timedelta(hours=1))}
    )
    assert move.status_code == 409
    assert move.json["error"] == "checked_in"
    booking = stored(trip)
    assert (booking.status, booking.end_at) == ("confirmed", END.astimezone(UTC))


def test_returned_booking_cannot_be_cancelled(api, pole, trip, pinned_clock):
    pinned_clock.move_to(START)
    assert check_in(api(pole.alice), trip).status_code == 200
    pinned_clock.move_to(START + timedelta(hours=1))
    assert check_out(api(pole.alice), trip).status_code == 200
    cancel = api(pole.coordinator).post(f"/api/v1/bookings/{trip}/cancel", json={})
    assert cancel.status_code == 409
    assert stored(trip).status == "confirmed"


def test_early_check_out_frees_the_rest_of_the_slot(api, pole, van, trip, pinned_clock):
    later = {
        "resource_id": van.id,
        "start": z(START + timedelta(hours=2)),
        "end": z(END),
        "title": "Déménagement",
    }
    assert api(pole.bob).post("/api/v1/bookings", json=later).status_code == 409
    pinned_clock.move_to(START)
    assert check_in(api(pole.alice), trip).status_code == 200
    pinned_clock.move_to(START + timedelta(hours=1, minutes=30))
    assert check_out(api(pole.alice), trip).status_code == 200
    window = f"start={z(START)}&end={z(END)}"
    answer = api(pole.bob).get(f"/api/v1/resources/{van.id}/availability?{window}").json
    spans = answer["intervals"]
    assert spans[-1]["end"] == z(END) and spans[-1]["available_quantity"] == 1, spans
    booked = api(pole.bob).post("/api/v1/bookings", json=later)
    assert booked.status_code == 201, booked.json
    # The returned van and the new trip never count twice: the invariant check agrees.
    assert over_capacity() == []


def test_check_in_too_early_from_the_page_changes_nothing(
    pole, login, trip, pinned_clock, token_of
):
    pinned_clock.move_to(START - timedelta(hours=3))
    client = login(pole.alice)
    page = f"/bookings/{trip}"
    html = client.get(page).get_data(as_text=True)
    assert f"{page}/check-in" not in html
    token = token_of(client, page)
    response = client.post(f"{page}/check-in", data={"csrf_token": token}, follow_redirects=True)
    assert "Une prise en charge est possible" in response.get_data(as_text=True)
    assert stored(trip).checked_in_at is None


def test_page_shows_check_in_then_check_out_and_hides_cancel(
    pole, login, trip, pinned_clock, token_of
):
    pinned_clock.move_to(START - timedelta(minutes=30))
    client = login(pole.alice)
    page = f"/bookings/{trip}"
    html = client.get(page).get_data(as_text=True)
    assert f"{page}/check-in" in html and f"{page}/cancel" in html
    # Bob's organisation did not book it: no button for him.
    assert f"{page}/check-in" not in login(pole.bob).get(page).get_data(as_text=True)
    client.post(f"{page}/check-in", data={"csrf_token": token_of(client, page)})
    html = client.get(page).get_data(as_text=True)
    assert f"{page}/check-out" in html
    assert f"{page}/check-in" not in html and f'action="{page}/cancel"' not in html
    pinned_clock.move_to(START + timedelta(hours=1))
    client = login(pole.alice)
    client.post(f"{page}/check-out", data={"csrf_token": token_of(client, page)})
    html = client.get(page).get_data(as_text=True)
    assert f"{page}/check-out" not in html
    assert stored(trip).checked_out_at is not None


def test_room_without_check_in_shows_no_check_in_button(api, pole, login, pinned_clock):
    response = api(pole.alice).post(
        "/api/v1/bookings",
        json={"resource_id": pole.room.id, "start": z(START), "end": z(END), "title": "AG"},
    )
    pinned_clock.move_to(START)
    page = f"/bookings/{response.json['id']}"
    assert f"{page}/check-in" not in login(pole.alice).get(page).get_data(as_text=True)


# ---------------------------------------------------------------- approval


def test_approving_a_booking_whose_units_were_taken_meanwhile_is_a_conflict(api, pole):
    pending = api(pole.bob).post(
        "/api/v1/bookings",
        json={"resource_id": pole.workshop.id, "start": z(START), "end": z(END), "title": "Tour"},
    )
    assert pending.json["status"] == "pending"
    # The workshop's own calendar now says it is busy then (synchronised meanwhile).
    calendar = ExternalCalendar(resource_id=pole.workshop.id, url="https://example.org/a.ics")
    db.session.add(calendar)
    db.session.flush()
    db.session.add(
        ExternalBusyTime(
            calendar_id=calendar.id,
            resource_id=pole.workshop.id,
            start_at=START + timedelta(hours=1),
            end_at=START + timedelta(hours=2),
        )
    )
    db.session.commit()
    refused = api(pole.scop_referent).post(f"/api/v1/bookings/{pending.json['id']}/approve")
    assert refused.status_code == 409
    assert refused.json["conflicts"][0]["start"] == z(START)
    assert stored(pending.json["id"]).status == "pending"


def test_cancelling_a_series_keeps_the_occurrence_already_checked_in(api, pole, van, pinned_clock):
    created = api(pole.alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": van.id,
            "start": z(START),
            "end": z(END),
            "title": "Tournée",
            "recurrence": "FREQ=DAILY;COUNT=3",
        },
    )
    assert created.status_code == 201, created.json
    first, *others = [item["id"] for item in created.json["items"]]
    pinned_clock.move_to(START)
    assert check_in(api(pole.alice), first).status_code == 200
    cancelled = api(pole.alice).post(f"/api/v1/series/{created.json['series_id']}/cancel", json={})
    assert cancelled.status_code == 200
    assert sorted(b["id"] for b in cancelled.json["cancelled"]) == sorted(others)
    assert stored(first).status == "confirmed"
