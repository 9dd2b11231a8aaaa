"""The cost-sharing tests' pole (tests.world's "costing" recipe): two organisations of weights
1 and 3, a room lent by Les Jardins, a shared accountant, chairs, a van, people of every role."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pooling.bookings import services as bookings
from pooling.extensions import db

PARIS = ZoneInfo("Europe/Paris")


def local(text: str) -> datetime:
    """A Paris wall-clock time as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.fixture
def pole_recipe() -> str:
    """The cost-sharing pole of tests.world: weights 1 and 3, always-open resources."""
    return "costing"


def book(user, resource, start: str, end: str, **extra):
    """Book through the booking engine (Paris local times) and commit."""
    result = bookings.create_booking(
        user,
        bookings.BookingRequest(
            resource_id=resource.id, start=local(start), end=local(end), title="Réunion", **extra
        ),
    )
    db.session.commit()
    return result.bookings[0]
