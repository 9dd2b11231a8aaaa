"""Imports every feature's tables so that SQLAlchemy and Alembic see the whole schema."""

from pooling.accounts.models import ApiToken, Invitation, Membership, User
from pooling.audit.models import AuditEvent
from pooling.bookings.models import Booking, BookingShare, IdempotencyKey, Quota, Series
from pooling.calendar.models import ExternalBusyTime, ExternalCalendar, Feed
from pooling.costing.models import AccountingCode, Cost, CostPeriod
from pooling.dashboards import rollup_sync  # noqa: F401  (keeps the day rollup in every flush)
from pooling.dashboards.models import DayRollup, InKindRate
from pooling.mail.models import OutboxMail
from pooling.notifications.models import Notification
from pooling.organisations.models import Organisation
from pooling.qualifications.models import Qualification, QualificationHolder
from pooling.resources.models import Closure, Resource
from pooling.usage.models import ManualUsage, UsageSettings
from pooling.waitlist.models import WaitlistEntry

__all__ = [
    "AccountingCode",
    "Cost",
    "DayRollup",
    "CostPeriod",
    "ManualUsage",
    "UsageSettings",
    "ApiToken",
    "AuditEvent",
    "Booking",
    "BookingShare",
    "Closure",
    "ExternalBusyTime",
    "ExternalCalendar",
    "Feed",
    "IdempotencyKey",
    "InKindRate",
    "Invitation",
    "Membership",
    "Notification",
    "Organisation",
    "OutboxMail",
    "Qualification",
    "QualificationHolder",
    "Quota",
    "Resource",
    "Series",
    "User",
    "WaitlistEntry",
]
