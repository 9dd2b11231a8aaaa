"""A booking as the audit trail and the notifications write it down."""

from __future__ import annotations

from datetime import UTC, datetime

from pooling.bookings.models import Booking


def snapshot(booking: Booking) -> dict:
    """The audited state of a booking, recorded before and after each change."""
    return {
        "resource_id": booking.resource_id,
        "organisation_id": booking.organisation_id,
        "title": booking.title,
        "start": booking.start_at.isoformat(),
        "end": booking.end_at.isoformat(),
        "quantity": booking.quantity,
        "status": booking.status,
        "purpose": booking.purpose.code if booking.purpose is not None else None,
        "attendance": booking.attendance,
    }


def iso(value: datetime) -> str:
    """An instant in UTC, ISO 8601, as the notifications carry it."""
    return value.astimezone(UTC).isoformat()
