"""Units held: what takes the units of a resource at a time, the one rule every reader uses.

A resource R is held by the pending and confirmed bookings on R (until their end or an early
check-out), by the busy times of R's external calendar (every unit), by the bookings on R's
composites (one unit each, at every level: a hall takes one of each of its rooms) and by those
on R's parts (all of R: a room taken leaves no hall). ``pooling.resources.composition`` says
who is related to whom; the availability, the booking checks, the free-resource search, the
planning and the invariants all read the units through this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from pooling.bookings.availability import Closed, Taken
from pooling.bookings.models import HELD_UNTIL, HOLDING, Booking
from pooling.calendar.models import ExternalBusyTime
from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.resources.composition import Composition, composition
from pooling.resources.models import Closure, Resource
from pooling.resources.services import public_holidays
from pooling.waitlist.models import WaitlistEntry

# A booking holds its units while pending or confirmed, until its end or an early check-out.
HOLDS_UNITS = (Booking.status.in_(HOLDING), HELD_UNTIL > Booking.start_at)
# Set on a resource by ``locks.locked_resource`` when, under its lock, it has no part and is
# part of nothing: the transaction that found it so. In that transaction its units are read
# without the composition.
ALONE = "_pooling_alone"
# No composite resource: each row holds units of its own resource only.
NOBODY = Composition()


def stands_alone(resource: Resource) -> bool:
    """Whether this transaction locked the resource and found it with no part and part of
    nothing (``locks.locked_resource``)."""
    found = getattr(resource, ALONE, None)
    return found is not None and found is db.session().get_transaction()


@dataclass(frozen=True)
class HeldRow:
    """Units of one resource held by one booking (``id``; None for a busy time)."""

    resource_id: int
    id: int | None
    start_at: datetime
    end_at: datetime
    quantity: int
    # Held through a composite or a part (another resource's booking or busy time).
    linked: bool = False
    # "booking", "busy" (an external calendar's busy time) or "offer" (held for a waitlist
    # offer); "" when the row does not say.
    kind: str = ""


def holiday_closures(start: datetime, end: datetime) -> list[Closed]:
    """The public holidays over [start, end) as closed whole local days, named."""
    return [Closed(h.start, h.end, "holiday", h.name) for h in public_holidays(start, end)]


def spread(rows: Iterable, quantities: dict[int, int], pole: Composition) -> Iterable[HeldRow]:
    """The units of the resources of ``quantities`` (id -> quantity) held by ``rows``.

    Each row has ``resource_id``, ``id``, ``start_at``, ``end_at`` and ``quantity`` (None: a
    busy time, every unit); a row counts for its own resource, its parts and its composites
    as ``Composition.units_held`` says.
    """
    touched: dict[int, list[int]] = {}
    for row in rows:
        holder = row.resource_id
        if holder not in touched:
            reach = {holder} | pole.related(holder) if pole else {holder}
            touched[holder] = sorted(reach & quantities.keys())
        for resource_id in touched[holder]:
            quantity = quantities[resource_id]
            own = quantity if row.quantity is None else row.quantity
            units = pole.units_held(resource_id, quantity, holder, own)
            if units:
                yield HeldRow(
                    resource_id,
                    row.id,
                    row.start_at,
                    row.end_at,
                    units,
                    resource_id != holder,
                    getattr(row, "source", ""),
                )


def _reach(resource: Resource, related: set[int]) -> timedelta:
    """How far back a booking overlapping the window may start (the longest ever held on the
    resource or on one related to it): bounds the query to an index range on start_at."""
    minutes = resource.longest_booking_minutes or 0
    if related:
        others = db.session.scalar(
            select(func.max(Resource.longest_booking_minutes)).where(Resource.id.in_(related))
        )
        minutes = max(minutes, others or 0)
    return timedelta(minutes=minutes)


def holding(
    resource: Resource, start: datetime, end: datetime, exclude_id: int | None = None
) -> list[Taken]:
    """Units held on the resource over [start, end), read with an index range on start_at."""
    return timeline_facts(resource, start, end, exclude_id)[1]


@cache
def _timeline_statement(*, exclude: bool, with_closures: bool):
    """What ``timeline_facts`` reads, built once per shape with bound parameters: the holding
    bookings, busy times and waitlist offers of the resources ``ids`` (the resource and
    those related to it), and (optionally) the closures of the resource and of the pole."""
    ids = bindparam("ids", expanding=True)
    query = select(
        literal("booking").label("source"),
        Booking.resource_id,
        Booking.id,
        Booking.start_at,
        HELD_UNTIL.label("end_at"),
        Booking.quantity,
        cast(null(), String).label("reason"),
    ).where(
        Booking.resource_id.in_(ids),
        Booking.start_at < bindparam("end"),
        Booking.start_at >= bindparam("reach_start"),
        HELD_UNTIL > bindparam("start"),
        *HOLDS_UNITS,
    )
    if exclude:
        query = query.where(Booking.id != bindparam("exclude_id"))
    parts = [
        query,
        select(
            literal("busy"),
            ExternalBusyTime.resource_id,
            cast(null(), Integer),
            ExternalBusyTime.start_at,
            ExternalBusyTime.end_at,
            cast(null(), Integer),
            cast(null(), String),
        ).where(
            ExternalBusyTime.resource_id.in_(ids),
            ExternalBusyTime.start_at < bindparam("end"),
            ExternalBusyTime.end_at > bindparam("start"),
        ),
        select(
            literal("offer"),
            WaitlistEntry.resource_id,
            cast(null(), Integer),
            WaitlistEntry.start_at,
            WaitlistEntry.end_at,
            WaitlistEntry.quantity,
            cast(null(), String),
        ).where(
            WaitlistEntry.resource_id.in_(ids),
            WaitlistEntry.status == "offered",
            WaitlistEntry.offer_expires_at > bindparam("now"),
            WaitlistEntry.start_at < bindparam("end"),
            WaitlistEntry.end_at > bindparam("start"),
        ),
    ]
    if with_closures:
        parts.append(
            select(
                literal("closure"),
                Closure.resource_id,
                cast(null(), Integer),
                Closure.start_at,
                Closure.end_at,
                literal(0, Integer),
                Closure.reason,
            ).where(
                or_(Closure.resource_id == bindparam("resource_id"), Closure.resource_id.is_(None)),
                Closure.start_at < bindparam("end"),
                Closure.end_at > bindparam("start"),
            )
        )
    return union_all(*parts)


def timeline_facts(
    resource: Resource,
    start: datetime,
    end: datetime,
    exclude_id: int | None = None,
    *,
    with_closures: bool = False,
) -> tuple[list[Closed], list[Taken]]:
    """Closures with their reasons and public holidays (optionally) and units held over
    [start, end), in one round trip (after the composition's, unless this transaction locked
    the resource and found it standing alone).

    Holding bookings of the resource, its parts and its composites are read with an index
    range on start_at; busy times read from their external calendars hold every unit (issue 7);
    a waitlist offer holds its units for the person offered them.
    """
    if stands_alone(resource):
        pole, related = NOBODY, set()
        reach = timedelta(minutes=resource.longest_booking_minutes or 0)
    else:
        pole = composition()
        related = pole.related(resource.id)
        reach = _reach(resource, related)
    params = {
        "ids": [resource.id, *sorted(related)],
        "resource_id": resource.id,
        "start": start,
        "end": end,
        "reach_start": start - reach,
        "now": utcnow(),
    }
    if exclude_id is not None:
        params["exclude_id"] = exclude_id
    statement = _timeline_statement(exclude=exclude_id is not None, with_closures=with_closures)
    closures: list[Closed] = []
    held = []
    for row in db.session.execute(statement, params):
        if row.source == "closure":
            closures.append(Closed(row.start_at, row.end_at, "closure", row.reason or ""))
        else:
            held.append(row)
    taken = [
        Taken(h.start_at, h.end_at, h.quantity, h.id, h.linked, h.kind)
        for h in spread(held, {resource.id: resource.quantity}, pole)
    ]
    if with_closures and resource.closed_on_public_holidays:
        closures += holiday_closures(start, end)
    return closures, taken


def holding_bookings() -> Select:
    """(resource_id, id, start_at, end_at, quantity) of the bookings holding units, ``end_at``
    being when the units are given back (an early check-out ends the hold). Each row holds
    units of its own resource; ``spread`` counts it for the related ones."""
    return select(
        Booking.resource_id,
        Booking.id,
        Booking.start_at,
        HELD_UNTIL.label("end_at"),
        Booking.quantity,
    ).where(*HOLDS_UNITS)


def held_units(resources, start: datetime, end: datetime) -> list[tuple[int, Taken]]:
    """Units held on these resources (anything with ``id`` and ``quantity``) over [start, end):
    live bookings of them and of the resources related to them, one query, busy times of
    their external calendars (every unit), one query, and the waitlist offers holding units,
    one query, after the composition's."""
    if not resources:
        return []
    quantities = {r.id: r.quantity for r in resources}
    pole = composition()
    ids = sorted(pole.family(quantities) if pole else quantities)
    rows = list(
        db.session.execute(
            holding_bookings().where(
                Booking.resource_id.in_(ids), Booking.start_at < end, HELD_UNTIL > start
            )
        )
    )
    rows += db.session.execute(
        select(
            ExternalBusyTime.resource_id,
            cast(null(), Integer).label("id"),
            ExternalBusyTime.start_at,
            ExternalBusyTime.end_at,
            cast(null(), Integer).label("quantity"),
        ).where(
            ExternalBusyTime.resource_id.in_(ids),
            ExternalBusyTime.start_at < end,
            ExternalBusyTime.end_at > start,
        )
    )
    rows += db.session.execute(
        select(
            WaitlistEntry.resource_id,
            cast(null(), Integer).label("id"),
            WaitlistEntry.start_at,
            WaitlistEntry.end_at,
            WaitlistEntry.quantity,
            literal("offer").label("source"),
        ).where(
            WaitlistEntry.resource_id.in_(ids),
            WaitlistEntry.status == "offered",
            WaitlistEntry.offer_expires_at > utcnow(),
            WaitlistEntry.start_at < end,
            WaitlistEntry.end_at > start,
        )
    )
    return [
        (h.resource_id, Taken(h.start_at, h.end_at, h.quantity, h.id, h.linked, h.kind))
        for h in spread(rows, quantities, pole)
    ]
