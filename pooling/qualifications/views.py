"""Qualifications pages: the list (and a coordinator's new one), what ends within 60 days for
a referent's people, and who holds each qualification (recorded by coordinators and referents).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.core.errors import DomainError
from pooling.core.form_errors import place_field_errors
from pooling.extensions import db
from pooling.organisations.forms import ConfirmForm
from pooling.qualifications import services
from pooling.qualifications.forms import HolderForm, QualificationForm
from pooling.qualifications.permissions import can_define_qualifications, can_record_holders
from pooling.qualifications.validity import EXPIRY_WARNING_DAYS

bp = Blueprint("qualifications", __name__, url_prefix="/qualifications")


@bp.app_context_processor
def qualification_helpers() -> dict:
    """For every page: the signed-in person's qualifications (their account page shows them)."""

    def my_qualifications() -> list:
        if not (current_user and current_user.is_authenticated):
            return []
        return services.held_by(current_user)

    return {"my_qualifications": my_qualifications, "pole_today": services.pole_today}


def _show_errors(form, error: DomainError) -> None:
    _placed, unplaced = place_field_errors(form, error)
    for messages in unplaced.values():
        for message in messages:
            flash(message, "error")
    flash(error.message, "error")


def _render_index(form: QualificationForm | None = None, status: int = 200):
    manager = can_define_qualifications(current_user)
    return render_template(
        "qualifications/index.html",
        qualifications=services.list_qualifications(),
        form=form or (QualificationForm(formdata=None) if manager else None),
        can_define=manager,
        can_record=can_record_holders(current_user),
        expiring=services.expiring(current_user),
        warning_days=EXPIRY_WARNING_DAYS,
        held=services.held_by(current_user),
        today=services.pole_today(),
    ), status


@bp.get("/")
@login_required
def index():
    return _render_index()


@bp.post("/")
@login_required
def create():
    services.ensure_can_define(current_user)
    form = QualificationForm()
    if form.validate_on_submit():
        try:
            qualification = services.create_qualification(
                current_user, form.name.data, form.validity_months.data
            )
        except DomainError as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The qualification %(name)s is added.", name=qualification.name), "success")
            return redirect(url_for("qualifications.detail", qualification_id=qualification.id))
    return _render_index(form, 422)


def _render_detail(qualification_id: int, form: HolderForm | None = None, status: int = 200):
    holders = services.holders(current_user, qualification_id)
    qualification = services.get_qualification(qualification_id)
    people = services.people_in_charge(current_user)
    return render_template(
        "qualifications/detail.html",
        qualification=qualification,
        holders=holders,
        form=form or HolderForm(formdata=None, people=people),
        today=services.pole_today(),
    ), status


@bp.get("/<int:qualification_id>")
@login_required
def detail(qualification_id: int):
    return _render_detail(qualification_id)


@bp.post("/<int:qualification_id>/holders")
@login_required
def record_holder(qualification_id: int):
    services.ensure_can_record(current_user)
    services.get_qualification(qualification_id)
    form = HolderForm(people=services.people_in_charge(current_user))
    if form.validate_on_submit():
        try:
            holding, _new = services.record_holder(
                current_user, qualification_id, form.user_id.data, form.valid_until.data
            )
        except DomainError as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(person)s holds %(qualification)s.",
                    person=holding.user.name,
                    qualification=holding.qualification.name,
                ),
                "success",
            )
            return redirect(url_for("qualifications.detail", qualification_id=qualification_id))
    return _render_detail(qualification_id, form, 422)


@bp.post("/<int:qualification_id>/holders/<int:user_id>/remove")
@login_required
def remove_holder(qualification_id: int, user_id: int):
    services.ensure_can_record(current_user)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired; please try again."), "error")
        return redirect(url_for("qualifications.detail", qualification_id=qualification_id))
    services.remove_holder(current_user, qualification_id, user_id)
    db.session.commit()
    flash(_("The qualification is removed from this person."), "success")
    return redirect(url_for("qualifications.detail", qualification_id=qualification_id))
