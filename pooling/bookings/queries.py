"""Reading bookings: queries, availability, the free-resource search and the approvers.

Nothing here writes; the write use cases (``services``) read through these functions too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Integer, Select, String, cast, literal, null, or_, select, union_all
from sqlalchemy.orm import selectinload, subqueryload

from pooling.accounts.models import Membership, User
from pooling.bookings import permissions
from pooling.bookings.availability import (
    Closed,
    Interval,
    Span,
    Taken,
    free_starts,
    open_spans,
    peak,
    timeline,
)
from pooling.bookings.messages import rule_message
from pooling.bookings.models import HELD_UNTIL, HOLDING, Booking, BookingShare
from pooling.bookings.rules import ResourceRules, Violation, check
from pooling.calendar.models import ExternalBusyTime
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.core.time import local_time_exists, pole_tz
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.models import Closure, Resource
from pooling.resources.permissions import can_see_resource
from pooling.resources.services import CatalogueFilter, public_holidays, search_resources
from pooling.waitlist.models import WaitlistEntry

MAX_WINDOW_DAYS = 400
# A booking holds its units while pending or confirmed, until its end or an early check-out.
HOLDS_UNITS = (Booking.status.in_(HOLDING), HELD_UNTIL > Booking.start_at)
# What every list of bookings reads of each row (its shares, its resource for the title's
# visibility and the row's label), loaded for the whole list in a fixed number of statements
# whatever its length. The shares are read by one statement over the list's own query (a
# ``selectinload`` would cut a list of more than 500 rows into a statement per 500 rows); the
# resources, few and shared by many rows, by their ids.
LIST_LOADS = (subqueryload(Booking.shares), selectinload(Booking.resource))


def get_booking(actor: User, booking_id: int) -> Booking:
    """A booking the actor may see; raises NotFound."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not permissions.can_see_booking(actor, booking):
        raise NotFound(_("This booking does not exist."))
    return booking


def bookable_resource(
    actor: User, resource_id: int, *, read: Callable[[int], Resource | None] | None = None
) -> Resource:
    """The resource to book, checked for the actor: visible, active, bookable by them.

    ``read`` fetches it (default: a plain read); the services pass
    ``locks.locked_resource``, which locks the row first and reads it as the last writer left
    it. Raises NotFound, RuleViolation (inactive), NotAllowed.
    """
    resource = read(resource_id) if read else db.session.get(Resource, resource_id)
    if resource is None or not can_see_resource(actor, resource):
        raise NotFound(
            _("This resource does not exist."), fields={"resource_id": [_("Unknown resource.")]}
        )
    if not resource.active:
        message = rule_message(Violation("inactive", {}))
        raise RuleViolation(message, code="inactive", fields={"resource_id": [message]})
    if not permissions.can_book(actor, resource):
        raise NotAllowed(_("You cannot book this resource."))
    return resource


def organisation_for(actor: User, organisation_id: int | None) -> Organisation:
    """On whose behalf: one of the actor's organisations (any for a coordinator).

    None is the actor's only organisation. Raises RuleViolation, NotAllowed.
    """
    mine = [m.organisation for m in actor.memberships if m.organisation.active]
    if organisation_id is None:
        if len(mine) == 1:
            return mine[0]
        message = (
            _("Choose on behalf of which of your organisations you book.")
            if mine
            else _("Choose on behalf of which organisation you book.")
        )
        raise RuleViolation(
            message, code="organisation_required", fields={"organisation_id": [message]}
        )
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.active:
        message = _("This organisation does not exist.")
        raise RuleViolation(
            message, code="unknown_organisation", fields={"organisation_id": [message]}
        )
    if not actor.is_coordinator and organisation.id not in {o.id for o in mine}:
        raise NotAllowed(_("You can only book on behalf of your own organisations."))
    return organisation


def title_visible(actor: User, booking: Booking) -> bool:
    """Whether the actor may read the booking's title (other organisations' titles are private)."""
    return permissions.can_see_title(actor, booking, current_app.config["POOLING_PUBLIC_TITLES"])


