"""The closure pages: close a resource (on its page) or the whole pole, and reopen.

A closure may cancel the bookings it covers, so these pages call ``bookings.closures``; they
sit under the resources' URLs and templates.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from pooling.bookings import closures
from pooling.core.errors import DomainError
from pooling.core.time import pole_tz, utcnow
from pooling.core.urls import is_safe_next
from pooling.extensions import db
from pooling.organisations.forms import ConfirmForm
from pooling.resources import describe, services
from pooling.resources.forms import ClosureForm
from pooling.resources.views import (
    coming_holidays,
    descriptions,
    render_detail,
    require_coordinator,
    show_errors,
)

bp = Blueprint("closures", __name__, url_prefix="/resources")
bp.context_processor(descriptions)

CLOSURE_FIELDS = {"end": "end_on", "start": "start_on", "reason": "reason"}


def _add_closure(form: ClosureForm, resource_id: int | None, resource=None):
    """Validate the closure form and close; True when written, False on errors, or the
    confirmation page when the closure hits bookings and the coordinator has not chosen
    yet whether to cancel or keep them."""
    if not form.validate_on_submit():
        return False
    instants = form.instants()
    if instants is None:
        return False
    reason = (form.reason.data or "").strip()
    decision = form.decision.data if form.decision.data in ("cancel", "keep") else None
    try:
        if decision is None:
            hit = closures.preview_closure(current_user, resource_id, *instants, reason)
            if hit:
                db.session.rollback()
                return render_template(
                    "resources/closure_confirm.html",
                    form=form,
                    resource=resource,
                    bookings=hit,
                    period=describe.describe_closure(*instants, pole_tz()),
                    action=request.path,
                )
        outcome = closures.close(
            current_user, resource_id, *instants, reason, cancel_bookings=decision == "cancel"
        )
    except DomainError as error:
        if error.status != 422:
            raise
        db.session.rollback()
        show_errors(form, error, CLOSURE_FIELDS)
        return False
    db.session.commit()
    if outcome.cancelled:
        flash(
            ngettext(
                "The closure is added; %(num)d booking is cancelled and its booker told.",
                "The closure is added; %(num)d bookings are cancelled and their bookers told.",
                len(outcome.cancelled),
            ),
            "success",
        )
    elif outcome.affected:
        flash(
            ngettext(
                "The closure is added; %(num)d booking during it is kept.",
                "The closure is added; %(num)d bookings during it are kept.",
                len(outcome.affected),
            ),
            "success",
        )
    else:
        flash(_("The closure is added."), "success")
    return True


@bp.post("/<int:resource_id>/closures")
@login_required
def add(resource_id: int):
    require_coordinator()
    resource = services.get_resource(current_user, resource_id)
    form = ClosureForm()
    done = _add_closure(form, resource.id, resource)
    if done is True:
        return redirect(url_for("resources.detail", resource_id=resource_id))
    if done is not False:
        return done
    return render_detail(resource, form, 422)


@bp.route("/closures", methods=["GET", "POST"])
@login_required
def pole():
    require_coordinator()
    form = ClosureForm()
    status = 200
    if request.method == "POST":
        done = _add_closure(form, None)
        if done is True:
            return redirect(url_for("closures.pole"))
        if done is not False:
            return done
        status = 422
    return render_template(
        "resources/closures.html",
        form=form,
        closures=services.upcoming_closures(None, utcnow()),
        holidays=coming_holidays(),
    ), status


@bp.post("/closures/<int:closure_id>/delete")
@login_required
def delete(closure_id: int):
    require_coordinator()
    if ConfirmForm().validate_on_submit():
        closures.remove(current_user, closure_id)
        db.session.commit()
        flash(_("The closure is removed."), "success")
    else:
        flash(_("The form has expired; please try again."), "error")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("closures.pole"))
