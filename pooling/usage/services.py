"""Usage over a period per organisation, resource or kind; manual lines; the late-cancellation notice.

Bookings are read with one column query (no ORM objects) and measured by the pure
``measure`` module, because the clipping to the window and the actual check-in/out times
need per-row logic that reads the same on SQLite and PostgreSQL; manual lines are summed
by SQL aggregates.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.bookings.models import Booking, BookingShare
from pooling.bookings.queries import check_window
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.core.time import MAX_REPORT_DAYS, pole_tz
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.organisations.permissions import can_read_usage_and_costs, readable_organisation_ids
from pooling.resources.models import RESOURCE_KINDS, Resource
from pooling.resources.services import resource_or_kind
from pooling.usage import permissions
from pooling.usage.measure import (
    BookingFacts,
    UsageEntry,
    counted_shares,
    measure,
    measure_all,
)
from pooling.usage.models import DEFAULT_LATE_CANCEL_HOURS, ManualUsage, UsageSettings

GROUPINGS = ("organisation", "resource", "kind")
# Check-in may start before and check-out end after the booked interval; read that far around.
ACTUAL_TIME_MARGIN = timedelta(days=1)
TWO = Decimal("0.01")
# The late-cancellation notice is at most a month; a manual line counts at most this many units.
MAX_NOTICE_HOURS = 720
MAX_UNITS = 100000
# Hours and meter units of a manual line stay below this.
MAX_QUANTITY = Decimal("1e8")
FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class UsageRow:
    """Usage of one organisation, resource or kind over a window; ``share`` of all unit-hours."""

    key: int | str
    label: str
    hours: Decimal
    unit_hours: Decimal
    meter: Decimal
    bookings: int
    share: Decimal
    late_cancellations: int = 0
    no_shows: int = 0
    manual_lines: int = 0


@dataclass
class ManualUsageInput:
    """A manual usage line as asked (typed by the API's body or the page's form): the
    organisation, a resource or a kind (a key of ``RESOURCE_KINDS``) or neither, the day,
    hours, units, meter units and the reason; ``add_manual_usage`` checks its rules."""

    organisation_id: int
    used_on: date
    hours: Decimal
    reason: str
    resource_id: int | None = None
    kind: str | None = None
    quantity: int = 1
    meter: Decimal | None = None


# ---------------------------------------------------------------- policy


def late_cancel_hours() -> int:
    """Hours before the start under which a cancellation still counts as used.

    The coordinators' setting if any, else the ``POOLING_LATE_CANCEL_HOURS`` config, else 48.
    """
    setting = db.session.scalar(select(UsageSettings).order_by(UsageSettings.id).limit(1))
    if setting is not None:
        return setting.late_cancel_hours
    configured = current_app.config.get("POOLING_LATE_CANCEL_HOURS")
    try:
        return int(configured) if configured not in (None, "") else DEFAULT_LATE_CANCEL_HOURS
    except (TypeError, ValueError):
        return DEFAULT_LATE_CANCEL_HOURS


def ensure_can_set_notice(actor: User) -> None:
    """Only the pole's coordinators set the late-cancellation notice. Raises NotAllowed."""
    if not permissions.can_record_usage(actor):
        raise NotAllowed(_("Only the pole's coordinators can set the cancellation notice."))


def set_late_cancel_hours(actor: User, hours: int) -> UsageSettings:
    """Set the late-cancellation notice in whole hours (0 to MAX_NOTICE_HOURS).

    Raises NotAllowed, RuleViolation.
    """
    ensure_can_set_notice(actor)
    value = hours
    if not 0 <= value <= MAX_NOTICE_HOURS:
        message = _("Give a whole number of hours between 0 and 720.")
        raise RuleViolation(message, code="invalid_notice", fields={"late_cancel_hours": [message]})
    setting = db.session.scalar(select(UsageSettings).order_by(UsageSettings.id).limit(1))
    before = setting.late_cancel_hours if setting else late_cancel_hours()
    if setting is None:
        setting = UsageSettings(late_cancel_hours=value)
        db.session.add(setting)
    setting.late_cancel_hours = value
    setting.updated_by_id = actor.id
    db.session.flush()
    record(
        actor,
        "usage.notice",
        setting,
        before={"late_cancel_hours": before},
        after={"late_cancel_hours": value},
    )
    return setting


