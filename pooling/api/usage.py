"""Usage in the API: measured usage over a window, manual usage lines, the cancellation notice."""

from __future__ import annotations

from datetime import date

from flask import Response, jsonify
from flask_babel import gettext as _

from pooling.api import bp
from pooling.api.helpers import (
    actor,
    check_shape,
    choice_arg,
    created,
    interval_args,
    json_body,
    list_response,
    utc_text,
)
from pooling.core.errors import RuleViolation
from pooling.extensions import db
from pooling.usage import services
from pooling.usage.services import GROUPINGS, ManualUsageInput


def usage_row_json(row: services.UsageRow) -> dict:
    """A usage line: hours and unit-hours as decimal strings (2 decimals), share as a fraction
    of all unit-hours of the window (string, 4 decimals)."""
    return {
        "key": row.key,
        "label": row.label,
        "hours": f"{row.hours:.2f}",
        "unit_hours": f"{row.unit_hours:.2f}",
        "meter": f"{row.meter:.2f}",
        "bookings": row.bookings,
        "share": f"{row.share:.4f}",
        "late_cancellations": row.late_cancellations,
        "no_shows": row.no_shows,
        "manual_lines": row.manual_lines,
    }


def _window():
    window = interval_args("start", "end")
    if window is None:
        message = _("Give start and end.")
        raise RuleViolation(message, code="window_required", fields={"start": [message]})
    return window


@bp.get("/usage")
def get_usage() -> Response:
    """Usage over [start, end) grouped by organisation (default), resource or kind."""
    services.require_usage_reader(actor())
    start, end = _window()
    group_by = choice_arg("group_by", GROUPINGS) or "organisation"
    rows = services.usage_report(actor(), start, end, group_by)
    return list_response(rows, usage_row_json)


def manual_json(line) -> dict:
    return {
        "id": line.id,
        "organisation_id": line.organisation_id,
        "resource_id": line.resource_id,
        "kind": line.kind,
        "used_at": utc_text(line.used_at),
        "hours": f"{line.hours:.2f}",
        "quantity": line.quantity,
        "meter": None if line.meter is None else f"{line.meter:.2f}",
        "reason": line.reason,
    }


@bp.get("/usage/manual")
def list_manual_usage() -> Response:
    """Manual usage lines of [start, end)."""
    services.require_usage_reader(actor())
    start, end = _window()
    return list_response(services.list_manual_usage(actor(), start, end), manual_json)


@bp.get("/usage/manual/<int:line_id>")
def get_manual_usage(line_id: int) -> Response:
    return jsonify(manual_json(services.get_manual_usage(actor(), line_id)))


@bp.post("/usage/manual")
def create_manual_usage() -> Response:
    """Record usage by hand (coordinators): {organisation_id, resource_id? | kind?, date,
    hours, quantity?, meter?, reason}."""
    body = json_body()
    check_shape(
        body,
        {
            "organisation_id": "integer",
            "resource_id": "integer?",
            "kind": "text?",
            "date": "text",
            "hours": "number",
            "quantity": "integer?",
            "meter": "number?",
            "reason": "text",
        },
    )
    used_on = None
    if body.get("date"):
        try:
            used_on = date.fromisoformat(body["date"])
        except ValueError:
            message = _("Give a date as 2027-01-31.")
            raise RuleViolation(message, fields={"date": [message]}) from None
    line = services.add_manual_usage(
        actor(),
        ManualUsageInput(
            organisation_id=body.get("organisation_id"),
            resource_id=body.get("resource_id"),
            kind=body.get("kind"),
            used_on=used_on,
            hours=body.get("hours"),
            quantity=body.get("quantity", 1),
            meter=body.get("meter"),
            reason=body.get("reason"),
        ),
    )
    db.session.commit()
    return created(manual_json(line), "api.get_manual_usage", line_id=line.id)


@bp.get("/usage/settings")
def get_usage_settings() -> Response:
    """The late-cancellation notice in hours."""
    return jsonify(late_cancel_hours=services.late_cancel_hours())


@bp.patch("/usage/settings")
def update_usage_settings() -> Response:
    """Set the late-cancellation notice (coordinators): {late_cancel_hours}."""
    body = json_body()
    check_shape(body, {"late_cancel_hours": "integer"})
    services.set_late_cancel_hours(actor(), body.get("late_cancel_hours"))
    db.session.commit()
    return jsonify(late_cancel_hours=services.late_cancel_hours())
