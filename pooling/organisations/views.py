"""Pages for managing member organisations (coordinators only)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.core.errors import DomainError, NotAllowed
from pooling.core.form_errors import place_field_errors
from pooling.extensions import db
from pooling.organisations import services
from pooling.organisations.forms import ConfirmForm, OrganisationForm
from pooling.organisations.permissions import can_manage_organisations

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.context_processor
def number_formatting() -> dict:
    """Numbers in the reader's language in these pages (``0,5`` in French)."""
    return {"format_decimal": format_decimal}


def _require_coordinator() -> None:
    """The pages of this blueprint are for coordinators; everyone else gets a 403."""
    if not can_manage_organisations(current_user):
        raise NotAllowed(_("Only the pole's coordinators can manage member organisations."))


def _input_from(form: OrganisationForm) -> services.OrganisationInput:
    """The service's input from the form; an empty slug or weight means "derive" or "keep"."""
    slug = (form.slug.data or "").strip()
    return services.OrganisationInput(
        name=form.name.data or "",
        slug=slug or None,
        kind=form.kind.data,
        siret=form.siret.data or "",
        weight=form.weight.data,
        active=bool(form.active.data),
    )


def _show_errors(form, error: DomainError) -> None:
    """Put a service's field messages next to the fields; the rest goes to a flash."""
    _placed, unplaced = place_field_errors(form, error)
    for messages in unplaced.values():
        for message in messages:
            flash(message, "error")
    flash(error.message, "error")


@bp.get("/")
@login_required
def index():
    rows = services.organisation_directory(current_user)
    return render_template(
        "organisations/index.html",
        rows=rows,
        people_pages="accounts.people" in current_app.view_functions,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    _require_coordinator()
    form = OrganisationForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                organisation = services.create_organisation(current_user, _input_from(form))
            except DomainError as error:
                db.session.rollback()
                _show_errors(form, error)
            else:
                db.session.commit()
                flash(_("%(name)s is added to the pole.", name=organisation.name), "success")
                return redirect(url_for("organisations.index"))
    return render_template("organisations/form.html", form=form, organisation=None), status


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    organisation = services.get_organisation_for_edit(current_user, org_id)
    form = OrganisationForm(obj=organisation)
    if not form.is_submitted():
        # "1.000" as stored reads better as "1" (and "100.000" must not become "1E+2").
        form.weight.data = Decimal(format(organisation.weight.normalize(), "f"))
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                services.update_organisation(current_user, org_id, _input_from(form))
            except DomainError as error:
                db.session.rollback()
                _show_errors(form, error)
            else:
                db.session.commit()
                flash(_("The changes are saved."), "success")
                return redirect(url_for("organisations.index"))
    return render_template("organisations/form.html", form=form, organisation=organisation), status


def _set_active(org_id: int, active: bool):
    form = ConfirmForm()
    if not form.validate_on_submit():
        _require_coordinator()
        flash(_("The form has expired; please try again."), "error")
        return redirect(url_for("organisations.index"))
    organisation = services.update_organisation(
        current_user, org_id, services.OrganisationInput(active=active)
    )
    db.session.commit()
    if active:
        flash(_("%(name)s is active again.", name=organisation.name), "success")
    else:
        flash(_("%(name)s is deactivated.", name=organisation.name), "success")
    return redirect(url_for("organisations.index"))


@bp.post("/<int:org_id>/deactivate")
@login_required
def deactivate(org_id: int):
    return _set_active(org_id, False)


@bp.post("/<int:org_id>/reactivate")
@login_required
def reactivate(org_id: int):
    return _set_active(org_id, True)
