"""Waitlist use cases: join a taken slot, accept or decline the offer, leave; the lists.

Every change of an entry takes its resource's lock first (``pooling.bookings.locks``), as
every change of a booking does, so an entry's state and the units held on its resource
change together: a freed slot is offered to one entry, and accepting books what was held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from pooling.accounts.models import User
from pooling.bookings import evaluation, locks, queries
from pooling.bookings import services as bookings
from pooling.bookings.evaluation import refuse_rules
from pooling.bookings.models import Booking
from pooling.bookings.quotas import QuotaBook
from pooling.core.db import utcnow
from pooling.core.errors import Conflict, NotFound, RuleViolation
from pooling.core.time import pole_tz
from pooling.extensions import db
from pooling.qualifications import services as qualifications
from pooling.waitlist.models import ACTIVE, WaitlistEntry
from pooling.waitlist.offers import offer_freed


@dataclass
class WaitlistRequest:
    """The slot a person waits for; times are aware datetimes (any offset)."""

    resource_id: int
    start: datetime
    end: datetime
    title: str = ""
    quantity: int = 1
    organisation_id: int | None = None


def can_see_entry(actor: User, entry: WaitlistEntry) -> bool:
    """Its person and the pole's coordinators see an entry."""
    return actor.is_coordinator or entry.user_id == actor.id


def get_entry(actor: User, entry_id: int) -> WaitlistEntry:
    """An entry the actor may see; raises NotFound."""
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or not can_see_entry(actor, entry):
        raise NotFound(_("This waitlist entry does not exist."))
    return entry


def _locked_entry(actor: User, entry_id: int, *, own: bool = True) -> WaitlistEntry:
    """The entry, read again under its resource's lock; only its person changes it (a
    coordinator may also take it off the list: ``own`` False)."""
    entry = get_entry(actor, entry_id)
    if own and entry.user_id != actor.id:
        raise NotFound(_("This waitlist entry does not exist."))
    locks.locked_resource(entry.resource_id)
    db.session.refresh(entry)
    return entry


