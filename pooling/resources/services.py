"""Use cases on resources and closures: catalogue search, create, edit, deactivate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.core.actors import require_actor
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.core.formats import default_plural
from pooling.core.time import pole_tz
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.qualifications.models import Qualification
from pooling.resources.composition import checked_parts
from pooling.resources.models import RESOURCE_KINDS, Closure, Resource, default_opening_hours
from pooling.resources.opening_hours import OpeningHoursError, normalise_opening_hours
from pooling.resources.permissions import can_manage_resources, can_see_resource
from pooling.resources.public_holidays import PublicHoliday, holidays_between


@dataclass
class CatalogueFilter:
    """The catalogue's filters: kind, free text, minimum capacity, inactive ones too."""

    kind: str | None = None
    q: str | None = None
    capacity_min: int | None = None
    include_inactive: bool = False


def search_resources(actor, filters: CatalogueFilter) -> list[Resource]:
    """The resources the actor can see that match the filters, by kind then name."""
    query = select(Resource)
    if not (filters.include_inactive and actor.is_coordinator):
        query = query.where(Resource.active.is_(True))
    if filters.kind:
        query = query.where(Resource.kind == filters.kind)
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Resource.name).like(pattern),
                func.lower(Resource.description).like(pattern),
                func.lower(Resource.location).like(pattern),
            )
        )
    if filters.capacity_min is not None:
        query = query.where(Resource.capacity >= filters.capacity_min)
    return list(db.session.scalars(query.order_by(Resource.kind, func.lower(Resource.name))))


def get_resource(actor, resource_id: int) -> Resource:
    """A resource the actor may see; raises NotFound otherwise."""
    resource = db.session.get(Resource, resource_id)
    if resource is None or not can_see_resource(actor, resource):
        raise NotFound(_("This resource does not exist."))
    return resource


@dataclass(frozen=True)
class ResourceValues:
    """What a form, the API or the command line says of a resource, typed.

    None means "not given": the default on creation, unchanged on edit. ``cleared`` names the
    fields set to nothing (no capacity, no owner, no duration limit, an empty text).
    """

    name: str | None = None
    kind: str | None = None
    description: str | None = None
    location: str | None = None
    unit: str | None = None
    unit_plural: str | None = None
    meter_unit: str | None = None
    capacity: int | None = None
    quantity: int | None = None
    requires_approval: bool | None = None
    active: bool | None = None
    owner_organisation_id: int | None = None
    staff_user_id: int | None = None
    opening_hours: Mapping[str, Any] | None = None
    slot_minutes: int | None = None
    min_duration_minutes: int | None = None
    max_duration_minutes: int | None = None
    min_notice_minutes: int | None = None
    max_advance_days: int | None = None
    closed_on_public_holidays: bool | None = None
    # The ids of the qualifications a booker must hold (pooling.qualifications).
    required_qualifications: tuple[int, ...] | None = None
    # The ids of the resources this one is made of (a hall: its rooms).
    parts: tuple[int, ...] | None = None
    cleared: frozenset[str] = frozenset()

    def given(self) -> dict[str, Any]:
        """The fields given a value, by name."""
        return {
            item.name: getattr(self, item.name)
            for item in fields(self)
            if item.name != "cleared" and getattr(self, item.name) is not None
        }


# Longest texts, and the bounds of the numbers, of a resource.
TEXT_LIMITS = {
    "description": 5000,
    "location": 200,
    "unit": 40,
    "unit_plural": 40,
    "meter_unit": 20,
}
NUMBER_LIMITS = {
    "capacity": (1, 100000),
    "quantity": (1, 100000),
    "slot_minutes": (1, 1440),
    "min_duration_minutes": (1, 60 * 24 * 366),
    "max_duration_minutes": (1, 60 * 24 * 366),
    "min_notice_minutes": (0, 60 * 24 * 366),
    "max_advance_days": (1, 3660),
}
FLAGS = ("requires_approval", "active", "closed_on_public_holidays")
# What may be set to nothing; the other fields always hold a value.
CLEARABLE = frozenset(
    {
        *TEXT_LIMITS,
        "capacity",
        "owner_organisation_id",
        "staff_user_id",
        "min_duration_minutes",
        "max_duration_minutes",
        "required_qualifications",
        "parts",
    }
)


def _opening_message(code: str) -> str:
    return {
        "shape": _("Opening hours are a list of [start, end] pairs per weekday (mon..sun)."),
        "day": _("Weekdays are written mon, tue, wed, thu, fri, sat, sun."),
        "time": _("Times are written HH:MM (24:00 ends a day)."),
        "order": _("Each opening span must end after it starts."),
        "overlap": _("Opening spans of one day must not overlap."),
    }[code]


