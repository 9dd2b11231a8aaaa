"""Shared staff: contract hours are opening hours, leave is a closure, the person sees their schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pooling.bookings import queries as booking_queries
from pooling.bookings import services
from pooling.core.actors import SYSTEM
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from pooling.resources.services import create_closure
from tests.factories import make_organisation, make_resource, make_user


def _next_weekday(weekday: int) -> datetime:
    today = datetime.now(pole_tz()).date()
    return datetime.combine(
        today + timedelta(days=(weekday - today.weekday()) % 7 + 7), datetime.min.time()
    )


def test_staff_member_sees_who_booked_their_time_and_their_leave_blocks_bookings(app, login, api):
    pole = make_organisation("Pôle")
    sophie = make_user(pole, name="Sophie Comptable")
    accountant = make_resource(
        "Comptable partagée",
        kind="staff",
        staff_user_id=sophie.id,
        opening_hours={"tue": [["09:00", "12:30"], ["13:30", "17:00"]]},
    )
    jardins = make_organisation("Les Jardins")
    alice = make_user(jardins, name="Alice")
    tuesday = _next_weekday(1)
    start = local_to_utc(tuesday.replace(hour=9))
    end = local_to_utc(tuesday.replace(hour=11))
    created = api(alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": accountant.id,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "title": "Paie de décembre",
        },
    )
    assert created.status_code == 201
    # Outside contract hours (the lunch break) is refused.
    lunch = api(alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": accountant.id,
            "start": local_to_utc(tuesday.replace(hour=12)).isoformat(),
            "end": local_to_utc(tuesday.replace(hour=14)).isoformat(),
        },
    )
    assert lunch.status_code == 422 and lunch.json["error"] == "opening_hours"
    # Leave is a closure of the resource.
    next_week = tuesday + timedelta(days=7)
    create_closure(
        SYSTEM,
        accountant.id,
        local_to_utc(next_week),
        local_to_utc(next_week + timedelta(days=1)),
        "Congés",
    )
    db.session.commit()
    leave = api(alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": accountant.id,
            "start": local_to_utc(next_week.replace(hour=9)).isoformat(),
            "end": local_to_utc(next_week.replace(hour=10)).isoformat(),
        },
    )
    assert leave.status_code == 422 and leave.json["error"] == "closure"

    page = login(sophie).get("/bookings/schedule")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Paie de décembre" in text
    assert "Les Jardins" in text
    assert 'href="/bookings/schedule"' in text  # the menu offers it to staff members


def test_people_who_are_not_shared_staff_have_no_schedule_page(app, login):
    person = make_user(make_organisation())
    response = login(person).get("/bookings/schedule")
    assert response.status_code == 404
    assert 'href="/bookings/schedule"' not in login(person).get("/").get_data(as_text=True)


def test_staff_schedule_lists_only_holding_bookings_in_the_window(app):
    organisation = make_organisation()
    karim = make_user(organisation)
    officer = make_resource(
        "Chargé de communication", kind="staff", staff_user_id=karim.id, max_advance_days=800
    )
    booker = make_user(organisation)
    day = _next_weekday(2)
    result = services.create_booking(
        booker,
        services.BookingRequest(
            resource_id=officer.id,
            start=local_to_utc(day.replace(hour=9)),
            end=local_to_utc(day.replace(hour=10)),
            recurrence="FREQ=WEEKLY;COUNT=3",
        ),
    )
    services.cancel_booking(booker, result.bookings[1].id)
    db.session.commit()
    now = datetime.now(UTC)
    schedule = booking_queries.staff_schedule(karim, now, now + timedelta(days=60))
    assert [b.id for b in schedule] == [result.bookings[0].id, result.bookings[2].id]


def test_resource_api_and_form_carry_the_staff_person(app, api, login):
    from tests.factories import make_coordinator

    coordinator = make_coordinator()
    person = make_user(make_organisation(), name="Karim")
    created = api(coordinator).post(
        "/api/v1/resources",
        json={"name": "Communication", "kind": "staff", "staff_user_id": person.id},
    )
    assert created.status_code == 201 and created.json["staff_user_id"] == person.id
    refused = api(coordinator).post(
        "/api/v1/resources", json={"name": "Fantôme", "kind": "staff", "staff_user_id": 999999}
    )
    assert refused.status_code == 422 and "staff_user_id" in refused.json["fields"]
    form = login(coordinator).get(f"/resources/{created.json['id']}/edit").get_data(as_text=True)
    assert (
        f'<option selected value="{person.id}">' in form or f'value="{person.id}" selected' in form
    )
