"""Find a free resource: kind, local day and times, people or units -> the free ones, best first."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Booking
from pooling.extensions import db
from tests.calendar.page_helpers import book
from tests.factories import make_resource

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("calendar_pages"),
]

TUESDAY = "/calendar/find?kind=premises&date=2027-01-12&start_time=14:00&end_time=16:00"


def listed(html: str) -> list[str]:
    return re.findall(r'<tr class="free-resource">\s*<th scope="row"><a [^>]*>([^<]+)</a>', html)


def book_links(html: str) -> list[str]:
    return [
        link.replace("&amp;", "&") for link in re.findall(r'href="(/bookings/new\?[^"]+)"', html)
    ]


def test_only_the_rooms_still_free_for_ten_people_are_listed(login, pole):
    make_resource("Grande salle fermée", capacity=40, active=False)
    book(pole.bob, pole.jaures, "2027-01-12 14:00", "2027-01-12 16:00")

    response = login(pole.alice).get(TUESDAY + "&capacity=10")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert listed(html) == ["Salle Louise Michel"]
    link = urlparse(book_links(html)[0])
    assert parse_qs(link.query) == {
        "resource_id": [str(pole.michel.id)],
        "start": ["2027-01-12T14:00"],
        "end": ["2027-01-12T16:00"],
    }


def test_free_rooms_come_smallest_that_fits_first(login, pole):
    html = login(pole.alice).get(TUESDAY + "&capacity=5").get_data(as_text=True)

    assert listed(html) == ["Petite salle", "Salle Jaurès", "Salle Louise Michel"]


def test_units_of_equipment_are_asked_for_and_prefilled(login, pole):
    book(pole.bob, pole.projectors, "2027-01-12 13:00", "2027-01-12 15:00", quantity=3)
    client = login(pole.alice)
    url = "/calendar/find?kind=equipment&date=2027-01-12&start_time=14:00&end_time=16:00"

    two = client.get(url + "&quantity=2").get_data(as_text=True)
    three = client.get(url + "&quantity=3").get_data(as_text=True)

    assert listed(two) == ["Vidéoprojecteur"]
    assert parse_qs(urlparse(book_links(two)[0]).query)["quantity"] == ["2"]
    assert listed(three) == []


def test_an_empty_result_says_so_and_suggests_widening(login, pole):
    response = login(pole.alice).get(TUESDAY + "&capacity=100")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert listed(html) == []
    assert "No resource is free for the whole interval." in html
    assert "/calendar/planning?view=day&amp;date=2027-01-12" in html


def test_end_before_start_is_explained_next_to_the_end(login, pole):
    response = login(pole.alice).get(
        "/calendar/find?date=2027-01-12&start_time=16:00&end_time=14:00"
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="end_time-error">The end must be after the start', html)
    assert listed(html) == []


def test_missing_date_is_explained_next_to_the_date(login, pole):
    response = login(pole.alice).get("/calendar/find?date=&start_time=14:00&end_time=16:00")

    assert response.status_code == 422
    assert 'id="date-error"' in response.get_data(as_text=True)


def test_a_time_skipped_by_the_spring_change_is_explained(login, pole):
    response = login(pole.alice).get(
        "/calendar/find?date=2027-03-28&start_time=02:30&end_time=04:00"
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="start_time-error">This time does not exist on that day', html)


def test_searching_writes_nothing(login, pole):
    login(pole.alice).get(TUESDAY + "&capacity=10")

    assert db.session.scalar(select(func.count(Booking.id))) == 0


def test_the_empty_form_shows_no_result_yet(login, pole):
    response = login(pole.alice).get("/calendar/find")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="date-error"' not in html
    assert "No resource is free" not in html
    assert '<label for="capacity">' in html
