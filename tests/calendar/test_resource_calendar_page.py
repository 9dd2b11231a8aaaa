"""The per-resource calendar page: configured by data- attributes, no inline script, a list without JS."""

from __future__ import annotations

import re

import pytest

from tests.calendar.page_helpers import book

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("calendar_pages"),
]

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


def calendar_page(client, resource, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return client.get(f"/calendar/resources/{resource.id}?{query}")


def test_calendar_page_has_no_inline_script_nor_event_handler(login, pole):
    html = calendar_page(login(pole.alice), pole.jaures).get_data(as_text=True)

    scripts = SCRIPT.findall(html)
    assert scripts, "the calendar scripts are loaded"
    for attributes, body in scripts:
        assert 'src="' in attributes
        assert body.strip() == ""
    sources = [re.search(r'src="([^"]+)"', attributes).group(1) for attributes, _ in scripts]
    assert "/static/vendor/fullcalendar/index.global.min.js" in sources
    assert "/static/js/calendar.js" in sources
    assert not re.search(r"\son[a-z]+\s*=", html, re.I)
    assert "javascript:" not in html


def test_calendar_container_carries_its_configuration(login, pole):
    html = calendar_page(login(pole.alice), pole.projectors, date="2027-01-13").get_data(
        as_text=True
    )

    container = re.search(r'<div id="resource-calendar"[^>]*>', html, re.S).group(0)
    expected = {
        "data-resource-id": str(pole.projectors.id),
        "data-quantity": "5",
        "data-bookings-url": "/api/v1/bookings",
        "data-availability-url": f"/api/v1/resources/{pole.projectors.id}/availability",
        "data-booking-form-url": "/bookings/new",
        "data-initial-date": "2027-01-13",
        "data-locale": "en",
        "data-label-units": "{free} of {total} free",
        "data-bookable": "true",
    }
    for name, value in expected.items():
        assert f'{name}="{value}"' in container, name
    assert re.search(r'data-booking-url="/bookings/__id__"', container)
    assert re.search(r'data-now="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"', container)
    assert 'data-label-booked="Booked"' in container


def test_calendar_speaks_french_to_a_french_reader(login, pole):
    html = calendar_page(login(pole.alice), pole.jaures, lang="fr").get_data(as_text=True)

    assert 'data-locale="fr"' in html
    assert "/static/vendor/fullcalendar/locales/fr.global.min.js" in html


def test_without_javascript_the_week_bookings_are_listed_with_links(login, pole):
    booking = book(pole.alice, pole.jaures, "2027-01-12 14:00", "2027-01-12 16:00", title="CA")
    book(pole.alice, pole.jaures, "2027-01-19 14:00", "2027-01-19 16:00", title="Suite du CA")

    html = calendar_page(login(pole.alice), pole.jaures, date="2027-01-14").get_data(as_text=True)

    assert f'href="/bookings/{booking.id}"' in html
    assert "CA" in html
    assert "14:00–16:00" in html
    assert "Suite du CA" not in html
    assert "/calendar/planning?date=2027-01-11" in html
    assert f"/calendar/resources/{pole.jaures.id}?date=2027-01-18" in html


def test_other_organisations_titles_are_hidden_in_the_list(login, pole):
    book(pole.bob, pole.jaures, "2027-01-12 14:00", "2027-01-12 16:00", title="Secret board")

    html = calendar_page(login(pole.alice), pole.jaures, date="2027-01-12").get_data(as_text=True)

    assert "Secret board" not in html
    assert "Booked" in html


def test_the_feeds_the_calendar_reads_answer_to_the_browser_session(login, pole):
    book(pole.bob, pole.projectors, "2027-01-13 09:00", "2027-01-13 12:00", quantity=3)
    client = login(pole.alice)
    window = "start=2027-01-12T23:00:00Z&end=2027-01-13T23:00:00Z"

    bookings = client.get(f"/api/v1/bookings?resource_id={pole.projectors.id}&{window}")
    availability = client.get(f"/api/v1/resources/{pole.projectors.id}/availability?{window}")

    assert bookings.status_code == 200
    assert [b["start_local"] for b in bookings.json["items"]] == ["2027-01-13T09:00:00+01:00"]
    assert availability.status_code == 200
    free = {
        (i["start_local"][11:16], i["available_quantity"]) for i in availability.json["intervals"]
    }
    assert ("09:00", 2) in free
    assert ("12:00", 5) in free


def test_the_calendar_links_to_the_resource_and_the_resource_to_its_calendar(login, pole):
    client = login(pole.alice)

    calendar = calendar_page(client, pole.jaures).get_data(as_text=True)
    detail = client.get(f"/resources/{pole.jaures.id}").get_data(as_text=True)

    assert f'href="/resources/{pole.jaures.id}"' in calendar
    assert f'href="/calendar/resources/{pole.jaures.id}"' in detail