@dataclass
class BookingFilter:
    resource_id: int | None = None
    organisation_id: int | None = None
    user_id: int | None = None
    series_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] | None = None


def bookings_query(actor: User, filters: BookingFilter) -> Select:
    """The bookings matching the filters, by start time (every signed-in person sees them)."""
    query = select(Booking)
    if filters.resource_id is not None:
        query = query.where(Booking.resource_id == filters.resource_id)
    if filters.organisation_id is not None:
        query = query.where(
            or_(
                Booking.organisation_id == filters.organisation_id,
                Booking.id.in_(
                    select(BookingShare.booking_id).where(
                        BookingShare.organisation_id == filters.organisation_id
                    )
                ),
            )
        )
    if filters.user_id is not None:
        query = query.where(Booking.user_id == filters.user_id)
        if not actor.is_coordinator and filters.user_id != actor.id:
            # Whose bookings these are is said only within the caller's own organisations:
            # the bookings made for them, whoever the person; another's, an empty list.
            query = query.where(Booking.organisation_id.in_(actor.organisation_ids()))
    if filters.series_id is not None:
        query = query.where(Booking.series_id == filters.series_id)
    if filters.start is not None:
        query = query.where(Booking.end_at > filters.start)
    if filters.end is not None:
        query = query.where(Booking.start_at < filters.end)
    if filters.statuses:
        query = query.where(Booking.status.in_(filters.statuses))
    return query.order_by(Booking.start_at, Booking.id)


def list_bookings(
    actor: User, filters: BookingFilter, *, limit: int, offset: int = 0
) -> list[Booking]:
    query = bookings_query(actor, filters).options(*LIST_LOADS)
    return list(db.session.scalars(query.limit(limit).offset(offset)))


def resource_rules(resource: Resource) -> ResourceRules:
    return ResourceRules(
        quantity=resource.quantity,
        opening_hours=resource.opening_hours or {},
        slot_minutes=resource.slot_minutes,
        min_duration_minutes=resource.min_duration_minutes,
        max_duration_minutes=resource.max_duration_minutes,
        min_notice_minutes=resource.min_notice_minutes,
        max_advance_days=resource.max_advance_days,
    )


def holiday_closures(start: datetime, end: datetime) -> list[Closed]:
    """The public holidays over [start, end) as closed whole local days, named."""
    return [Closed(h.start, h.end, "holiday", h.name) for h in public_holidays(start, end)]


def closures(resource: Resource, start: datetime, end: datetime) -> list[Closed]:
    """Closures of the resource and of the pole, and its public holidays, over [start, end)."""
    rows = db.session.execute(
        select(Closure.start_at, Closure.end_at, Closure.reason).where(
            or_(Closure.resource_id == resource.id, Closure.resource_id.is_(None)),
            Closure.start_at < end,
            Closure.end_at > start,
        )
    )
    closed = [Closed(row.start_at, row.end_at, "closure", row.reason or "") for row in rows]
    if resource.closed_on_public_holidays:
        closed += holiday_closures(start, end)
    return closed


def holding(
    resource: Resource, start: datetime, end: datetime, exclude_id: int | None = None
) -> list[Taken]:
    """Units held on the resource over [start, end), read with an index range on start_at."""
    return timeline_facts(resource, start, end, exclude_id)[1]


def offers_holding() -> Select:
    """(resource_id, id, start_at, end_at, quantity) of the waitlist offers holding units now:
    offered and not yet past ``offer_expires_at`` (a lapsed one holds nothing, even before
    ``pooling jobs run`` marks it expired)."""
    return select(
        WaitlistEntry.resource_id,
        WaitlistEntry.id,
        WaitlistEntry.start_at,
        WaitlistEntry.end_at,
        WaitlistEntry.quantity,
    ).where(WaitlistEntry.status == "offered", WaitlistEntry.offer_expires_at > utcnow())


