"""Usage pages: usage per organisation, resource or kind over a window, CSV, manual lines, notice."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.core.csv_export import csv_response
from pooling.core.errors import DomainError, NotAllowed
from pooling.core.form_errors import place_field_errors
from pooling.core.time import local_day_bounds
from pooling.extensions import db
from pooling.organisations.permissions import can_read_usage_and_costs
from pooling.organisations.services import list_organisations
from pooling.resources.models import RESOURCE_KINDS
from pooling.resources.services import CatalogueFilter, search_resources
from pooling.usage import permissions, services
from pooling.usage.forms import ManualUsageForm, NoticeForm, UsageFilter

bp = Blueprint("usage", __name__, url_prefix="/usage")


def _require_reader() -> None:
    if not can_read_usage_and_costs(current_user):
        raise NotAllowed(_("Only coordinators and referents can read usage."))


def _window(filters: UsageFilter) -> tuple[date, date]:
    """The days asked for, by default the current month so far (last day included)."""
    today = date.today()
    first = filters.start.data or today.replace(day=1)
    last = filters.end.data or max(first, today)
    if last < first:
        last = first
    return first, last


def _manual_form() -> ManualUsageForm:
    form = ManualUsageForm()
    organisations = list_organisations(include_inactive=False)
    form.organisation_id.choices = [(o.id, o.name) for o in organisations]
    resources = search_resources(current_user, CatalogueFilter(include_inactive=True))
    form.resource_id.choices = [(0, _("None"))] + [(r.id, r.name) for r in resources]
    form.kind.choices = [("", _("None"))] + [(k, str(v)) for k, v in RESOURCE_KINDS.items()]
    return form


def _page(form: ManualUsageForm | None = None, notice_form: NoticeForm | None = None, status=200):
    filters = UsageFilter(request.args)
    filters.validate()
    first, last = _window(filters)
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    rows = services.usage_report(current_user, start, end, filters.group_by.data or "organisation")
    manual = services.list_manual_usage(current_user, start, end)
    missed = services.no_shows(current_user, start, end)
    can_record = permissions.can_record_usage(current_user)
    if can_record:
        form = form or _manual_form()
        notice_form = notice_form or NoticeForm(late_cancel_hours=services.late_cancel_hours())
    totals = {
        "hours": sum((r.hours for r in rows), 0),
        "unit_hours": sum((r.unit_hours for r in rows), 0),
        "bookings": sum(r.bookings for r in rows),
    }
    return (
        render_template(
            "usage/index.html",
            filters=filters,
            first=first,
            last=last,
            rows=rows,
            totals=totals,
            manual=manual,
            no_shows=missed,
            form=form,
            notice_form=notice_form,
            notice=services.late_cancel_hours(),
            can_record=can_record,
            args={
                "start": first.isoformat(),
                "end": last.isoformat(),
                "group_by": filters.group_by.data,
            },
        ),
        status,
    )


@bp.get("/")
@login_required
def index():
    _require_reader()
    return _page()


@bp.get("/export.csv")
@login_required
def export():
    _require_reader()
    filters = UsageFilter(request.args)
    filters.validate()
    first, last = _window(filters)
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    rows = services.usage_report(current_user, start, end, filters.group_by.data or "organisation")
    return csv_response(
        f"usage-{first.isoformat()}-{last.isoformat()}.csv",
        [
            _("Key"),
            _("Label"),
            _("Hours"),
            _("Unit-hours"),
            _("Meter units"),
            _("Bookings"),
            _("Share"),
            _("Late cancellations"),
            _("No-shows"),
            _("Manual lines"),
        ],
        (
            [
                r.key,
                r.label,
                r.hours,
                r.unit_hours,
                r.meter,
                r.bookings,
                r.share,
                r.late_cancellations,
                r.no_shows,
                r.manual_lines,
            ]
            for r in rows
        ),
    )


@bp.post("/manual")
@login_required
def add_manual():
    if not permissions.can_record_usage(current_user):
        raise NotAllowed(_("Only the pole's coordinators can record usage by hand."))
    form = _manual_form()
    if form.validate():
        try:
            services.add_manual_usage(
                current_user,
                services.ManualUsageInput(
                    organisation_id=form.organisation_id.data,
                    resource_id=form.resource_id.data or None,
                    kind=form.kind.data or None,
                    used_on=form.used_on.data,
                    hours=form.hours.data,
                    quantity=form.quantity.data or 1,
                    reason=form.reason.data,
                ),
            )
        except DomainError as error:
            db.session.rollback()
            _show_errors(form, error)
            return _page(form=form, status=422)
        db.session.commit()
        flash(_("The usage line was recorded."), "success")
        return redirect(url_for("usage.index", **request.args))
    return _page(form=form, status=422)


@bp.post("/settings")
@login_required
def settings():
    if not permissions.can_record_usage(current_user):
        raise NotAllowed(_("Only the pole's coordinators can set the cancellation notice."))
    form = NoticeForm()
    if form.validate():
        try:
            services.set_late_cancel_hours(current_user, form.late_cancel_hours.data)
        except DomainError as error:
            db.session.rollback()
            _show_errors(form, error)
            return _page(notice_form=form, status=422)
        db.session.commit()
        flash(_("The late-cancellation notice was saved."), "success")
        return redirect(url_for("usage.index"))
    return _page(notice_form=form, status=422)


def _show_errors(form, error: DomainError) -> None:
    place_field_errors(form, error)
    flash(error.message, "error")
