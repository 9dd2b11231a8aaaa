"""Fixtures of the booking tests: local times, bookings through the service, posting a page's form.

Their pole is the "bookings" recipe of tests.world (the default); the booking pages' modules
ask for the "booking_pages" one (a room, a van, the workshop, open 07:00-22:00 every day).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from pooling.bookings import services
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from tests.conftest import csrf_token


def local(text: str) -> datetime:
    """A local wall time "2027-01-12T14:00" as the UTC instant it stands for."""
    return local_to_utc(datetime.fromisoformat(text), pole_tz())


@pytest.fixture
def book():
    """``book(user, resource, "2027-01-12T14:00", "2027-01-12T16:00", **more)`` through the service."""

    def _book(user, resource, start: str, end: str, **more):
        result = services.create_booking(
            user,
            services.BookingRequest(
                resource_id=resource.id, start=local(start), end=local(end), **more
            ),
        )
        db.session.commit()
        return result.bookings[0] if len(result.bookings) == 1 else result

    return _book


@pytest.fixture
def post_form():
    """``post_form(client, page_url, data, url=None)``: POST a form of a page with its CSRF token."""

    def _post(client, page_url: str, data: dict, url: str | None = None, **kwargs):
        token = csrf_token(client, page_url)
        return client.post(url or page_url, data={"csrf_token": token, **data}, **kwargs)

    return _post
