"""Deciding requests: approve or reject pending bookings, one or a series at once, and
refuse as expired the requests nobody decided before their start.

The queue of requests waiting for a decision is read by ``pooling.bookings.pending``.
Like every change of a booking, a decision takes its locks in the order that
``pooling.bookings.locks`` documents and decides on what it reads under them.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.bookings import evaluation, locks, occupancy, permissions, queries
from pooling.bookings.evaluation import conflict_json, taken_message
from pooling.bookings.messages import rule_message
from pooling.bookings.models import STATUSES, Booking
from pooling.bookings.rules import Violation
from pooling.bookings.snapshots import iso, snapshot
from pooling.core.actors import SYSTEM
from pooling.core.db import utcnow
from pooling.core.errors import Conflict, NotAllowed, RuleViolation
from pooling.core.templating import local_range
from pooling.extensions import db
from pooling.notifications.services import notify
from pooling.waitlist.offers import offer_freed


def decide(actor: User, booking_id: int, approve: bool, reason: str | None = None) -> Booking:
    """Approve or reject a pending booking (coordinator or referent of the owner organisation).

    Approving a confirmed booking, or rejecting a rejected one, changes nothing. Decided
    under the booking's locks, on its status read there; an approval checks again that the
    units are free and that the booking has not started. Raises NotFound, NotAllowed,
    Conflict (the booking is no longer pending, or its units were taken meanwhile),
    RuleViolation (the resource was deactivated, or the request has expired).
    """
    return decide_many(actor, [booking_id], approve, reason)[0]


def decide_many(
    actor: User,
    booking_ids: list[int],
    approve: bool,
    reason: str | None = None,
    *,
    now: datetime | None = None,
) -> list[Booking]:
    """Approve or reject several pending bookings at once (a whole series, or chosen dates),
    with one reason: all of them or none.

    Every booking is checked as ``decide`` checks one, under the locks of its resource and
    its row; an approval refuses a request whose start has passed (it has expired). The
    booker is told once per decision, with the number of dates. Raises NotFound, NotAllowed,
    Conflict, RuleViolation; nothing is written when it raises.
    """
    now = now or utcnow()
    ids = sorted(set(booking_ids))
    if not ids:
        message = _("Choose at least one date.")
        raise RuleViolation(message, code="nothing_chosen", fields={"booking_ids": [message]})
    found = [queries.get_booking(actor, booking_id) for booking_id in ids]
    locks.lock_resources({b.resource_id for b in found})
    bookings = sorted(locks.lock_booking_rows(ids), key=lambda b: (b.start_at, b.id))
    target = "confirmed" if approve else "rejected"
    # One instant for the whole decision: its mail lists the dates decided at that instant.
    at = utcnow()
    changed: list[Booking] = []
    for booking in bookings:
        if not permissions.can_approve(actor, booking):
            raise NotAllowed(
                _(
                    "Only a coordinator or a referent of the organisation that lends this resource can decide."
                )
            )
        if booking.status == target:
            continue
        if booking.status != "pending":
            raise Conflict(
                _(
                    "This booking is %(status)s; only pending bookings can be decided.",
                    status=STATUSES[booking.status],
                ),
                code="not_pending",
            )
        if approve:
            if booking.start_at <= now:
                message = _(
                    "This request has expired: it started on %(when)s, before anyone decided.",
                    when=local_range(booking.start_at, booking.end_at),
                )
                raise RuleViolation(message, code="expired")
            _check_still_free(booking)
        _set_decision(actor, booking, target, reason, at)
        changed.append(booking)
    if not approve and changed:
        # A refused request gives its units back: the waitlist may take them.
        offer_freed({b.resource_id for b in changed}, now=now)
    for user_id in sorted({b.user_id for b in changed}):
        theirs = [b for b in changed if b.user_id == user_id]
        notify(
            [user_id],
            "booking_approved" if approve else "booking_rejected",
            theirs[0],
            resource=theirs[0].resource.name,
            start=iso(theirs[0].start_at),
            reason=theirs[0].decision_reason or "",
            count=len(theirs),
        )
    db.session.flush()
    return bookings


def _set_decision(
    actor, booking: Booking, target: str, reason: str | None, at: datetime, note: str | None = None
) -> None:
    """Record a decision on a pending booking (``actor`` SYSTEM: the pole itself, on expiry)."""
    before = snapshot(booking)
    booking.status = target
    booking.decided_by_id = actor.id
    booking.decided_at = at
    if target == "confirmed":
        booking.confirmed_at = at
    booking.decision_reason = (reason or "").strip()[:1000] or None
    booking.sequence += 1
    booking.updated_at = at
    record(
        actor,
        "booking.approve" if target == "confirmed" else "booking.reject",
        booking,
        before=before,
        after=snapshot(booking),
        note=note or booking.decision_reason,
    )


def expire_requests(now: datetime | None = None) -> list[Booking]:
    """Refuse, as expired, the pending bookings whose start has passed: nobody decided in
    time. The pole refuses them (no person decided: ``decided_by_id`` stays empty, the audit
    notes "expired"); each booker is told once per request. Returns the bookings refused."""
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            select(Booking.id).where(Booking.status == "pending", Booking.start_at <= now)
        )
    )
    if not ids:
        return []
    resource_ids = db.session.scalars(
        select(Booking.resource_id).where(Booking.id.in_(ids)).distinct()
    )
    locks.lock_resources(set(resource_ids))
    expired = [b for b in locks.lock_booking_rows(ids) if b.status == "pending"]
    at = utcnow()
    for booking in expired:
        _set_decision(SYSTEM, booking, "rejected", None, at, note="expired")
    if expired:
        offer_freed({b.resource_id for b in expired}, now=now)
    # One notice per request: a series' expired dates together, each single booking alone.
    by_request: dict[tuple[int, str, int], list[Booking]] = {}
    for booking in sorted(expired, key=lambda b: (b.start_at, b.id)):
        request = ("series", booking.series_id) if booking.series_id else ("booking", booking.id)
        by_request.setdefault((booking.user_id, *request), []).append(booking)
    for (user_id, *_request), theirs in by_request.items():
        notify(
            [user_id],
            "booking_expired",
            theirs[0],
            resource=theirs[0].resource.name,
            start=iso(theirs[0].start_at),
            count=len(theirs),
        )
    db.session.flush()
    return expired


def _check_still_free(booking: Booking) -> None:
    """Under the resource's lock: the booking's units are still free and the resource active."""
    resource = booking.resource
    if not resource.active:
        message = rule_message(Violation("inactive", {}))
        raise RuleViolation(message, code="inactive")
    taken = occupancy.holding(resource, booking.start_at, booking.end_at, exclude_id=booking.id)
    held = evaluation.clashing(
        taken, booking.start_at, booking.end_at, booking.quantity, resource.quantity
    )
    if held is not None:
        clashing = [t.booking_id for t in held if t.booking_id is not None]
        raise Conflict(
            taken_message(resource, busy=False),
            conflicts=[
                conflict_json(booking.start_at, booking.end_at, clashing[0] if clashing else None)
            ],
        )
