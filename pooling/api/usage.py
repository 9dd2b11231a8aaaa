"""Usage in the API: measured usage over a window, manual usage lines, the cancellation notice.

Thin handlers over ``pooling.usage.services``.
"""

from __future__ import annotations

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.helpers import actor, created, interval, list_response, utc_text
from pooling.api.operations import operation
from pooling.api.schemas.common import Page
from pooling.api.schemas.usage import (
    ManualUsage,
    ManualUsageCreate,
    UsageLine,
    UsageQuery,
    UsageSettings,
    UsageSettingsChange,
    UsageWindow,
)
from pooling.extensions import db
from pooling.usage import services
from pooling.usage.services import ManualUsageInput


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


@bp.get("/usage")
@operation(
    "Measured usage over a window",
    tag="usage",
    query=UsageQuery,
    answers={200: Page[UsageLine]},
    errors=(403,),
    guard=services.require_usage_reader,
)
def get_usage(query: UsageQuery) -> Response:
    """Usage over [start, end) grouped by organisation (default), resource or kind."""
    start, end = interval(query, "start", "end")
    rows = services.usage_report(actor(), start, end, query.group_by)
    return list_response(rows, usage_row_json, query)


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
@operation(
    "Manual usage lines of a window",
    tag="usage",
    query=UsageWindow,
    answers={200: Page[ManualUsage]},
    errors=(403,),
    guard=services.require_usage_reader,
)
def list_manual_usage(query: UsageWindow) -> Response:
    """Manual usage lines of [start, end), by day; referents see their organisations' only."""
    start, end = interval(query, "start", "end")
    return list_response(services.list_manual_usage(actor(), start, end), manual_json, query)


@bp.get("/usage/manual/<int:line_id>")
@operation(
    "One manual usage line",
    tag="usage",
    answers={200: ManualUsage},
    errors=(403, 404),
)
def get_manual_usage(line_id: int) -> Response:
    return jsonify(manual_json(services.get_manual_usage(actor(), line_id)))


@bp.post("/usage/manual")
@operation(
    "Record usage by hand, with a reason (coordinator)",
    tag="usage",
    body=ManualUsageCreate,
    answers={201: ManualUsage},
    errors=(403,),
    guard=services.ensure_can_record_usage,
)
def create_manual_usage(body: ManualUsageCreate) -> Response:
    """The line counts on its day for its organisation, on its resource, its kind or the pole."""
    line = services.add_manual_usage(
        actor(),
        ManualUsageInput(
            organisation_id=body.organisation_id,
            resource_id=body.resource_id,
            kind=body.kind,
            used_on=body.date,
            hours=body.hours,
            quantity=body.quantity or 1,
            meter=body.meter,
            reason=body.reason,
        ),
    )
    db.session.commit()
    return created(manual_json(line), "api.get_manual_usage", line_id=line.id)


@bp.get("/usage/settings")
@operation(
    "The late-cancellation notice",
    tag="usage",
    answers={200: UsageSettings},
)
def get_usage_settings() -> Response:
    """The late-cancellation notice in hours."""
    return jsonify(late_cancel_hours=services.late_cancel_hours())


@bp.patch("/usage/settings")
@operation(
    "Set the late-cancellation notice (coordinator)",
    tag="usage",
    body=UsageSettingsChange,
    answers={200: UsageSettings},
    errors=(403,),
    guard=services.ensure_can_set_notice,
)
def update_usage_settings(body: UsageSettingsChange) -> Response:
    services.set_late_cancel_hours(actor(), body.late_cancel_hours)
    db.session.commit()
    return jsonify(late_cancel_hours=services.late_cancel_hours())
