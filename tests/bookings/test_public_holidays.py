"""Public holidays close resources (unless a resource stays open), and booking errors say why.

Dates are computed from today: the next 25 December, the next Good Friday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.easter import easter
from sqlalchemy import func, select

from pooling.bookings.models import Booking
from pooling.core.actors import SYSTEM
from pooling.extensions import db
from pooling.resources.services import create_closure
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def french_holidays(app):
    """The default calendar of a pole (the test configuration has none)."""
    app.config["POOLING_HOLIDAYS"] = "FR"


def next_day_matching(pick) -> date:
    """The first date from tomorrow on given by ``pick(year)``."""
    tomorrow = date.today() + timedelta(days=1)
    for year in (tomorrow.year, tomorrow.year + 1):
        day = pick(year)
        if day >= tomorrow:
            return day
    raise AssertionError("no date found")


def local(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), tzinfo=PARIS).isoformat()


def book(client, resource, day: date, start_hour=10, end_hour=12):
    return client.post(
        "/api/v1/bookings",
        json={
            "resource_id": resource.id,
            "start": local(day, start_hour),
            "end": local(day, end_hour),
            "title": "Livraison",
        },
    )


def van(**rules):
    return make_resource(
        "Camion",
        kind="equipment",
        rules={"opening_hours": SEVEN_DAYS, "max_advance_days": 800, **rules},
    )


def count_bookings() -> int:
    return db.session.scalar(select(func.count(Booking.id)))


def test_booking_on_christmas_day_is_refused_naming_the_holiday(api, pole):
    christmas = next_day_matching(lambda year: date(year, 12, 25))

    response = book(api(pole.alice), van(), christmas)

    assert response.status_code == 422, response.json
    assert response.json["error"] == "public_holiday"
    assert response.json["message"] == "Fermé\u00a0: Noël (jour férié)."
    assert count_bookings() == 0


def test_holiday_is_named_in_english_for_an_english_reader(api, pole):
    christmas = next_day_matching(lambda year: date(year, 12, 25))

    english = (
        api(pole.alice)
        .post(
            "/api/v1/bookings",
            json={
                "resource_id": van().id,
                "start": local(christmas, 10),
                "end": local(christmas, 12),
                "title": "Delivery",
            },
            headers={"Accept-Language": "en"},
        )
        .json
    )
    assert english["message"] == "Closed: Christmas Day (public holiday)."


def test_resource_open_on_public_holidays_takes_a_christmas_booking(api, pole):
    christmas = next_day_matching(lambda year: date(year, 12, 25))
    resource = van(closed_on_public_holidays=False)

    response = book(api(pole.alice), resource, christmas)

    assert response.status_code == 201, response.json
    shown = api(pole.coordinator).get(f"/api/v1/resources/{resource.id}").json
    assert shown["rules"]["closed_on_public_holidays"] is False


def test_good_friday_is_a_holiday_in_moselle_only(app, api, pole):
    good_friday = next_day_matching(lambda year: easter(year) - timedelta(days=2))
    resource = van()

    open_day = book(api(pole.alice), resource, good_friday)
    assert open_day.status_code == 201, open_day.json

    app.config["POOLING_HOLIDAYS"] = "FR-57"
    refused = book(api(pole.bob), resource, good_friday, 14, 16)
    assert refused.status_code == 422
    assert refused.json["message"] == "Fermé\u00a0: Vendredi saint (jour férié)."


def test_availability_shows_the_holiday_as_closed(api, pole):
    christmas = next_day_matching(lambda year: date(year, 12, 25))
    resource = van()

    body = (
        api(pole.alice)
        .get(
            f"/api/v1/resources/{resource.id}/availability",
            query_string={"start": local(christmas, 0), "end": local(christmas, 23)},
        )
        .json
    )

    assert [i["available_quantity"] for i in body["intervals"]] == [0]
    assert body["intervals"][0]["reason"] == {"kind": "holiday", "text": "Noël (jour férié)"}


def test_free_resource_search_leaves_out_resources_closed_on_the_holiday(api, pole):
    christmas = next_day_matching(lambda year: date(year, 12, 25))
    closed = van()
    open_ = make_resource(
        "Camion de garde",
        kind="equipment",
        rules={
            "opening_hours": SEVEN_DAYS,
            "max_advance_days": 800,
            "closed_on_public_holidays": False,
        },
    )

    items = (
        api(pole.alice)
        .get(
            "/api/v1/resources",
            query_string={
                "kind": "equipment",
                "available_start": local(christmas, 10),
                "available_end": local(christmas, 12),
            },
        )
        .json["items"]
    )

    ids = {item["id"] for item in items}
    assert open_.id in ids
    assert closed.id not in ids


def test_closure_error_gives_its_reason(api, pole):
    day = date.today() + timedelta(days=3)
    resource = van(closed_on_public_holidays=False)
    create_closure(
        SYSTEM,
        resource.id,
        datetime.combine(day, time(0), tzinfo=PARIS),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS),
        "Dégât des eaux",
    )
    db.session.commit()

    response = book(api(pole.alice), resource, day)

    assert response.status_code == 422
    assert response.json["error"] == "closure"
    assert response.json["message"] == "Fermé\u00a0: Dégât des eaux (fermeture)."


def test_out_of_hours_error_gives_the_hours_of_that_day(api, pole):
    day = date.today() + timedelta(days=7)
    resource = make_resource(
        "Salle du conseil",
        rules={
            "opening_hours": {d: [["09:00", "12:00"]] for d in SEVEN_DAYS},
            "closed_on_public_holidays": False,
        },
    )

    response = book(api(pole.alice), resource, day, 11, 13)

    assert response.status_code == 422
    assert response.json["error"] == "opening_hours"
    assert "tous les jours 9\u00a0h–12\u00a0h" in response.json["message"]
