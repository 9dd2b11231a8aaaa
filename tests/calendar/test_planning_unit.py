"""The planning grid computation on plain values (no application, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pooling.bookings.availability import Closed, Taken
from pooling.calendar import planning
from tests.world import ALWAYS_OPEN as ALWAYS

PARIS = ZoneInfo("Europe/Paris")
OFFICE = {day: [["08:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
BEFORE = datetime(2026, 1, 1, tzinfo=UTC)
ROOM = planning.PlannedResource(id=1, name="Salle Jaurès", opening_hours=OFFICE, capacity=12)
PROJECTORS = planning.PlannedResource(id=2, name="Projectors", quantity=5, opening_hours=OFFICE)
DESK = planning.PlannedResource(id=3, name="Accueil", kind="staff", opening_hours=ALWAYS)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS).astimezone(UTC)


def held(resource, start, end, quantity=1):
    return (resource.id, Taken(at(start), at(end), quantity))


def week(resources, bookings=(), closures=(), day=date(2027, 1, 13), now=BEFORE):
    columns = planning.week_columns(day, PARIS, now)
    return planning.build_grid(resources, columns, bookings, closures, PARIS, now)


def test_week_runs_monday_to_sunday_in_local_days():
    columns = planning.week_columns(date(2027, 1, 14), PARIS, BEFORE)

    assert [c.day for c in columns] == [date(2027, 1, d) for d in range(11, 18)]
    assert columns[0].start == datetime(2027, 1, 10, 23, tzinfo=UTC)
    assert columns[-1].end == datetime(2027, 1, 17, 23, tzinfo=UTC)


def test_room_with_an_afternoon_booking_is_partly_taken_that_day_only():
    (row,) = week([ROOM], [held(ROOM, "2027-01-12 14:00", "2027-01-12 16:00")])

    assert [c.state for c in row.cells] == [
        "free", "partial", "free", "free", "free", "closed", "closed"
    ]  # fmt: skip


def test_pole_closure_day_is_closed_and_not_bookable():
    closure = (None, Closed(at("2027-01-14 00:00"), at("2027-01-15 00:00")))

    (row,) = week([ROOM], closures=[closure])

    assert row.cells[3].state == "closed"
    assert not row.cells[3].bookable


def test_a_closure_of_another_resource_leaves_this_one_open():
    closure = (PROJECTORS.id, Closed(at("2027-01-14 00:00"), at("2027-01-15 00:00")))

    room, projectors = week([ROOM, PROJECTORS], closures=[closure])

    assert room.cells[3].state == "free"
    assert projectors.cells[3].state == "closed"


def test_equipment_with_three_of_five_units_taken_has_two_free():
    (row,) = week([PROJECTORS], [held(PROJECTORS, "2027-01-13 09:00", "2027-01-13 12:00", 3)])

    wednesday = row.cells[2]
    assert wednesday.state == "partial"
    assert (wednesday.free_min, wednesday.free_max) == (2, 5)
    assert row.cells[0].free_min == 5


def test_booked_for_the_whole_opening_hours_is_taken():
    (row,) = week([ROOM], [held(ROOM, "2027-01-13 07:00", "2027-01-13 20:00")])

    assert row.cells[2].state == "taken"
    assert not row.cells[2].bookable


def test_booking_outside_opening_hours_does_not_make_a_day_partly_taken():
    (row,) = week([DESK, ROOM], [held(ROOM, "2027-01-13 06:00", "2027-01-13 08:00")])[1:]

    assert row.cells[2].state == "free"


def test_booking_link_starts_at_the_first_free_moment_and_lasts_an_hour():
    (row,) = week([ROOM], [held(ROOM, "2027-01-12 08:00", "2027-01-12 09:30")])

    tuesday = row.cells[1]
    assert (tuesday.book_start, tuesday.book_end) == (
        datetime(2027, 1, 12, 9, 30),
        datetime(2027, 1, 12, 10, 30),
    )


def test_booking_link_lasts_the_minimum_duration_when_longer():
    half_day = planning.PlannedResource(
        id=4, name="Comptable", opening_hours=OFFICE, min_duration_minutes=240
    )

    (row,) = week([half_day])

    assert (row.cells[0].book_start, row.cells[0].book_end) == (
        datetime(2027, 1, 11, 8, 0),
        datetime(2027, 1, 11, 12, 0),
    )


def test_past_time_is_not_offered_for_booking():
    now = at("2027-01-12 10:07")

    (row,) = week([ROOM], now=now)

    assert not row.cells[0].bookable
    assert row.cells[1].book_start == datetime(2027, 1, 12, 10, 15)
    assert row.cells[1].state == "free"


def test_today_is_the_current_column():
    columns = planning.week_columns(date(2027, 1, 13), PARIS, at("2027-01-13 23:30"))

    assert [c.current for c in columns] == [False, False, True, False, False, False, False]


def test_autumn_week_has_a_25_hour_sunday_and_keeps_bookings_on_their_local_day():
    sunday_booking = held(DESK, "2027-10-31 10:00", "2027-10-31 12:00")

    (row,) = week([DESK], [sunday_booking], day=date(2027, 10, 27))
    columns = planning.week_columns(date(2027, 10, 27), PARIS, BEFORE)

    assert columns[6].end - columns[6].start == (columns[5].end - columns[5].start) * 25 / 24
    assert [c.state for c in row.cells] == ["free"] * 6 + ["partial"]


def test_office_hours_follow_the_clock_change():
    # 08:00-19:00 local is 07:00-18:00 UTC in winter and 06:00-17:00 UTC in summer.
    late = held(ROOM, "2027-10-29 18:00", "2027-10-29 19:00")
    early_next_week = held(ROOM, "2027-11-01 08:00", "2027-11-01 09:00")

    autumn = week([ROOM], [late], day=date(2027, 10, 27))[0]
    november = week([ROOM], [early_next_week], day=date(2027, 11, 1))[0]

    assert autumn.cells[4].state == "partial"
    assert november.cells[0].state == "partial"
    assert november.cells[0].book_start == datetime(2027, 11, 1, 9, 0)


def test_day_columns_of_the_autumn_change_keep_the_doubled_hour_as_one_column():
    columns = planning.day_columns(date(2027, 10, 31), PARIS, BEFORE, 0, 24)

    assert [c.hour for c in columns] == list(range(24))
    two = columns[2]
    assert (two.end - two.start).total_seconds() == 7200


def test_day_columns_of_the_spring_change_skip_the_missing_hour():
    columns = planning.day_columns(date(2027, 3, 28), PARIS, BEFORE, 0, 24)

    assert [c.hour for c in columns] == [h for h in range(24) if h != 2]
    assert columns[1].end == columns[2].start


def test_day_view_hours_widen_to_the_opening_hours():
    early = planning.PlannedResource(
        id=5, name="Cuisine", opening_hours={"tue": [["05:30", "22:15"]]}
    )

    assert planning.day_hours([ROOM], date(2027, 1, 12)) == (7, 21)
    assert planning.day_hours([ROOM, early], date(2027, 1, 12)) == (5, 23)
    assert planning.day_hours([ROOM, early], date(2027, 1, 13)) == (7, 21)


def test_hour_cell_links_to_the_free_part_of_that_hour():
    bookings = [held(ROOM, "2027-01-12 14:00", "2027-01-12 14:30")]
    columns = planning.day_columns(date(2027, 1, 12), PARIS, BEFORE, 7, 21)

    (row,) = planning.build_grid([ROOM], columns, bookings, [], PARIS, BEFORE)

    fourteen = row.cells[14 - 7]
    assert fourteen.state == "partial"
    assert (fourteen.book_start, fourteen.book_end) == (
        datetime(2027, 1, 12, 14, 30),
        datetime(2027, 1, 12, 15, 0),
    )
    assert row.cells[0].state == "closed"


def test_monday_of_any_day():
    assert planning.monday_of(date(2027, 10, 31)) == date(2027, 10, 25)
    assert planning.monday_of(date(2027, 10, 25)) == date(2027, 10, 25)
