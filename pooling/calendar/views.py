"""Calendar pages: per-resource calendar, planning grid, find a free resource."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from babel.dates import format_datetime
from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.bookings.models import STATUSES
from pooling.bookings.queries import free_resources, lacking_qualifications, title_visible
from pooling.calendar import queries
from pooling.calendar.forms import FindForm, PlanningForm
from pooling.calendar.planning import CLOSED, FREE, PARTIAL, TAKEN
from pooling.core.errors import DomainError
from pooling.core.forms import day_arg
from pooling.core.time import pole_tz, utcnow
from pooling.extensions import db
from pooling.resources.services import CatalogueFilter
from pooling.waitlist.queries import taken_resources

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

WALL_CLOCK = "%Y-%m-%dT%H:%M"
PLACEHOLDER_ID = 987654321


def booking_form_url(
    resource_id: int, start: datetime, end: datetime, quantity: int | None = None
) -> str:
    """The booking form prefilled with a resource and local wall-clock times."""
    params = {
        "resource_id": resource_id,
        "start": start.strftime(WALL_CLOCK),
        "end": end.strftime(WALL_CLOCK),
    }
    if quantity and quantity > 1:
        params["quantity"] = quantity
    return f"{url_for('bookings.new')}?{urlencode(params)}"


def booking_detail_pattern() -> str:
    """The URL of a booking's page with ``__id__`` where the id goes (for the calendar script)."""
    return url_for("bookings.detail", booking_id=PLACEHOLDER_ID).replace(
        str(PLACEHOLDER_ID), "__id__"
    )


@bp.context_processor
def helpers() -> dict:
    """URL builders for the calendar templates."""
    return {
        "booking_form_url": booking_form_url,
        "booking_detail_pattern": booking_detail_pattern,
        "booking_status": lambda status: str(STATUSES.get(status, status)),
        "one_week": timedelta(days=7),
        "state_labels": {
            FREE: _("Free"),
            PARTIAL: _("Partly taken"),
            TAKEN: _("Taken"),
            CLOSED: _("Closed"),
        },
        "wall_label": wall_label,
    }


def wall_label(wall: datetime) -> str:
    """A local wall-clock time (naive, already in the pole's zone) in the reader's language."""
    return format_datetime(wall, "EEEE d MMMM, HH:mm", locale=get_locale())


def _day_arg(name: str = "date") -> date | None:
    return day_arg(name)


@bp.get("/resources/<int:resource_id>")
@login_required
def resource(resource_id: int):
    tz = pole_tz()
    now = utcnow().astimezone(tz)
    day = _day_arg() or now.date()
    week = queries.resource_week(current_user, resource_id, day)
    return render_template(
        "calendar/resource.html",
        week=week,
        resource=week.resource,
        day=day,
        now_wall=now.replace(tzinfo=None).isoformat(timespec="seconds"),
        title_visible=lambda booking: title_visible(current_user, booking),
    )


@bp.get("/planning")
@login_required
def planning():
    form = PlanningForm(request.args)
    form.validate()
    filters = queries.PlanningFilter(
        view="day" if form.view.data == "day" else "week",
        day=None if form.date.errors else form.date.data,
        kind=form.kind.data if form.kind.data and not form.kind.errors else None,
        capacity_min=None if form.capacity_min.errors else form.capacity_min.data,
        site=form.site.data or None,
    )
    grid = queries.planning_grid(current_user, filters)
    form.offer_sites(grid.sites)
    form.date.data = grid.day

    def navigate(day: date | None = None, view: str | None = None) -> str:
        args = {k: v for k, v in request.args.to_dict().items() if k != "lang" and v}
        args["view"] = view or filters.view
        args["date"] = (day or grid.day).isoformat()
        return url_for("calendar.planning", **args)

    return render_template("calendar/planning.html", form=form, grid=grid, navigate=navigate)


@bp.get("/find")
@login_required
def find():
    form = FindForm(request.args)
    results = None
    status = 200
    if request.args and form.validate():
        try:
            results = free_resources(
                current_user,
                CatalogueFilter(
                    kind=form.kind.data or None,
                    capacity_min=form.capacity.data,
                ),
                form.start_utc,
                form.end_utc,
                form.quantity.data or 1,
            )
        except DomainError as error:
            db.session.rollback()
            for name, messages in error.fields.items():
                target = {"end": form.end_time, "start": form.start_time}.get(name)
                if target is not None:
                    target.errors.extend(messages)
            if not error.fields:
                form.date.errors.append(error.message)
            status = 422
    elif request.args:
        status = 422
    start_wall = end_wall = None
    lacking = {}
    if results:
        # Only a coordinator gets these (others do not see them): marked, to book by override.
        lacking = lacking_qualifications(current_user, results, form.end_utc)
    taken = []
    if results is not None:
        taken = taken_resources(
            current_user,
            CatalogueFilter(kind=form.kind.data or None, capacity_min=form.capacity.data),
            form.start_utc,
            form.end_utc,
            form.quantity.data or 1,
        )
        start_wall = datetime.combine(form.date.data, form.start_time.data)
        end_wall = datetime.combine(form.date.data, form.end_time.data)
    return (
        render_template(
            "calendar/find.html",
            form=form,
            results=results,
            taken=taken,
            start_wall=start_wall,
            end_wall=end_wall,
            quantity=form.quantity.data or 1,
            lacking=lacking,
        ),
        status,
    )
