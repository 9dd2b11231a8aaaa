"""The requests waiting for a decision: what an approver sees on the approvals page, in the
menu's badge and in the daily digest. Nothing here writes; deciding is
``pooling.bookings.decisions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from pooling.accounts.models import User
from pooling.bookings.availability import Taken, overlaps, peak
from pooling.bookings.messages import unavailable_reason
from pooling.bookings.models import Booking
from pooling.bookings.occupancy import held_units
from pooling.bookings.queries import LIST_LOADS, closed_for, closures_of
from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.resources.models import Resource


def _pending_query(actor: User):
    query = select(Booking).where(Booking.status == "pending")
    if not actor.is_coordinator:
        admin = actor.admin_organisation_ids()
        query = query.join(Resource, Resource.id == Booking.resource_id).where(
            Resource.owner_organisation_id.in_(admin or {-1})
        )
    return query


def pending_for(actor: User) -> list[Booking]:
    """The pending bookings the actor can decide, oldest request first."""
    query = (
        _pending_query(actor)
        .options(*LIST_LOADS, selectinload(Booking.user), selectinload(Booking.series))
        .order_by(Booking.created_at, Booking.id)
    )
    return list(db.session.scalars(query))


@dataclass
class PendingDate:
    """One date of a request: whether its start has passed (it can no longer be accepted)
    and what clashes with it now ("" when nothing does)."""

    booking: Booking
    expired: bool
    clash: str = ""


@dataclass
class PendingRequest:
    """What one person asked for at once: a whole series (its pending dates) or one booking."""

    dates: list[PendingDate]

    @property
    def first(self) -> Booking:
        return self.dates[0].booking

    @property
    def series(self):
        return self.first.series

    @property
    def decidable(self) -> list[PendingDate]:
        return [d for d in self.dates if not d.expired]


def _clashes(bookings: list[Booking]) -> dict[int, str]:
    """What stands in each pending booking's way now, by booking id: other bookings or busy
    times holding its units (through its composites and parts too), or a closure or public
    holiday added since ("" when nothing does). Read for all of them at once, in a fixed
    number of statements whatever their number."""
    if not bookings:
        return {}
    resources = {b.resource_id: b.resource for b in bookings}
    start = min(b.start_at for b in bookings)
    end = max(b.end_at for b in bookings)
    held: dict[int, list[Taken]] = {}
    for resource_id, taken in held_units(list(resources.values()), start, end):
        held.setdefault(resource_id, []).append(taken)
    closures = closures_of(sorted(resources), start, end)
    return {b.id: _clash_of(b, held.get(b.resource_id, []), closures) for b in bookings}


def _clash_of(booking: Booking, held: list[Taken], closures) -> str:
    resource = booking.resource
    taken = [
        t
        for t in held
        if t.booking_id != booking.id and overlaps(t.start, t.end, booking.start_at, booking.end_at)
    ]
    if peak(taken, booking.start_at, booking.end_at) + booking.quantity > resource.quantity:
        return _("Taken by another booking")
    for item in closed_for(resource.id, resource.closed_on_public_holidays, closures):
        if overlaps(item.start, item.end, booking.start_at, booking.end_at):
            return unavailable_reason(item.kind, item.reason)
    return ""


def pending_requests(actor: User, now: datetime | None = None) -> list[PendingRequest]:
    """The pending bookings the actor can decide, one request per series (its dates in
    order) or per single booking, oldest request first; each date flagged when its start has
    passed or when something clashes with it now."""
    return pending_requests_page(actor, now)[0]


def pending_requests_page(
    actor: User, now: datetime | None = None, *, page: int = 1, size: int | None = None
) -> tuple[list[PendingRequest], bool]:
    """The ``page``-th ``size`` requests of ``pending_requests`` (all of them when ``size`` is
    None) and whether more follow. What clashes now is read for the page's dates only."""
    now = now or utcnow()
    groups: dict[tuple[str, int], list[Booking]] = {}
    for booking in pending_for(actor):
        key = ("series", booking.series_id) if booking.series_id else ("booking", booking.id)
        groups.setdefault(key, []).append(booking)
    chosen = list(groups.values())
    more = False
    if size is not None:
        first = (max(page, 1) - 1) * size
        more = len(chosen) > first + size
        chosen = chosen[first : first + size]
    clashes = _clashes([b for bookings in chosen for b in bookings])
    requests = []
    for bookings in chosen:
        bookings.sort(key=lambda b: (b.start_at, b.id))
        requests.append(
            PendingRequest([PendingDate(b, b.start_at <= now, clashes[b.id]) for b in bookings])
        )
    return requests, more


def pending_count(actor: User) -> int:
    """How many bookings wait for the actor's decision (the menu's badge)."""
    subquery = _pending_query(actor).with_only_columns(Booking.id).subquery()
    return db.session.scalar(select(func.count()).select_from(subquery))
