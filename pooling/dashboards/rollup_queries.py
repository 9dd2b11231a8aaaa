"""The dashboards' figures read from the day rollup: a period reads its days, not its bookings.

Two aggregate reads cover a dashboard: one per resource x organisation x purpose (occupancy,
counts, usage per organisation, lending, purposes), one per day (the trend and the heatmap).
What depends on the present is read live from the few bookings concerned: bookings still
running at ``now`` (not yet a no-show) and bookings whose used interval began before the
period (counted once per period, on the day they start, in the rollup).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, literal, select

from pooling.bookings.models import Booking
from pooling.core.db import UTCDateTime
from pooling.dashboards.models import DayRollup
from pooling.dashboards.queries import Scope, longest_booking
from pooling.dashboards.rollup import HEAT
from pooling.extensions import db
from pooling.resources.models import Resource
from pooling.usage import services as usage_services
from pooling.usage.measure import measure, used_interval

_SUMMED = (
    "booked_seconds",
    "unit_seconds",
    "confirmed_started",
    "cancelled_started",
    "pending_started",
    "unchecked_started",
    "checked_in_started",
    "attendance_started",
    "late_bookings",
    "used_hours",
    "used_unit_hours",
    "used_meter",
    "used_bookings",
    "late_entries",
)


def _scoped(query, scope: Scope):
    if scope.resource_id is not None:
        query = query.where(DayRollup.resource_id == scope.resource_id)
    if scope.kind is not None:
        query = query.where(
            DayRollup.resource_id.in_(select(Resource.id).where(Resource.kind == scope.kind))
        )
    return query


def _dicts(query) -> list[dict]:
    result = db.session.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


def groups(first: date, last: date, scope: Scope) -> list[dict]:
    """The rollup of the days ``first``..``last`` summed per resource, organisation and purpose
    (every organisation: the caller keeps an organisation's own figures)."""
    columns = [func.sum(getattr(DayRollup, name)).label(name) for name in _SUMMED]
    query = select(
        DayRollup.resource_id, DayRollup.organisation_id, DayRollup.purpose_key, *columns
    ).where(DayRollup.day >= first, DayRollup.day <= last)
    query = _scoped(query, scope).group_by(
        DayRollup.resource_id, DayRollup.organisation_id, DayRollup.purpose_key
    )
    return _dicts(query)


def days(first: date, last: date, scope: Scope) -> list[dict]:
    """Used hours, unit-hours and heatmap minutes per local day of ``first``..``last``, for the
    organisation in scope (its counted part) or the whole pole."""
    columns = [
        func.sum(DayRollup.used_hours).label("used_hours"),
        func.sum(DayRollup.used_unit_hours).label("used_unit_hours"),
        *[func.sum(getattr(DayRollup, name)).label(name) for name in HEAT],
    ]
    query = select(DayRollup.day, *columns).where(DayRollup.day >= first, DayRollup.day <= last)
    if scope.organisation_id is not None:
        query = query.where(DayRollup.organisation_id == scope.organisation_id)
    query = _scoped(query, scope).group_by(DayRollup.day)
    return _dicts(query)


def running_unchecked(start: datetime, end: datetime, scope: Scope, now: datetime) -> dict:
    """Per resource: confirmed bookings of the organisation in scope starting in the period,
    not checked in and not over at ``now`` (not no-shows yet; the rollup counts them)."""
    floor = max(start, now - longest_booking(scope))
    if floor >= end:
        return {}
    query = (
        select(Booking.resource_id, func.count())
        .where(
            Booking.status == "confirmed",
            Booking.checked_in_at.is_(None),
            Booking.start_at >= literal(floor, UTCDateTime),
            Booking.start_at < literal(end, UTCDateTime),
            Booking.end_at > literal(now, UTCDateTime),
        )
        .group_by(Booking.resource_id)
    )
    if scope.organisation_id is not None:
        query = query.where(Booking.organisation_id == scope.organisation_id)
    if scope.resource_id is not None:
        query = query.where(Booking.resource_id == scope.resource_id)
    if scope.kind is not None:
        query = query.where(
            Booking.resource_id.in_(select(Resource.id).where(Resource.kind == scope.kind))
        )
    return dict(db.session.execute(query).tuples().all())


@dataclass
class Carried:
    """Bookings whose used interval began before the period and runs into it: counted in the
    period (as the usage page counts them), though the rollup holds them on an earlier day."""

    bookings: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    late: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    late_bookings: int = 0


def carried_in(start: datetime, end: datetime, scope: Scope) -> Carried:
    """The bookings used across the period's start, per organisation counting them."""
    carried = Carried()
    notice = timedelta(hours=usage_services.late_cancel_hours())
    for facts in usage_services.booking_facts(start, start):
        if scope.resource_id is not None and facts.resource_id != scope.resource_id:
            continue
        if scope.kind is not None and facts.resource_kind != scope.kind:
            continue
        if used_interval(facts)[0] >= start:
            continue
        measured = measure(facts, start, end, now=end, notice=notice)
        if measured is None:
            continue
        for entry in measured.entries:
            carried.bookings[entry.organisation_id] += 1
            if entry.late_cancellation:
                carried.late[entry.organisation_id] += 1
        if measured.late_cancellation:
            carried.late_bookings += 1
    return carried


def as_decimal(value) -> Decimal:
    """A summed figure as a Decimal (SQLite may hand back a float for a NUMERIC sum)."""
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))