# ---------------------------------------------------------------- measurement


# The columns read as they are, in the order of ``BookingFacts``' first fields (booking id,
# resource id, kind, organisation id, ...); the fields after them are derived per row.
_FACT_COLUMNS = (
    Booking.id,
    Booking.resource_id,
    Resource.kind,
    Booking.organisation_id,
    Booking.start_at,
    Booking.end_at,
    Booking.status,
    Booking.quantity,
    Booking.cancelled_at,
    Booking.checked_in_at,
    Booking.checked_out_at,
    Booking.meter_start,
    Booking.meter_end,
)


def booking_facts(start: datetime, end: datetime, *conditions) -> list[BookingFacts]:
    """The bookings that may count in ``[start, end)``: confirmed or cancelled, near the window,
    and meeting the further ``conditions`` if any (e.g. a lower bound on the start).

    Two reads over the same window (the bookings, then the shares of the co-organised ones),
    unpacked as plain tuples: a year of a large pole is a few hundred thousand rows.
    """
    near = (
        Booking.status.in_(("confirmed", "cancelled")),
        Booking.start_at < end + ACTUAL_TIME_MARGIN,
        Booking.end_at > start - ACTUAL_TIME_MARGIN,
    )
    near = (*near, *conditions)
    shares: dict[int, list[tuple[int, Decimal, str]]] = defaultdict(list)
    for booking_id, organisation_id, share, status in db.session.execute(
        select(
            BookingShare.booking_id,
            BookingShare.organisation_id,
            BookingShare.share,
            BookingShare.status,
        )
        .join(Booking, Booking.id == BookingShare.booking_id)
        .where(*near)
        .order_by(BookingShare.booking_id, BookingShare.organisation_id)
    ):
        shares[booking_id].append((organisation_id, Decimal(share), status))
    rows = db.session.execute(
        select(*_FACT_COLUMNS, Resource.meter_unit, Booking.confirmed_at)
        .join(Resource, Resource.id == Booking.resource_id)
        .where(*near)
        .order_by(Booking.start_at, Booking.id)
    ).tuples()
    facts = []
    for *columns, meter_unit, confirmed_at in rows:
        booking = BookingFacts(
            *columns, check_in_expected=bool(meter_unit), was_confirmed=confirmed_at is not None
        )
        if booking.booking_id in shares:
            booking.shares = counted_shares(booking.organisation_id, shares[booking.booking_id])
        facts.append(booking)
    return facts


def manual_entries_by_window(bounds: list[datetime]) -> list[list[UsageEntry]]:
    """``manual_entries`` of each window ``[bounds[i], bounds[i + 1])`` from one read of the
    lines (a pole records a few a month), summed per organisation, resource and kind."""
    rows = db.session.execute(
        select(
            ManualUsage.used_at,
            ManualUsage.organisation_id,
            ManualUsage.resource_id,
            func.coalesce(Resource.kind, ManualUsage.kind),
            ManualUsage.hours,
            ManualUsage.quantity,
            ManualUsage.meter,
        )
        .outerjoin(Resource, Resource.id == ManualUsage.resource_id)
        .where(ManualUsage.used_at >= bounds[0], ManualUsage.used_at < bounds[-1])
    ).all()
    windows: list[dict[tuple, UsageEntry]] = [{} for _bound in bounds[1:]]
    for used_at, organisation_id, resource_id, kind, hours, quantity, meter in rows:
        key = (organisation_id, resource_id, kind)
        window = windows[bisect_right(bounds, used_at) - 1]
        entry = window.get(key)
        if entry is None:
            entry = window[key] = UsageEntry(
                organisation_id=organisation_id,
                resource_id=resource_id,
                resource_kind=kind,
                hours=Decimal(0),
                unit_hours=Decimal(0),
                meter=Decimal(0),
                share=Decimal(1),
                manual=True,
            )
        entry.hours += Decimal(hours or 0)
        entry.unit_hours += Decimal(hours or 0) * quantity
        entry.meter += Decimal(meter or 0)
        entry.lines += 1
    return [list(window.values()) for window in windows]


