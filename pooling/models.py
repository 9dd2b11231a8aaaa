"""Imports every feature's tables so that SQLAlchemy and Alembic see the whole schema."""

from pooling.accounts.models import ApiToken, Invitation, Membership, User
from pooling.audit.models import AuditEvent
from pooling.bookings.models import Booking, BookingShare, IdempotencyKey, Quota, Series
from pooling.calendar.models import ExternalBusyTime, ExternalCalendar, Feed
from pooling.notifications.models import Notification
from pooling.organisations.models import Organisation
from pooling.resources.models import Closure, Resource

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Booking",
    "BookingShare",
    "Closure",
    "ExternalBusyTime",
    "ExternalCalendar",
    "Feed",
    "IdempotencyKey",
    "Invitation",
    "Membership",
    "Notification",
    "Organisation",
    "Quota",
    "Resource",
    "Series",
    "User",
]
