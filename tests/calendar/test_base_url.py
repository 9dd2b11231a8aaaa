"""POOLING_BASE_URL: links that leave the application (feeds, invitations) use the public address."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_user

PUBLIC = "https://pooling.example.org"
PARIS = ZoneInfo("Europe/Paris")


def test_feed_urls_use_the_request_host_when_no_base_url_is_set(app, api, pole):
    feed = api(pole.alice).post("/api/v1/feeds", json={"scope": "me"}).json
    assert feed["url"].startswith("http://localhost/ical/")
    assert feed["webcal_url"].startswith("webcal://localhost/ical/")


def test_feed_urls_use_the_base_url_even_behind_an_unknown_host(app, api, pole):
    app.config["POOLING_BASE_URL"] = PUBLIC
    feed = api(pole.alice).post("/api/v1/feeds", json={"scope": "me"}).json
    assert feed["url"].startswith(f"{PUBLIC}/ical/") and feed["url"].endswith(".ics")
    assert feed["webcal_url"].startswith("webcal://pooling.example.org/ical/")


def test_feed_events_link_to_the_public_address(app, api, pole):
    app.config["POOLING_BASE_URL"] = PUBLIC
    client = api(pole.alice)
    day = date.today() + timedelta(days=10)
    day += timedelta(days=(7 - day.weekday()) % 7)  # a Monday: the room is open
    start = datetime.combine(day, time(10), PARIS).isoformat()
    end = datetime.combine(day, time(11), PARIS).isoformat()
    booked = client.post(
        "/api/v1/bookings",
        json={"resource_id": pole.room.id, "start": start, "end": end, "title": "Réunion"},
    )
    assert booked.status_code == 201, booked.json
    url = client.post("/api/v1/feeds", json={"scope": "me"}).json["url"]
    body = client.client.get(url.replace(PUBLIC, "")).get_data(as_text=True)
    assert f"{PUBLIC}/bookings/{booked.json['id']}" in body.replace("\r\n ", "")


@pytest.mark.parametrize("base", [PUBLIC, PUBLIC + "/"])
def test_cli_invitation_link_uses_the_base_url(app, base):
    app.config["POOLING_BASE_URL"] = base
    person = make_user(password=None)
    result = app.test_cli_runner().invoke(args=["users", "invite", "--email", person.email])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith(f"{PUBLIC}/") and "//" not in link.removeprefix("https://")
