"""The planning grid page: resources x days or hours, free / partly taken / taken / closed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import event

from pooling.calendar import queries
from pooling.calendar.models import ExternalBusyTime, ExternalCalendar
from pooling.extensions import db
from tests.calendar.page_helpers import book, close_pole, paris, planning_table
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("calendar_pages"),
]

WEEK = "/calendar/planning?view=week&date=2027-01-13"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def states(table, name):
    return dict(zip(WEEKDAYS, [cell["state"] for cell in table.rows[name]], strict=True))


def test_week_grid_shows_each_day_as_free_partly_taken_taken_or_closed(login, pole):
    book(pole.bob, pole.jaures, "2027-01-12 14:00", "2027-01-12 16:00")
    book(pole.bob, pole.michel, "2027-01-13 08:00", "2027-01-13 19:00")
    close_pole(pole.coordinator, "2027-01-14 00:00", "2027-01-15 00:00")

    response = login(pole.alice).get(WEEK)

    assert response.status_code == 200
    table = planning_table(response.get_data(as_text=True))
    assert len(table.headers) == 8
    assert states(table, "Salle Jaurès") == {
        "mon": "free",
        "tue": "partial",
        "wed": "free",
        "thu": "closed",
        "fri": "free",
        "sat": "closed",
        "sun": "closed",
    }
    assert states(table, "Salle Louise Michel")["wed"] == "taken"
    tuesday = table.rows["Salle Jaurès"][1]
    assert "Partly taken" in tuesday["text"]
    assert "Closed" in table.rows["Salle Jaurès"][3]["text"]


def test_equipment_cell_shows_the_units_left(login, pole):
    book(pole.bob, pole.projectors, "2027-01-13 09:00", "2027-01-13 12:00", quantity=3)

    table = planning_table(login(pole.alice).get(WEEK).get_data(as_text=True))

    wednesday = table.rows["Vidéoprojecteur"][2]
    assert wednesday["state"] == "partial"
    assert "2 free" in wednesday["text"]
    assert "5 free" in table.rows["Vidéoprojecteur"][0]["text"]


def test_busy_time_of_an_external_calendar_takes_the_resource(login, pole):
    calendar = ExternalCalendar(resource_id=pole.jaures.id, url="https://example.org/agenda.ics")
    calendar.busy_times.append(
        ExternalBusyTime(
            resource_id=pole.jaures.id,
            start_at=paris("2027-01-15 08:00"),
            end_at=paris("2027-01-15 19:00"),
        )
    )
    db.session.add(calendar)
    db.session.commit()

    table = planning_table(login(pole.alice).get(WEEK).get_data(as_text=True))

    assert states(table, "Salle Jaurès")["fri"] == "taken"
    assert states(table, "Salle Louise Michel")["fri"] == "free"


def test_free_cells_link_to_the_prefilled_booking_form_and_closed_ones_do_not(login, pole):
    book(pole.bob, pole.jaures, "2027-01-12 08:00", "2027-01-12 10:00")
    close_pole(pole.coordinator, "2027-01-14 00:00", "2027-01-15 00:00")

    table = planning_table(login(pole.alice).get(WEEK).get_data(as_text=True))

    tuesday = table.rows["Salle Jaurès"][1]
    link = urlparse(tuesday["href"])
    assert link.path == "/bookings/new"
    assert parse_qs(link.query) == {
        "resource_id": [str(pole.jaures.id)],
        "start": ["2027-01-12T10:00"],
        "end": ["2027-01-12T11:00"],
    }
    assert table.rows["Salle Jaurès"][3]["href"] is None
    assert table.rows["Salle Jaurès"][5]["href"] is None


def test_day_view_cuts_the_day_into_hours(login, pole):
    book(pole.bob, pole.jaures, "2027-01-12 14:00", "2027-01-12 16:00")

    response = login(pole.alice).get("/calendar/planning?view=day&date=2027-01-12")

    table = planning_table(response.get_data(as_text=True))
    assert table.headers[1:] == [f"{hour:02d}:00" for hour in range(7, 21)]
    by_hour = dict(zip(range(7, 21), table.rows["Salle Jaurès"], strict=True))
    assert by_hour[7]["state"] == "closed"
    assert by_hour[13]["state"] == "free"
    assert by_hour[14]["state"] == "taken"
    assert by_hour[15]["state"] == "taken"
    assert by_hour[19]["state"] == "closed"
    assert parse_qs(urlparse(by_hour[16]["href"]).query)["start"] == ["2027-01-12T16:00"]
    assert parse_qs(urlparse(by_hour[16]["href"]).query)["end"] == ["2027-01-12T17:00"]
    assert by_hour[14]["href"] is None


def test_week_of_the_autumn_clock_change_keeps_local_days(login, pole):
    van = make_resource("Accueil", kind="staff", opening_hours=SEVEN_DAYS, max_advance_days=800)
    # Sunday 31 October 2027: the clocks go back at 03:00 (CEST -> CET), a 25-hour day.
    book(pole.bob, van, "2027-10-31 10:00", "2027-10-31 12:00")
    book(pole.bob, pole.jaures, "2027-10-29 17:00", "2027-10-29 19:00")
    close_pole(pole.coordinator, "2027-10-26 00:00", "2027-10-27 00:00")

    response = login(pole.alice).get("/calendar/planning?view=week&date=2027-10-28")

    table = planning_table(response.get_data(as_text=True))
    assert states(table, "Accueil") == {
        "mon": "free",
        "tue": "closed",
        "wed": "free",
        "thu": "free",
        "fri": "free",
        "sat": "free",
        "sun": "partial",
    }
    assert states(table, "Salle Jaurès")["fri"] == "partial"
    assert states(table, "Salle Jaurès")["tue"] == "closed"
    sunday = parse_qs(urlparse(table.rows["Accueil"][6]["href"]).query)
    assert sunday["start"] == ["2027-10-31T00:00"]


def test_day_view_of_the_autumn_change_shows_the_doubled_hour_once(login, pole):
    make_resource("Accueil", kind="staff", opening_hours=SEVEN_DAYS, max_advance_days=800)

    response = login(pole.alice).get("/calendar/planning?view=day&date=2027-10-31&kind=staff")

    table = planning_table(response.get_data(as_text=True))
    assert table.headers[1:] == [f"{hour:02d}:00" for hour in range(24)]
    assert list(table.rows) == ["Accueil"]


def test_filters_keep_the_resources_of_a_kind_capacity_and_site(login, pole):
    client = login(pole.alice)

    by_kind = planning_table(client.get(WEEK + "&kind=equipment").get_data(as_text=True))
    by_capacity = planning_table(client.get(WEEK + "&capacity_min=10").get_data(as_text=True))
    by_site = planning_table(
        client.get(WEEK + "&site=Maison+des+associations").get_data(as_text=True)
    )

    assert list(by_kind.rows) == ["Vidéoprojecteur"]
    assert sorted(by_capacity.rows) == ["Salle Jaurès", "Salle Louise Michel"]
    assert sorted(by_site.rows) == ["Petite salle", "Salle Jaurès"]


def test_previous_and_next_week_links_move_by_seven_days(login, pole):
    html = login(pole.alice).get(WEEK + "&kind=premises").get_data(as_text=True)

    assert 'href="/calendar/planning?view=week&amp;date=2027-01-04&amp;kind=premises"' in html
    assert 'href="/calendar/planning?view=week&amp;date=2027-01-18&amp;kind=premises"' in html


def test_today_is_highlighted_in_words_too(login, pole):
    html = login(pole.alice).get("/calendar/planning").get_data(as_text=True)

    assert 'aria-current="date"' in html
    assert "(today)" in html


def test_inactive_resources_are_not_in_the_planning(login, pole):
    make_resource("Ancienne salle", active=False)

    table = planning_table(login(pole.alice).get(WEEK).get_data(as_text=True))

    assert "Ancienne salle" not in table.rows
    assert "Salle Jaurès" in table.rows


def test_grid_data_takes_the_same_number_of_queries_for_more_resources(app, pole):
    def count(actor):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            queries.planning_grid(actor, queries.PlanningFilter(view="week"))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = count(pole.alice)
    for n in range(5):
        make_resource(f"Salle {n}", max_advance_days=800)
    db.session.expire_all()

    assert before > 0
    assert count(pole.alice) == before
