"""Read-only views of bookings for the pages: the preview of a request, the approver's badge.

The preview runs the same checks as ``services.create_booking`` (both call
``queries`` and ``evaluation``, so the rules live in one place) and writes nothing: no lock, no row, no audit, no
notification. What it says may change by the time the person confirms; the confirmation is
checked again under the resource lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.bookings import evaluation, occupancy, queries, services
from pooling.bookings.availability import Taken
from pooling.bookings.messages import rule_message
from pooling.bookings.models import Booking
from pooling.bookings.quotas import QuotaBook
from pooling.bookings.shares import clean_shares
from pooling.core.db import utcnow
from pooling.core.time import pole_tz
from pooling.extensions import db
from pooling.qualifications import services as qualifications
from pooling.resources.models import Resource

FREE, TAKEN, BROKEN = "free", "taken", "rule"


@dataclass
class PreviewItem:
    """One date of the request: free, taken by another booking, or refused by a rule."""

    start: datetime
    end: datetime
    state: str
    message: str = ""
    booking_id: int | None = None


@dataclass
class Preview:
    """The dates a request would book, each with its state, and the resource asked for."""

    resource: Resource
    items: list[PreviewItem]

    @property
    def free_count(self) -> int:
        return sum(1 for item in self.items if item.state == FREE)


def preview_booking(
    actor: User, request: services.BookingRequest, *, now: datetime | None = None
) -> Preview:
    """Each date the request would book, with "free", "taken" or the broken rule's message.

    Raises what ``create_booking`` raises before it looks at the dates (NotFound, NotAllowed,
    RuleViolation for an unknown organisation, bad shares, title, quantity or recurrence).
    Writes nothing.
    """
    now = now or utcnow()
    tz = pole_tz()
    resource = queries.bookable_resource(actor, request.resource_id)
    organisation = queries.organisation_for(actor, request.organisation_id)
    clean_shares(request.shares, organisation.id)
    evaluation.clean_title(request.title)
    quantity = evaluation.clean_quantity(request.quantity)
    evaluation.check_span(request.start, request.end)
    occurrences = evaluation.occurrences_of(request.start, request.end, request.recurrence, tz)

    rules = queries.resource_rules(resource)
    span_start = min(o.start for o in occurrences)
    span_end = max(o.end for o in occurrences)
    closures, taken = occupancy.timeline_facts(resource, span_start, span_end, with_closures=True)
    quotas = QuotaBook(organisation, resource, tz)
    requirements = qualifications.requirements(actor, resource)
    items: list[PreviewItem] = []
    for occurrence in occurrences:
        broken = evaluation.violations(
            resource, rules, tz, now, occurrence, quantity, closures, requirements
        )
        blocking = evaluation.blocking(broken, request.override_rules)
        if blocking:
            items.append(
                PreviewItem(occurrence.start, occurrence.end, BROKEN, rule_message(blocking[0]))
            )
            continue
        held = evaluation.clashing(
            taken, occurrence.start, occurrence.end, quantity, resource.quantity
        )
        if held is not None:
            clashing = [t.booking_id for t in held if t.booking_id is not None]
            items.append(
                PreviewItem(
                    occurrence.start,
                    occurrence.end,
                    TAKEN,
                    _("Already taken."),
                    clashing[0] if clashing else None,
                )
            )
            continue
        over = evaluation.quota_exceeded(quotas, occurrence.start, occurrence.end)
        if over is not None and not request.override_rules:
            items.append(PreviewItem(occurrence.start, occurrence.end, BROKEN, rule_message(over)))
            continue
        taken.append(Taken(occurrence.start, occurrence.end, quantity, None))
        items.append(PreviewItem(occurrence.start, occurrence.end, FREE))
    return Preview(resource=resource, items=items)


def approves_anything(actor: User) -> bool:
    """Whether the person has an approval queue: a coordinator, or a referent of a lender."""
    if not (actor and actor.is_authenticated):
        return False
    if actor.is_coordinator:
        return True
    admin = actor.admin_organisation_ids()
    if not admin:
        return False
    owned = db.session.scalar(
        select(Resource.id).where(Resource.owner_organisation_id.in_(admin)).limit(1)
    )
    return owned is not None


def past_bookings(
    actor: User, filters: queries.BookingFilter, now: datetime, *, limit: int
) -> list:
    """Bookings matching the filters that ended before ``now``, the most recent first."""
    query = (
        queries.bookings_query(actor, filters)
        .where(Booking.end_at <= now)
        .order_by(None)
        .order_by(Booking.start_at.desc(), Booking.id.desc())
        .options(*queries.LIST_LOADS)
        .limit(limit)
    )
    return list(db.session.scalars(query))