def measured_entries(
    start: datetime, end: datetime, *, now: datetime | None = None
) -> list[UsageEntry]:
    """Every usage entry of ``[start, end)``: measured bookings, then manual lines."""
    return entries_by_window([start, end], now=now)[0]


def entries_by_window(
    bounds: list[datetime], *, now: datetime | None = None
) -> list[list[UsageEntry]]:
    """The usage entries of each window ``[bounds[i], bounds[i + 1])`` (e.g. the months of a
    year), from one read of the bookings; a booking across a boundary is split between
    windows. The one definition of usage that the usage page, statements, costs and the
    dashboard all read.
    """
    now = now or utcnow()
    notice = timedelta(hours=late_cancel_hours())
    windows: list[list[UsageEntry]] = [[] for _bound in bounds[1:]]
    last = len(windows)
    for facts in booking_facts(bounds[0], bounds[-1]):
        # Check-in and check-out may fall a little outside the booked interval.
        first = max(bisect_right(bounds, facts.start - ACTUAL_TIME_MARGIN) - 1, 0)
        after = min(bisect_left(bounds, facts.end + ACTUAL_TIME_MARGIN), last)
        for index in range(first, after):
            measured = measure(facts, bounds[index], bounds[index + 1], now=now, notice=notice)
            if measured is not None:
                windows[index].extend(measured.entries)
    for entries, manual in zip(windows, manual_entries_by_window(bounds), strict=True):
        entries.extend(manual)
    return windows


def quantity_of(entry: UsageEntry, unit: str) -> Decimal:
    """The entry's usage in ``unit``: "hours", "unit_hours" or "meter"."""
    if unit == "meter":
        return entry.meter
    if unit == "unit_hours":
        return entry.unit_hours
    return entry.hours


def usage_by_organisation(
    entries: Iterable[UsageEntry],
    *,
    resource_id: int | None = None,
    kind: str | None = None,
    unit: str = "hours",
    composites: Iterable[int] = (),
) -> dict[int, Decimal]:
    """Usage per organisation of one resource, one kind, or the whole pole (both None).

    ``composites`` are the composites the resource is a part of (a hall, for one of its
    rooms): their bookings count for the resource as they hold it, one unit each (their hours
    as hours and unit-hours; their meter readings are the composite's own). Usage itself
    counts a hall's booking once, on the hall: only a part's cost reads it this way.
    """
    above = set(composites)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if resource_id is not None and entry.resource_id in above:
            totals[entry.organisation_id] += Decimal(0) if unit == "meter" else entry.hours
            continue
        if resource_id is not None and entry.resource_id != resource_id:
            continue
        if resource_id is None and kind is not None and entry.resource_kind != kind:
            continue
        totals[entry.organisation_id] += quantity_of(entry, unit)
    return dict(totals)


def usage_report(
    actor: User,
    start: datetime,
    end: datetime,
    group_by: str = "organisation",
    *,
    now: datetime | None = None,
) -> list[UsageRow]:
    """Usage over ``[start, end)`` grouped by organisation, resource or kind, largest first.

    ``share`` is the row's unit-hours over the total unit-hours of the rows the actor may
    see the denominator of (the whole pole). A referent sees only their organisations'
    usage. Raises NotAllowed (members), RuleViolation (bad window or grouping).
    """
    if not can_read_usage_and_costs(actor):
        raise NotAllowed(_("Only coordinators and referents can read usage."))
    if group_by not in GROUPINGS:
        message = _("Must be one of: %(choices)s.", choices=", ".join(GROUPINGS))
        raise RuleViolation(message, code="invalid_group_by", fields={"group_by": [message]})
    check_window(start, end, MAX_REPORT_DAYS)
    entries = measured_entries(start, end, now=now)
    grand_total = sum((e.unit_hours for e in entries), Decimal(0))
    visible = readable_organisation_ids(actor)
    if visible is not None:
        entries = [e for e in entries if e.organisation_id in visible]
    return summarise(entries, group_by, grand_total)


