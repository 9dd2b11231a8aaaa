"""Booking use cases: create (once or recurring), move, cancel, approve, check in/out.

Reading (queries, availability, the free-resource search) is ``pooling.bookings.queries``.

Every surface (pages, JSON API, command line) calls these functions and gets the same
rules and errors. Conflict checks run inside the writing transaction after the resource
row is locked, so two people clicking at once can never both get the last free unit.

Every change of a booking takes its locks in the one order that ``pooling.bookings.locks``
documents, then re-reads the booking under them and decides on what it reads there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.bookings import evaluation, locks, permissions, queries
from pooling.bookings.availability import Taken, overlaps, peak
from pooling.bookings.messages import recurrence_message, rule_message
from pooling.bookings.models import HOLDING, STATUSES, Booking, BookingShare, Series
from pooling.bookings.quotas import QuotaBook
from pooling.bookings.recurrence import Occurrence, RecurrenceError, expand, occurrence_at
from pooling.bookings.rules import Violation
from pooling.bookings.shares import clean_shares, tell_co_organisers
from pooling.core.db import utcnow
from pooling.core.errors import Conflict, NotAllowed, NotFound, RuleViolation
from pooling.core.time import local_time_exists, pole_tz, utc_text
from pooling.extensions import db
from pooling.notifications.services import notify
from pooling.organisations.models import Organisation
from pooling.resources.models import Resource
from pooling.resources.permissions import can_see_resource


@dataclass
class BookingRequest:
    """What a person asks for; times are aware datetimes (any offset)."""

    resource_id: int
    start: datetime
    end: datetime
    title: str = ""
    quantity: int = 1
    organisation_id: int | None = None
    shares: list[tuple[int, Decimal]] | None = None
    recurrence: str | None = None
    on_conflict: str = "fail"
    override_rules: bool = False


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


# ---------------------------------------------------------------- helpers


def bookable_resource(actor: User, resource_id: int, *, lock: bool = False) -> Resource:
    """The resource to book, checked for the actor; with ``lock``, locked and read under the lock.

    Locking first (one ``SELECT ... FOR UPDATE`` on PostgreSQL) reads the resource as the
    last writer left it, and saves reading it twice.
    """
    resource = locks.locked_resource(resource_id) if lock else db.session.get(Resource, resource_id)
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
    """On whose behalf: one of the actor's organisations (any for a coordinator)."""
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


def clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if len(title) > 200:
        message = _("At most 200 characters.")
        raise RuleViolation(message, code="title_too_long", fields={"title": [message]})
    return title


def clean_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        message = _("The quantity is a whole number of at least 1.")
        raise RuleViolation(message, code="invalid_quantity", fields={"quantity": [message]})
    return quantity


