"""The planning grid says why time is closed: public holiday, closure and reason, opening hours.

Dates are computed from today (the next 25 December), so the test runs on any date.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pooling.calendar.models import ExternalBusyTime, ExternalCalendar
from pooling.extensions import db
from pooling.resources import services as resources
from tests.calendar.page_helpers import paris, planning_table
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

pytestmark = pytest.mark.pole("calendar_pages")


@pytest.fixture(autouse=True)
def french_holidays(app):
    """The default calendar of a pole (the test configuration has none)."""
    app.config["POOLING_HOLIDAYS"] = "FR"


def next_christmas() -> date:
    tomorrow = date.today() + timedelta(days=1)
    christmas = date(tomorrow.year, 12, 25)
    return christmas if christmas >= tomorrow else date(tomorrow.year + 1, 12, 25)


def cell_of(table, name: str, day: date, week_of: date) -> dict:
    return table.rows[name][(day - (week_of - timedelta(days=week_of.weekday()))).days]


def test_planning_names_the_holiday_the_closure_and_closed_hours(login, pole):
    christmas = next_christmas()
    monday = christmas - timedelta(days=christmas.weekday())
    van = make_resource(
        "Camion de garde",
        kind="equipment",
        rules={"opening_hours": SEVEN_DAYS, "closed_on_public_holidays": False},
    )
    other_day = monday if christmas != monday else monday + timedelta(days=1)
    resources.create_closure(
        pole.coordinator,
        pole.michel.id,
        paris(f"{other_day} 00:00"),
        paris(f"{other_day + timedelta(days=1)} 00:00"),
        "Water damage",
    )
    db.session.commit()

    page = login(pole.alice).get(f"/calendar/planning?view=week&date={christmas}")

    table = planning_table(page.get_data(as_text=True))
    jaures = cell_of(table, "Salle Jaurès", christmas, christmas)
    assert jaures["state"] == "closed"
    assert "Christmas Day (public holiday)" in jaures["text"]
    assert cell_of(table, "Camion de garde", christmas, christmas)["state"] == "free"
    assert van.closed_on_public_holidays is False
    michel = cell_of(table, "Salle Louise Michel", other_day, christmas)
    assert michel["state"] == "closed"
    assert "Closure: Water damage" in michel["text"]
    sunday = monday + timedelta(days=6)
    if sunday != christmas:
        assert "Outside opening hours" in cell_of(table, "Salle Jaurès", sunday, christmas)["text"]


def test_planning_says_when_the_external_calendar_holds_the_resource(login, pole):
    day = date.today() + timedelta(days=14)
    room = make_resource(
        "Salle du jardin", rules={"opening_hours": SEVEN_DAYS, "closed_on_public_holidays": False}
    )
    calendar = ExternalCalendar(resource_id=room.id, url="https://example.org/busy.ics")
    db.session.add(calendar)
    db.session.flush()
    db.session.add(
        ExternalBusyTime(
            calendar_id=calendar.id,
            resource_id=room.id,
            start_at=paris(f"{day} 00:00"),
            end_at=paris(f"{day + timedelta(days=1)} 00:00"),
        )
    )
    db.session.commit()

    page = login(pole.alice).get(f"/calendar/planning?view=week&date={day}")

    cell = cell_of(planning_table(page.get_data(as_text=True)), "Salle du jardin", day, day)
    assert cell["state"] == "taken"
    assert "Busy in the external calendar" in cell["text"]


def test_booking_refused_for_the_external_calendar_says_so(api, pole):
    day = date.today() + timedelta(days=14)
    room = make_resource(
        "Salle du jardin", rules={"opening_hours": SEVEN_DAYS, "closed_on_public_holidays": False}
    )
    calendar = ExternalCalendar(resource_id=room.id, url="https://example.org/busy.ics")
    calendar.busy_times.append(
        ExternalBusyTime(
            resource_id=room.id,
            start_at=paris(f"{day} 09:00"),
            end_at=paris(f"{day} 12:00"),
        )
    )
    db.session.add(calendar)
    db.session.commit()

    response = api(pole.alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": room.id,
            "start": paris(f"{day} 10:00").isoformat(),
            "end": paris(f"{day} 11:00").isoformat(),
            "title": "Réunion",
        },
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 409
    assert response.json["message"] == (
        "This time is busy in the external calendar of Salle du jardin."
    )
