"""A booking request, evaluated: its own rules (title, quantity, span), the occurrences it
asks for, and for each occurrence which rules it breaks, what it clashes with, and which
quota it exceeds.

Create, move and the preview ask these questions in this order (rules, then conflict, then
quota) and differ only in what they do with the answers: refuse, skip, or show. The
refusals they raise are built here too, so that they read the same everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _

from pooling.bookings.availability import Taken, overlaps, peak
from pooling.bookings.messages import recurrence_message, rule_message
from pooling.bookings.quotas import QuotaBook
from pooling.bookings.recurrence import Occurrence, RecurrenceError, expand, occurrence_at
from pooling.bookings.rules import ResourceRules, Violation, check
from pooling.core.errors import RuleViolation
from pooling.core.time import MAX_WINDOW_DAYS, local_time_exists, utc_text
from pooling.qualifications.services import Requirements
from pooling.resources.models import Resource

UNOVERRIDABLE = {"quantity", "nonexistent_local_time", "inactive"}
# The field of the request a broken rule is about (the others are about the start).
RULE_FIELDS = {
    "quantity": "quantity",
    "min_duration": "end",
    "max_duration": "end",
    "inactive": "resource_id",
    # A missing qualification is about the person and the resource, not the time.
    "qualification_required": "resource_id",
}


def violations(
    resource: Resource,
    rules: ResourceRules,
    tz: ZoneInfo,
    now: datetime,
    occurrence: Occurrence,
    quantity: int,
    closures: list,
    requirements: Requirements | None = None,
) -> list[Violation]:
    """The rules the occurrence breaks, a local time the clocks skip first; with the
    booker's ``requirements``, the required qualifications they lack on its last day."""
    found = check(rules, tz, now, occurrence.start, occurrence.end, quantity, closures)
    if not occurrence.exists:
        found.insert(0, Violation("nonexistent_local_time", {}))
    if requirements is not None:
        broken = qualification_missing(requirements, occurrence, tz)
        if broken is not None:
            found.append(broken)
    return found


def qualification_missing(
    requirements: Requirements, occurrence: Occurrence, tz: ZoneInfo
) -> Violation | None:
    """The required qualifications the booker does not hold valid through the occurrence's
    last local day (a van booked for a weekend needs the licence on the Sunday too)."""
    day = (occurrence.end - timedelta(microseconds=1)).astimezone(tz).date()
    missing = requirements.missing(day)
    if not missing:
        return None
    return Violation("qualification_required", {"names": missing, "date": day})


def blocking(broken: list[Violation], override_rules: bool) -> list[Violation]:
    """The broken rules that refuse the occurrence: all of them, or with an override of the
    rules those no one may override."""
    return [v for v in broken if v.code in UNOVERRIDABLE or not override_rules]


def clashing(
    taken: list[Taken], start: datetime, end: datetime, quantity: int, capacity: int
) -> list[Taken] | None:
    """What holds [start, end) when ``quantity`` more units do not fit beside it; None when
    they fit."""
    if peak(taken, start, end) + quantity <= capacity:
        return None
    return [t for t in taken if overlaps(t.start, t.end, start, end)]


def quota_exceeded(quota_book: QuotaBook, start: datetime, end: datetime) -> Violation | None:
    """The quota [start, end) would exceed; when none, [start, end) is counted against them."""
    return quota_book.take(start, end)


# ---------------------------------------------------------------- the request's own rules


def clean_title(title: str | None) -> str:
    """The title without surrounding spaces, at most 200 characters."""
    title = (title or "").strip()
    if len(title) > 200:
        message = _("At most 200 characters.")
        raise RuleViolation(message, code="title_too_long", fields={"title": [message]})
    return title


def clean_quantity(quantity: int) -> int:
    """At least one unit."""
    if quantity < 1:
        message = _("The quantity is a whole number of at least 1.")
        raise RuleViolation(message, code="invalid_quantity", fields={"quantity": [message]})
    return quantity


