"""Aggregate SQL over bookings for the dashboards: every figure is summed by the database.

Each query returns a few hundred grouped rows at most (per resource x month, per
organisation x month, per local weekday x hour x minute x duration), never bookings.
Durations are clipped to the period with greatest/least, and written per dialect:
PostgreSQL subtracts timestamps (``date_part('epoch', ...)``, a float), SQLite subtracts
julian days; conditional counts use ``FILTER (WHERE ...)``, which both understand.

Local time is arithmetic on both dialects, so that the same SQL runs everywhere and
costs a few float operations per row (PostgreSQL's ``timezone()`` + ``to_char`` per row
was three times slower on a year of bookings, and SQLite has no time zones at all):
- the local month of a booking is found by comparing its start with the UTC instants at
  which the local months begin (``width_bucket`` over them on PostgreSQL, a CASE on SQLite);
- the local minute of the week is the epoch of the start plus the UTC offset in force
  (a CASE over the few instants where the offset changes inside the period, found from
  zoneinfo), modulo one week. Every row gets its exact local wall-clock time across DST.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import BigInteger, Integer, and_, case, cast, func, literal, select, true
from sqlalchemy.dialects.postgresql import array
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
        self.months, self.month_starts = local_month_starts(tz, start, end)

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
            return func.date_part("epoch", last - first)
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

    def epoch(self, instant) -> ColumnElement:
        """Seconds since 1970-01-01 UTC, as a float."""
        if self.postgresql:
            return func.date_part("epoch", instant)
        return (func.julianday(instant) - 2440587.5) * 86400.0

    def offset(self, instant) -> ColumnElement:
        """The UTC offset in seconds in force at ``instant`` (within the period)."""
        if len(self.segments) == 1:
            return literal(self.segments[0][1] * 60)
        whens = [
            (instant < self.instant(until), literal(offset * 60))
            for until, offset in self.segments[:-1]
        ]
        return case(*whens, else_=literal(self.segments[-1][1] * 60))

    def minute_of_week(self, instant, offset_at=None) -> ColumnElement:
        """Local minutes since Monday 00:00 (0 .. 10079) of a UTC instant.

        ``offset_at`` is a cheaper expression known to lie in the same UTC offset segment
        as ``instant`` (the raw start for a start clipped to the period), if any.
        """
        offset = self.offset(instant if offset_at is None else offset_at)
        # 1970-01-05 was a Monday: local epochs counted from it, modulo a week.
        # Rounded to the minute first: julian days carry float noise of a few microseconds.
        minutes = func.floor((self.epoch(instant) + offset - MONDAY_EPOCH) / 60.0 + 0.5)
        if self.postgresql:
            # Whole-number arithmetic: a float divided by an integer literal would be
            # promoted to numeric, several times slower per row.
            whole = cast(minutes, BigInteger)
            return cast((whole % WEEK_MINUTES + WEEK_MINUTES) % WEEK_MINUTES, Integer)
        return cast(minutes - WEEK_MINUTES * func.floor(minutes / WEEK_MINUTES), Integer)

    def month_index(self, instant) -> ColumnElement:
        """Index in ``months`` of the local month an instant falls in (0 before the second)."""
        starts = self.month_starts[1:]
        if not starts:
            return literal(0)
        if self.postgresql:
            return func.width_bucket(instant, array([self.instant(at) for at in starts]))
        whens = [(instant < self.instant(at), literal(n)) for n, at in enumerate(starts)]
        return case(*whens, else_=literal(len(starts)))


MONDAY_EPOCH = 4 * 86400
WEEK_MINUTES = 7 * 1440


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


def per_resource(
    time: SqlTime,
    start: datetime,
    end: datetime,
    scope: Scope,
    *,
    now: datetime,
) -> list[dict]:
    """Per resource: booked and unit seconds in the period (confirmed, any organisation),
    and counts of bookings starting in the period: cancelled, pending,
    possible no-shows (confirmed, ended, not checked in) of the organisation in scope,
    and check-ins (any organisation: tells whether check-ins are recorded on the resource).
    """
    seconds = time.clipped_seconds()
    started = Booking.start_at >= time.instant(start)
    mine = (
        Booking.organisation_id == scope.organisation_id
        if scope.organisation_id is not None
        else true()
    )

    def count(*conditions) -> ColumnElement:
        return func.count().filter(and_(*conditions))

    # Grouped by status too, so that each row compares its status once (in the hash)
    # rather than once per filtered aggregate; the statuses are sorted out below.
    query = select(
        Booking.resource_id,
        Booking.status,
        func.sum(seconds).label("seconds"),
        func.sum(seconds * Booking.quantity).label("unit_seconds"),
        count(started, mine).label("started_mine"),
        count(
            started,
            mine,
            Booking.end_at <= time.instant(now),
            Booking.checked_in_at.is_(None),
        ).label("not_checked_in"),
        count(started, Booking.checked_in_at.is_not(None)).label("checked_in"),
    )
    query = _overlapping(query, time, start, end, scope)
    query = query.group_by(Booking.resource_id, Booking.status)
    totals: dict[int, dict] = {}
    for row in _dicts(query):
        status = row["status"]
        if status not in ("confirmed", "cancelled", "pending"):
            continue
        entry = totals.setdefault(
            row["resource_id"],
            {
                "resource_id": row["resource_id"],
                "booked_seconds": None,
                "unit_seconds": None,
                "cancelled": 0,
                "pending": 0,
                "not_checked_in": 0,
                "checked_in": 0,
            },
        )
        entry["checked_in"] += int(row["checked_in"] or 0)
        if status == "confirmed":
            entry["booked_seconds"] = row["seconds"]
            entry["unit_seconds"] = row["unit_seconds"]
            entry["not_checked_in"] = int(row["not_checked_in"] or 0)
        elif status == "cancelled":
            entry["cancelled"] = int(row["started_mine"] or 0)
        else:
            entry["pending"] = int(row["started_mine"] or 0)
    return list(totals.values())


def _dicts(query) -> list[dict]:
    """The rows of an aggregate query as dicts (keys read once, not per row)."""
    result = db.session.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


def _accepted_shares(organisation_id: int, column):
    """``column`` of the accepted shares another organisation's bookings give this one."""
    return select(column).where(
        BookingShare.organisation_id == organisation_id, BookingShare.status == "accepted"
    )


