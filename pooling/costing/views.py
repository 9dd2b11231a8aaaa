"""Cost-sharing pages: periods, costs, allocation with its basis in words, statements, rule
comparison, true-up, and the CSV exports (statement, accounting journal)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.core.confirmation import ask, is_confirmed
from pooling.core.csv_export import INTERNATIONAL_STYLE, csv_response, csv_style
from pooling.core.db import utcnow
from pooling.core.errors import DomainError, NotAllowed
from pooling.core.form_errors import place_field_errors
from pooling.core.forms import MAX_NUMBER, whole_number_arg
from pooling.costing import accounting, allocations, exports, periods, permissions
from pooling.costing.explain import explain, money_words, number_words, transfer_words
from pooling.costing.forms import ConfirmForm, CostForm, PeriodForm, ReopenForm
from pooling.costing.models import RULE_LABELS
from pooling.extensions import db
from pooling.organisations.permissions import can_read_usage_and_costs, readable_organisation_ids
from pooling.organisations.services import list_organisations
from pooling.resources.services import CatalogueFilter, search_resources

bp = Blueprint("costing", __name__, url_prefix="/costs")


@bp.context_processor
def helpers() -> dict:
    """Explanations and amounts in the reader's language."""
    return {
        "explain": explain,
        "money_words": money_words,
        "number_words": number_words,
        "transfer_words": transfer_words,
        "rule_labels": RULE_LABELS,
        "can_manage_costs": permissions.can_manage_costs(current_user),
    }


def _require_reader() -> None:
    if not can_read_usage_and_costs(current_user):
        raise NotAllowed(_("Only coordinators and referents can read the cost sharing."))


def _show_errors(form, error: DomainError) -> None:
    aliases = {"paid_by_organisation_id": "paid_by", "start": "first_day", "end": "last_day"}
    _placed, unplaced = place_field_errors(form, error, aliases=aliases)
    for messages in unplaced.values():
        for message in messages:
            flash(message, "error")
    flash(error.message, "error")


def _cost_form() -> CostForm:
    resources = search_resources(current_user, CatalogueFilter(include_inactive=True))
    return CostForm(resources=resources, organisations=list_organisations(include_inactive=False))


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    _require_reader()
    form = PeriodForm() if permissions.can_manage_costs(current_user) else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise NotAllowed(_("Only the pole's coordinators can open cost periods."))
        status = 422
        if form.validate():
            try:
                period = periods.create_period(
                    current_user,
                    periods.PeriodInput(
                        name=form.name.data,
                        start=form.first_day.data,
                        end=form.last_day.data,
                        provisional=form.provisional.data,
                    ),
                )
            except DomainError as error:
                db.session.rollback()
                _show_errors(form, error)
            else:
                db.session.commit()
                flash(_("The period was opened."), "success")
                return redirect(url_for("costing.period", period_id=period.id))
    every_period = periods.list_periods(current_user)
    readable = readable_organisation_ids(current_user)
    mine = [] if readable is None else [o for o in list_organisations() if o.id in readable]
    return render_template("costing/index.html", periods=every_period, form=form, mine=mine), status


def _period_page(period_id: int, cost_form: CostForm | None = None, status: int = 200):
    period = periods.get_period(current_user, period_id)
    if not permissions.can_manage_costs(current_user):
        readable = readable_organisation_ids(current_user) or set()
        if len(readable) == 1:
            return redirect(
                url_for("costing.statement", period_id=period.id, organisation_id=min(readable))
            )
    document = None
    problem = None
    try:
        document = allocations.allocation_of(current_user, period_id)
    except DomainError as error:
        problem = error.message
    manage = permissions.can_manage_costs(current_user) and not period.is_closed
    return (
        render_template(
            "costing/period.html",
            period=period,
            document=document,
            problem=problem,
            names=_names(document),
            cost_form=(cost_form or _cost_form()) if manage else None,
            close_form=ConfirmForm() if manage else None,
            close_warning=early_closing_warning(period) if manage else None,
            reopen_form=ReopenForm()
            if period.is_closed and permissions.can_manage_costs(current_user)
            else None,
        ),
        status,
    )


def early_closing_warning(period) -> str | None:
    """What closing the period now would mean, while it is not over; None once it is."""
    if not periods.is_running(period, utcnow()):
        return None
    return _(
        "This period is not over yet: it runs until %(day)s. Bookings and costs of the days "
        "left will no longer change its allocation.",
        day=format_date(periods.last_day(period), "full"),
    )


def _names(document: dict | None) -> dict:
    names: dict = {None: _("the pole")}
    if document:
        names.update({o["id"]: o["name"] for o in document["organisations"]})
    return names


@bp.get("/<int:period_id>")
@login_required
def period(period_id: int):
    _require_reader()
    return _period_page(period_id)


