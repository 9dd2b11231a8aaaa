"""Co-organised bookings: the shares asked for, and each co-organiser's consent to its share.

A booking's own organisation keeps a share above 0 and the shares add up to 1. Another
organisation's share is proposed, tells that organisation's referents, and counts for the
booking's organisation until one of them (or a coordinator) accepts it; a declined share
stays with the booking's organisation for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import Membership, User
from pooling.audit.services import record
from pooling.bookings import permissions
from pooling.bookings.models import Booking, BookingShare
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.notifications.services import notify
from pooling.organisations.models import Organisation

# The precision of booking_shares.share: shares are rounded to it before they are checked.
SHARE_PLACES = Decimal("0.000001")
# Shares that add up to 1 within this (e.g. three thirds rounded) are accepted.
SUM_TOLERANCE = Decimal("0.0001")
# Larger ids exist in no table (and overflow PostgreSQL's integer).
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class ShareRequest:
    """A cleaned share: which organisation, how much, and whether it waits for consent."""

    organisation_id: int
    share: Decimal
    status: str


def _refuse(message: str) -> RuleViolation:
    return RuleViolation(message, code="invalid_shares", fields={"shares": [message]})


def clean_shares(shares, organisation_id: int) -> list[ShareRequest]:
    """The shares of a co-organised booking made on behalf of ``organisation_id``, checked.

    Each share is rounded to 6 decimals first; then every share must be above 0 (a share
    that rounds to 0 is refused), name an active organisation once, include the booking's
    own organisation, and the shares must add up to 1. The booking's organisation's share
    is accepted, the others proposed. No shares: not co-organised. Raises RuleViolation.
    """
    if not shares:
        return []
    cleaned: dict[int, Decimal] = {}
    shape = _("Shares are pairs of organisation and share that add up to 1 (e.g. 0.5 and 0.5).")
    for pair in shares:
        try:
            other_id, share = pair
            value = Decimal(str(share).strip()) if not isinstance(share, bool) else None
        except (ValueError, TypeError, InvalidOperation):
            raise _refuse(shape) from None
        if isinstance(other_id, bool) or not isinstance(other_id, int):
            raise _refuse(shape)
        if value is None or not value.is_finite():
            raise _refuse(shape)
        # Large values are refused below anyway; quantize() would overflow on them.
        value = value.quantize(SHARE_PLACES) if abs(value) < 10 else value
        if value <= 0 or value > 1:
            raise _refuse(_("Each share is above 0 and at most 1, to 6 decimals."))
        if other_id in cleaned:
            raise _refuse(_("Name each organisation once in the shares."))
        organisation = db.session.get(Organisation, other_id) if 0 < other_id <= MAX_ID else None
        if organisation is None or not organisation.active:
            raise _refuse(_("A share names an organisation that does not exist."))
        cleaned[other_id] = value
    if organisation_id not in cleaned:
        raise _refuse(_("The booking's own organisation keeps a share of a co-organised booking."))
    if abs(sum(cleaned.values()) - 1) > SUM_TOLERANCE:
        raise _refuse(_("The shares must add up to 1."))
    return [
        ShareRequest(other_id, value, "accepted" if other_id == organisation_id else "proposed")
        for other_id, value in sorted(cleaned.items())
    ]


def referent_ids(organisation_id: int) -> set[int]:
    """The active referents of an organisation: they decide its proposed shares."""
    return set(
        db.session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.organisation_id == organisation_id,
                Membership.role == "org_admin",
                User.active.is_(True),
            )
        )
    )


def tell_co_organisers(actor: User, bookings: list[Booking], organisation_name: str) -> None:
    """Tell the referents of each organisation with a proposed share (once per request)."""
    if not bookings:
        return
    first = bookings[0]
    for share in first.shares:
        if share.status != "proposed":
            continue
        notify(
            referent_ids(share.organisation_id) - {actor.id},
            "share_proposed",
            first,
            resource=first.resource.name,
            start=first.start_at.astimezone(UTC).isoformat(),
            organisation=organisation_name,
            share=f"{share.share * 100:.2f}".rstrip("0").rstrip("."),
            count=len(bookings),
        )


def decide_share(actor: User, booking_id: int, organisation_id: int, accept: bool) -> Booking:
    """Accept or decline the share of ``organisation_id`` in a booking (idempotent).

    Only a referent of that organisation or a coordinator decides. Raises NotFound (no such
    booking, or no share of that organisation in it) and NotAllowed.
    """
    booking = db.session.get(Booking, booking_id) if 0 < booking_id <= MAX_ID else None
    if booking is None:
        raise NotFound(_("This booking does not exist."))
    share = next((s for s in booking.shares if s.organisation_id == organisation_id), None)
    if share is None or organisation_id == booking.organisation_id:
        raise NotFound(_("This organisation has no share to decide in this booking."))
    if not permissions.can_decide_share(actor, organisation_id):
        raise NotAllowed(
            _("Only a referent of that organisation or a coordinator can answer for its share.")
        )
    target = "accepted" if accept else "declined"
    if share.status == target:
        return booking
    before = {"organisation_id": organisation_id, "status": share.status}
    share.status = target
    share.decided_by_id = actor.id
    share.decided_at = utcnow()
    db.session.flush()
    record(
        actor,
        "booking.share_accept" if accept else "booking.share_decline",
        booking,
        before=before,
        after={"organisation_id": organisation_id, "status": target},
    )
    notify(
        {booking.user_id} - {actor.id},
        "share_accepted" if accept else "share_declined",
        booking,
        resource=booking.resource.name,
        start=booking.start_at.astimezone(UTC).isoformat(),
        organisation=share.organisation.name,
    )
    db.session.flush()
    return booking


@dataclass(frozen=True)
class ProposedShare:
    """A share waiting for the actor's answer, as the page lists it."""

    booking: Booking
    share: BookingShare


def proposed_to(
    actor: User, *, now: datetime | None = None, limit: int = 200
) -> list[ProposedShare]:
    """Shares proposed to organisations the actor answers for (coordinators: all), soonest first.

    Bookings already over, cancelled or rejected are left out.
    """
    now = now or utcnow()
    query = (
        select(BookingShare, Booking)
        .join(Booking, Booking.id == BookingShare.booking_id)
        .where(
            BookingShare.status == "proposed",
            Booking.status.in_(("pending", "confirmed")),
            Booking.end_at > now,
        )
        .order_by(Booking.start_at, Booking.id)
        .limit(limit)
    )
    if not actor.is_coordinator:
        answered = actor.admin_organisation_ids()
        if not answered:
            return []
        query = query.where(BookingShare.organisation_id.in_(answered))
    return [ProposedShare(booking, share) for share, booking in db.session.execute(query)]
