"""The audit trail as a coordinator reads it: acts in words, objects and people by name, the
recorded data as labelled values in the pole's local time, never ids, codes or escaped JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from pooling.audit.models import AuditEvent
from pooling.audit.words import action_label, object_kind, object_label
from pooling.extensions import db

# The recorded fields, in words (an unknown field reads as itself without underscores).
FIELDS = {
    "name": _l("Name"),
    "label": _l("Label"),
    "title": _l("Title"),
    "kind": _l("Kind"),
    "status": _l("Status"),
    "start": _l("Start"),
    "end": _l("End"),
    "quantity": _l("Quantity"),
    "capacity": _l("Capacity"),
    "requires_approval": _l("Approval"),
    "active": _l("Active"),
    "rules": _l("Booking rules"),
    "resource_id": _l("Resource"),
    "resource_name": _l("Resource"),
    "organisation_id": _l("Organisation"),
    "organisation": _l("Organisation"),
    "owner_organisation_id": _l("Owner"),
    "paid_by_organisation_id": _l("Paid by"),
    "user": _l("Person"),
    "email": _l("E-mail address"),
    "to": _l("E-mail address"),
    "role": _l("Role"),
    "slug": _l("Short name"),
    "siret": _l("SIRET"),
    "weight": _l("Weight"),
    "category": _l("Category"),
    "amount": _l("Amount"),
    "subsidy": _l("Subsidy"),
    "rule": _l("Rule"),
    "usage_unit": _l("Usage measured in"),
    "fixed_share": _l("Fixed share"),
    "loaded_hourly_cost": _l("Shared staff: loaded hourly cost"),
    "management_coefficient": _l("Shared staff: management coefficient"),
    "planned_hours": _l("Planned hours"),
    "code": _l("Code"),
    "scope": _l("Scope"),
    "url": _l("Address of the calendar"),
    "hours": _l("Hours"),
    "late_cancel_hours": _l("Late-cancellation notice (hours)"),
    "provisional": _l("Provisional"),
    "hourly_rate": _l("Hourly rate"),
    "period": _l("Period"),
    "at": _l("When"),
    "recorded_at": _l("When"),
    "checked_in_at": _l("Check-in"),
    "checked_out_at": _l("Check-out"),
    "purpose": _l("Purpose"),
    "attendance": _l("Expected attendance"),
}
# Fields that repeat what the line already says, or that only a program reads.
UNSHOWN = {"id", "totals", "transfers", "resource_name"}
# Fields holding an id, and the kind of object it names.
ID_FIELDS = {
    "resource_id": "resource",
    "organisation_id": "organisation",
    "owner_organisation_id": "organisation",
    "paid_by_organisation_id": "organisation",
}
# Fields holding a code of the domain, read through its label.
CODE_FIELDS = {"status", "kind", "role", "rule", "category", "usage_unit", "purpose"}
MONEY_FIELDS = {"amount", "subsidy", "loaded_hourly_cost", "hourly_rate"}
DECIMAL_FIELDS = {"fixed_share", "management_coefficient", "weight"}
# A moment as the page shows it: "7 déc. 2026, 14:30" in the pole's time zone.
MOMENT = "d MMM y, HH:mm"
INSTANT_FIELDS = {"start", "end", "at", "recorded_at", "checked_in_at", "checked_out_at"}


@dataclass
class Change:
    """One recorded field: its name in words, its value before and after, as text."""

    label: str
    before: str | None
    after: str | None


@dataclass
class AuditLine:
    """An audit event in words: when (local), who, what act, on which object, what changed."""

    event: AuditEvent
    when: str
    who: str
    action: str
    kind: str
    name: str
    changes: list[Change] = field(default_factory=list)
    note: str | None = None


def code_label(name: str, value: str, kind: str | None = None) -> str:
    """The words of a domain code held in field ``name`` of an object of ``kind``, from the
    label function of the feature that owns the code; an unknown code reads as itself."""
    from pooling.accounts.models import role_label
    from pooling.bookings.models import booking_status_label, share_status_label
    from pooling.costing.models import (
        category_label,
        period_status_label,
        rule_label,
        usage_unit_label,
    )
    from pooling.organisations.models import organisation_kind_label
    from pooling.resources.models import resource_kind_label

    if name == "status":
        status_label = {
            "cost_period": period_status_label,
            "booking_share": share_status_label,
        }.get(kind or "", booking_status_label)
        return status_label(value)
    if name == "purpose":
        from pooling.bookings.purposes import label_of_code

        return label_of_code(value)
    if name == "kind":
        words = organisation_kind_label if kind == "organisation" else resource_kind_label
        return words(value)
    labels = {
        "role": role_label,
        "rule": rule_label,
        "category": category_label,
        "usage_unit": usage_unit_label,
    }
    return labels[name](value) if name in labels else value


def _models() -> dict[str, type]:
    """Each recorded kind and the model of its rows."""
    return {
        object_kind(mapper.class_.__tablename__): mapper.class_
        for mapper in db.Model.registry.mappers
        if getattr(mapper.class_, "__tablename__", None)
    }


def _instant(value: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_datetime(moment, MOMENT) if moment.tzinfo else str(value)


def _first_start(series) -> datetime | None:
    """When a recurring booking begins: its first occurrence."""
    return series.bookings[0].start_at if series.bookings else None


def _whole(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _Reader:
    """Names of the rows the events point at (the session reads each row once per page)."""

    def __init__(self) -> None:
        self.models = _models()
        # (kind, id) -> the row, or None when it is gone: read once per page.
        self.rows: dict[tuple[str, int], Any] = {}

    def preload(self, events: list[AuditEvent]) -> None:
        """Read every row the events point at, and their actors, in one statement per kind
        (not one per event): what the page says of each event is then read from memory."""
        wanted: dict[str, set[int]] = {}

        def want(kind: str, row_id: Any) -> None:
            model = self.models.get(kind)
            if model is not None and hasattr(model, "id") and _whole(row_id) is not None:
                wanted.setdefault(kind, set()).add(_whole(row_id))

        for event in events:
            want(event.object_type, event.object_id)
            for data in (event.before or {}, event.after or {}):
                if isinstance(data, dict):
                    for name, value in data.items():
                        if name in ID_FIELDS:
                            want(ID_FIELDS[name], value)
        for kind, ids in wanted.items():
            model = self.models[kind]
            loads = [
                selectinload(getattr(model, name))
                for name in ("resource", "organisation", "user", "booking", "bookings")
                if name in inspect(model).relationships
            ]
            found = {
                row.id: row
                for row in db.session.scalars(
                    select(model).where(model.id.in_(ids)).options(*loads)
                )
            }
            for row_id in ids:
                self.rows[(kind, row_id)] = found.get(row_id)
        actor_ids = {event.actor_id for event in events if event.actor_id is not None}
        if actor_ids:
            from pooling.accounts.models import User

            list(db.session.scalars(select(User).where(User.id.in_(actor_ids))))

    def row(self, kind: str, row_id: Any):
        model = self.models.get(kind)
        row_id = _whole(row_id)
        if model is None or row_id is None:
            return None
        if (kind, row_id) not in self.rows:
            self.rows[(kind, row_id)] = db.session.get(model, row_id)
        return self.rows[(kind, row_id)]

    def name_of(self, kind: str, row_id: Any) -> str | None:
        row = self.row(kind, row_id)
        return self.describe(kind, row) if row is not None else None

    def describe(self, kind: str, row) -> str:
        """An existing row by its name, or by what it is about (resource, dates, people)."""
        if kind == "closure":
            where = row.resource.name if row.resource else _("whole pole")
            words = _(
                "%(where)s, from %(start)s to %(end)s",
                where=where,
                start=format_datetime(row.start_at, MOMENT),
                end=format_datetime(row.end_at, MOMENT),
            )
            return f"{words} ({row.reason})" if row.reason else words
        if kind in {"booking", "series"}:
            parts = [
                self.name_of("resource", row.resource_id),
                self.name_of("organisation", row.organisation_id),
            ]
            start = row.start_at if kind == "booking" else _first_start(row)
            if start is not None:
                parts.append(format_datetime(start, MOMENT))
            return ", ".join(part for part in parts if part)
        if kind == "membership":
            return f"{row.user.name} — {row.organisation.name}"
        if kind == "booking_share":
            return f"{row.organisation.name} — {row.booking.resource.name}"
        if kind == "feed":
            return row.scope_label
        if kind == "external_calendar":
            return row.resource.name
        for attribute in ("name", "label"):
            value = getattr(row, attribute, None)
            if isinstance(value, str) and value:
                return value
        parts = [
            getattr(getattr(row, relation, None), "name", None)
            for relation in ("user", "organisation", "resource")
        ]
        return ", ".join(part for part in parts if part) or f"#{row.id}"

    def describe_gone(self, event: AuditEvent) -> str:
        """A row since removed, by what the event recorded of it."""
        data = {**(event.after or {}), **(event.before or {})}
        for key in ("name", "label", "title"):
            if data.get(key):
                return str(data[key])
        parts = []
        if event.object_type == "closure" and "resource_id" in data:
            parts.append(self.name_of("resource", data["resource_id"]) or _("whole pole"))
        elif data.get("resource_id") is not None:
            parts.append(self.name_of("resource", data["resource_id"]) or "")
        for key in ("user", "organisation"):
            if data.get(key):
                parts.append(str(data[key]))
        if data.get("start") and data.get("end"):
            parts.append(
                _(
                    "from %(start)s to %(end)s",
                    start=_instant(data["start"]),
                    end=_instant(data["end"]),
                )
            )
        return ", ".join(part for part in parts if part) or (
            f"#{event.object_id}" if event.object_id is not None else ""
        )

    def value(self, name: str, value: Any, kind: str) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if name in ID_FIELDS:
            return self.name_of(ID_FIELDS[name], value) or f"#{value}"
        if name in INSTANT_FIELDS:
            return _instant(value)
        if name in MONEY_FIELDS | DECIMAL_FIELDS:
            from pooling.costing.explain import money_words, number_words

            try:
                return money_words(value) if name in MONEY_FIELDS else number_words(value)
            except ArithmeticError:
                return str(value)
        if name == "rules" and isinstance(value, dict):
            from pooling.resources.describe import describe_opening_hours, describe_rules

            sentences = describe_rules(value)
            if value.get("opening_hours"):
                sentences[:0] = describe_opening_hours(value["opening_hours"])
            return " ".join(sentences) or "—"
        if isinstance(value, dict):
            return " · ".join(
                _(
                    "%(field)s: %(value)s",
                    field=FIELDS.get(key, key.replace("_", " ")),
                    value=self.value(key, item, kind),
                )
                for key, item in value.items()
            )
        if isinstance(value, list):
            return ", ".join(
                json.dumps(item, ensure_ascii=False) if isinstance(item, dict | list) else str(item)
                for item in value
            )
        if isinstance(value, str) and name in CODE_FIELDS:
            return code_label(name, value, kind)
        return str(value)

    def changes(self, event: AuditEvent) -> list[Change]:
        before, after = event.before or {}, event.after or {}
        names = [key for key in {**before, **after} if key not in UNSHOWN]
        rows = []
        for name in names:
            old = self.value(name, before[name], event.object_type) if name in before else None
            new = self.value(name, after[name], event.object_type) if name in after else None
            if name in before and name in after and old == new:
                continue
            if not before and after.get(name) in (None, ""):
                continue  # a new object: only what it was given
            label = FIELDS.get(name)
            rows.append(Change(str(label) if label else name.replace("_", " "), old, new))
        return rows

    def line(self, event: AuditEvent) -> AuditLine:
        row = self.row(event.object_type, event.object_id)
        name = (
            self.describe(event.object_type, row) if row is not None else self.describe_gone(event)
        )
        return AuditLine(
            event=event,
            when=format_datetime(event.at, MOMENT),
            who=event.actor.name if event.actor else _("system"),
            action=action_label(event.action),
            kind=object_label(event.object_type),
            name=name,
            changes=self.changes(event),
            note=event.note,
        )


def read_events(events: list[AuditEvent]) -> list[AuditLine]:
    """The events as lines a coordinator reads (names, labels, local times)."""
    reader = _Reader()
    reader.preload(events)
    return [reader.line(event) for event in events]
