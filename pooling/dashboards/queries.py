"""Aggregate SQL over bookings for the dashboards: every figure is summed by the database.

Each query returns a few hundred grouped rows at most (per resource x month, per
organisation x month, per local weekday x hour x minute x duration), never bookings.
Durations are clipped to the period with greatest/least, and written per dialect:
PostgreSQL subtracts timestamps (``extract(epoch from ...)``), SQLite subtracts julian days.

Local time (months of the trend, weekday and hour of the heatmap) on PostgreSQL is
``timezone('Europe/Paris', start_at)``. SQLite has no time zones: the period is cut into
segments of constant UTC offset (at most a few per year, found from zoneinfo), and the
local time is ``CASE WHEN start_at < <change> THEN datetime(start_at, '+60 minutes') ...``.
This is exact for every row, stays in SQL, and costs one comparison per segment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, case, cast, extract, func, literal, select, true
from sqlalchemy.sql.elements import ColumnElement

from pooling.bookings.models import Booking, BookingShare
from pooling.core.db import UTCDateTime
from pooling.extensions import db
from pooling.resources.models import Closure, Resource


@dataclass(frozen=True)
class Scope:
    """What the figures are restricted to: a kind, a resource, an organisation (None: all)."""

    kind: str | None = None
    resource_id: int | None = None
    organisation_id: int | None = None


def offset_segments(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The UTC offsets (minutes) in force over ``[start, end)``: [(until, offset), ...].

    The last segment's ``until`` is ``end``. Offsets are probed every day, then the exact
    change is found by halving (zones change on whole minutes).
    """

    def offset(at: datetime) -> int:
        return int(at.astimezone(tz).utcoffset().total_seconds() // 60)

    segments: list[tuple[datetime, int]] = []
    current = offset(start)
    cursor = start
    while cursor < end:
        step = min(cursor + timedelta(days=1), end)
        if offset(step) != current and step < end:
            low, high = cursor, step
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if offset(middle) == current:
                    low = middle
                else:
                    high = middle
            change = high.replace(second=0, microsecond=0)
            segments.append((change, current))
            current = offset(step)
        cursor = step
    segments.append((end, current))
    return segments


class SqlTime:
    """Dialect-aware expressions of durations, clipping and local wall-clock time."""

    def __init__(self, tz: ZoneInfo, start: datetime, end: datetime):
        self.postgresql = db.engine.dialect.name == "postgresql"
        self.tz = tz
        self.start = literal(start, UTCDateTime)
        self.end = literal(end, UTCDateTime)
        self.segments = offset_segments(tz, start, end)
        self._longest: dict[Scope, timedelta] = {}

    def longest(self, scope: Scope) -> timedelta:
        """The longest booking on the resources in scope, asked once per scope."""
        if scope not in self._longest:
            self._longest[scope] = longest_booking(scope)
        return self._longest[scope]

    def instant(self, value: datetime) -> ColumnElement:
        """A bound UTC instant."""
        return literal(value, UTCDateTime)

    def seconds(self, first, last) -> ColumnElement:
        """Seconds from ``first`` to ``last``."""
        if self.postgresql:
            return extract("epoch", last - first)
        return (func.julianday(last) - func.julianday(first)) * 86400.0

    def clipped_start(self) -> ColumnElement:
        if self.postgresql:
            return func.greatest(Booking.start_at, self.start)
        return func.max(Booking.start_at, self.start)

    def clipped_end(self) -> ColumnElement:
        if self.postgresql:
            return func.least(Booking.end_at, self.end)
        return func.min(Booking.end_at, self.end)

    def clipped_seconds(self) -> ColumnElement:
        """Seconds of the booking inside the period."""
        return self.seconds(self.clipped_start(), self.clipped_end())

    def local(self, instant) -> ColumnElement:
        """The local wall-clock timestamp of a UTC instant."""
        if self.postgresql:
            return func.timezone(self.tz.key, instant)
        if len(self.segments) == 1:
            return func.datetime(instant, f"{self.segments[0][1]:+d} minutes")
        whens = [
            (instant < self.instant(until), func.datetime(instant, f"{offset:+d} minutes"))
            for until, offset in self.segments[:-1]
        ]
        return case(*whens, else_=func.datetime(instant, f"{self.segments[-1][1]:+d} minutes"))

    def month(self, local) -> ColumnElement:
        """'YYYY-MM' of a local timestamp."""
        if self.postgresql:
            return func.to_char(local, "YYYY-MM")
        return func.strftime("%Y-%m", local)

    def weekday(self, local) -> ColumnElement:
        """ISO weekday (Monday 1 ... Sunday 7) of a local timestamp."""
        if self.postgresql:
            return cast(extract("isodow", local), Integer)
        return (cast(func.strftime("%w", local), Integer) + 6) % 7 + 1

    def hour(self, local) -> ColumnElement:
        if self.postgresql:
            return cast(extract("hour", local), Integer)
        return cast(func.strftime("%H", local), Integer)

    def minute(self, local) -> ColumnElement:
        if self.postgresql:
            return cast(extract("minute", local), Integer)
        return cast(func.strftime("%M", local), Integer)


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


def _overlapping(query, time: SqlTime, start: datetime, end: datetime, scope: Scope):
    """Bookings overlapping ``[start, end)``, on resources in scope.

    The lower bound on ``start_at`` (start minus the longest booking) lets the database
    use the index ranges on ``start_at`` instead of reading every older booking.
    """
    query = query.where(
        Booking.start_at < time.instant(end),
        Booking.start_at > time.instant(start - time.longest(scope)),
        Booking.end_at > time.instant(start),
    )
    return _resource_scope(query, scope, Booking.resource_id)


def per_resource_month(
    time: SqlTime,
    start: datetime,
    end: datetime,
    scope: Scope,
    *,
    now: datetime,
    notice: timedelta,
) -> list[dict]:
    """Per resource and local month: booked and unit seconds (confirmed, any organisation),
    and counts of bookings starting in the period: cancelled, late-cancelled, pending,
    possible no-shows (confirmed, ended, not checked in) of the organisation in scope,
    and check-ins (any organisation: tells whether check-ins are recorded on the resource).
    """
    seconds = time.clipped_seconds()
    confirmed = Booking.status == "confirmed"
    started = Booking.start_at >= time.instant(start)
    mine = (
        Booking.organisation_id == scope.organisation_id
        if scope.organisation_id is not None
        else true()
    )
    month = time.month(time.local(time.clipped_start()))

    def count(*conditions) -> ColumnElement:
        return func.sum(case((and_(*conditions), 1), else_=0))

    query = select(
        Booking.resource_id,
        month.label("month"),
        func.sum(case((confirmed, seconds), else_=0)).label("booked_seconds"),
        func.sum(case((confirmed, seconds * Booking.quantity), else_=0)).label("unit_seconds"),
        count(started, Booking.status == "cancelled", mine).label("cancelled"),
        count(
            started,
            Booking.status == "cancelled",
            mine,
            time.seconds(Booking.cancelled_at, Booking.start_at) < notice.total_seconds(),
        ).label("late_cancelled"),
        count(started, Booking.status == "pending", mine).label("pending"),
        count(
            started,
            confirmed,
            mine,
            Booking.end_at <= time.instant(now),
            Booking.checked_in_at.is_(None),
        ).label("not_checked_in"),
        count(started, Booking.checked_in_at.is_not(None)).label("checked_in"),
    ).where(Booking.status.in_(("confirmed", "cancelled", "pending")))
    query = _overlapping(query, time, start, end, scope)
    query = query.group_by(Booking.resource_id, month)
    return [row._asdict() for row in db.session.execute(query)]


def _shared():
    """The organisation a share of a booking counts for, and its factor (1 if not co-organised)."""
    organisation = func.coalesce(BookingShare.organisation_id, Booking.organisation_id)
    factor = func.coalesce(BookingShare.share, 1)
    return organisation, factor


def per_organisation_month(
    time: SqlTime, start: datetime, end: datetime, scope: Scope
) -> list[dict]:
    """Per organisation (co-organised bookings split by their shares) and local month:
    confirmed seconds and unit-seconds in the period, meter units (bookings starting in
    the period), and the number of bookings (weighted by share).
    """
    organisation, factor = _shared()
    seconds = time.clipped_seconds()
    month = time.month(time.local(time.clipped_start()))
    metered = and_(
        Booking.start_at >= time.instant(start),
        Booking.meter_start.is_not(None),
        Booking.meter_end.is_not(None),
    )
    query = (
        select(
            organisation.label("organisation_id"),
            month.label("month"),
            func.sum(seconds * factor).label("seconds"),
            func.sum(seconds * Booking.quantity * factor).label("unit_seconds"),
            func.sum(
                case((metered, (Booking.meter_end - Booking.meter_start) * factor), else_=0)
            ).label("meter"),
            func.sum(factor).label("bookings"),
        )
        .select_from(Booking)
        .outerjoin(BookingShare, BookingShare.booking_id == Booking.id)
        .where(Booking.status == "confirmed")
    )
    query = _overlapping(query, time, start, end, scope)
    if scope.organisation_id is not None:
        query = query.where(organisation == scope.organisation_id)
    query = query.group_by(organisation, month)
    return [row._asdict() for row in db.session.execute(query)]


def demand_groups(time: SqlTime, start: datetime, end: datetime, scope: Scope) -> list[dict]:
    """Confirmed bookings grouped by local weekday, hour and minute of their (clipped) start
    and their clipped duration in minutes, weighted by share for an organisation scope.

    A few thousand groups at most (bookings start on slots and have usual lengths); the
    caller spreads each group's minutes over the weekday x hour cells.
    """
    local = time.local(time.clipped_start())
    weekday, hour, minute = time.weekday(local), time.hour(local), time.minute(local)
    minutes = cast(func.round(time.clipped_seconds() / 60.0), Integer)
    if scope.organisation_id is not None:
        organisation, factor = _shared()
        weight = func.sum(factor)
    else:
        weight = func.count()
    query = select(
        weekday.label("weekday"),
        hour.label("hour"),
        minute.label("minute"),
        minutes.label("minutes"),
        weight.label("weight"),
    ).select_from(Booking)
    if scope.organisation_id is not None:
        query = query.outerjoin(BookingShare, BookingShare.booking_id == Booking.id).where(
            organisation == scope.organisation_id
        )
    query = query.where(Booking.status == "confirmed")
    query = _overlapping(query, time, start, end, scope)
    query = query.group_by(weekday, hour, minute, minutes)
    return [row._asdict() for row in db.session.execute(query)]


def lending_per_resource(time: SqlTime, start: datetime, end: datetime, scope: Scope) -> list[dict]:
    """Per resource: confirmed bookings starting in the period, those made by another
    organisation than the resource's owner, and the seconds those others used (clipped).
    """
    other = and_(
        Resource.owner_organisation_id.is_not(None),
        Booking.organisation_id != Resource.owner_organisation_id,
    )
    started = Booking.start_at >= time.instant(start)
    seconds = time.clipped_seconds()
    query = (
        select(
            Booking.resource_id,
            func.sum(case((started, 1), else_=0)).label("bookings"),
            func.sum(case((and_(started, other), 1), else_=0)).label("by_others"),
            func.sum(case((other, seconds), else_=0)).label("seconds_by_others"),
        )
        .join(Resource, Resource.id == Booking.resource_id)
        .where(Booking.status == "confirmed")
    )
    query = _overlapping(query, time, start, end, scope)
    query = query.group_by(Booking.resource_id)
    return [row._asdict() for row in db.session.execute(query)]


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
