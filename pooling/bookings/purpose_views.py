"""The coordinators' page of booking purposes: add, rename, deactivate or reactivate one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.bookings import purposes
from pooling.bookings.purpose_forms import PurposeForm
from pooling.core.errors import DomainError
from pooling.core.form_errors import place_field_errors
from pooling.extensions import db
from pooling.organisations.forms import ConfirmForm

bp = Blueprint("purposes", __name__, url_prefix="/purposes")


def _render(form: PurposeForm | None = None, status: int = 200):
    return render_template(
        "bookings/purposes.html",
        purposes=purposes.all_purposes(),
        form=form or PurposeForm(formdata=None),
        action_form=ConfirmForm(formdata=None),
        label=purposes.label,
    ), status


def _failed(form: PurposeForm, error: DomainError) -> None:
    db.session.rollback()
    _placed, unplaced = place_field_errors(form, error)
    for messages in unplaced.values():
        for message in messages:
            flash(message, "error")


@bp.get("/")
@login_required
def index():
    purposes.ensure_can_keep(current_user)
    return _render()


@bp.post("/")
@login_required
def create():
    purposes.ensure_can_keep(current_user)
    form = PurposeForm()
    if form.validate_on_submit():
        try:
            purpose = purposes.create_purpose(current_user, form.name_fr.data, form.name_en.data)
        except DomainError as error:
            _failed(form, error)
        else:
            db.session.commit()
            flash(_("The purpose %(name)s is added.", name=purposes.label(purpose)), "success")
            return redirect(url_for("purposes.index"))
    return _render(form, 422)


@bp.post("/<int:purpose_id>")
@login_required
def rename(purpose_id: int):
    purposes.ensure_can_keep(current_user)
    purposes.get_purpose(purpose_id)  # an unknown purpose is a 404, whatever the form says
    form = PurposeForm()
    if form.validate_on_submit():
        try:
            purposes.rename_purpose(current_user, purpose_id, form.name_fr.data, form.name_en.data)
        except DomainError as error:
            _failed(form, error)
        else:
            db.session.commit()
            flash(_("The purpose is renamed."), "success")
            return redirect(url_for("purposes.index"))
    for messages in form.errors.values():
        for message in messages:
            flash(message, "error")
    return redirect(url_for("purposes.index"))


@bp.post("/<int:purpose_id>/active")
@login_required
def toggle(purpose_id: int):
    purposes.ensure_can_keep(current_user)
    purpose = purposes.get_purpose(purpose_id)
    if ConfirmForm().validate_on_submit():
        purposes.set_active(current_user, purpose_id, not purpose.active)
        db.session.commit()
        if purpose.active:
            flash(
                _("The purpose %(name)s is offered again.", name=purposes.label(purpose)), "success"
            )
        else:
            flash(
                _(
                    "The purpose %(name)s is no longer offered; the bookings keep it.",
                    name=purposes.label(purpose),
                ),
                "success",
            )
    return redirect(url_for("purposes.index"))
