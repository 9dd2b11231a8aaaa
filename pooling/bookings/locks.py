"""The booking locks, always taken in one order so that nothing deadlocks.

Every change of a booking (create, approve, reject, cancel, series cancel, move, check-in,
check-out) is serialised, its locks always taken in one order so that nothing deadlocks:

1. the resource(s), by id ascending (``lock``/``locked_resource``/``lock_resources``), each
   with its parts and its composites at every level (a booking of a hall takes units of its
   rooms, a booking of a room blocks the hall): the whole family in one ascending order, so
   a booking of the hall and one of its room wait for each other and never deadlock;
2. the organisation's row, when a quota applies to what is booked (``quotas.QuotaBook``), so two
   bookings of one organisation on two resources of a kind cannot both pass a kind quota;
3. the booking row(s), by id ascending (``locked_booking``), ``SELECT ... FOR UPDATE``.

On PostgreSQL these are row locks; SQLite has one writer at a time, so the first lock
begins the transaction with ``BEGIN IMMEDIATE`` and the rest are already held. Each change
then re-reads the booking under the locks and decides on what it reads there: approving or
moving a booking cancelled or rejected meanwhile is a Conflict, never a revival.

The row locks themselves are ``pooling.core.database``'s ``lock_row`` and its
``lock_resource_row``/``lock_organisation_row``.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, exists, or_, select

from pooling.accounts.models import User
from pooling.bookings import queries
from pooling.bookings.models import Booking, Quota
from pooling.bookings.occupancy import ALONE
from pooling.bookings.quotas import QuotaBook
from pooling.core.database import lock_resource_row
from pooling.core.time import pole_tz
from pooling.extensions import db
from pooling.qualifications.models import resource_qualifications
from pooling.resources.composition import composition
from pooling.resources.models import Resource, resource_parts

# Set on a resource read by ``locked_resource``: whether any organisation has a quota on it or
# on its kind, and whether it requires qualifications. Unknown (not set) counts as yes.
QUOTAS_POSSIBLE = "_pooling_quotas_possible"
REQUIREMENTS_POSSIBLE = "_pooling_requirements_possible"


def _flags():
    return (
        exists()
        .where(or_(Quota.resource_id == Resource.id, Quota.resource_kind == Resource.kind))
        .label("quotas"),
        exists().where(resource_qualifications.c.resource_id == Resource.id).label("required"),
    )


@cache
def _locked_resource_query(*, for_update: bool):
    """The resource if it stands alone (no parts, part of nothing), and whether quotas or
    required qualifications can apply (built once)."""
    linked = exists().where(
        or_(resource_parts.c.composite_id == Resource.id, resource_parts.c.part_id == Resource.id)
    )
    query = (
        select(Resource, *_flags())
        .where(Resource.id == bindparam("resource_id"), ~linked)
        .execution_options(populate_existing=True)
    )
    return query.with_for_update(of=Resource) if for_update else query


@cache
def _locked_resources_query(*, for_update: bool):
    """Resources by id ascending, with the same flags (built once)."""
    query = (
        select(Resource, *_flags())
        .where(Resource.id.in_(bindparam("ids", expanding=True)))
        .order_by(Resource.id)
        .execution_options(populate_existing=True)
    )
    return query.with_for_update(of=Resource) if for_update else query


def lock_resources(resource_ids) -> None:
    """Take the write locks of these resources and of their parts and composites (every
    level), by id ascending, reading the rows under the locks (with what ``locked_resource``
    learns of each).

    The composition is read again under the locks: a part added meanwhile (its edit locks
    the rows it links) is locked too before anything is decided.
    """
    wanted = set(resource_ids)
    locked: set[int] = set()
    while True:
        pole = composition()
        todo = sorted((pole.family(wanted) if pole else wanted) - locked)
        if not todo:
            return
        _lock_rows(todo)
        locked.update(todo)


def _lock_rows(ids: list[int]) -> None:
    """Lock resource rows in the order given (ascending ids) and re-read them under the locks."""
    postgresql = db.session.connection().dialect.name == "postgresql"
    if not postgresql:
        for resource_id in ids:
            lock_resource_row(resource_id)
    # PostgreSQL locks the rows in the order of the sort, in one round trip.
    rows = db.session.execute(_locked_resources_query(for_update=postgresql), {"ids": ids})
    for row in rows:
        setattr(_learn(row), ALONE, None)


def _learn(row) -> Resource:
    resource = row[0]
    setattr(resource, QUOTAS_POSSIBLE, bool(row.quotas))
    setattr(resource, REQUIREMENTS_POSSIBLE, bool(row.required))
    return resource


def locked_resource(resource_id: int) -> Resource | None:
    """Take the resource's write lock (with its family's, see ``lock_resources``) and read
    the resource under it (None if it does not exist).

    A resource that is neither made of parts nor part of another (the usual case) is locked
    and read in one round trip, which also says whether a quota or a required qualification
    can apply to it, so that a booking of a resource without them reads neither
    (``may_have_quotas``), and that it stands alone (``occupancy`` then reads no
    composition). Otherwise the family is locked in its order.
    """
    postgresql = db.session.connection().dialect.name == "postgresql"
    if not postgresql:
        lock_resource_row(resource_id)
    row = db.session.execute(
        _locked_resource_query(for_update=postgresql), {"resource_id": resource_id}
    ).one_or_none()
    if row is not None:
        resource = _learn(row)
        setattr(resource, ALONE, db.session().get_transaction())
        return resource
    lock_resources([resource_id])
    return db.session.get(Resource, resource_id)


def may_have_quotas(resource: Resource) -> bool:
    """False only when the locked read found no quota on the resource nor on its kind."""
    return getattr(resource, QUOTAS_POSSIBLE, True)


def may_require_qualifications(resource: Resource) -> bool:
    """False only when the locked read found no qualification required by the resource."""
    return getattr(resource, REQUIREMENTS_POSSIBLE, True)


def lock(resource: Resource) -> None:
    """Take the resource's write lock (with its family's), then re-read the resource under it.

    The resource was loaded before the lock; a writer that committed meanwhile may have
    lengthened its longest booking (how far back ``occupancy.holding`` looks) or its quantity
    changed. Reading the stale values would miss an earlier, longer booking that overlaps.
    """
    lock_resources([resource.id])


def lock_booking_rows(booking_ids: list[int]) -> list[Booking]:
    """Lock bookings (by id ascending) after their resource's lock; read them under the lock."""
    ids = sorted(booking_ids)
    if not ids:
        return []
    query = (
        select(Booking)
        .where(Booking.id.in_(ids))
        .order_by(Booking.id)
        .execution_options(populate_existing=True)
    )
    if db.session.connection().dialect.name == "postgresql":
        query = query.with_for_update(of=Booking)
    # On SQLite the resource's lock already made this transaction the only writer.
    return list(db.session.scalars(query))


def locked_booking(
    actor: User, booking_id: int, *, quota: bool = False
) -> tuple[Booking, QuotaBook | None]:
    """The booking the actor may see, locked in the module's order and re-read under the locks.

    Its resource first, then (with ``quota``) its organisation when a quota applies, then the
    booking row. Raises NotFound.
    """
    booking = queries.get_booking(actor, booking_id)
    resource = booking.resource
    lock(resource)
    quota_book = (
        QuotaBook(booking.organisation, resource, pole_tz(), exclude_id=booking.id)
        if quota
        else None
    )
    lock_booking_rows([booking.id])
    return booking, quota_book
