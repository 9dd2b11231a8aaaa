"""Fixtures of the periodic jobs: the local calendar server, reused (the pole: the default one)."""

from __future__ import annotations

from tests.calendar.test_external_calendars import ics_server  # noqa: F401
