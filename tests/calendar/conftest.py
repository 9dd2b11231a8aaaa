"""Fixtures of the calendar tests: feeds created through the API, ICS parsing.

The sync tests use the default pole ("bookings" in tests.world); the page tests ask for the
"calendar_pages" one, whose helpers are in page_helpers.py.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    """A wall-clock time in the pole's zone."""
    return datetime(*args, tzinfo=PARIS)


def parse(body: bytes) -> Calendar:
    """Parse a feed as a calendar client would."""
    return Calendar.from_ical(body)


def expand(body: bytes, start: datetime, end: datetime) -> list:
    """The events of a feed between two instants, expanded by recurring-ical-events."""
    return list(recurring_ical_events.of(parse(body)).between(start, end))


def feed_path(url: str) -> str:
    """The path of an absolute feed URL, for the test client."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def new_feed(api):
    """``new_feed(user, scope, **extra)`` -> the feed's JSON, created through the API."""

    def _new_feed(user, scope: str = "me", **extra) -> dict:
        response = api(user).post("/api/v1/feeds", json={"scope": scope, **extra})
        assert response.status_code == 201, response.json
        return response.json

    return _new_feed
