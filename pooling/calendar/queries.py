"""Read-only queries of the calendar pages: the planning grid's data in a few queries, a week's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pooling.accounts.models import User
from pooling.bookings.models import HOLDING, Booking
from pooling.bookings.occupancy import held_units
from pooling.bookings.queries import BookingFilter, closures_of, list_bookings
from pooling.calendar import planning
from pooling.core.time import local_day_bounds, pole_tz, utcnow
from pooling.resources.composition import composition
from pooling.resources.models import Resource
from pooling.resources.services import CatalogueFilter, get_resource, search_resources

WEEK_LIST_LIMIT = 500


@dataclass
class PlanningFilter:
    """What the planning shows: a week or a day around ``day``, and which resources."""

    view: str = "week"
    day: date | None = None
    kind: str | None = None
    capacity_min: int | None = None
    site: str | None = None


@dataclass
class Planning:
    """The planning grid with what the page needs around it."""

    filters: PlanningFilter
    columns: list[planning.Column]
    rows: list[planning.Row]
    sites: list[str]
    day: date
    previous_day: date
    next_day: date
    today: date


def planned(resource: Resource) -> planning.PlannedResource:
    """The plain values of a resource the grid works on."""
    return planning.PlannedResource(
        id=resource.id,
        name=resource.name,
        quantity=resource.quantity,
        opening_hours=resource.opening_hours or {},
        kind=resource.kind,
        capacity=resource.capacity,
        location=resource.location or "",
        unit=resource.unit or "",
        unit_plural=resource.unit_plural or "",
        min_duration_minutes=resource.min_duration_minutes,
        closed_on_public_holidays=resource.closed_on_public_holidays,
    )


def planning_grid(actor: User, filters: PlanningFilter, now: datetime | None = None) -> Planning:
    """The planning of the resources the actor can see, filtered, over a week or a day."""
    tz = pole_tz()
    now = now or utcnow()
    today = now.astimezone(tz).date()
    day = filters.day or today
    candidates = search_resources(
        actor, CatalogueFilter(kind=filters.kind, capacity_min=filters.capacity_min)
    )
    sites = sorted({r.location for r in candidates if r.location}, key=str.lower)
    if filters.site:
        wanted = filters.site.strip().lower()
        candidates = [r for r in candidates if (r.location or "").strip().lower() == wanted]
    resources = [planned(r) for r in candidates]
    if filters.view == "day":
        first, last = planning.day_hours(resources, day)
        columns = planning.day_columns(day, tz, now, first, last)
        step = timedelta(days=1)
    else:
        day = planning.monday_of(day)
        columns = planning.week_columns(day, tz, now)
        step = timedelta(days=7)
    if columns:
        start, end = columns[0].start, columns[-1].end
    else:
        start, end = local_day_bounds(day, tz)
    rows = planning.build_grid(
        resources,
        columns,
        held_units(resources, start, end),
        closures_of([r.id for r in resources], start, end) if resources else [],
        tz,
        now,
    )
    return Planning(filters, columns, rows, sites, day, day - step, day + step, today)


@dataclass
class ResourceWeek:
    """A resource's bookings of one week, for the calendar page without JavaScript."""

    resource: Resource
    monday: date
    start: datetime
    end: datetime
    bookings: list[Booking]


def resource_week(actor: User, resource_id: int, day: date) -> ResourceWeek:
    """The resource (NotFound when the actor cannot see it) and its live bookings of the week,
    with those of its composites and its parts, which take it too (a hall's, for its room)."""
    resource = get_resource(actor, resource_id)
    monday = planning.monday_of(day)
    start, _ = local_day_bounds(monday)
    _, end = local_day_bounds(monday + timedelta(days=6))
    bookings = []
    for held_id in [resource.id, *sorted(composition().related(resource.id))]:
        bookings += list_bookings(
            actor,
            BookingFilter(resource_id=held_id, start=start, end=end, statuses=HOLDING),
            limit=WEEK_LIST_LIMIT,
        )
    bookings.sort(key=lambda b: (b.start_at, b.id))
    return ResourceWeek(resource, monday, start, end, bookings[:WEEK_LIST_LIMIT])