def summarise(entries: Iterable[UsageEntry], group_by: str, grand_total: Decimal) -> list[UsageRow]:
    """Entries summed per organisation, resource or kind, largest first; ``share`` is of
    ``grand_total`` unit-hours. Each booking counts once per row, and so does each late
    cancellation or no-show.
    """
    groups: dict[int | str, dict] = {}
    bookings: dict[int | str, set[int]] = defaultdict(set)
    for entry in entries:
        if group_by == "organisation":
            key: int | str = entry.organisation_id
        elif group_by == "resource":
            key = entry.resource_id if entry.resource_id is not None else "none"
        else:
            key = entry.resource_kind or "none"
        group = groups.setdefault(
            key,
            {
                "hours": Decimal(0),
                "unit_hours": Decimal(0),
                "meter": Decimal(0),
                "late": set(),
                "no_show": set(),
                "manual": 0,
            },
        )
        group["hours"] += entry.hours
        group["unit_hours"] += entry.unit_hours
        group["meter"] += entry.meter
        if entry.manual:
            group["manual"] += entry.lines
        else:
            bookings[key].add(entry.booking_id)
            if entry.late_cancellation:
                group["late"].add(entry.booking_id)
            if entry.no_show:
                group["no_show"].add(entry.booking_id)
    labels = _labels(group_by, groups)
    rows = [
        UsageRow(
            key=key,
            label=labels.get(key, str(key)),
            hours=group["hours"].quantize(TWO),
            unit_hours=group["unit_hours"].quantize(TWO),
            meter=group["meter"].quantize(TWO),
            bookings=len(bookings[key]),
            share=(group["unit_hours"] / grand_total).quantize(FOUR) if grand_total else Decimal(0),
            late_cancellations=len(group["late"]),
            no_shows=len(group["no_show"]),
            manual_lines=group["manual"],
        )
        for key, group in groups.items()
    ]
    return sorted(rows, key=lambda row: (-row.unit_hours, row.label.lower()))


def _labels(group_by: str, groups: dict) -> dict:
    if group_by == "kind":
        return {key: str(RESOURCE_KINDS.get(key, _("Not tied to a resource"))) for key in groups}
    ids = [key for key in groups if isinstance(key, int)]
    model = Organisation if group_by == "organisation" else Resource
    names = dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())
    return {key: names.get(key, _("Not tied to a resource")) for key in groups}


def no_shows(actor: User, start: datetime, end: datetime, *, now: datetime | None = None) -> list:
    """Bookings of ``[start, end)`` that were confirmed and never checked in where expected."""
    if not can_read_usage_and_costs(actor):
        raise NotAllowed(_("Only coordinators and referents can read usage."))
    check_window(start, end, MAX_REPORT_DAYS)
    facts = booking_facts(start, end)
    notice = timedelta(hours=late_cancel_hours())
    measured = measure_all(facts, start, end, now=now or utcnow(), notice=notice)
    ids = [m.booking_id for m in measured if m.no_show]
    if not ids:
        return []
    query = select(Booking).where(Booking.id.in_(ids)).order_by(Booking.start_at)
    visible = readable_organisation_ids(actor)
    if visible is not None:
        query = query.where(Booking.organisation_id.in_(visible or {-1}))
    return list(db.session.scalars(query))


# ---------------------------------------------------------------- manual lines


