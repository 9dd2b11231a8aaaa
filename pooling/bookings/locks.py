"""The booking locks, always taken in one order so that nothing deadlocks.

Every change of a booking (create, approve, reject, cancel, series cancel, move, check-in,
check-out) is serialised, its locks always taken in one order so that nothing deadlocks:

1. the resource(s), by id ascending (``lock``/``locked_resource``);
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
from pooling.bookings.quotas import QuotaBook
from pooling.core.database import lock_resource_row
from pooling.core.time import pole_tz
from pooling.extensions import db
from pooling.qualifications.models import resource_qualifications
from pooling.resources.models import Resource

# Set on a resource read by ``locked_resource``: whether any organisation has a quota on it or
# on its kind, and whether it requires qualifications. Unknown (not set) counts as yes.
QUOTAS_POSSIBLE = "_pooling_quotas_possible"
REQUIREMENTS_POSSIBLE = "_pooling_requirements_possible"


@cache
def _locked_resource_query(*, for_update: bool):
    """The resource and whether quotas or required qualifications can apply (built once)."""
    query = (
        select(
            Resource,
            exists()
            .where(or_(Quota.resource_id == Resource.id, Quota.resource_kind == Resource.kind))
            .label("quotas"),
            exists().where(resource_qualifications.c.resource_id == Resource.id).label("required"),
        )
        .where(Resource.id == bindparam("resource_id"))
        .execution_options(populate_existing=True)
    )
    return query.with_for_update(of=Resource) if for_update else query


def locked_resource(resource_id: int) -> Resource | None:
    """Take the resource's write lock and read the resource under it (None if it does not exist).

    The same round trip says whether a quota or a required qualification can apply to it, so
    that a booking of a resource without them reads neither (``may_have_quotas``).
    """
    postgresql = db.session.connection().dialect.name == "postgresql"
    if not postgresql:
        lock_resource_row(resource_id)
    row = db.session.execute(
        _locked_resource_query(for_update=postgresql), {"resource_id": resource_id}
    ).one_or_none()
    if row is None:
        return None
    resource = row[0]
    setattr(resource, QUOTAS_POSSIBLE, bool(row.quotas))
    setattr(resource, REQUIREMENTS_POSSIBLE, bool(row.required))
    return resource


def may_have_quotas(resource: Resource) -> bool:
    """False only when the locked read found no quota on the resource nor on its kind."""
    return getattr(resource, QUOTAS_POSSIBLE, True)


def may_require_qualifications(resource: Resource) -> bool:
    """False only when the locked read found no qualification required by the resource."""
    return getattr(resource, REQUIREMENTS_POSSIBLE, True)


def lock(resource: Resource) -> None:
    """Take the resource's write lock, then re-read the resource under it.

    The resource was loaded before the lock; a writer that committed meanwhile may have
    lengthened its longest booking (how far back ``queries.holding`` looks) or its quantity
    changed. Reading the stale values would miss an earlier, longer booking that overlaps.
    """
    if db.session.connection().dialect.name == "postgresql":
        # One round trip: lock the row (as lock_resource_row does) and re-read it.
        db.session.execute(
            select(Resource)
            .where(Resource.id == resource.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        return
    lock_resource_row(resource.id)
    db.session.refresh(resource)


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
