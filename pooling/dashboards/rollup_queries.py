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

from sqlalchemy import and_, func, literal, or_, select

from pooling.bookings.models import Booking
from pooling.core.db import UTCDateTime
from pooling.dashboards.models import DayRollup
from pooling.dashboards.queries import Scope, longest_booking
from pooling.dashboards.rollup import HEAT
from pooling.extensions import db
from pooling.resources.models import Resource
from pooling.usage import services as usage_services
from pooling.usage.measure import measure, used_interval


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


@dataclass
class Groups:
    """The rollup of a period summed three ways: per resource, per organisation, and per
    purpose and organisation (the booking's organisation)."""

    per_resource: list[dict]
    per_organisation: list[dict]
    per_purpose: list[dict]


_PER_RESOURCE = ("booked_seconds", "unit_seconds", "checked_in_started", "confirmed_started")
_MINE = ("cancelled_started", "pending_started", "unchecked_started")
_PER_ORGANISATION = (
    "used_hours",
    "used_unit_hours",
    "used_meter",
    "used_bookings",
    "late_entries",
    "late_bookings",
)
_PER_PURPOSE = ("booked_seconds", "unit_seconds", "confirmed_started", "attendance_started")


def groups(first: date, last: date, scope: Scope) -> Groups:
    """The rollup of the days ``first``..``last``, every organisation's (the counts of
    cancelled, pending and unchecked bookings only the organisation in scope's)."""
    mine = (
        DayRollup.organisation_id == scope.organisation_id
        if scope.organisation_id is not None
        else None
    )
    by_others = and_(
        Resource.owner_organisation_id.is_not(None),
        DayRollup.organisation_id != Resource.owner_organisation_id,
    )

    def total(name: str, condition=None, label: str | None = None):
        summed = func.sum(getattr(DayRollup, name))
        if condition is not None:
            summed = summed.filter(condition)
        return func.coalesce(summed, 0).label(label or name)

    def query(group_by, *columns, owners: bool = False):
        base = select(*group_by, *columns).where(DayRollup.day >= first, DayRollup.day <= last)
        if owners:
            base = base.join(Resource, Resource.id == DayRollup.resource_id)
        return _dicts(_scoped(base, scope).group_by(*group_by))

    # Three reads, each summing only its own figures: cheaper than grouping sets, which sum
    # every figure for every grouping.
    per_resource = query(
        (DayRollup.resource_id,),
        *[total(name) for name in _PER_RESOURCE],
        *[total(name, mine) for name in _MINE],
        total("confirmed_started", by_others, "by_others_started"),
        total("booked_seconds", by_others, "seconds_by_others"),
        owners=True,
    )
    # Per purpose and organisation, with the organisation's used figures too: one read,
    # folded per organisation here (a few hundred rows).
    per_purpose = query(
        (DayRollup.purpose_key, DayRollup.organisation_id),
        *[total(name) for name in dict.fromkeys((*_PER_PURPOSE, *_PER_ORGANISATION))],
    )
    per_organisation: dict[int, dict] = {}
    for row in per_purpose:
        into = per_organisation.setdefault(
            row["organisation_id"], {"organisation_id": row["organisation_id"]}
        )
        for name in _PER_ORGANISATION:
            into[name] = into.get(name, 0) + (row[name] or 0)
    found = {
        "per_resource": per_resource,
        "per_organisation": list(per_organisation.values()),
        "per_purpose": per_purpose,
    }
    return Groups(**found)


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


def carried_in(start: datetime, end: datetime, scope: Scope, notice: timedelta) -> Carried:
    """The bookings used across the period's start, per organisation counting them."""
    carried = Carried()
    # Used from before the start: booked at most a day (check-in) after it, so starting after
    # the longest booking and a day (check-out) before it.
    earliest = start - longest_booking(scope) - usage_services.ACTUAL_TIME_MARGIN
    at = literal(start, UTCDateTime)
    for facts in usage_services.booking_facts(
        start,
        start,
        Booking.start_at > literal(earliest, UTCDateTime),
        or_(Booking.start_at < at, Booking.checked_in_at < at),
        or_(Booking.end_at > at, Booking.checked_out_at > at),
    ):
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
