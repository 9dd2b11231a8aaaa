"""The resource catalogue pages: search, detail with rules and closures, and their management.

Adding and removing closures, which may cancel bookings, is in ``pooling.bookings.closure_views``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.accounts.services import active_people
from pooling.core.errors import DomainError, NotAllowed
from pooling.core.form_errors import place_field_errors
from pooling.core.time import pole_tz, utcnow
from pooling.extensions import db
from pooling.organisations.forms import ConfirmForm
from pooling.organisations.services import list_organisations
from pooling.qualifications.services import list_qualifications, missing_today
from pooling.resources import describe, services
from pooling.resources.composition import composites_of
from pooling.resources.forms import (
    DURATION_FIELDS,
    CatalogueFilterForm,
    ClosureForm,
    ResourceForm,
)
from pooling.resources.permissions import can_manage_resources

bp = Blueprint("resources", __name__, url_prefix="/resources")

RESOURCE_FIELDS = (
    "name",
    "kind",
    "description",
    "location",
    "capacity",
    "quantity",
    "unit",
    "unit_plural",
    "meter_unit",
    "requires_approval",
    "active",
)
RULE_FIELDS = (
    "slot_minutes",
    "min_duration_minutes",
    "max_duration_minutes",
    "min_notice_minutes",
    "max_advance_days",
    "closed_on_public_holidays",
)


@bp.context_processor
def descriptions() -> dict:
    """Plain-language helpers and the manager flag for the templates of this blueprint."""
    return {
        "describe_closure": lambda c: describe.describe_closure(c.start_at, c.end_at, pole_tz()),
        "can_manage_resources": can_manage_resources(current_user),
        "weekday_names": describe.weekday_names,
    }


def require_coordinator() -> None:
    if not can_manage_resources(current_user):
        raise NotAllowed(_("Only the pole's coordinators can manage resources."))


def show_errors(form, error: DomainError, aliases: dict | None = None) -> None:
    """A service's field messages next to the fields (``aliases`` renames them); others flashed."""
    _placed, unplaced = place_field_errors(form, error, aliases=aliases)
    for name, messages in unplaced.items():
        if name == "opening_hours" and hasattr(form, "opening_hours_errors"):
            form.opening_hours_errors.extend(messages)
        else:
            for message in messages:
                flash(message, "error")
    flash(error.message, "error")


@bp.get("/")
@login_required
def index():
    form = CatalogueFilterForm(request.args)
    form.validate()
    filters = services.CatalogueFilter(
        kind=form.kind.data if form.kind.data and not form.kind.errors else None,
        q=(form.q.data or "").strip() or None,
        capacity_min=None if form.capacity_min.errors else form.capacity_min.data,
        include_inactive=bool(form.include_inactive.data),
    )
    return render_template(
        "resources/index.html",
        form=form,
        resources=services.search_resources(current_user, filters),
    )


HOLIDAYS_AHEAD_DAYS = 120


def coming_holidays() -> list:
    """The public holidays of the next four months, so nobody is surprised by them."""
    now = utcnow()
    return services.public_holidays(now, now + timedelta(days=HOLIDAYS_AHEAD_DAYS))


def render_detail(resource, closure_form: ClosureForm, status: int = 200):
    rules = resource.rules
    return render_template(
        "resources/detail.html",
        resource=resource,
        opening_hours=describe.describe_opening_hours(rules["opening_hours"]),
        rule_lines=describe.describe_rules(rules),
        closures=services.upcoming_closures(resource.id, utcnow()),
        holidays=coming_holidays() if resource.closed_on_public_holidays else [],
        closure_form=closure_form,
        missing_qualifications=missing_today(current_user, resource),
        part_of=composites_of(resource),
    ), status


@bp.get("/<int:resource_id>")
@login_required
def detail(resource_id: int):
    resource = services.get_resource(current_user, resource_id)
    return render_detail(resource, ClosureForm())