def check_span(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("aware datetimes expected")
    if end <= start:
        message = _("The end must be after the start.")
        raise RuleViolation(message, code="end_before_start", fields={"end": [message]})
    if end - start > timedelta(days=queries.MAX_WINDOW_DAYS):
        message = _("A booking may last at most %(days)s days.", days=queries.MAX_WINDOW_DAYS)
        raise RuleViolation(message, code="max_duration", fields={"end": [message]})


def _given_wall_time_missing(value: datetime, tz: ZoneInfo) -> bool:
    """Whether a time written with one of the pole's offsets reads as a skipped local time."""
    offset = value.utcoffset()
    instant = value.astimezone(UTC)
    pole_offsets = {
        (instant - timedelta(days=1)).astimezone(tz).utcoffset(),
        (instant + timedelta(days=1)).astimezone(tz).utcoffset(),
    }
    if offset not in pole_offsets or offset == instant.astimezone(tz).utcoffset():
        return False
    return not local_time_exists(value.replace(tzinfo=None), tz)


def snapshot(booking: Booking) -> dict:
    """The audited state of a booking."""
    return {
        "resource_id": booking.resource_id,
        "organisation_id": booking.organisation_id,
        "title": booking.title,
        "start": booking.start_at.isoformat(),
        "end": booking.end_at.isoformat(),
        "quantity": booking.quantity,
        "status": booking.status,
    }


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _slot(occurrence_start: datetime, occurrence_end: datetime, **extra) -> dict:
    return {"start": occurrence_start, "end": occurrence_end, **extra}


def _note_longest(resource: Resource, start: datetime, end: datetime) -> None:
    minutes = int((end - start).total_seconds() // 60) + 1
    if minutes > (resource.longest_booking_minutes or 0):
        resource.longest_booking_minutes = minutes


# ---------------------------------------------------------------- create


def occurrences_of(request: BookingRequest, tz: ZoneInfo) -> list[Occurrence]:
    """The occurrences ``create_booking`` would consider for this request."""
    if request.recurrence:
        local_start = request.start.astimezone(tz).replace(tzinfo=None)
        wall_duration = request.end.astimezone(tz).replace(tzinfo=None) - local_start
        try:
            occurrences = expand(request.recurrence, local_start, wall_duration, tz)
        except RecurrenceError as error:
            message = recurrence_message(error.args[0])
            raise RuleViolation(
                message, code="invalid_recurrence", fields={"recurrence": [message]}
            ) from error
        if not occurrences:
            message = _("This recurrence gives no date.")
            raise RuleViolation(
                message, code="invalid_recurrence", fields={"recurrence": [message]}
            )
        return occurrences
    local_start = request.start.astimezone(tz).replace(tzinfo=None)
    single = occurrence_at(
        local_start, request.end.astimezone(tz).replace(tzinfo=None) - local_start, tz
    )
    exists = not (
        _given_wall_time_missing(request.start, tz) or _given_wall_time_missing(request.end, tz)
    )
    return [
        Occurrence(
            single.local_start, request.start.astimezone(UTC), request.end.astimezone(UTC), exists
        )
    ]


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
    resource = bookable_resource(actor, request.resource_id, lock=True)
    organisation = organisation_for(actor, request.organisation_id)
    shares = clean_shares(request.shares, organisation.id)
    title = clean_title(request.title)
    quantity = clean_quantity(request.quantity)
    if request.on_conflict not in ("fail", "skip"):
        message = _("on_conflict is fail or skip.")
        raise RuleViolation(message, code="invalid_on_conflict", fields={"on_conflict": [message]})
    if request.override_rules and not permissions.can_override_rules(actor):
        raise NotAllowed(_("Only coordinators can book outside the rules."))
    check_span(request.start, request.end)
    skip = request.on_conflict == "skip"

    occurrences = occurrences_of(request, tz)

    rules = queries.resource_rules(resource)
    span_start = min(o.start for o in occurrences)
    span_end = max(o.end for o in occurrences)
    # The resource is locked: what is held now stays held until this transaction ends.
    closures, taken = queries.timeline_facts(resource, span_start, span_end, with_closures=True)
    accepted: list[tuple[Occurrence, list[Violation]]] = []
    skipped: list[dict] = []
    refused: list[tuple[Occurrence, list[Violation]]] = []
    for occurrence in occurrences:
        broken = evaluation.violations(resource, rules, tz, now, occurrence, quantity, closures)
        blocking = evaluation.blocking(broken, request.override_rules)
        if blocking:
            refused.append((occurrence, blocking))
        else:
            accepted.append((occurrence, broken))
    if refused and not skip:
        _raise_rules(refused, series=bool(request.recurrence), tz=tz)
    for occurrence, broken in refused:
        skipped.append(
            _slot(
                occurrence.start,
                occurrence.end,
                reason=broken[0].code,
                message=rule_message(broken[0]),
            )
        )

    quota_book = QuotaBook(organisation, resource, tz)
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
            else _taken_message(resource, busy=not any(c["booking_ids"] for c in conflicts)),
            conflicts=[_conflict_json(c) for c in conflicts],
        )
    if quota_refused and not skip:
        _raise_rules(quota_refused, series=bool(request.recurrence), tz=tz)
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
                conflicts=[_conflict_json(c) for c in conflicts],
            )
        _raise_rules(refused + quota_refused, series=True, tz=tz)

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
    bookings: list[Booking] = []
    for occurrence, broken in booked:
        booking = Booking(
            resource=resource,
            organisation_id=organisation.id,
            user_id=actor.id,
            series=series,
            title=title,
            start_at=occurrence.start,
            end_at=occurrence.end,
            quantity=quantity,
            status=status,
            confirmed_at=now if status == "confirmed" else None,
            rules_overridden=[v.code for v in broken] or None,
            # Given here, the collection counts as loaded: no query when the answer lists it.
            shares=[
                BookingShare(organisation_id=s.organisation_id, share=s.share, status=s.status)
                for s in shares
            ],
        )
        db.session.add(booking)
        bookings.append(booking)
        _note_longest(resource, occurrence.start, occurrence.end)
    db.session.flush()
    for booking in bookings:
        record(
            actor,
            "booking.override" if booking.rules_overridden else "booking.create",
            booking,
            after=snapshot(booking),
            note=",".join(booking.rules_overridden) if booking.rules_overridden else None,
        )
    tell_co_organisers(actor, bookings, organisation.name)
    if status == "pending":
        first = bookings[0]
        notify(
            queries.approver_ids(resource) - {actor.id},
            "booking_pending",
            first,
            resource=resource.name,
            start=_iso(first.start_at),
            organisation=organisation.name,
            count=len(bookings),
        )
    db.session.flush()
    return BookingResult(bookings=bookings, series=series, skipped=skipped)