def join(actor: User, request: WaitlistRequest, *, now: datetime | None = None) -> WaitlistEntry:
    """Wait for a taken slot, on behalf of one of the actor's organisations.

    The booking rules apply as for a booking of that slot (opening hours, closures, durations,
    notice, horizon, quantity, qualifications, quotas). Raises NotFound, NotAllowed,
    RuleViolation (``slot_free`` when the slot can be booked now), Conflict
    (``already_waiting`` when the actor already waits for an overlapping slot there).
    """
    now = now or utcnow()
    tz = pole_tz()
    resource = queries.bookable_resource(actor, request.resource_id, read=locks.locked_resource)
    organisation = queries.organisation_for(actor, request.organisation_id)
    title = evaluation.clean_title(request.title)
    quantity = evaluation.clean_quantity(request.quantity)
    evaluation.check_span(request.start, request.end)
    occurrence = evaluation.occurrences_of(request.start, request.end, None, tz)[0]
    start, end = occurrence.start, occurrence.end
    broken = evaluation.violations(
        resource,
        queries.resource_rules(resource),
        tz,
        now,
        occurrence,
        quantity,
        queries.closures(resource, start, end),
        qualifications.requirements(actor, resource),
    )
    if broken:
        refuse_rules([(occurrence, broken)], series=False)
    over = evaluation.quota_exceeded(QuotaBook(organisation, resource, tz), start, end)
    if over is not None:
        refuse_rules([(occurrence, [over])], series=False)
    taken = queries.holding(resource, start, end)
    if evaluation.clashing(taken, start, end, quantity, resource.quantity) is None:
        message = _("This time is free: book it instead of waiting.")
        raise RuleViolation(message, code="slot_free", fields={"start": [message]})
    waiting = db.session.scalar(
        select(WaitlistEntry.id).where(
            WaitlistEntry.resource_id == resource.id,
            WaitlistEntry.user_id == actor.id,
            WaitlistEntry.status.in_(ACTIVE),
            WaitlistEntry.start_at < end,
            WaitlistEntry.end_at > start,
        )
    )
    if waiting is not None:
        raise Conflict(_("You are already on the waitlist for this time."), code="already_waiting")
    entry = WaitlistEntry(
        resource=resource,
        user_id=actor.id,
        organisation_id=organisation.id,
        title=title,
        start_at=start,
        end_at=end,
        quantity=quantity,
        status="waiting",
        created_at=now,
        updated_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def accept(actor: User, entry_id: int, *, now: datetime | None = None) -> Booking:
    """Book the slot offered to the actor's entry, with every booking rule checked again.

    Its own hold is released as it is booked; the booking is made on behalf of the entry's
    organisation. Raises NotFound, Conflict (``not_offered``: the entry is not offered, or
    its offer has lapsed), and whatever ``create_booking`` raises (nothing is written then,
    and the offer stands until it expires).
    """
    now = now or utcnow()
    entry = _locked_entry(actor, entry_id)
    if entry.status != "offered" or entry.offer_expires_at is None:
        raise Conflict(_("This slot is not offered to you."), code="not_offered")
    if entry.offer_expires_at <= now:
        raise Conflict(_("This offer has expired."), code="offer_expired")
    entry.status = "accepted"
    entry.updated_at = now
    db.session.flush()
    result = bookings.create_booking(
        actor,
        bookings.BookingRequest(
            resource_id=entry.resource_id,
            start=entry.start_at,
            end=entry.end_at,
            title=entry.title,
            quantity=entry.quantity,
            organisation_id=entry.organisation_id,
        ),
        now=now,
    )
    entry.booking = result.bookings[0]
    db.session.flush()
    return entry.booking


def decline(actor: User, entry_id: int, *, now: datetime | None = None) -> WaitlistEntry:
    """Decline the slot offered to the actor's entry: it passes to the next entry.

    Raises NotFound, Conflict (``not_offered``)."""
    now = now or utcnow()
    entry = _locked_entry(actor, entry_id)
    if entry.status != "offered":
        raise Conflict(_("This slot is not offered to you."), code="not_offered")
    entry.status = "declined"
    entry.updated_at = now
    offer_freed([entry.resource_id], now=now)
    return entry


def leave(actor: User, entry_id: int, *, now: datetime | None = None) -> WaitlistEntry:
    """Take an entry off the list (its person, or a coordinator); an offer it held passes
    to the next entry. Leaving again changes nothing. Raises NotFound, Conflict (an
    accepted entry is a booking now: cancel the booking)."""
    now = now or utcnow()
    entry = _locked_entry(actor, entry_id, own=not actor.is_coordinator)
    if entry.status == "accepted":
        raise Conflict(
            _("This entry was accepted; cancel its booking instead."), code="already_accepted"
        )
    if entry.status not in ACTIVE:
        return entry
    was_offered = entry.status == "offered"
    entry.status = "left"
    entry.updated_at = now
    if was_offered:
        offer_freed([entry.resource_id], now=now)
    db.session.flush()
    return entry


def positions(entries: list[WaitlistEntry]) -> dict[int, int]:
    """Each active entry's place in its resource's queue for its time: 1 plus the active
    entries created before it whose interval overlaps it. One query per entry's resource."""
    active = [e for e in entries if e.status in ACTIVE]
    found: dict[int, int] = {}
    for resource_id in {e.resource_id for e in active}:
        mine = [e for e in active if e.resource_id == resource_id]
        others = db.session.execute(
            select(WaitlistEntry.id, WaitlistEntry.start_at, WaitlistEntry.end_at).where(
                WaitlistEntry.resource_id == resource_id,
                WaitlistEntry.status.in_(ACTIVE),
                WaitlistEntry.id < max(e.id for e in mine),
                WaitlistEntry.start_at < max(e.end_at for e in mine),
                WaitlistEntry.end_at > min(e.start_at for e in mine),
            )
        ).all()
        for entry in mine:
            found[entry.id] = 1 + sum(
                1
                for other in others
                if other.id < entry.id
                and other.start_at < entry.end_at
                and entry.start_at < other.end_at
            )
    return found


@dataclass
class WaitlistFilter:
    resource_id: int | None = None
    everyone: bool = False
    statuses: tuple[str, ...] | None = None


def list_entries(
    actor: User, filters: WaitlistFilter, *, limit: int = 500, offset: int = 0
) -> list[WaitlistEntry]:
    """The actor's entries (a coordinator's ``everyone``: all), by start then creation."""
    query = select(WaitlistEntry)
    if not (actor.is_coordinator and filters.everyone):
        query = query.where(WaitlistEntry.user_id == actor.id)
    if filters.resource_id is not None:
        query = query.where(WaitlistEntry.resource_id == filters.resource_id)
    if filters.statuses:
        query = query.where(WaitlistEntry.status.in_(filters.statuses))
    query = query.order_by(WaitlistEntry.start_at, WaitlistEntry.id)
    return list(db.session.scalars(query.limit(limit).offset(offset)))


def active_count(actor: User) -> int:
    """How many entries the actor has on lists (for the menu)."""
    return db.session.scalar(
        select(func.count(WaitlistEntry.id)).where(
            WaitlistEntry.user_id == actor.id, WaitlistEntry.status.in_(ACTIVE)
        )
    )
