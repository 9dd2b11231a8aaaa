"""Use cases on resources and closures: catalogue search, create, edit, deactivate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.core.actors import require_actor
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.core.time import pole_tz
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.models import RESOURCE_KINDS, Closure, Resource, default_opening_hours
from pooling.resources.opening_hours import OpeningHoursError, normalise_opening_hours
from pooling.resources.permissions import can_manage_resources, can_see_resource
from pooling.resources.public_holidays import PublicHoliday, holidays_between

RULE_KEYS = (
    "opening_hours",
    "slot_minutes",
    "min_duration_minutes",
    "max_duration_minutes",
    "min_notice_minutes",
    "max_advance_days",
    "closed_on_public_holidays",
)


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


def _int_field(values, key, errors, *, minimum=0, maximum=10**6, nullable=False):
    value = values[key]
    if value is None or value == "":
        if nullable:
            return None
        errors.setdefault(key, []).append(_("This value is required."))
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors.setdefault(key, []).append(_("A whole number is expected."))
        return None
    try:
        number = int(value)
    except ValueError:
        errors.setdefault(key, []).append(_("A whole number is expected."))
        return None
    if number < minimum or number > maximum:
        errors.setdefault(key, []).append(
            _("Must be between %(low)s and %(high)s.", low=minimum, high=maximum)
        )
        return None
    return number


def _opening_message(code: str) -> str:
    return {
        "shape": _("Opening hours are a list of [start, end] pairs per weekday (mon..sun)."),
        "day": _("Weekdays are written mon, tue, wed, thu, fri, sat, sun."),
        "time": _("Times are written HH:MM (24:00 ends a day)."),
        "order": _("Each opening span must end after it starts."),
        "overlap": _("Opening spans of one day must not overlap."),
    }[code]


def _clean(values: dict, current: Resource | None) -> dict:
    """Check every given field; returns the attributes to set. Raises RuleViolation."""
    errors: dict[str, list[str]] = {}
    out: dict = {}
    creating = current is None
    rules = values.get("rules") or {}
    if not isinstance(rules, dict):
        errors["rules"] = [_("The rules must be an object.")]
        rules = {}
    flat = {**{k: v for k, v in values.items() if k != "rules"}, **rules}

    if "name" in flat or creating:
        name = (flat.get("name") or "").strip() if isinstance(flat.get("name"), str | None) else ""
        if not name:
            errors["name"] = [_("A name is required.")]
        elif len(name) > 200:
            errors["name"] = [_("At most 200 characters.")]
        out["name"] = name
    if "kind" in flat or creating:
        if flat.get("kind") not in RESOURCE_KINDS:
            errors["kind"] = [_("The kind must be premises, equipment or staff.")]
        out["kind"] = flat.get("kind")
    for key, limit in (("description", 5000), ("location", 200), ("unit", 40), ("meter_unit", 20)):
        if key in flat:
            text = flat[key] if flat[key] is not None else ""
            if not isinstance(text, str):
                errors[key] = [_("Text is expected.")]
            elif len(text) > limit:
                errors[key] = [_("At most %(n)s characters.", n=limit)]
            else:
                out[key] = text.strip()
    if "capacity" in flat:
        out["capacity"] = _int_field(
            flat, "capacity", errors, minimum=1, maximum=100000, nullable=True
        )
    if "quantity" in flat:
        out["quantity"] = _int_field(flat, "quantity", errors, minimum=1, maximum=100000)
    for key in ("requires_approval", "active", "closed_on_public_holidays"):
        if key in flat:
            if not isinstance(flat[key], bool):
                errors[key] = [_("true or false is expected.")]
            else:
                out[key] = flat[key]
    if "owner_organisation_id" in flat:
        owner_id = flat["owner_organisation_id"]
        if owner_id in (None, ""):
            out["owner_organisation_id"] = None
        elif (
            isinstance(owner_id, bool)
            or not isinstance(owner_id, int)
            or not db.session.get(Organisation, owner_id)
        ):
            errors["owner_organisation_id"] = [_("This organisation does not exist.")]
        else:
            out["owner_organisation_id"] = owner_id
    if "staff_user_id" in flat:
        staff_id = flat["staff_user_id"]
        if staff_id in (None, ""):
            out["staff_user_id"] = None
        elif (
            isinstance(staff_id, bool)
            or not isinstance(staff_id, int)
            or not db.session.get(User, staff_id)
        ):
            errors["staff_user_id"] = [_("This person does not exist.")]
        else:
            out["staff_user_id"] = staff_id
    if "opening_hours" in flat:
        try:
            out["opening_hours"] = normalise_opening_hours(flat["opening_hours"])
        except OpeningHoursError as error:
            errors["opening_hours"] = [_opening_message(error.args[0])]
    if "slot_minutes" in flat:
        slot = _int_field(flat, "slot_minutes", errors, minimum=1, maximum=1440)
        if slot is not None and 1440 % slot != 0:
            errors.setdefault("slot_minutes", []).append(
                _("The slot must divide a day (5, 10, 15, 30, 60 minutes...).")
            )
        out["slot_minutes"] = slot
    for key in ("min_duration_minutes", "max_duration_minutes"):
        if key in flat:
            out[key] = _int_field(
                flat, key, errors, minimum=1, maximum=60 * 24 * 366, nullable=True
            )
    if "min_notice_minutes" in flat:
        out["min_notice_minutes"] = _int_field(
            flat, "min_notice_minutes", errors, minimum=0, maximum=60 * 24 * 366
        )
    if "max_advance_days" in flat:
        out["max_advance_days"] = _int_field(
            flat, "max_advance_days", errors, minimum=1, maximum=3660
        )

    low = out.get("min_duration_minutes", current.min_duration_minutes if current else None)
    high = out.get("max_duration_minutes", current.max_duration_minutes if current else None)
    if low is not None and high is not None and low > high:
        errors.setdefault("max_duration_minutes", []).append(
            _("The maximum duration must not be shorter than the minimum.")
        )
    unknown = set(rules) - set(RULE_KEYS)
    if unknown:
        errors["rules"] = [_("Unknown rules: %(keys)s.", keys=", ".join(sorted(unknown)))]
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
    }


def create_resource(actor, values: dict) -> Resource:
    """Add a resource to the catalogue (coordinators; SYSTEM is the command line).

    Defaults: open Monday to Friday 08:00-19:00, 15-minute slots, no minimum notice, at most
    365 days ahead, one unit. Raises NotAllowed, RuleViolation.
    """
    if not can_manage_resources(require_actor(actor)):
        raise NotAllowed(_("Only the pole's coordinators can add resources."))
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


def update_resource(actor, resource_id: int, values: dict) -> Resource:
    """Edit, deactivate or reactivate a resource (coordinators). Raises NotAllowed, NotFound, RuleViolation."""
    if not can_manage_resources(actor):
        raise NotAllowed(_("Only the pole's coordinators can edit resources."))
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