def timeline_facts(
    resource: Resource,
    start: datetime,
    end: datetime,
    exclude_id: int | None = None,
    *,
    with_closures: bool = False,
) -> tuple[list[Closed], list[Taken]]:
    """Closures with their reasons and public holidays (optionally) and units held over
    [start, end), in one round trip.

    Holding bookings are read with an index range on start_at; busy times read from the
    resource's external calendar hold every unit (issue 7); a waitlist offer holds its
    units for the person offered them.
    """
    reach = timedelta(minutes=resource.longest_booking_minutes or 0)
    query = select(
        literal("booking").label("source"),
        Booking.id,
        Booking.start_at,
        HELD_UNTIL.label("end_at"),
        Booking.quantity,
        cast(null(), String).label("reason"),
    ).where(
        Booking.resource_id == resource.id,
        Booking.start_at < end,
        Booking.start_at >= start - reach,
        HELD_UNTIL > start,
        *HOLDS_UNITS,
    )
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    parts = [
        query,
        select(
            literal("busy"),
            cast(null(), Integer),
            ExternalBusyTime.start_at,
            ExternalBusyTime.end_at,
            literal(resource.quantity, Integer),
            cast(null(), String),
        ).where(
            ExternalBusyTime.resource_id == resource.id,
            ExternalBusyTime.start_at < end,
            ExternalBusyTime.end_at > start,
        ),
        select(
            literal("offer"),
            cast(null(), Integer),
            WaitlistEntry.start_at,
            WaitlistEntry.end_at,
            WaitlistEntry.quantity,
            cast(null(), String),
        ).where(
            WaitlistEntry.resource_id == resource.id,
            WaitlistEntry.status == "offered",
            WaitlistEntry.offer_expires_at > utcnow(),
            WaitlistEntry.start_at < end,
            WaitlistEntry.end_at > start,
        ),
    ]
    if with_closures:
        parts.append(
            select(
                literal("closure"),
                cast(null(), Integer),
                Closure.start_at,
                Closure.end_at,
                literal(0, Integer),
                Closure.reason,
            ).where(
                or_(Closure.resource_id == resource.id, Closure.resource_id.is_(None)),
                Closure.start_at < end,
                Closure.end_at > start,
            )
        )
    closures: list[Closed] = []
    taken: list[Taken] = []
    for row in db.session.execute(union_all(*parts)):
        if row.source == "closure":
            closures.append(Closed(row.start_at, row.end_at, "closure", row.reason or ""))
        else:
            taken.append(Taken(row.start_at, row.end_at, row.quantity, row.id, row.source))
    if with_closures and resource.closed_on_public_holidays:
        closures += holiday_closures(start, end)
    return closures, taken


def approver_ids(resource: Resource) -> set[int]:
    """People who approve bookings of a resource: coordinators and the owner's referents."""
    ids = set(
        db.session.scalars(
            select(User.id).where(User.is_coordinator.is_(True), User.active.is_(True))
        )
    )
    if resource.owner_organisation_id is not None:
        ids |= set(
            db.session.scalars(
                select(Membership.user_id).where(
                    Membership.organisation_id == resource.owner_organisation_id,
                    Membership.role == "org_admin",
                )
            )
        )
    return ids


def check_window(start: datetime, end: datetime, max_days: int = MAX_WINDOW_DAYS) -> None:
    """A window must end after it starts and last at most ``max_days``. Raises RuleViolation."""
    if end <= start:
        message = _("The end must be after the start.")
        raise RuleViolation(message, code="end_before_start", fields={"end": [message]})
    if end - start > timedelta(days=max_days):
        message = _("Ask for at most %(days)s days at once.", days=max_days)
        raise RuleViolation(message, code="window_too_long", fields={"end": [message]})


def availability(actor: User, resource_id: int, start: datetime, end: datetime) -> list[Interval]:
    """The window cut at every change with the free units; closed time has 0. Raises NotFound."""
    resource = db.session.get(Resource, resource_id)
    if resource is None or not can_see_resource(actor, resource):
        raise NotFound(_("This resource does not exist."))
    check_window(start, end)
    tz = pole_tz()
    closures, taken = timeline_facts(resource, start, end, with_closures=True)
    open_ = open_spans(resource.opening_hours or {}, tz, start, end, closures)
    if not resource.active:
        open_ = []
    return timeline(resource.quantity, open_, taken, start, end, closures)