def check_span(start: datetime, end: datetime) -> None:
    """A booking ends after it starts and lasts at most MAX_WINDOW_DAYS."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("aware datetimes expected")
    if end <= start:
        message = _("The end must be after the start.")
        raise RuleViolation(message, code="end_before_start", fields={"end": [message]})
    if end - start > timedelta(days=MAX_WINDOW_DAYS):
        message = _("A booking may last at most %(days)s days.", days=MAX_WINDOW_DAYS)
        raise RuleViolation(message, code="max_duration", fields={"end": [message]})


def wall_time_missing(value: datetime, tz: ZoneInfo) -> bool:
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


def occurrences_of(
    start: datetime, end: datetime, recurrence: str | None, tz: ZoneInfo
) -> list[Occurrence]:
    """The occurrences a request from ``start`` to ``end`` (with their offsets) asks for.

    With a recurrence, expanded in the pole's local time; a bad or empty recurrence raises
    RuleViolation naming ``recurrence``.
    """
    local_start = start.astimezone(tz).replace(tzinfo=None)
    wall_duration = end.astimezone(tz).replace(tzinfo=None) - local_start
    if recurrence:
        try:
            occurrences = expand(recurrence, local_start, wall_duration, tz)
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
    single = occurrence_at(local_start, wall_duration, tz)
    exists = not (wall_time_missing(start, tz) or wall_time_missing(end, tz))
    return [Occurrence(single.local_start, start.astimezone(UTC), end.astimezone(UTC), exists)]


# ---------------------------------------------------------------- refusals


def taken_message(resource: Resource, *, busy: bool, free: int | None = None) -> str:
    """Why the time is taken: other bookings, or only the resource's external calendar.

    For a resource of several units, with ``free`` the units still free at that time, it
    says how many of them are left ("Projector: 1 of 3 still free at that time.").
    """
    if busy:
        return _(
            "This time is busy in the external calendar of %(resource)s.", resource=resource.name
        )
    if free is not None and resource.quantity > 1:
        return ngettext(
            "%(resource)s: %(num)d of %(total)d still free at that time.",
            "%(resource)s: %(num)d of %(total)d still free at that time.",
            free,
            resource=resource.name,
            total=resource.quantity,
        )
    return _("This time is already taken on %(resource)s.", resource=resource.name)


def free_units(resource: Resource, taken: list[Taken], start: datetime, end: datetime) -> int:
    """The units of the resource free throughout [start, end) beside what ``taken`` holds."""
    return max(resource.quantity - peak(taken, start, end), 0)


def conflict_json(start: datetime, end: datetime, booking_id: int | None = None) -> dict:
    """One slot a request collides with, as the 409 answer lists it."""
    return {"start": utc_text(start), "end": utc_text(end), "booking_id": booking_id}


def refuse_rules(refused: list[tuple[Occurrence, list[Violation]]], *, series: bool) -> None:
    """Raise the RuleViolation for occurrences refused by rules: the first rule's message,
    with the dates for a series, and each refused occurrence with its rules."""
    first_violation = refused[0][1][0]
    message = rule_message(first_violation)
    if series:
        dates = ", ".join(format_datetime(o.start, "short") for o, _v in refused[:5])
        message = ngettext(
            "%(num)d occurrence breaks a rule (%(dates)s): %(message)s",
            "%(num)d occurrences break a rule (%(dates)s): %(message)s",
            len(refused),
            dates=dates,
            message=message,
        )
    fields: dict[str, list[str]] = {}
    for violation in refused[0][1]:
        fields.setdefault(RULE_FIELDS.get(violation.code, "start"), []).append(
            rule_message(violation)
        )
    raise RuleViolation(
        message,
        code=first_violation.code,
        fields=fields,
        occurrences=[
            {**conflict_json(o.start, o.end), "rules": [v.code for v in violations]}
            for o, violations in refused
        ],
    )