def _counted_share(organisation_id: int) -> ColumnElement:
    """The fraction of the current booking that counts for the organisation, as usage counts
    it (``usage.measure.counted_shares``): its own booking, less the shares other
    organisations accepted; another's booking, the share it accepted.
    """
    accepted = select(func.sum(BookingShare.share)).where(
        BookingShare.booking_id == Booking.id,
        BookingShare.organisation_id != Booking.organisation_id,
        BookingShare.status == "accepted",
    )
    received = select(func.max(BookingShare.share)).where(
        BookingShare.booking_id == Booking.id,
        BookingShare.organisation_id == organisation_id,
        BookingShare.status == "accepted",
    )
    return case(
        (
            Booking.organisation_id == organisation_id,
            1 - func.coalesce(accepted.scalar_subquery(), 0),
        ),
        else_=func.coalesce(received.scalar_subquery(), 0),
    )


def demand_groups(time: SqlTime, start: datetime, end: datetime, scope: Scope) -> list[dict]:
    """Confirmed bookings grouped by the local minute of the week of their (clipped) start
    and their clipped duration in minutes, weighted by share for an organisation scope.

    A few thousand groups at most (bookings start on slots and have usual lengths); the
    caller spreads each group's minutes over the weekday x hour cells.
    """
    # A booking starting before the period is clipped to its start, which lies in the
    # same offset segment as the booking's own start (the first one): the offset can be
    # read from the raw start, without clipping it again.
    minute_of_week = time.minute_of_week(time.clipped_start(), offset_at=Booking.start_at)
    minutes = cast(func.round(time.clipped_seconds() / 60.0), Integer)
    if scope.organisation_id is not None:
        weight = func.sum(_counted_share(scope.organisation_id))
    else:
        weight = func.count()
    query = select(
        minute_of_week.label("minute_of_week"),
        minutes.label("minutes"),
        weight.label("weight"),
    ).select_from(Booking)
    if scope.organisation_id is not None:
        query = query.where(
            (Booking.organisation_id == scope.organisation_id)
            | Booking.id.in_(_accepted_shares(scope.organisation_id, BookingShare.booking_id))
        )
    query = query.where(Booking.status == "confirmed")
    query = _overlapping(query, time, start, end, scope)
    query = query.group_by(minute_of_week, minutes)
    return _dicts(query)


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
    return _dicts(query)


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


def per_purpose_and_organisation(
    time: SqlTime, start: datetime, end: datetime, scope: Scope
) -> list[dict]:
    """Per purpose (none: null) and organisation: the confirmed bookings' booked seconds in the
    period (clipped, times the quantity), the bookings starting in it and their expected
    attendance (each booking counted once, in the period it starts in)."""
    started = Booking.start_at >= time.instant(start)
    query = select(
        Booking.purpose_id,
        Booking.organisation_id,
        func.sum(time.clipped_seconds() * Booking.quantity).label("seconds"),
        func.sum(case((started, 1), else_=0)).label("bookings"),
        func.sum(case((started, func.coalesce(Booking.attendance, 0)), else_=0)).label(
            "attendance"
        ),
    ).where(Booking.status == "confirmed")
    if scope.organisation_id is not None:
        query = query.where(Booking.organisation_id == scope.organisation_id)
    query = _overlapping(query, time, start, end, scope)
    query = query.group_by(Booking.purpose_id, Booking.organisation_id)
    return _dicts(query)