def _values_from(form: ResourceForm) -> services.ResourceValues | None:
    """The service's values from the form, or None when the opening hours are malformed.

    The form shows every field: an empty one is set to nothing (the service refuses that for
    the fields that must hold a value)."""
    opening_hours = form.opening_hours()
    if opening_hours is None:
        return None
    values = {key: form[key].data for key in (*RESOURCE_FIELDS, *RULE_FIELDS)}
    values.update(form.durations_in_minutes())
    owner = form.owner_organisation_id.data
    values["owner_organisation_id"] = int(owner) if owner else None
    staff = form.staff_user_id.data
    values["staff_user_id"] = int(staff) if staff and str(staff).isdigit() else None
    return services.ResourceValues(
        **values,
        opening_hours=opening_hours,
        required_qualifications=tuple(form.required_qualifications.data or ()),
        parts=tuple(form.parts.data or ()),
        cleared=frozenset(key for key, value in values.items() if value is None),
    )


def _owner_choices(resource=None) -> list:
    organisations = list_organisations(include_inactive=False)
    owner = resource.owner_organisation if resource is not None else None
    if owner is not None and owner not in organisations:
        organisations.append(owner)
    return organisations


def _part_choices(resource=None) -> list:
    """The resources a resource may be made of: every other one, by name."""
    found = services.search_resources(current_user, services.CatalogueFilter(include_inactive=True))
    others = [r for r in found if resource is None or r.id != resource.id]
    return sorted(others, key=lambda r: r.name.lower())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require_coordinator()
    form = ResourceForm(
        organisations=_owner_choices(),
        people=active_people(),
        qualifications=list_qualifications(),
        resources=_part_choices(),
    )
    if request.method == "GET":
        form.fill_opening_hours(services.default_opening_hours())
        form.fill_durations({"min_notice_minutes": 0})
        return render_template("resources/form.html", form=form, resource=None)
    if form.validate_on_submit():
        values = _values_from(form)
        if values is not None:
            try:
                resource = services.create_resource(current_user, values)
            except DomainError as error:
                db.session.rollback()
                show_errors(form, error)
            else:
                db.session.commit()
                flash(_("%(name)s is added to the catalogue.", name=resource.name), "success")
                return redirect(url_for("resources.detail", resource_id=resource.id))
    return render_template("resources/form.html", form=form, resource=None), 422


@bp.route("/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def edit(resource_id: int):
    resource = services.get_resource_for_edit(current_user, resource_id)
    form = ResourceForm(
        obj=resource,
        organisations=_owner_choices(resource),
        people=active_people(),
        qualifications=list_qualifications(),
        resources=_part_choices(resource),
    )
    if request.method == "GET":
        form.owner_organisation_id.data = str(resource.owner_organisation_id or "")
        form.staff_user_id.data = str(resource.staff_user_id or "")
        form.required_qualifications.data = [q.id for q in resource.required_qualifications]
        form.parts.data = [part.id for part in resource.parts]
        form.fill_opening_hours(resource.opening_hours)
        form.fill_durations({name: getattr(resource, name) for name in DURATION_FIELDS})
        return render_template("resources/form.html", form=form, resource=resource)
    if form.validate_on_submit():
        values = _values_from(form)
        if values is not None:
            try:
                services.update_resource(current_user, resource_id, values)
            except DomainError as error:
                db.session.rollback()
                show_errors(form, error)
            else:
                db.session.commit()
                flash(_("The changes are saved."), "success")
                return redirect(url_for("resources.detail", resource_id=resource_id))
    return render_template("resources/form.html", form=form, resource=resource), 422


def _set_active(resource_id: int, active: bool):
    if not ConfirmForm().validate_on_submit():
        require_coordinator()
        flash(_("The form has expired; please try again."), "error")
        return redirect(url_for("resources.detail", resource_id=resource_id))
    resource = services.update_resource(
        current_user, resource_id, services.ResourceValues(active=active)
    )
    db.session.commit()
    if active:
        flash(_("%(name)s can be booked again.", name=resource.name), "success")
    else:
        flash(
            _("%(name)s is deactivated: it can no longer be booked.", name=resource.name), "success"
        )
    return redirect(url_for("resources.detail", resource_id=resource_id))


@bp.post("/<int:resource_id>/deactivate")
@login_required
def deactivate(resource_id: int):
    return _set_active(resource_id, False)


@bp.post("/<int:resource_id>/reactivate")
@login_required
def reactivate(resource_id: int):
    return _set_active(resource_id, True)