def _default_unit_plural(out: dict, current: Resource | None) -> None:
    """A unit label without a plural given gets the usual one (in the pole's language);
    a changed label without a plural given gets the new label's usual plural."""
    if "unit_plural" in out and out["unit_plural"]:
        return
    unit = out.get("unit", current.unit if current else "")
    if not unit:
        if "unit" in out:
            out["unit_plural"] = ""
        return
    if "unit" in out or "unit_plural" in out or not (current and current.unit_plural):
        out["unit_plural"] = default_plural(unit, current_app.config["BABEL_DEFAULT_LOCALE"])[:40]


def _clean(values: ResourceValues, current: Resource | None) -> dict:
    """Check the rules of a resource; returns the attributes to set. Raises RuleViolation."""
    errors: dict[str, list[str]] = {}
    given = values.given()
    out: dict = {}
    for key in sorted(values.cleared):
        if key in ("required_qualifications", "parts"):
            out[key] = []
        elif key in CLEARABLE:
            out[key] = "" if key in TEXT_LIMITS else None
        else:
            errors[key] = [_("This value is required.")]
    if "name" in given or current is None:
        name = (values.name or "").strip()
        if not name:
            errors["name"] = [_("A name is required.")]
        elif len(name) > 200:
            errors["name"] = [_("At most 200 characters.")]
        out["name"] = name
    if "kind" in given or current is None:
        if values.kind not in RESOURCE_KINDS:
            errors["kind"] = [_("The kind must be premises, equipment or staff.")]
        out["kind"] = values.kind
    for key, limit in TEXT_LIMITS.items():
        if key in given:
            out[key] = given[key].strip()
            if len(out[key]) > limit:
                errors[key] = [_("At most %(n)s characters.", n=limit)]
    for key, (low, high) in NUMBER_LIMITS.items():
        if key in given:
            out[key] = given[key]
            if not low <= given[key] <= high:
                errors[key] = [_("Must be between %(low)s and %(high)s.", low=low, high=high)]
    _default_unit_plural(out, current)
    if "slot_minutes" in given and "slot_minutes" not in errors and 1440 % values.slot_minutes:
        errors["slot_minutes"] = [_("The slot must divide a day (5, 10, 15, 30, 60 minutes...).")]
    out.update({key: given[key] for key in FLAGS if key in given})
    if "owner_organisation_id" in given:
        out["owner_organisation_id"] = values.owner_organisation_id
        if db.session.get(Organisation, values.owner_organisation_id) is None:
            errors["owner_organisation_id"] = [_("This organisation does not exist.")]
    if "staff_user_id" in given:
        out["staff_user_id"] = values.staff_user_id
        if db.session.get(User, values.staff_user_id) is None:
            errors["staff_user_id"] = [_("This person does not exist.")]
    if "opening_hours" in given:
        try:
            out["opening_hours"] = normalise_opening_hours(dict(values.opening_hours))
        except OpeningHoursError as error:
            errors["opening_hours"] = [_opening_message(error.args[0])]
    if "required_qualifications" in given:
        wanted = list(dict.fromkeys(values.required_qualifications))
        found = {
            q.id: q
            for q in db.session.scalars(select(Qualification).where(Qualification.id.in_(wanted)))
        }
        if len(found) != len(wanted):
            errors["required_qualifications"] = [_("This qualification does not exist.")]
        out["required_qualifications"] = [found[i] for i in wanted if i in found]
    if "parts" in given:
        try:
            out["parts"] = checked_parts(current, values.parts)
        except RuleViolation as error:
            errors.update(error.fields)
    low = out.get("min_duration_minutes", current.min_duration_minutes if current else None)
    high = out.get("max_duration_minutes", current.max_duration_minutes if current else None)
    if low is not None and high is not None and low > high:
        errors.setdefault("max_duration_minutes", []).append(
            _("The maximum duration must not be shorter than the minimum.")
        )
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    return out


def _snapshot(resource: Resource) -> dict:
    return {
        "name": resource.name,
        "kind": resource.kind,
        "capacity": resource.capacity,
        "quantity": resource.quantity,
        "requires_approval": resource.requires_approval,
        "owner_organisation_id": resource.owner_organisation_id,
        "active": resource.active,
        "rules": resource.rules,
        "required_qualifications": [q.id for q in resource.required_qualifications],
        "parts": sorted(part.id for part in resource.parts),
    }


def resource_or_kind(
    resource_id: int | None, kind: str | None, errors: dict[str, list[str]]
) -> tuple[Resource | None, str | None]:
    """What a cost or a hand-recorded usage is about: a resource by id, or a kind of
    resource. Adds the refusals under ``resource_id`` and ``kind`` to ``errors``."""
    resource = None
    if resource_id is not None:
        resource = db.session.get(Resource, resource_id)
        if resource is None:
            errors["resource_id"] = [_("This resource does not exist.")]
    kind = kind or None
    if kind is not None and kind not in RESOURCE_KINDS:
        errors["kind"] = [_("Must be one of: %(choices)s.", choices=", ".join(RESOURCE_KINDS))]
    return resource, kind


