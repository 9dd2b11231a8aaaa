"""Reads the dashboards need besides the day rollup: the scope, the resources, closures,
the local months of a period, and the bookings waiting for approval now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, literal, select

from pooling.bookings.models import Booking
from pooling.core.db import UTCDateTime
from pooling.extensions import db
from pooling.resources.models import Closure, Resource


@dataclass(frozen=True)
class Scope:
    """What the figures are restricted to: a kind, a resource, an organisation (None: all)."""

    kind: str | None = None
    resource_id: int | None = None
    organisation_id: int | None = None


def local_month_starts(tz: ZoneInfo, start: datetime, end: datetime) -> tuple[list[str], list]:
    """The local months touching ``[start, end)`` as 'YYYY-MM', and the UTC instants they begin."""
    first = start.astimezone(tz).date().replace(day=1)
    labels, starts = [], []
    while True:
        begins = datetime(first.year, first.month, 1, tzinfo=tz).astimezone(start.tzinfo)
        if begins >= end:
            break
        labels.append(first.strftime("%Y-%m"))
        starts.append(begins)
        first += relativedelta(months=1)
    return labels, starts


def longest_booking(scope: Scope) -> timedelta:
    """The longest booking ever held on the resources in scope (bounds the index range)."""
    query = select(func.max(Resource.longest_booking_minutes))
    query = _resource_scope(query, scope, Resource.id)
    minutes = db.session.scalar(query) or 0
    return timedelta(minutes=int(minutes) + 1)


def _resource_scope(query, scope: Scope, resource_column):
    if scope.resource_id is not None:
        query = query.where(resource_column == scope.resource_id)
    if scope.kind is not None:
        query = query.where(
            resource_column.in_(select(Resource.id).where(Resource.kind == scope.kind))
        )
    return query


def resources_in_scope(scope: Scope) -> list[Resource]:
    """The resources the occupancy is computed for (a few hundred rows, not bookings)."""
    query = select(Resource).order_by(Resource.name, Resource.id)
    query = _resource_scope(query, scope, Resource.id)
    return list(db.session.scalars(query))


def closures_between(start: datetime, end: datetime) -> list[tuple[int | None, datetime, datetime]]:
    """Closures overlapping ``[start, end)``: (resource id or None for the whole pole, start, end)."""
    query = select(Closure.resource_id, Closure.start_at, Closure.end_at).where(
        Closure.start_at < literal(end, UTCDateTime), Closure.end_at > literal(start, UTCDateTime)
    )
    return [(row.resource_id, row.start_at, row.end_at) for row in db.session.execute(query)]


def pending_now(scope: Scope, now: datetime) -> int:
    """Bookings waiting for approval that have not started yet."""
    query = (
        select(func.count())
        .select_from(Booking)
        .where(Booking.status == "pending", Booking.start_at >= literal(now, UTCDateTime))
    )
    query = _resource_scope(query, scope, Booking.resource_id)
    if scope.organisation_id is not None:
        query = query.where(Booking.organisation_id == scope.organisation_id)
    return int(db.session.scalar(query) or 0)
