"""Closing a resource (or the whole pole): the bookings a closure hits, kept or cancelled.

A closure that lands on booked time never surprises anybody: the coordinator sees the
pending and confirmed bookings it overlaps before confirming, then either keeps them (they
stay, listed) or cancels them with the closure's reason through the booking service
(audited), and each booker finds the cancellation and its reason in their inbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.bookings import services as bookings
from pooling.bookings.models import HELD_UNTIL, HOLDING, Booking
from pooling.core.database import lock_resource_row
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.resources import services as resources
from pooling.resources.models import Closure, Resource
from pooling.resources.permissions import can_manage_resources, can_see_resource
from pooling.waitlist.offers import offer_freed

MAX_REASON = 200
# Closures are planned within a lifetime of the application, not in year 999.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class ClosureOutcome:
    """The closure written, the live bookings it overlaps, and those cancelled because of it."""

    closure: Closure
    affected: list[Booking]
    cancelled: list[Booking] = field(default_factory=list)


def ensure_can_close(actor: User) -> None:
    """Only the pole's coordinators close and reopen. Raises NotAllowed."""
    if not can_manage_resources(actor):
        raise NotAllowed(_("Only the pole's coordinators can add closures."))


def _check(actor: User, resource_id: int | None, start: datetime, end: datetime, reason: str):
    """Who may close, and the shape of a closure. Raises NotAllowed, NotFound, RuleViolation."""
    ensure_can_close(actor)
    errors: dict[str, list[str]] = {}
    if resource_id is not None and db.session.get(Resource, resource_id) is None:
        message = _("This resource does not exist.")
        raise NotFound(message, fields={"resource_id": [_("Unknown resource.")]})
    for name, value in (("start", start), ("end", end)):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            errors[name] = [
                _("Give a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
            ]
    if end <= start:
        errors.setdefault("end", []).append(_("The closure must end after it starts."))
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the resource is closed (the bookers will read it).")]
    elif len(reason.strip()) > MAX_REASON:
        errors["reason"] = [_("At most %(n)s characters.", n=MAX_REASON)]
    if errors:
        first = next(iter(errors.values()))[0]
        raise RuleViolation(first, code="invalid_closure", fields=errors)


def bookings_hit(resource_id: int | None, start: datetime, end: datetime) -> list[Booking]:
    """Pending and confirmed bookings over [start, end) of the resource (None: of every
    resource), in time order."""
    query = select(Booking).where(
        Booking.status.in_(HOLDING), Booking.start_at < end, HELD_UNTIL > start
    )
    if resource_id is not None:
        query = query.where(Booking.resource_id == resource_id)
    return list(db.session.scalars(query.order_by(Booking.start_at, Booking.id)))


def preview_closure(
    actor: User, resource_id: int | None, start: datetime, end: datetime, reason: str
) -> list[Booking]:
    """The bookings a closure would hit, before it is written. Raises as ``close``."""
    _check(actor, resource_id, start, end, reason)
    return bookings_hit(resource_id, start, end)


def close(
    actor: User,
    resource_id: int | None,
    start: datetime,
    end: datetime,
    reason: str,
    *,
    cancel_bookings: bool = False,
) -> ClosureOutcome:
    """Close a resource (None: the whole pole) over [start, end), for a reason.

    The resources concerned are locked first, so no booking slips in unseen. With
    ``cancel_bookings`` every pending or confirmed booking it overlaps is cancelled with the
    reason (audited) and its booker told in the inbox; otherwise they stay and are returned.
    Raises NotAllowed, NotFound, RuleViolation; nothing is written when it raises.
    """
    _check(actor, resource_id, start, end, reason)
    reason = reason.strip()
    ids = (
        [resource_id]
        if resource_id is not None
        else list(db.session.scalars(select(Resource.id).order_by(Resource.id)))
    )
    # Same order as the booking engine (resources by id), so two writers never deadlock.
    for locked_id in ids:
        lock_resource_row(locked_id)
    closure = resources.create_closure(actor, resource_id, start, end, reason)
    affected = bookings_hit(resource_id, start, end)
    outcome = ClosureOutcome(closure, affected)
    if cancel_bookings:
        for booking in affected:
            if booking.in_use:
                # Checked in: the resource is being used, so the booking stays, listed for
                # the coordinator to settle with its booker.
                continue
            bookings.cancel_booking(actor, booking.id, reason, notice="booking_cancelled_closure")
            outcome.cancelled.append(booking)
    db.session.flush()
    return outcome


def remove(actor: User, closure_id: int) -> None:
    """Reopen: delete a closure, so its time can be booked again (coordinators).

    The resources it closed are locked first (by id, as the booking engine does), and their
    waitlists are offered what the reopening frees.
    """
    if not can_manage_resources(actor):
        raise NotAllowed(_("Only the pole's coordinators can remove closures."))
    closure = db.session.get(Closure, closure_id)
    if closure is None:
        raise NotFound(_("This closure does not exist."))
    ids = (
        [closure.resource_id]
        if closure.resource_id is not None
        else list(db.session.scalars(select(Resource.id).order_by(Resource.id)))
    )
    for locked_id in ids:
        lock_resource_row(locked_id)
    resources.delete_closure(actor, closure_id)
    offer_freed(ids)


def list_closures(
    actor: User,
    resource_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Closure]:
    """Closures the actor can see, by start: of one resource (with the pole's) or all."""
    query = select(Closure)
    if resource_id is not None:
        resource = db.session.get(Resource, resource_id)
        if resource is None or not can_see_resource(actor, resource):
            raise NotFound(
                _("This resource does not exist."), fields={"resource_id": [_("Unknown resource.")]}
            )
        query = query.where((Closure.resource_id == resource_id) | Closure.resource_id.is_(None))
    if start is not None:
        query = query.where(Closure.end_at > start)
    if end is not None:
        query = query.where(Closure.start_at < end)
    return list(db.session.scalars(query.order_by(Closure.start_at, Closure.id)))