def ensure_can_add(actor) -> None:
    """Raises NotAllowed unless the actor may add resources (coordinators; SYSTEM)."""
    if not can_manage_resources(require_actor(actor)):
        raise NotAllowed(_("Only the pole's coordinators can add resources."))


def ensure_can_edit(actor) -> None:
    """Raises NotAllowed unless the actor may edit resources (coordinators)."""
    if not can_manage_resources(actor):
        raise NotAllowed(_("Only the pole's coordinators can edit resources."))


def create_resource(actor, values: ResourceValues) -> Resource:
    """Add a resource to the catalogue (coordinators; SYSTEM is the command line).

    Defaults: open Monday to Friday 08:00-19:00, 15-minute slots, no minimum notice, at most
    365 days ahead, one unit. Raises NotAllowed, RuleViolation.
    """
    ensure_can_add(actor)
    attributes = _clean(values, None)
    resource = Resource(
        opening_hours=default_opening_hours(),
        slot_minutes=15,
        min_notice_minutes=0,
        max_advance_days=365,
        quantity=1,
    )
    for key, value in attributes.items():
        setattr(resource, key, value)
    db.session.add(resource)
    db.session.flush()
    record(actor, "resource.create", resource, after=_snapshot(resource))
    return resource


def update_resource(actor, resource_id: int, values: ResourceValues) -> Resource:
    """Edit, deactivate or reactivate a resource (coordinators). Raises NotAllowed, NotFound, RuleViolation."""
    ensure_can_edit(actor)
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(_("This resource does not exist."))
    before = _snapshot(resource)
    for key, value in _clean(values, resource).items():
        setattr(resource, key, value)
    db.session.flush()
    record(actor, "resource.update", resource, before=before, after=_snapshot(resource))
    return resource


def public_holidays(start: datetime, end: datetime) -> list[PublicHoliday]:
    """The public holidays of the pole's calendar (``POOLING_HOLIDAYS``) over [start, end),
    named in the reader's language."""
    locale = get_locale()
    language = locale.language if locale is not None else "fr"
    return holidays_between(
        current_app.config.get("POOLING_HOLIDAYS") or "FR", pole_tz(), start, end, language
    )


def closures_between(resource_id: int | None, start: datetime, end: datetime) -> list[Closure]:
    """Closures of this resource or of the whole pole that overlap [start, end)."""
    query = select(Closure).where(Closure.start_at < end, Closure.end_at > start)
    if resource_id is None:
        query = query.where(Closure.resource_id.is_(None))
    else:
        query = query.where(or_(Closure.resource_id == resource_id, Closure.resource_id.is_(None)))
    return list(db.session.scalars(query.order_by(Closure.start_at)))


def upcoming_closures(resource_id: int | None, after: datetime) -> list[Closure]:
    """Closures of a resource (and of the pole) that end after ``after``."""
    query = select(Closure).where(Closure.end_at > after)
    if resource_id is None:
        query = query.where(Closure.resource_id.is_(None))
    else:
        query = query.where(or_(Closure.resource_id == resource_id, Closure.resource_id.is_(None)))
    return list(db.session.scalars(query.order_by(Closure.start_at)))


def create_closure(
    actor, resource_id: int | None, start: datetime, end: datetime, reason: str = ""
) -> Closure:
    """Close a resource (or the whole pole when ``resource_id`` is None) over [start, end)."""
    if not can_manage_resources(require_actor(actor)):
        raise NotAllowed(_("Only the pole's coordinators can add closures."))
    if resource_id is not None and db.session.get(Resource, resource_id) is None:
        raise NotFound(_("This resource does not exist."))
    if end <= start:
        raise RuleViolation(
            _("The closure must end after it starts."),
            fields={"end": [_("The closure must end after it starts.")]},
        )
    closure = Closure(
        resource_id=resource_id, start_at=start, end_at=end, reason=(reason or "")[:200]
    )
    db.session.add(closure)
    db.session.flush()
    record(
        actor,
        "closure.create",
        closure,
        after={"resource_id": resource_id, "start": start.isoformat(), "end": end.isoformat()},
    )
    return closure


def delete_closure(actor, closure_id: int) -> None:
    """Reopen: remove a closure (coordinators)."""
    if not can_manage_resources(actor):
        raise NotAllowed(_("Only the pole's coordinators can remove closures."))
    closure = db.session.get(Closure, closure_id)
    if closure is None:
        raise NotFound(_("This closure does not exist."))
    record(
        actor,
        "closure.delete",
        closure,
        before={
            "resource_id": closure.resource_id,
            "start": closure.start_at.isoformat(),
            "end": closure.end_at.isoformat(),
        },
    )
    db.session.delete(closure)
    db.session.flush()


def get_resource_for_edit(actor, resource_id: int) -> Resource:
    """A resource a coordinator is about to edit, active or not. Raises NotAllowed, NotFound."""
    if not can_manage_resources(actor):
        raise NotAllowed(_("Only the pole's coordinators can edit resources."))
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(_("This resource does not exist."))
    return resource
