"""Fixtures of the periodic jobs: the booking pole and the local calendar server, reused."""

from __future__ import annotations

from tests.bookings.conftest import pole  # noqa: F401
from tests.calendar.test_external_calendars import ics_server  # noqa: F401