@bp.post("/<int:period_id>/costs")
@login_required
def add_cost(period_id: int):
    if not permissions.can_manage_costs(current_user):
        raise NotAllowed(_("Only the pole's coordinators can change the cost sharing."))
    form = _cost_form()
    if not form.validate():
        return _period_page(period_id, form, 422)
    paid_by = form.paid_by.data
    try:
        periods.add_cost(
            current_user,
            period_id,
            periods.CostInput(
                label=form.label.data,
                amount=form.amount.data,
                rule=form.rule.data,
                category=form.category.data,
                subsidy=form.subsidy.data,
                resource_id=form.resource_id.data or None,
                kind=form.kind.data or None,
                fixed_share=form.fixed_share.data,
                paid_by_organisation_id=int(paid_by) if paid_by.isdigit() else None,
                paid_by_given=bool(paid_by),
                usage_unit=form.usage_unit.data or None,
                loaded_hourly_cost=form.loaded_hourly_cost.data,
                management_coefficient=form.management_coefficient.data,
            ),
        )
    except DomainError as error:
        db.session.rollback()
        if error.status == 422:
            _show_errors(form, error)
            return _period_page(period_id, form, 422)
        raise
    db.session.commit()
    flash(_("The cost was added."), "success")
    return redirect(url_for("costing.period", period_id=period_id))


@bp.post("/<int:period_id>/close")
@login_required
def close(period_id: int):
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    period = periods.get_period(current_user, period_id)
    asks_first = permissions.can_manage_costs(current_user) and not period.is_closed
    if asks_first and periods.is_running(period, utcnow()) and not is_confirmed():
        return ask(
            _("Close %(period)s before its end?", period=period.name),
            warning=early_closing_warning(period),
            button=_("Close the period now"),
            back=url_for("costing.period", period_id=period_id),
        )
    allocations.close_period(current_user, period_id)
    db.session.commit()
    flash(_("The period is closed: its allocation will no longer change."), "success")
    return redirect(url_for("costing.period", period_id=period_id))


@bp.post("/<int:period_id>/reopen")
@login_required
def reopen(period_id: int):
    form = ReopenForm()
    if not form.validate():
        abort(400)
    try:
        allocations.reopen_period(current_user, period_id, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        if error.status != 422:
            raise
        flash(error.message, "error")
        return redirect(url_for("costing.period", period_id=period_id))
    db.session.commit()
    flash(_("The period is open again."), "success")
    return redirect(url_for("costing.period", period_id=period_id))


@bp.get("/<int:period_id>/statements/<int:organisation_id>")
@login_required
def statement(period_id: int, organisation_id: int):
    _require_reader()
    body = allocations.statement(current_user, period_id, organisation_id)
    return render_template("costing/statement.html", s=body, names=_names(body))


@bp.get("/<int:period_id>/statement.csv")
@login_required
def statement_csv(period_id: int):
    _require_reader()
    style = csv_style()
    codes = style == INTERNATIONAL_STYLE
    period, rows = allocations.statement_export(
        current_user, period_id, whole_number_arg("organisation_id"), codes=codes
    )
    return csv_response(f"statement-{period.id}.csv", exports.statement_header(codes), rows, style)


@bp.get("/<int:period_id>/accounting.csv")
@login_required
def accounting_csv(period_id: int):
    style = csv_style()
    period, rows = accounting.accounting_entries(current_user, period_id)
    header = exports.accounting_header(codes=style == INTERNATIONAL_STYLE)
    return csv_response(f"accounting-{period.id}.csv", header, rows, style)


@bp.get("/<int:period_id>/compare")
@login_required
def compare(period_id: int):
    body = allocations.comparison(current_user, period_id)
    return render_template("costing/compare.html", c=body)


@bp.get("/<int:period_id>/true-up")
@login_required
def true_up(period_id: int):
    _require_reader()
    body = allocations.true_up(current_user, period_id)
    return render_template("costing/true_up.html", t=body)


def _codes_from_form(prefix: str) -> dict[int, str]:
    codes = {}
    for name, value in request.form.items():
        number = name[len(prefix) :]
        # An id the database cannot hold names nothing.
        if name.startswith(prefix) and number.isascii() and number.isdigit():
            if int(number) <= MAX_NUMBER:
                codes[int(number)] = value
    return codes


@bp.route("/accounting-codes", methods=["GET", "POST"])
@login_required
def accounting_codes():
    """Coordinators set each organisation's account and each resource's analytic code."""
    form = ConfirmForm()
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            changed = accounting.set_accounting_codes(
                current_user, _codes_from_form("org-"), _codes_from_form("res-")
            )
        except DomainError as error:
            db.session.rollback()
            errors, status = error.fields, error.status
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)d code saved.", "%(num)d codes saved.", changed), "success")
            return redirect(url_for("costing.accounting_codes"))
    organisations, resources = accounting.accounting_code_table(current_user)
    submitted = request.form if request.method == "POST" else {}
    return render_template(
        "costing/accounting_codes.html",
        form=form,
        organisations=organisations,
        resources=resources,
        errors=errors,
        submitted=submitted,
    ), status