def holding_bookings() -> Select:
    """(resource_id, id, start_at, end_at, quantity) of the bookings holding units, ``end_at``
    being when the units are given back (an early check-out ends the hold)."""
    return select(
        Booking.resource_id,
        Booking.id,
        Booking.start_at,
        HELD_UNTIL.label("end_at"),
        Booking.quantity,
    ).where(*HOLDS_UNITS)


def held_units(resources, start: datetime, end: datetime) -> list[tuple[int, Taken]]:
    """Units held on these resources (anything with ``id`` and ``quantity``) over [start, end):
    live bookings, one query, busy times of their external calendars (every unit), one query,
    and the waitlist offers holding units, one query."""
    if not resources:
        return []
    ids = [r.id for r in resources]
    quantities = {r.id: r.quantity for r in resources}
    rows = db.session.execute(
        holding_bookings().where(
            Booking.resource_id.in_(ids), Booking.start_at < end, HELD_UNTIL > start
        )
    )
    held = [(r.resource_id, Taken(r.start_at, r.end_at, r.quantity, r.id)) for r in rows]
    busy = db.session.execute(
        select(
            ExternalBusyTime.resource_id, ExternalBusyTime.start_at, ExternalBusyTime.end_at
        ).where(
            ExternalBusyTime.resource_id.in_(ids),
            ExternalBusyTime.start_at < end,
            ExternalBusyTime.end_at > start,
        )
    )
    held += [
        (r.resource_id, Taken(r.start_at, r.end_at, quantities[r.resource_id], kind="busy"))
        for r in busy
    ]
    offers = db.session.execute(
        offers_holding().where(
            WaitlistEntry.resource_id.in_(ids),
            WaitlistEntry.start_at < end,
            WaitlistEntry.end_at > start,
        )
    )
    held += [(r.resource_id, Taken(r.start_at, r.end_at, r.quantity, kind="offer")) for r in offers]
    return held


def closures_of(
    resource_ids: list[int], start: datetime, end: datetime
) -> list[tuple[int | None, Closed]]:
    """Closures of these resources and of the whole pole over [start, end), in one query,
    with their reasons; (None, holiday) for each public holiday of the window."""
    rows = db.session.execute(
        select(Closure.resource_id, Closure.start_at, Closure.end_at, Closure.reason).where(
            or_(Closure.resource_id.in_(resource_ids), Closure.resource_id.is_(None)),
            Closure.start_at < end,
            Closure.end_at > start,
        )
    )
    found: list[tuple[int | None, Closed]] = [
        (r.resource_id, Closed(r.start_at, r.end_at, "closure", r.reason or "")) for r in rows
    ]
    return found + [(None, holiday) for holiday in holiday_closures(start, end)]


def closed_for(
    resource_id: int,
    closed_on_public_holidays: bool,
    closures: list[tuple[int | None, Closed]],
) -> list[Closed]:
    """What of ``closures_of`` closes this resource: its own closures, the pole's, and the
    public holidays unless it stays open on them."""
    return [
        closed
        for owner, closed in closures
        if owner == resource_id
        or (owner is None and (closed.kind != "holiday" or closed_on_public_holidays))
    ]


def free_resources(
    actor: User,
    filters: CatalogueFilter,
    start: datetime,
    end: datetime,
    quantity: int = 1,
    *,
    now: datetime | None = None,
) -> list[Resource]:
    """Resources that can take a booking of the whole ``[start, end)``, best fit first.

    A resource qualifies when the interval keeps its rules (opening hours, closures, slots,
    durations, notice) and ``quantity`` units are free throughout. Best first: the smallest
    capacity that fits, then the name.
    """
    check_window(start, end)
    now = now or utcnow()
    tz = pole_tz()
    candidates = search_resources(
        actor, CatalogueFilter(kind=filters.kind, q=filters.q, capacity_min=filters.capacity_min)
    )
    candidates = [r for r in candidates if r.active and r.quantity >= quantity]
    if not candidates:
        return []
    ids = [r.id for r in candidates]
    held: dict[int, list[Taken]] = {i: [] for i in ids}
    for resource_id, taken in held_units(candidates, start, end):
        held[resource_id].append(taken)
    closures = closures_of(ids, start, end)
    fitting = []
    for resource in candidates:
        own = closed_for(resource.id, resource.closed_on_public_holidays, closures)
        if check(resource_rules(resource), tz, now, start, end, quantity, own):
            continue
        if peak(held[resource.id], start, end) + quantity > resource.quantity:
            continue
        fitting.append(resource)
    return sorted(
        fitting, key=lambda r: (r.capacity if r.capacity is not None else 10**9, r.name.lower())
    )


