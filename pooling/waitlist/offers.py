"""Offering freed units to the waitlist, and taking offers back when they lapse.

``offer_freed`` is the one hook every change that frees units calls (cancel, reject, move,
early check-out, closure removed, an offer declined, left or expired), in its own
transaction and under the resource locks it already holds, so that a freed slot is offered
to exactly one entry however many changes happen at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from pooling.bookings import evaluation, locks, queries
from pooling.bookings.availability import Taken, overlaps
from pooling.bookings.snapshots import iso
from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.notifications.services import notify
from pooling.resources.composition import composition
from pooling.resources.models import Resource
from pooling.waitlist.models import WaitlistEntry

DEFAULT_HOLD_MINUTES = 1440


def hold_minutes() -> int:
    """How long an offered slot is held (``POOLING_WAITLIST_HOLD_MINUTES``, default a day)."""
    try:
        minutes = int(current_app.config.get("POOLING_WAITLIST_HOLD_MINUTES", DEFAULT_HOLD_MINUTES))
    except (TypeError, ValueError):
        minutes = DEFAULT_HOLD_MINUTES
    return max(minutes, 1)


def offer_freed(resource_ids: Iterable[int], *, now: datetime | None = None) -> list[WaitlistEntry]:
    """Offer freed units of these resources to their waitlists; returns the entries offered.

    The caller holds the resources' locks. For each resource, its waiting entries are read
    oldest first; an entry whose whole interval is now free (no closure, enough units beside
    what bookings and other offers hold) becomes ``offered`` until now plus the hold, never
    past its start, and its person is told. A later entry is offered only what is still
    free after that, so the same units never go to two entries.
    """
    now = now or utcnow()
    db.session.flush()
    offered: list[WaitlistEntry] = []
    # Units freed on a resource are freed on its parts and composites too (a hall's booking
    # cancelled frees its rooms): their entries are offered as well.
    pole = composition()
    family = pole.family(resource_ids) if pole else set(resource_ids)
    for resource_id in sorted(family):
        entries = list(
            db.session.scalars(
                select(WaitlistEntry)
                .where(
                    WaitlistEntry.resource_id == resource_id,
                    WaitlistEntry.status == "waiting",
                    WaitlistEntry.start_at > now,
                )
                .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
                .execution_options(populate_existing=True)
            )
        )
        if not entries:
            continue
        resource = db.session.get(Resource, resource_id)
        if resource is None or not resource.active:
            continue
        span_start = min(e.start_at for e in entries)
        span_end = max(e.end_at for e in entries)
        closed, taken = queries.timeline_facts(resource, span_start, span_end, with_closures=True)
        for entry in entries:
            if any(overlaps(c.start, c.end, entry.start_at, entry.end_at) for c in closed):
                continue
            if (
                evaluation.clashing(
                    taken, entry.start_at, entry.end_at, entry.quantity, resource.quantity
                )
                is not None
            ):
                continue
            _offer(entry, now)
            taken.append(Taken(entry.start_at, entry.end_at, entry.quantity, kind="offer"))
            offered.append(entry)
        # The offers made hold units of the resources read next (a hall's and its rooms').
        db.session.flush()
    return offered


def _offer(entry: WaitlistEntry, now: datetime) -> None:
    entry.status = "offered"
    entry.offered_at = now
    entry.offer_expires_at = min(now + timedelta(minutes=hold_minutes()), entry.start_at)
    entry.updated_at = now
    tell_offered(entry)


def tell_offered(entry: WaitlistEntry) -> None:
    """The person is told in the inbox, and by mail unless they switched it off."""
    from pooling.mail.waitlist_mails import queue_offer

    notify(
        [entry.user_id],
        "waitlist_offered",
        None,
        resource=entry.resource.name,
        start=iso(entry.start_at),
        expires=iso(entry.offer_expires_at),
    )
    queue_offer(entry)


def expire_offers(now: datetime | None = None) -> tuple[int, int]:
    """Take back the offers past ``offer_expires_at`` (each passes to the next entry) and
    close the entries still waiting whose slot has started. Returns (offers expired, next
    entries offered)."""
    now = now or utcnow()
    lapsed = select(WaitlistEntry.resource_id).where(
        (WaitlistEntry.status == "offered") & (WaitlistEntry.offer_expires_at <= now)
        | (WaitlistEntry.status == "waiting") & (WaitlistEntry.start_at <= now)
    )
    resource_ids = sorted(set(db.session.scalars(lapsed)))
    expired = passed_on = 0
    for resource_id in resource_ids:
        locks.locked_resource(resource_id)
    for resource_id in resource_ids:
        # Read again under the lock: an offer accepted meanwhile is no longer offered.
        entries = db.session.scalars(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.resource_id == resource_id,
                (
                    (WaitlistEntry.status == "offered") & (WaitlistEntry.offer_expires_at <= now)
                    | (WaitlistEntry.status == "waiting") & (WaitlistEntry.start_at <= now)
                ),
            )
            .execution_options(populate_existing=True)
        )
        freed = False
        for entry in entries:
            if entry.status == "offered":
                expired += 1
                freed = True
            entry.status = "expired"
            entry.updated_at = now
        if freed:
            passed_on += len(offer_freed([resource_id], now=now))
    db.session.flush()
    return expired, passed_on
