"""The dashboard's figures, assembled from aggregate queries for an actor.

Coordinators see the whole pole and may filter by organisation. Referents see the same
dashboard limited to their own organisation's usage (hours, trend, heatmap, cancellations,
costs); the occupancy of the resources stays pole-wide, because a room is shared by all
and how full it is tells nothing about another member's activity. Members see nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.bookings import purposes
from pooling.bookings.availability import open_spans, subtract
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, RuleViolation
from pooling.core.time import pole_tz
from pooling.costing.allocations import allocation_of
from pooling.costing.periods import list_periods, period_json
from pooling.dashboards import permissions, queries, rollup_queries
from pooling.dashboards.periods import Period
from pooling.dashboards.queries import Scope
from pooling.dashboards.rollup import HEAT
from pooling.dashboards.rounding import hours_of, percent_of, rounded
from pooling.dashboards.usage_figures import Trend, Usage, usage_and_trend
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.organisations.permissions import can_read_usage_and_costs
from pooling.resources.models import RESOURCE_KINDS, Resource
from pooling.usage import services as usage_services
from pooling.usage.models import DEFAULT_LATE_CANCEL_HOURS

RANKED = 5


# ---------------------------------------------------------------- scope


@dataclass(frozen=True)
class DashboardFilter:
    """Filters as asked: a kind, a resource, an organisation (None: all)."""

    kind: str | None = None
    resource_id: int | None = None
    organisation_id: int | None = None


def resolve_scope(actor: User, asked: DashboardFilter) -> Scope:
    """The scope an actor may see. Referents are held to an organisation they are referent of.

    Raises NotAllowed for members and for a referent asking for another organisation.
    """
    if not permissions.can_view_dashboard(actor):
        raise NotAllowed(_("Only coordinators and referents can read the dashboard."))
    kind = asked.kind if asked.kind in RESOURCE_KINDS else None
    organisation_id = asked.organisation_id
    if not permissions.can_view_pole_dashboard(actor):
        allowed = sorted(actor.admin_organisation_ids())
        if organisation_id is None:
            organisation_id = allowed[0]
        elif organisation_id not in allowed:
            raise NotAllowed(_("You can only read your own organisation's dashboard."))
    return Scope(kind=kind, resource_id=asked.resource_id, organisation_id=organisation_id)


@dataclass
class FilterChoices:
    """What the filters offer to this actor."""

    kinds: list[tuple[str, str]]
    resources: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    organisation_locked: bool


def filter_choices(actor: User) -> FilterChoices:
    """Kinds, resources and the organisations the actor may pick. Raises NotAllowed."""
    if not permissions.can_view_dashboard(actor):
        raise NotAllowed(_("Only coordinators and referents can read the dashboard."))
    resources = db.session.execute(select(Resource.id, Resource.name).order_by(Resource.name))
    organisations = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    locked = not permissions.can_view_pole_dashboard(actor)
    if locked:
        organisations = organisations.where(Organisation.id.in_(actor.admin_organisation_ids()))
    return FilterChoices(
        kinds=[(key, str(label)) for key, label in RESOURCE_KINDS.items()],
        resources=[(row.id, row.name) for row in resources],
        organisations=[(row.id, row.name) for row in db.session.execute(organisations)],
        organisation_locked=locked,
    )


# ---------------------------------------------------------------- the dashboard


@dataclass
class Occupancy:
    """Booked unit-hours of a resource (or a kind) over its open unit-hours."""

    key: int | str
    label: str
    kind: str
    kind_label: str
    open_hours: Decimal
    booked_hours: Decimal
    unit_hours: Decimal
    capacity_hours: Decimal
    rate: Decimal | None


@dataclass
class Attendance:
    """Cancellations, late cancellations, no-shows and pending approvals in the period."""

    cancelled: int = 0
    late_cancelled: int = 0
    no_shows: int = 0
    pending_in_period: int = 0
    pending_now: int = 0
    notice_hours: int = DEFAULT_LATE_CANCEL_HOURS


@dataclass
class PurposeLine:
    """Hours, bookings and expected attendance of one purpose, for one organisation (or, with
    ``organisation`` None, for all of them)."""

    purpose: str
    organisation: str | None
    hours: Decimal
    bookings: int
    attendance: int


@dataclass
class Dashboard:
    """Every figure of the dashboard for one period and scope."""

    period: Period
    scope: Scope
    organisation_name: str | None
    occupancy_by_resource: list[Occupancy]
    occupancy_by_kind: list[Occupancy]
    occupancy_total: Occupancy
    usage: list[Usage]
    pole_hours: Decimal
    trend: list[Trend]
    heatmap: list[list[Decimal]]
    attendance: Attendance
    most_used: list[Occupancy]
    least_used: list[Occupancy]
    cost_split: list | None = field(default=None)
    by_purpose: list[PurposeLine] = field(default_factory=list)
    # The rollup's sums per resource, organisation and purpose (the report reads them too).
    groups: rollup_queries.Groups | None = field(default=None, repr=False)

    @property
    def heatmap_max(self) -> Decimal:
        return max((cell for row in self.heatmap for cell in row), default=Decimal(0))

    @property
    def organisations_using(self) -> int:
        """How many member organisations used the shared resources in the period."""
        return sum(1 for row in self.usage if row.hours > 0 or row.bookings > 0)


def purpose_lines(groups: rollup_queries.Groups, scope: Scope) -> list[PurposeLine]:
    """Per purpose (in the list's order, "not said" last): a total line, then a line per
    organisation (by name), from the rollup's groups: confirmed bookings' unit-hours in the
    period, the bookings starting in it and their expected attendance."""
    totals: dict[tuple[int | None, int], list] = {}
    for row in groups.per_purpose:
        if scope.organisation_id is not None and row["organisation_id"] != scope.organisation_id:
            continue
        if not (row["booked_seconds"] or row["confirmed_started"]):
            continue
        key = (row["purpose_key"] or None, row["organisation_id"])
        entry = totals.setdefault(key, [0.0, 0, 0])
        entry[0] += float(row["unit_seconds"] or 0)
        entry[1] += int(row["confirmed_started"] or 0)
        entry[2] += int(row["attendance_started"] or 0)
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    order = {p.id: (i, purposes.label(p)) for i, p in enumerate(purposes.all_purposes())}
    not_said = (len(order), _("Purpose not said"))
    grouped: dict[int | None, list[tuple[int, list]]] = {}
    for (purpose_id, organisation_id), entry in totals.items():
        grouped.setdefault(purpose_id, []).append((organisation_id, entry))
    lines: list[PurposeLine] = []
    for purpose_id in sorted(grouped, key=lambda key: order.get(key, not_said)):
        label = order.get(purpose_id, not_said)[1]
        members = sorted(grouped[purpose_id], key=lambda item: names.get(item[0], ""))
        per_org = [
            PurposeLine(label, names.get(organisation_id, ""), hours_of(seconds), count, people)
            for organisation_id, (seconds, count, people) in members
        ]
        lines.append(
            PurposeLine(
                label,
                None,
                hours_of(sum(Decimal(str(entry[0])) for _id, entry in members)),
                sum(line.bookings for line in per_org),
                sum(line.attendance for line in per_org),
            )
        )
        lines.extend(per_org)
    return lines


def open_seconds(resources: list[Resource], period: Period, tz: ZoneInfo) -> dict[int, float]:
    """Open seconds of each resource over the period: opening hours minus closures.

    A loop over days per distinct (opening hours, closures) pattern, not over bookings:
    resources sharing the same hours and closures are computed once.
    """
    closures: dict[int | None, list] = defaultdict(list)
    for resource_id, start, end in queries.closures_between(period.start, period.end):
        closures[resource_id].append((start, end))
    patterns: dict[str, list] = {}
    cache: dict[tuple, float] = {}
    result: dict[int, float] = {}
    for resource in resources:
        own = tuple(sorted(closures.get(None, []) + closures.get(resource.id, [])))
        hours = resource.opening_hours or {}
        pattern = repr(sorted((day, tuple(map(tuple, spans))) for day, spans in hours.items()))
        if pattern not in patterns:
            patterns[pattern] = open_spans(hours, tz, period.start, period.end)
        if (pattern, own) not in cache:
            spans = subtract(patterns[pattern], own)
            cache[(pattern, own)] = sum((end - start).total_seconds() for start, end in spans)
        result[resource.id] = cache[(pattern, own)]
    return result


def heatmap_of(days: list[dict]) -> list[list[Decimal]]:
    """Hours per local weekday (0 = Monday) x hour, from the rollup's minutes per local day
    and hour (a 09:30-11:00 booking gives half an hour to 9 h and an hour to 10 h)."""
    minutes = [[0.0] * 24 for _day in range(7)]
    for row in days:
        cells = minutes[row["day"].weekday()]
        for hour, name in enumerate(HEAT):
            cells[hour] += float(row[name] or 0)
    return [[rounded(Decimal(str(value)) / 60) for value in day] for day in minutes]


def _occupancy(key, label, kind, open_s: float, booked_s, unit_s, quantity: int) -> Occupancy:
    open_hours = hours_of(open_s)
    capacity = hours_of(Decimal(str(open_s)) * quantity)
    unit_hours = hours_of(unit_s)
    return Occupancy(
        key=key,
        label=label,
        kind=kind,
        kind_label=str(RESOURCE_KINDS.get(kind, kind)),
        open_hours=open_hours,
        booked_hours=hours_of(booked_s),
        unit_hours=unit_hours,
        capacity_hours=capacity,
        rate=percent_of(unit_hours, capacity),
    )


def build_dashboard(
    actor: User, period: Period, asked: DashboardFilter, *, now: datetime | None = None
) -> Dashboard:
    """Every figure of the dashboard, read from the day rollup. Raises NotAllowed."""
    scope = resolve_scope(actor, asked)
    now = now or utcnow()
    tz = pole_tz()
    notice = usage_services.late_cancel_hours()
    pole_scope = Scope(kind=scope.kind, resource_id=scope.resource_id)

    resources = queries.resources_in_scope(pole_scope)
    opened = open_seconds(resources, period, tz)
    groups = rollup_queries.groups(period.first, period.last, scope)
    booked: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    attendance = Attendance(notice_hours=notice)
    checked_in: dict[int, int] = defaultdict(int)
    not_checked_in: dict[int, int] = defaultdict(int)
    for row in groups.per_resource:
        booked[row["resource_id"]][0] += float(row["booked_seconds"] or 0)
        booked[row["resource_id"]][1] += float(row["unit_seconds"] or 0)
        checked_in[row["resource_id"]] += int(row["checked_in_started"] or 0)
        attendance.cancelled += int(row["cancelled_started"] or 0)
        attendance.pending_in_period += int(row["pending_started"] or 0)
        not_checked_in[row["resource_id"]] += int(row["unchecked_started"] or 0)
    # Bookings not over yet are not no-shows: the rollup cannot know ``now``.
    running = rollup_queries.running_unchecked(period.start, period.end, scope, now)
    for resource_id, count in running.items():
        not_checked_in[resource_id] -= count
    # No-shows only where check-ins are recorded: a resource nobody checks in to would
    # otherwise show every booking as missed.
    attendance.no_shows = sum(
        count for resource_id, count in not_checked_in.items() if checked_in[resource_id]
    )
    attendance.pending_now = queries.pending_now(scope, now)

    by_resource = [
        _occupancy(
            r.id,
            r.name,
            r.kind,
            opened.get(r.id, 0.0),
            booked[r.id][0],
            booked[r.id][1],
            r.quantity,
        )
        for r in resources
        if r.active or booked[r.id][0]
    ]
    quantities = {r.id: r.quantity for r in resources}
    kinds: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for r in resources:
        if not (r.active or booked[r.id][0]):
            continue
        totals = kinds[r.kind]
        totals[0] += opened.get(r.id, 0.0)
        totals[1] += booked[r.id][0]
        totals[2] += booked[r.id][1]
        totals[3] += opened.get(r.id, 0.0) * quantities[r.id]
    by_kind = [_kind_occupancy(kind, kind, values) for kind, values in sorted(kinds.items())]
    total = _kind_occupancy(
        "all", "", [sum(values[i] for values in kinds.values()) for i in range(4)]
    )
    total.label = _("All resources")
    ranked = sorted(
        (row for row in by_resource if row.rate is not None),
        key=lambda row: (row.rate, row.unit_hours),
    )

    days = rollup_queries.days(period.first, period.last, scope)
    usage, trend, pole_hours, late = usage_and_trend(period, scope, groups, days, notice)
    attendance.late_cancelled = late

    organisation_name = None
    if scope.organisation_id is not None:
        organisation_name = db.session.scalar(
            select(Organisation.name).where(Organisation.id == scope.organisation_id)
        )
    return Dashboard(
        period=period,
        scope=scope,
        organisation_name=organisation_name,
        occupancy_by_resource=by_resource,
        occupancy_by_kind=by_kind,
        occupancy_total=total,
        usage=usage,
        pole_hours=pole_hours,
        trend=trend,
        heatmap=heatmap_of(days),
        attendance=attendance,
        by_purpose=purpose_lines(groups, scope),
        most_used=list(reversed(ranked[-RANKED:])),
        least_used=ranked[:RANKED],
        cost_split=current_cost_split(actor, period),
        groups=groups,
    )


def _kind_occupancy(key: str, kind: str, values: list[float]) -> Occupancy:
    open_s, booked_s, unit_s, capacity_s = values
    row = _occupancy(key, str(RESOURCE_KINDS.get(kind, kind)), kind, open_s, booked_s, unit_s, 1)
    row.capacity_hours = hours_of(capacity_s)
    row.rate = percent_of(row.unit_hours, row.capacity_hours)
    return row


def periods_overlapping(actor: User, start: datetime, end: datetime) -> list:
    """The cost periods that overlap ``[start, end)``, latest first (none for members)."""
    if not can_read_usage_and_costs(actor):
        return []
    return [p for p in list_periods(actor) if p.start_at < end and p.end_at > start]


def current_cost_split(actor: User, period: Period) -> dict | None:
    """The split of the latest cost period overlapping the dashboard's period, or None.

    Referents get only their organisations' totals (the costing service filters them).
    """
    periods = periods_overlapping(actor, period.start, period.end)
    if not periods:
        return None
    try:
        document = allocation_of(actor, periods[0].id)
    except RuleViolation as error:
        return {"period": period_json(periods[0]), "error": error.message, "totals": []}
    names = {o["id"]: o["name"] for o in document["organisations"]}
    return {
        "period": document["period"],
        "error": None,
        "totals": [
            {**total, "name": names.get(total["organisation_id"], _("The pole"))}
            for total in document["totals"]
        ],
    }
