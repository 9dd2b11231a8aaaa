"""Booking use cases: create (once or recurring), move, cancel (one or a series).

Reading (queries, availability, the free-resource search) is ``pooling.bookings.queries``;
the request's own rules and the per-occurrence checks are ``pooling.bookings.evaluation``;
checking in and out is ``pooling.bookings.attendance``; approving and rejecting requests is
``pooling.bookings.decisions``.

Every surface (pages, JSON API, command line) calls these functions and gets the same
rules and errors. Conflict checks run inside the writing transaction after the resource
row is locked, so two people clicking at once can never both get the last free unit.

Every change of a booking takes its locks in the one order that ``pooling.bookings.locks``
documents, then re-reads the booking under them and decides on what it reads there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.bookings import evaluation, inserts, locks, occupancy, permissions, purposes, queries
from pooling.bookings.availability import Taken
from pooling.bookings.evaluation import conflict_json, refuse_rules, taken_message
from pooling.bookings.messages import rule_message
from pooling.bookings.models import HOLDING, STATUSES, Booking, BookingShare, Series
from pooling.bookings.quotas import QuotaBook
from pooling.bookings.recurrence import Occurrence
from pooling.bookings.rules import Violation
from pooling.bookings.shares import clean_shares, tell_co_organisers
from pooling.bookings.snapshots import iso, snapshot
from pooling.core.db import utcnow
from pooling.core.errors import Conflict, NotAllowed, NotFound
from pooling.core.time import pole_tz
from pooling.extensions import db
from pooling.notifications.services import notify
from pooling.qualifications import services as qualifications
from pooling.resources.models import Resource
from pooling.waitlist.offers import offer_freed

# What to do with a series when some dates are taken: book nothing, or book the free ones.
OnConflict = Literal["fail", "skip"]


# A field of a change that is left as it is.
KEEP = object()


@dataclass
class BookingRequest:
    """What a person asks for; times are aware datetimes (any offset)."""

    resource_id: int
    start: datetime
    end: datetime
    title: str = ""
    quantity: int = 1
    organisation_id: int | None = None
    shares: list[tuple[int, Decimal | str]] | None = None
    recurrence: str | None = None
    on_conflict: OnConflict = "fail"
    override_rules: bool = False
    purpose: str | None = None
    attendance: int | None = None


@dataclass
class BookingResult:
    """What was booked: one booking, or a series with its occurrences and the skipped dates."""

    bookings: list[Booking]
    series: Series | None = None
    skipped: list[dict] = field(default_factory=list)


@dataclass
class BookingChange:
    """A move, resize, retitle or change of quantity; None leaves a value as it is."""

    start: datetime | None = None
    end: datetime | None = None
    title: str | None = None
    quantity: int | None = None
    override_rules: bool = False
    # The purpose's code ("" clears it) and the expected attendance; KEEP leaves them as they are.
    purpose: str | None | object = KEEP
    attendance: int | None | object = KEEP


# ---------------------------------------------------------------- helpers


def _slot(occurrence_start: datetime, occurrence_end: datetime, **extra) -> dict:
    return {"start": occurrence_start, "end": occurrence_end, **extra}


def _note_longest(resource: Resource, start: datetime, end: datetime) -> None:
    minutes = int((end - start).total_seconds() // 60) + 1
    if minutes > (resource.longest_booking_minutes or 0):
        resource.longest_booking_minutes = minutes


# ---------------------------------------------------------------- create


def create_booking(
    actor: User, request: BookingRequest, *, now: datetime | None = None
) -> BookingResult:
    """Book a resource once or on a recurrence, on behalf of one of the actor's organisations.

    Rules (opening hours, closures, slots, durations, notice, horizon, quantity, quotas) are
    checked for every occurrence; a coordinator may override them (recorded), never the
    capacity. A series is all-or-nothing unless ``on_conflict="skip"``, which books the free
    occurrences and lists the others. Raises NotFound, NotAllowed, RuleViolation (422) and
    Conflict (409, with the conflicting slots); nothing is written when it raises.
    """
    now = now or utcnow()
    tz = pole_tz()
    # From here on the resource is locked until the transaction ends.
    resource = queries.bookable_resource(actor, request.resource_id, read=locks.locked_resource)
    organisation = queries.organisation_for(actor, request.organisation_id)
    shares = clean_shares(request.shares, organisation.id)
    title = evaluation.clean_title(request.title)
    quantity = evaluation.clean_quantity(request.quantity)
    purpose = purposes.clean_purpose(request.purpose)
    attendance = purposes.clean_attendance(request.attendance)
    if request.override_rules and not permissions.can_override_rules(actor):
        raise NotAllowed(_("Only coordinators can book outside the rules."))
    evaluation.check_span(request.start, request.end)
    skip = request.on_conflict == "skip"

    occurrences = evaluation.occurrences_of(request.start, request.end, request.recurrence, tz)

    rules = queries.resource_rules(resource)
    span_start = min(o.start for o in occurrences)
    span_end = max(o.end for o in occurrences)
    # The resource is locked: what is held now stays held until this transaction ends.
    closures, taken = occupancy.timeline_facts(resource, span_start, span_end, with_closures=True)
    # The booker is the actor: what the resource requires, checked on each occurrence's date.
    requirements = (
        qualifications.requirements(actor, resource)
        if locks.may_require_qualifications(resource)
        else None
    )
    accepted: list[tuple[Occurrence, list[Violation]]] = []
    skipped: list[dict] = []
    refused: list[tuple[Occurrence, list[Violation]]] = []
    for occurrence in occurrences:
        broken = evaluation.violations(
            resource, rules, tz, now, occurrence, quantity, closures, requirements
        )
        blocking = evaluation.blocking(broken, request.override_rules)
        if blocking:
            refused.append((occurrence, blocking))
        else:
            accepted.append((occurrence, broken))
    if refused and not skip:
        refuse_rules(refused, series=bool(request.recurrence))
    for occurrence, broken in refused:
        skipped.append(
            _slot(
                occurrence.start,
                occurrence.end,
                reason=broken[0].code,
                message=rule_message(broken[0]),
            )
        )

    quota_book = QuotaBook(organisation, resource, tz, possible=locks.may_have_quotas(resource))
    booked: list[tuple[Occurrence, list[Violation]]] = []
    conflicts: list[dict] = []
    quota_refused: list[tuple[Occurrence, list[Violation]]] = []
    for occurrence, broken in accepted:
        clashing = evaluation.clashing(
            taken, occurrence.start, occurrence.end, quantity, resource.quantity
        )
        if clashing is not None:
            ids = [t.booking_id for t in clashing if t.booking_id is not None]
            conflicts.append(
                _slot(
                    occurrence.start,
                    occurrence.end,
                    booking_id=ids[0] if ids else None,
                    booking_ids=ids,
                    busy=all(t.busy for t in clashing),
                )
            )
            continue
        over = evaluation.quota_exceeded(quota_book, occurrence.start, occurrence.end)
        if over is not None:
            if request.override_rules:
                broken = [*broken, over]
            else:
                quota_refused.append((occurrence, [over]))
                continue
        taken.append(Taken(occurrence.start, occurrence.end, quantity, None))
        booked.append((occurrence, broken))
    if conflicts and not skip:
        raise Conflict(
            ngettext(
                "This time is already taken: %(num)d occurrence clashes with another booking.",
                "This time is already taken: %(num)d occurrences clash with other bookings.",
                len(conflicts),
            )
            if request.recurrence
            else taken_message(
                resource,
                busy=all(c["busy"] for c in conflicts),
                free=evaluation.free_units(resource, taken, request.start, request.end),
            ),
            conflicts=[conflict_json(c["start"], c["end"], c.get("booking_id")) for c in conflicts],
        )
    if quota_refused and not skip:
        refuse_rules(quota_refused, series=bool(request.recurrence))
    for c in conflicts:
        skipped.append({**c, "reason": "conflict", "message": _("Already taken.")})
    for occurrence, broken in quota_refused:
        skipped.append(
            _slot(occurrence.start, occurrence.end, reason="quota", message=rule_message(broken[0]))
        )
    if not booked:
        if conflicts:
            raise Conflict(
                _("Every occurrence clashes with other bookings; nothing was booked."),
                conflicts=[
                    conflict_json(c["start"], c["end"], c.get("booking_id")) for c in conflicts
                ],
            )
        refuse_rules(refused + quota_refused, series=True)

    status = (
        "pending"
        if resource.requires_approval and not permissions.can_approve_resource(actor, resource)
        else "confirmed"
    )
    series = None
    if request.recurrence:
        series = Series(
            resource_id=resource.id,
            organisation_id=organisation.id,
            user_id=actor.id,
            title=title,
            rrule=request.recurrence.strip(),
        )
        db.session.add(series)
    new_bookings: list[Booking] = []
    for occurrence, broken in booked:
        new_bookings.append(
            Booking(
                resource=resource,
                organisation_id=organisation.id,
                user_id=actor.id,
                series=series,
                title=title,
                start_at=occurrence.start,
                end_at=occurrence.end,
                quantity=quantity,
                purpose=purpose,
                attendance=attendance,
                status=status,
                confirmed_at=now if status == "confirmed" else None,
                rules_overridden=[v.code for v in broken] or None,
                # Given here, the collection counts as loaded: no query when the answer lists it.
                shares=[
                    BookingShare(organisation_id=s.organisation_id, share=s.share, status=s.status)
                    for s in shares
                ],
            )
        )
        _note_longest(resource, occurrence.start, occurrence.end)
    # Each booking with the audit event of its creation (one statement on PostgreSQL).
    bookings = inserts.add_bookings(actor, new_bookings)
    tell_co_organisers(actor, bookings, organisation.name)
    if status == "pending":
        first = bookings[0]
        notify(
            queries.approver_ids(resource) - {actor.id},
            "booking_pending",
            first,
            resource=resource.name,
            start=iso(first.start_at),
            organisation=organisation.name,
            count=len(bookings),
        )
    db.session.flush()
    return BookingResult(bookings=bookings, series=series, skipped=skipped)


# ---------------------------------------------------------------- change


def _changeable(
    actor: User, booking_id: int, *, quota: bool = False
) -> tuple[Booking, QuotaBook | None]:
    """The booking, locked (see the module's lock order), if the actor may change it."""
    booking, quota_book = locks.locked_booking(actor, booking_id, quota=quota)
    if not permissions.can_change_booking(actor, booking):
        raise NotAllowed(
            _(
                "Only the person who booked, a referent of their organisation or a coordinator can change this booking."
            )
        )
    return booking, quota_book


def _in_use_conflict(message: str) -> Conflict:
    return Conflict(message, code="checked_in")


def move_booking(
    actor: User, booking_id: int, change: BookingChange, *, now: datetime | None = None
) -> Booking:
    """Move, resize, retitle or change the quantity of one booking (one occurrence of a series).

    The same rules and conflict check as a new booking apply to the new interval. A confirmed
    booking of a resource that requires approval goes back to pending when its time changes,
    unless the actor approves such bookings. Raises NotFound, NotAllowed, RuleViolation, Conflict.
    """
    now = now or utcnow()
    tz = pole_tz()
    if change.override_rules and not permissions.can_override_rules(actor):
        raise NotAllowed(_("Only coordinators can book outside the rules."))
    # Locked, then read: a booking cancelled or rejected meanwhile is never revived.
    booking, quota_book = _changeable(actor, booking_id, quota=True)
    if booking.status not in HOLDING:
        message = _(
            "This booking is %(status)s; it cannot be changed.", status=STATUSES[booking.status]
        )
        raise Conflict(message, code="not_active")
    resource = booking.resource
    start = change.start.astimezone(UTC) if change.start is not None else booking.start_at
    end = change.end.astimezone(UTC) if change.end is not None else booking.end_at
    quantity = booking.quantity if change.quantity is None else change.quantity
    quantity = evaluation.clean_quantity(quantity)
    title = booking.title if change.title is None else evaluation.clean_title(change.title)
    purpose = (
        booking.purpose
        if change.purpose is KEEP
        else purposes.clean_purpose(change.purpose, booking.purpose)
    )
    attendance = (
        booking.attendance
        if change.attendance is KEEP
        else purposes.clean_attendance(change.attendance)
    )
    evaluation.check_span(start, end)
    before = snapshot(booking)
    time_changed = (start, end, quantity) != (booking.start_at, booking.end_at, booking.quantity)
    if time_changed and booking.in_use:
        raise _in_use_conflict(_("This booking is checked in; its time can no longer be changed."))
    overridden: list[str] = []
    if time_changed:
        exists = not any(
            evaluation.wall_time_missing(v, tz) for v in (change.start, change.end) if v is not None
        )
        occurrence = Occurrence(start.astimezone(tz).replace(tzinfo=None), start, end, exists)
        broken = evaluation.violations(
            resource,
            queries.resource_rules(resource),
            tz,
            now,
            occurrence,
            quantity,
            queries.closures(resource, start, end),
            # Moved, the booking is still its booker's: their qualifications on the new date.
            qualifications.requirements(booking.user, resource),
        )
        blocking = evaluation.blocking(broken, change.override_rules)
        if blocking:
            refuse_rules([(occurrence, blocking)], series=False)
        overridden = [v.code for v in broken]
        taken = occupancy.holding(resource, start, end, exclude_id=booking.id)
        held = evaluation.clashing(taken, start, end, quantity, resource.quantity)
        if held is not None:
            clashing = [t.booking_id for t in held if t.booking_id is not None]
            raise Conflict(
                taken_message(
                    resource,
                    busy=all(t.busy for t in held),
                    free=evaluation.free_units(resource, taken, start, end),
                ),
                conflicts=[conflict_json(start, end, clashing[0] if clashing else None)],
            )
        over = evaluation.quota_exceeded(quota_book, start, end)
        if over is not None:
            if not change.override_rules:
                refuse_rules([(occurrence, [over])], series=False)
            overridden.append("quota")
        booking.start_at, booking.end_at, booking.quantity = start, end, quantity
        _note_longest(resource, start, end)
        # What the booking held before and no longer holds may be offered to the waitlist.
        offer_freed([resource.id], now=now)
        if booking.user_id != actor.id:
            notify(
                [booking.user_id],
                "booking_moved",
                booking,
                resource=resource.name,
                start=iso(start),
                by=actor.name,
            )
        if (
            booking.status == "confirmed"
            and resource.requires_approval
            and not permissions.can_approve(actor, booking)
        ):
            booking.status = "pending"
            # Waiting for approval again: cancelling it now is not cancelling a confirmed one.
            booking.confirmed_at = None
            notify(
                queries.approver_ids(resource) - {actor.id},
                "booking_pending",
                booking,
                resource=resource.name,
                start=iso(start),
                organisation=booking.organisation.name,
                count=1,
            )
        if overridden:
            booking.rules_overridden = sorted(set((booking.rules_overridden or []) + overridden))
    booking.title = title
    booking.purpose, booking.attendance = purpose, attendance
    if snapshot(booking) != before:
        booking.sequence += 1
        booking.updated_at = utcnow()
        db.session.flush()
        record(
            actor,
            "booking.override" if overridden else "booking.update",
            booking,
            before=before,
            after=snapshot(booking),
            note=",".join(overridden) or None,
        )
    db.session.flush()
    return booking


def _cancel(actor: User, booking: Booking, reason: str | None, at: datetime) -> bool:
    if booking.status == "cancelled":
        return False
    before = snapshot(booking)
    booking.status = "cancelled"
    booking.cancelled_at = at
    booking.cancelled_by_id = actor.id
    booking.cancel_reason = (reason or "").strip()[:1000] or None
    booking.sequence += 1
    booking.updated_at = at
    record(
        actor,
        "booking.cancel",
        booking,
        before=before,
        after=snapshot(booking),
        note=booking.cancel_reason,
    )
    return True


def cancel_booking(
    actor: User,
    booking_id: int,
    reason: str | None = None,
    *,
    notice: str = "booking_cancelled",
) -> Booking:
    """Cancel one booking (one occurrence: the rest of its series stays). Idempotent.

    The booker is told (``notice`` names the notification: a closure tells them even when
    they closed it themselves). Raises NotFound, NotAllowed, Conflict (a refused booking
    has nothing to cancel; a checked-in booking was used and can no longer be cancelled).
    """
    booking, _quota = _changeable(actor, booking_id)
    if booking.status == "rejected":
        raise Conflict(
            _("This booking was refused; there is nothing to cancel."), code="not_active"
        )
    if booking.status != "cancelled" and booking.in_use:
        raise _in_use_conflict(_("This booking is checked in; it can no longer be cancelled."))
    cancelled = _cancel(actor, booking, reason, utcnow())
    if cancelled:
        offer_freed([booking.resource_id])
    if cancelled and (booking.user_id != actor.id or notice != "booking_cancelled"):
        notify(
            [booking.user_id],
            notice,
            booking,
            resource=booking.resource.name,
            start=iso(booking.start_at),
            by=actor.name,
            reason=booking.cancel_reason or "",
        )
    db.session.flush()
    return booking


def cancel_series(
    actor: User, series_id: int, from_: datetime | None = None, reason: str | None = None
) -> list[Booking]:
    """Cancel every occurrence of a series, or those starting at or after ``from_``.

    Occurrences already checked in stay (they were used). Returns the occurrences cancelled
    now. Raises NotFound, NotAllowed.
    """
    series = db.session.get(Series, series_id)
    if series is None:
        raise NotFound(_("This recurring booking does not exist."))
    locks.locked_resource(series.resource_id)
    query = select(Booking.id).where(Booking.series_id == series.id)
    if from_ is not None:
        query = query.where(Booking.start_at >= from_)
    occurrences = [
        b
        for b in locks.lock_booking_rows(list(db.session.scalars(query)))
        if b.status in HOLDING and not b.in_use
    ]
    occurrences.sort(key=lambda b: b.start_at)
    probe = (
        occurrences[0]
        if occurrences
        else db.session.scalar(select(Booking).where(Booking.series_id == series.id).limit(1))
    )
    if probe is not None and not permissions.can_change_booking(actor, probe):
        raise NotAllowed(
            _(
                "Only the person who booked, a referent of their organisation or a coordinator can change this booking."
            )
        )
    at = utcnow()
    cancelled = [b for b in occurrences if _cancel(actor, b, reason, at)]
    if cancelled:
        offer_freed([series.resource_id])
    if cancelled and series.user_id != actor.id:
        notify(
            [series.user_id],
            "booking_cancelled",
            cancelled[0],
            resource=cancelled[0].resource.name,
            start=iso(cancelled[0].start_at),
            by=actor.name,
        )
    db.session.flush()
    return cancelled
