"""The booking form says why the time is unavailable: the public holiday by its name, the
closure with its reason. Dates are computed from today (the next 25 December)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pooling.core.actors import SYSTEM
from pooling.core.time import local_day_bounds
from pooling.extensions import db
from pooling.resources.services import create_closure
from tests.bookings.test_booking_form import _count, _form
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

pytestmark = pytest.mark.pole("booking_pages")


@pytest.fixture(autouse=True)
def french_holidays(app):
    app.config["POOLING_HOLIDAYS"] = "FR"


def next_christmas() -> date:
    tomorrow = date.today() + timedelta(days=1)
    christmas = date(tomorrow.year, 12, 25)
    return christmas if christmas >= tomorrow else date(tomorrow.year + 1, 12, 25)


def test_booking_form_names_the_public_holiday(pole, login, post_form):
    van = make_resource("Camion", kind="equipment", rules={"opening_hours": SEVEN_DAYS})
    client = login(pole.alice)

    response = post_form(
        client, "/bookings/new", _form(van, next_christmas().isoformat(), "10:00", "12:00")
    )

    assert response.status_code == 422
    assert "Fermé\u00a0: Noël (jour férié)." in response.get_data(as_text=True)
    assert _count() == 0


def test_booking_form_gives_the_closure_reason(pole, login, post_form):
    van = make_resource(
        "Camion",
        kind="equipment",
        rules={"opening_hours": SEVEN_DAYS, "closed_on_public_holidays": False},
    )
    day = date.today() + timedelta(days=10)
    create_closure(SYSTEM, van.id, *local_day_bounds(day), "Contrôle technique")
    db.session.commit()

    response = post_form(
        login(pole.alice), "/bookings/new", _form(van, day.isoformat(), "10:00", "12:00")
    )

    assert response.status_code == 422
    assert "Contrôle technique" in response.get_data(as_text=True)
    assert _count() == 0
