"""Closing from the pages: the bookings a closure hits are shown first (who, what, when), and
the coordinator cancels them (their bookers are told) or keeps them; removing frees the time.

Dates are computed from today (two weeks ahead); the resource stays open on public holidays.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as calendar
import pytest
from sqlalchemy import func, select

from pooling.bookings import services as bookings
from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.notifications.models import Notification
from pooling.resources.models import Closure
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_organisation, make_resource, make_user
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def scene(app, login):
    class Scene:
        pass

    s = Scene()
    s.day = date.today() + timedelta(days=14)
    s.coordinator_user = make_coordinator(name="Camille", locale="en")
    s.coordinator = login(s.coordinator_user)
    s.jardins = make_organisation("Les Jardins", slug="jardins")
    s.alice = make_user(s.jardins, name="Alice Martin", locale="en")
    s.room = make_resource(
        "Salle Jaurès", rules={"opening_hours": SEVEN_DAYS, "closed_on_public_holidays": False}
    )
    start = datetime.combine(s.day, time(9), tzinfo=PARIS)
    s.booking = bookings.create_booking(
        s.alice,
        bookings.BookingRequest(
            resource_id=s.room.id,
            start=start,
            end=start + timedelta(hours=2),
            title="Assemblée des jardiniers",
        ),
    ).bookings[0]
    db.session.commit()
    return s


def closure_form(scene, url, **extra) -> dict:
    return {
        "csrf_token": csrf_token(scene.coordinator, url),
        "start_on": scene.day.isoformat(),
        "end_on": scene.day.isoformat(),
        "reason": "Dégât des eaux",
        **extra,
    }


def status_of(booking) -> str:
    db.session.expire_all()
    return db.session.get(Booking, booking.id).status


def test_closing_over_a_booking_first_shows_who_what_and_when(scene):
    url = f"/resources/{scene.room.id}"

    response = scene.coordinator.post(f"{url}/closures", data=closure_form(scene, url))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This closure hits bookings" in page
    assert "Alice Martin" in page and "Les Jardins" in page
    assert "Assemblée des jardiniers" in page
    assert 'name="decision" value="cancel"' in page and 'name="decision" value="keep"' in page
    assert db.session.scalar(select(func.count(Closure.id))) == 0
    assert status_of(scene.booking) == "confirmed"


def test_choosing_to_cancel_cancels_with_the_reason_and_tells_the_booker(scene):
    url = f"/resources/{scene.room.id}"

    response = scene.coordinator.post(
        f"{url}/closures", data=closure_form(scene, url, decision="cancel")
    )

    assert response.status_code == 302
    assert status_of(scene.booking) == "cancelled"
    assert db.session.get(Booking, scene.booking.id).cancel_reason == "Dégât des eaux"
    note = db.session.scalar(select(Notification).where(Notification.user_id == scene.alice.id))
    assert note.kind == "booking_cancelled_closure"
    inbox = scene.coordinator.application.test_client(user=scene.alice).get("/inbox/")
    assert "Dégât des eaux" in inbox.get_data(as_text=True)
    assert "1 booking is cancelled" in scene.coordinator.get(url).get_data(as_text=True)


def test_choosing_to_keep_closes_and_leaves_the_booking(scene):
    url = f"/resources/{scene.room.id}"

    response = scene.coordinator.post(
        f"{url}/closures", data=closure_form(scene, url, decision="keep")
    )

    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Closure.id))) == 1
    assert status_of(scene.booking) == "confirmed"


def test_pole_closure_over_a_booking_asks_first_too(scene):
    response = scene.coordinator.post(
        "/resources/closures", data=closure_form(scene, "/resources/closures")
    )

    assert response.status_code == 200
    assert "Closing the whole pole" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Closure.id))) == 0


def test_removing_the_closure_frees_the_time(scene):
    url = f"/resources/{scene.room.id}"
    scene.coordinator.post(f"{url}/closures", data=closure_form(scene, url, decision="cancel"))
    closure = db.session.scalar(select(Closure))

    response = scene.coordinator.post(
        f"/resources/closures/{closure.id}/delete",
        data={"csrf_token": csrf_token(scene.coordinator, url), "next": url},
    )

    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Closure.id))) == 0
    start = datetime.combine(scene.day, time(9), tzinfo=PARIS)
    again = bookings.create_booking(
        scene.alice,
        bookings.BookingRequest(
            resource_id=scene.room.id, start=start, end=start + timedelta(hours=1), title="Atelier"
        ),
    )
    assert again.bookings[0].status == "confirmed"


def test_resource_page_and_pole_closures_list_the_coming_public_holidays(app, scene, login):
    app.config["POOLING_HOLIDAYS"] = "FR"
    today = date.today()
    coming = sorted(
        (day, name)
        for year in (today.year, today.year + 1)
        for day, name in calendar.country_holidays("FR", years=year, language="en_US").items()
        if today <= day < today + timedelta(days=110)
    )
    member = login(scene.alice)
    van = make_resource("Camion", kind="equipment")

    page = member.get(f"/resources/{van.id}").get_data(as_text=True)

    assert coming, "France has a public holiday in any 110 days"
    assert coming[0][1] in page
    assert coming[0][1] not in member.get(f"/resources/{scene.room.id}").get_data(as_text=True)
    assert coming[0][1] in scene.coordinator.get("/resources/closures").get_data(as_text=True)