def _quantity(
    value: Decimal | None, field: str, errors: dict, *, positive: bool = False
) -> Decimal | None:
    """Hours or meter units: not negative (more than 0 when ``positive``), below MAX_QUANTITY."""
    if value is None:
        return None
    if not value.is_finite() or value < 0 or value >= MAX_QUANTITY or (positive and value == 0):
        errors[field] = [_("A positive number is expected.")]
        return None
    return value.quantize(TWO)


def ensure_can_record_usage(actor: User) -> None:
    """Only the pole's coordinators record usage by hand. Raises NotAllowed."""
    if not permissions.can_record_usage(actor):
        raise NotAllowed(_("Only the pole's coordinators can record usage by hand."))


def add_manual_usage(actor: User, data: ManualUsageInput) -> ManualUsage:
    """Record usage by hand (e.g. a shared staff member's timesheet) with a reason.

    The line counts on its day (local) for its organisation, on its resource or kind.
    Raises NotAllowed (not a coordinator), RuleViolation (missing or bad values); nothing is
    written when it raises.
    """
    ensure_can_record_usage(actor)
    errors: dict[str, list[str]] = {}
    organisation = db.session.get(Organisation, data.organisation_id)
    if organisation is None:
        errors["organisation_id"] = [_("Choose a member organisation.")]
    resource, kind = resource_or_kind(data.resource_id, data.kind, errors)
    reason = (data.reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why this usage is recorded by hand.")]
    hours = _quantity(data.hours, "hours", errors, positive=True)
    meter = _quantity(data.meter, "meter", errors)
    quantity = data.quantity
    if not 1 <= quantity <= MAX_UNITS:
        errors["quantity"] = [_("A whole number of at least 1 is expected.")]
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    used_at = datetime.combine(data.used_on, time(12), tzinfo=pole_tz()).astimezone(UTC)
    line = ManualUsage(
        organisation_id=organisation.id,
        resource_id=resource.id if resource else None,
        kind=resource.kind if resource else kind,
        used_at=used_at,
        hours=hours,
        quantity=quantity,
        meter=meter,
        reason=reason[:2000],
        created_by_id=actor.id,
    )
    db.session.add(line)
    db.session.flush()
    record(
        actor,
        "usage.manual",
        line,
        after={
            "organisation_id": line.organisation_id,
            "resource_id": line.resource_id,
            "kind": line.kind,
            "used_on": data.used_on.isoformat(),
            "hours": str(hours),
            "quantity": quantity,
        },
        note=line.reason,
    )
    return line


def require_usage_reader(actor: User) -> None:
    """Usage is read by referents (their organisations') and coordinators. Raises NotAllowed.

    The API asks first, so that a member learns they may not, not what the query lacks.
    """
    if not can_read_usage_and_costs(actor):
        raise NotAllowed(_("Only coordinators and referents can read usage."))


def list_manual_usage(actor: User, start: datetime, end: datetime) -> list[ManualUsage]:
    """Manual usage lines of ``[start, end)``, by day; referents see their organisations' only."""
    if not can_read_usage_and_costs(actor):
        raise NotAllowed(_("Only coordinators and referents can read usage."))
    query = (
        select(ManualUsage)
        .where(ManualUsage.used_at >= start, ManualUsage.used_at < end)
        .order_by(ManualUsage.used_at, ManualUsage.id)
    )
    visible = readable_organisation_ids(actor)
    if visible is not None:
        query = query.where(ManualUsage.organisation_id.in_(visible or {-1}))
    return list(db.session.scalars(query))


def get_manual_usage(actor: User, line_id: int) -> ManualUsage:
    """One manual line. Raises NotAllowed (members), NotFound (another organisation's)."""
    require_usage_reader(actor)
    line = db.session.get(ManualUsage, line_id)
    visible = readable_organisation_ids(actor)
    if line is None or (visible is not None and line.organisation_id not in visible):
        raise NotFound(_("This usage line does not exist."))
    return line
