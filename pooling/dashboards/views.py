"""Dashboard pages: the coordinator dashboard, its CSV exports, the activity report, in-kind values."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.core.csv_export import csv_response
from pooling.core.errors import DomainError, NotAllowed, RuleViolation
from pooling.core.time import pole_tz, utcnow
from pooling.dashboards import exports, periods, permissions, services, valuation
from pooling.dashboards import report as reports
from pooling.dashboards.forms import DashboardFilterForm, InKindRateForm, ReportPeriodForm
from pooling.extensions import db

bp = Blueprint("dashboards", __name__, url_prefix="/dashboard")

TABLES = ("occupancy", "kinds", "usage", "trend", "heatmap", "attendance", "ranking")


def _today() -> date:
    return utcnow().astimezone(pole_tz()).date()


def _read_filters() -> tuple[DashboardFilterForm, periods.Period | None, services.DashboardFilter]:
    """The period and filters of the query string; the period is None when it is impossible."""
    if not permissions.can_view_dashboard(current_user):
        abort(403)
    form = DashboardFilterForm(request.args)
    form.set_choices(services.filter_choices(current_user))
    form.validate()
    kind = form.period.data if form.period.data in periods.PERIOD_KINDS else "month"
    period = None
    try:
        period = periods.make_period(kind, form.on.data or _today(), form.start.data, form.end.data)
    except RuleViolation as error:
        for name, messages in error.fields.items():
            getattr(form, name).errors = list(messages)
    asked = services.DashboardFilter(
        kind=form.kind.data or None,
        # Not limited to the offered choices: the service refuses another organisation (403).
        resource_id=form.resource.data,
        organisation_id=form.organisation.data,
    )
    return form, period, asked


@bp.get("/")
@login_required
def index():
    form, period, asked = _read_filters()
    if period is None:
        return render_template("dashboards/index.html", form=form, dashboard=None), 422
    dashboard = services.build_dashboard(current_user, period, asked)
    return render_template(
        "dashboards/index.html",
        form=form,
        dashboard=dashboard,
        weekdays=exports.weekday_labels(),
        args=request.args.to_dict(),
        pole_wide=permissions.can_view_pole_dashboard(current_user),
    )


@bp.get("/export/<name>.csv")
@login_required
def export(name: str):
    if name not in TABLES:
        abort(404)
    _form, period, asked = _read_filters()
    if period is None:
        abort(422)
    dashboard = services.build_dashboard(current_user, period, asked)
    header, rows = exports.dashboard_table(dashboard, name)
    return csv_response(f"dashboard-{name}-{period.slug}.csv", header, rows)


def _report_period() -> tuple[ReportPeriodForm, periods.Period | None]:
    if not permissions.can_view_report(current_user):
        abort(403)
    form = ReportPeriodForm(request.args)
    form.validate()
    today = _today()
    first = form.start.data or date(today.year, 1, 1)
    last = form.end.data or date(today.year, 12, 31)
    try:
        return form, periods.make_period("custom", today, first, last)
    except RuleViolation as error:
        form.end.errors = list(error.fields.get("end", [error.message]))
        return form, None


@bp.get("/report")
@login_required
def report():
    form, period = _report_period()
    if period is None:
        return render_template("dashboards/report.html", form=form, report=None), 422
    activity = reports.build_report(current_user, period)
    return render_template(
        "dashboards/report.html", form=form, report=activity, args=request.args.to_dict()
    )


@bp.get("/report.csv")
@login_required
def report_csv():
    _form, period = _report_period()
    if period is None:
        abort(422)
    activity = reports.build_report(current_user, period)
    return csv_response(
        f"activity-report-{period.slug}.csv",
        [_("Section"), _("Item"), _("Value"), _("Unit")],
        reports.report_rows(activity),
    )


@bp.route("/in-kind", methods=["GET", "POST"])
@login_required
def in_kind():
    if not permissions.can_set_in_kind_rates(current_user):
        abort(403)
    form = InKindRateForm()
    subjects = valuation.in_kind_subjects()
    form.subject.choices = subjects
    status = 200
    if form.validate_on_submit():
        try:
            valuation.set_in_kind_rate(current_user, form.subject.data, form.hourly_rate.data)
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            for name, messages in error.fields.items():
                if hasattr(form, name):
                    getattr(form, name).errors = list(messages)
            if not error.fields:
                flash(error.message, "error")
            status = 422
        else:
            db.session.commit()
            flash(_("The in-kind valuation is saved."), "success")
            return redirect(url_for("dashboards.in_kind"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "dashboards/in_kind.html",
        form=form,
        rates=valuation.in_kind_rates(current_user),
        labels=dict(subjects),
    ), status