def _taken_message(resource: Resource, *, busy: bool) -> str:
    """Why the time is taken: other bookings, or only the resource's external calendar."""
    if busy:
        return _(
            "This time is busy in the external calendar of %(resource)s.", resource=resource.name
        )
    return _("This time is already taken on %(resource)s.", resource=resource.name)


def _conflict_json(conflict: dict) -> dict:
    return {
        "start": utc_text(conflict["start"]),
        "end": utc_text(conflict["end"]),
        "booking_id": conflict.get("booking_id"),
    }


def _raise_rules(
    refused: list[tuple[Occurrence, list[Violation]]], *, series: bool, tz: ZoneInfo
) -> None:
    first_violation = refused[0][1][0]
    message = rule_message(first_violation)
    if series:
        from flask_babel import format_datetime

        dates = ", ".join(format_datetime(o.start, "short") for o, _v in refused[:5])
        message = ngettext(
            "%(num)d occurrence breaks a rule (%(dates)s): %(message)s",
            "%(num)d occurrences break a rule (%(dates)s): %(message)s",
            len(refused),
            dates=dates,
            message=message,
        )
    raise RuleViolation(
        message,
        code=first_violation.code,
        fields={"start": [rule_message(v) for v in refused[0][1]]},
        occurrences=[
            {
                **_conflict_json({"start": o.start, "end": o.end}),
                "rules": [v.code for v in violations],
            }
            for o, violations in refused
        ],
    )


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
    quantity = clean_quantity(change.quantity) if change.quantity is not None else booking.quantity
    title = clean_title(change.title) if change.title is not None else booking.title
    check_span(start, end)
    before = snapshot(booking)
    time_changed = (start, end, quantity) != (booking.start_at, booking.end_at, booking.quantity)
    if time_changed and booking.in_use:
        raise _in_use_conflict(_("This booking is checked in; its time can no longer be changed."))
    overridden: list[str] = []
    if time_changed:
        exists = not any(
            _given_wall_time_missing(v, tz) for v in (change.start, change.end) if v is not None
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
        )
        blocking = evaluation.blocking(broken, change.override_rules)
        if blocking:
            _raise_rules([(occurrence, blocking)], series=False, tz=tz)
        overridden = [v.code for v in broken]
        taken = queries.holding(resource, start, end, exclude_id=booking.id)
        held = evaluation.clashing(taken, start, end, quantity, resource.quantity)
        if held is not None:
            clashing = [t.booking_id for t in held]
            raise Conflict(
                _taken_message(resource, busy=not any(clashing)),
                conflicts=[
                    _conflict_json(
                        {
                            "start": start,
                            "end": end,
                            "booking_id": clashing[0] if clashing else None,
                        }
                    )
                ],
            )
        over = evaluation.quota_exceeded(quota_book, start, end)
        if over is not None:
            if not change.override_rules:
                _raise_rules([(occurrence, [over])], series=False, tz=tz)
            overridden.append("quota")
        booking.start_at, booking.end_at, booking.quantity = start, end, quantity
        _note_longest(resource, start, end)
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
                start=_iso(start),
                organisation=booking.organisation.name,
                count=1,
            )
        if overridden:
            booking.rules_overridden = sorted(set((booking.rules_overridden or []) + overridden))
    booking.title = title
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
    if _cancel(actor, booking, reason, utcnow()) and (
        booking.user_id != actor.id or notice != "booking_cancelled"
    ):
        notify(
            [booking.user_id],
            notice,
            booking,
            resource=booking.resource.name,
            start=_iso(booking.start_at),
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
    if cancelled and series.user_id != actor.id:
        notify(
            [series.user_id],
            "booking_cancelled",
            cancelled[0],
            resource=cancelled[0].resource.name,
            start=_iso(cancelled[0].start_at),
            by=actor.name,
        )
    db.session.flush()
    return cancelled


def decide(actor: User, booking_id: int, approve: bool, reason: str | None = None) -> Booking:
    """Approve or reject a pending booking (coordinator or referent of the owner organisation).

    Approving a confirmed booking, or rejecting a rejected one, changes nothing. Decided
    under the booking's locks, on its status read there; an approval checks again that the
    units are free. Raises NotFound, NotAllowed, Conflict (the booking is no longer pending,
    or its units were taken meanwhile), RuleViolation (the resource was deactivated).
    """
    booking, _quota = locks.locked_booking(actor, booking_id)
    if not permissions.can_approve(actor, booking):
        raise NotAllowed(
            _(
                "Only a coordinator or a referent of the organisation that lends this resource can decide."
            )
        )
    target = "confirmed" if approve else "rejected"
    if booking.status == target:
        return booking
    if booking.status != "pending":
        raise Conflict(
            _(
                "This booking is %(status)s; only pending bookings can be decided.",
                status=STATUSES[booking.status],
            ),
            code="not_pending",
        )
    if approve:
        _check_still_free(booking)
    before = snapshot(booking)
    at = utcnow()
    booking.status = target
    booking.decided_by_id = actor.id
    booking.decided_at = at
    if approve:
        booking.confirmed_at = at
    booking.decision_reason = (reason or "").strip()[:1000] or None
    booking.sequence += 1
    booking.updated_at = at
    record(
        actor,
        "booking.approve" if approve else "booking.reject",
        booking,
        before=before,
        after=snapshot(booking),
        note=booking.decision_reason,
    )
    notify(
        [booking.user_id],
        "booking_approved" if approve else "booking_rejected",
        booking,
        resource=booking.resource.name,
        start=_iso(booking.start_at),
        reason=booking.decision_reason or "",
    )
    db.session.flush()
    return booking


def _check_still_free(booking: Booking) -> None:
    """Under the resource's lock: the booking's units are still free and the resource active."""
    resource = booking.resource
    if not resource.active:
        message = rule_message(Violation("inactive", {}))
        raise RuleViolation(message, code="inactive")
    taken = queries.holding(resource, booking.start_at, booking.end_at, exclude_id=booking.id)
    if peak(taken, booking.start_at, booking.end_at) + booking.quantity > resource.quantity:
        clashing = [
            t.booking_id
            for t in taken
            if overlaps(t.start, t.end, booking.start_at, booking.end_at)
            and t.booking_id is not None
        ]
        raise Conflict(
            _("This time is already taken on %(resource)s.", resource=resource.name),
            conflicts=[
                _conflict_json(
                    {
                        "start": booking.start_at,
                        "end": booking.end_at,
                        "booking_id": clashing[0] if clashing else None,
                    }
                )
            ],
        )


def _meter(value) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
        if (
            isinstance(value, bool)
            or not number.is_finite()
            or number < 0
            or number >= Decimal("1e10")
        ):
            raise InvalidOperation
    except (InvalidOperation, ValueError) as error:
        message = _("The meter reading is a positive number.")
        raise RuleViolation(message, code="invalid_meter", fields={"meter": [message]}) from error
    return number.quantize(Decimal("0.01"))


# An ``at`` this far in the past is a backdated entry: for coordinators and approvers, audited.
BACKDATE_TOLERANCE = timedelta(minutes=15)
# A device's clock may run this far ahead of the server's: not yet "in the future".
CLOCK_SKEW = timedelta(minutes=1)


def _local(instant: datetime) -> str:
    from flask_babel import format_datetime

    return format_datetime(instant, "short")


def _actual_time(at: datetime | None, now: datetime) -> datetime:
    """The instant given for a check-in or check-out (default now), never in the future."""
    moment = (at or now).astimezone(UTC)
    if moment > now + CLOCK_SKEW:
        message = _("This time is in the future (it is now %(now)s).", now=_local(now))
        raise RuleViolation(message, code="at_in_future", fields={"at": [message]})
    return moment


def _check_backdating(actor: User, booking: Booking, moment: datetime, now: datetime) -> None:
    """An instant more than 15 minutes old only from a coordinator or an approver of the resource."""
    if moment < now - BACKDATE_TOLERANCE and actor.id not in queries.approver_ids(booking.resource):
        message = _(
            "Only a coordinator or an approver of this resource can record a time more than "
            "%(minutes)s minutes ago; record it now, or ask them.",
            minutes=int(BACKDATE_TOLERANCE.total_seconds() // 60),
        )
        raise RuleViolation(message, code="backdated", fields={"at": [message]})


def _record_backdated(actor: User, booking: Booking, act: str, moment: datetime, now: datetime):
    if moment < now - BACKDATE_TOLERANCE:
        record(
            actor,
            "booking.backdated",
            booking,
            after={"act": act, "at": _iso(moment), "recorded_at": _iso(now)},
        )


def check_in_window(booking: Booking) -> tuple[datetime, datetime]:
    """When a booking can be checked in: from the lead time before its start until its end."""
    lead = timedelta(minutes=int(current_app.config["POOLING_CHECK_IN_LEAD_MINUTES"]))
    return booking.start_at - lead, booking.end_at


def _used_by(actor: User, booking_id: int, refused: str) -> Booking:
    booking, _quota = locks.locked_booking(actor, booking_id)
    if not permissions.can_check_in(actor, booking):
        raise NotAllowed(refused)
    return booking


def can_check_in_now(actor: User, booking: Booking, now: datetime | None = None) -> bool:
    """Whether the actor may check the booking in at this moment (the page's button)."""
    now = now or utcnow()
    opens, closes = check_in_window(booking)
    return (
        booking.resource.records_check_in
        and booking.status == "confirmed"
        and not booking.in_use
        and permissions.can_check_in(actor, booking)
        and opens <= now < closes
    )


def can_check_out_now(actor: User, booking: Booking, now: datetime | None = None) -> bool:
    """Whether the actor may check the (checked-in) booking out at this moment (the page's button)."""
    now = now or utcnow()
    return (
        booking.resource.records_check_in
        and booking.status == "confirmed"
        and booking.checked_in_at is not None
        and booking.checked_out_at is None
        and permissions.can_check_in(actor, booking)
        and booking.checked_in_at <= now
    )


def check_in(actor: User, booking_id: int, meter=None, *, at: datetime | None = None) -> Booking:
    """Record the actual start of use (and the meter reading, e.g. the van's km).

    ``at`` (default now) lies from ``POOLING_CHECK_IN_LEAD_MINUTES`` before the start until the
    end, never in the future; more than 15 minutes old, only from a coordinator or an
    approver of the resource, and audited as backdated. Raises NotFound, NotAllowed,
    Conflict (not confirmed, already checked in), RuleViolation (``at`` or ``meter``).
    """
    booking = _used_by(actor, booking_id, _("You cannot check in this booking."))
    if booking.status != "confirmed":
        raise Conflict(_("Only confirmed bookings can be checked in."), code="not_confirmed")
    if booking.in_use:
        raise Conflict(_("This booking is already checked in."), code="already_checked_in")
    now = utcnow()
    moment = _actual_time(at, now)
    opens, closes = check_in_window(booking)
    if not opens <= moment < closes:
        message = _(
            "A check-in is possible from %(start)s to %(end)s.",
            start=_local(opens),
            end=_local(closes),
        )
        raise RuleViolation(message, code="check_in_outside_booking", fields={"at": [message]})
    _check_backdating(actor, booking, moment, now)
    reading = _meter(meter)
    before = snapshot(booking) | {"checked_in_at": None}
    booking.checked_in_at = moment
    booking.meter_start = reading if reading is not None else booking.meter_start
    booking.updated_at = now
    record(
        actor,
        "booking.check_in",
        booking,
        before=before,
        after={
            "checked_in_at": moment.isoformat(),
            "meter": str(booking.meter_start) if booking.meter_start is not None else None,
        },
    )
    _record_backdated(actor, booking, "check_in", moment, now)
    db.session.flush()
    return booking


def check_out(actor: User, booking_id: int, meter=None, *, at: datetime | None = None) -> Booking:
    """Record the actual end of use (and the meter reading); the end reading cannot be lower.

    ``at`` (default now) is not before the check-in (or, without one, the check-in window's
    opening) and never in the future; the backdating rule of ``check_in`` applies. A check-out
    before the booked end frees the rest of the slot. Raises NotFound, NotAllowed, Conflict
    (not confirmed, already checked out), RuleViolation (``at`` or ``meter``).
    """
    booking = _used_by(actor, booking_id, _("You cannot check out this booking."))
    if booking.status != "confirmed":
        raise Conflict(_("Only confirmed bookings can be checked out."), code="not_confirmed")
    if booking.checked_out_at is not None:
        raise Conflict(_("This booking is already checked out."), code="already_checked_out")
    now = utcnow()
    moment = _actual_time(at, now)
    if booking.checked_in_at is not None and moment < booking.checked_in_at:
        message = _(
            "The check-out cannot be before the check-in (%(start)s).",
            start=_local(booking.checked_in_at),
        )
        raise RuleViolation(message, code="check_out_before_check_in", fields={"at": [message]})
    opens, _closes = check_in_window(booking)
    if booking.checked_in_at is None and moment < opens:
        message = _("A check-out is possible from %(start)s.", start=_local(opens))
        raise RuleViolation(message, code="check_out_before_check_in", fields={"at": [message]})
    _check_backdating(actor, booking, moment, now)
    reading = _meter(meter)
    if reading is not None and booking.meter_start is not None and reading < booking.meter_start:
        message = _(
            "The meter reading at return cannot be lower than at departure (%(start)s).",
            start=booking.meter_start,
        )
        raise RuleViolation(message, code="invalid_meter", fields={"meter": [message]})
    booking.checked_out_at = moment
    if reading is not None:
        booking.meter_end = reading
    booking.updated_at = now
    record(
        actor,
        "booking.check_out",
        booking,
        after={
            "checked_out_at": moment.isoformat(),
            "meter": str(booking.meter_end) if booking.meter_end is not None else None,
        },
    )
    _record_backdated(actor, booking, "check_out", moment, now)
    db.session.flush()
    return booking
