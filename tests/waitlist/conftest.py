"""Fixtures of the waitlist tests: those of the booking tests (bookings through the
service, posting a page's form)."""

from tests.bookings.conftest import book, post_form  # noqa: F401