# How far ahead the free times proposed after a clash are looked for.
FREE_TIMES_HORIZON_DAYS = 14


@dataclass(frozen=True)
class ClashHelp:
    """What helps after a clash: the units still free over the time asked for (of ``total``)
    and the next free times of the same duration where the quantity fits."""

    resource: Resource
    total: int
    free: int
    quantity: int
    free_times: list[Span]


def _slot_starts(resource: Resource, tz, spans: list[Span], after: datetime):
    """Every start on the resource's slot grid (local time) inside the open spans, from ``after``."""
    step = timedelta(minutes=resource.slot_minutes or 15)
    for span_start, span_end in spans:
        local = span_start.astimezone(tz).replace(tzinfo=None)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        minutes = (local - midnight) // timedelta(minutes=1)
        slot = step // timedelta(minutes=1)
        wall = midnight + timedelta(minutes=-(-minutes // slot) * slot)
        while True:
            if not local_time_exists(wall, tz):
                wall += step
                continue
            instant = wall.replace(tzinfo=tz).astimezone(span_start.tzinfo)
            if instant >= span_end:
                break
            if instant >= after:
                yield instant
            wall += step


def clash_help(
    actor: User,
    resource_id: int,
    start: datetime,
    end: datetime,
    quantity: int,
    *,
    now: datetime | None = None,
    count: int = 3,
) -> ClashHelp:
    """After a clash on [start, end): how many units stay free then, and the ``count`` next
    free times of the same duration (within the opening hours and every rule of the
    resource, from the time asked for on, at most FREE_TIMES_HORIZON_DAYS ahead) where
    ``quantity`` units fit. Raises NotFound."""
    now = now or utcnow()
    tz = pole_tz()
    resource = db.session.get(Resource, resource_id)
    if resource is None or not can_see_resource(actor, resource):
        raise NotFound(_("This resource does not exist."))
    duration = end - start
    after = max(start, now)
    horizon = after + timedelta(days=FREE_TIMES_HORIZON_DAYS)
    closed, taken = timeline_facts(
        resource, min(start, after), horizon + duration, with_closures=True
    )
    free = max(resource.quantity - peak(taken, start, end), 0)
    rules = resource_rules(resource)
    spans = open_spans(rules.opening_hours, tz, after, horizon + duration, closed)
    found = free_starts(
        _slot_starts(resource, tz, spans, after),
        duration,
        quantity,
        resource.quantity,
        taken,
        lambda s, e: not check(rules, tz, now, s, e, quantity, closed),
        count,
    )
    return ClashHelp(resource, resource.quantity, free, quantity, found)


def staff_resources(person: User) -> list[Resource]:
    """The shared-staff resources that are this person's working time."""
    return list(
        db.session.scalars(
            select(Resource).where(Resource.staff_user_id == person.id).order_by(Resource.name)
        )
    )


def staff_schedule(person: User, start: datetime, end: datetime) -> list[Booking]:
    """What a shared staff member is booked for between ``start`` and ``end``, in order."""
    ids = [r.id for r in staff_resources(person)]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Booking)
            .where(
                Booking.resource_id.in_(ids),
                Booking.status.in_(HOLDING),
                Booking.start_at < end,
                Booking.end_at > start,
            )
            .order_by(Booking.start_at, Booking.id)
        )
    )
