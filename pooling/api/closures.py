"""Closures in the API: list, close a resource or the pole (keeping or cancelling what it
hits), reopen. Thin handlers over ``pooling.bookings.closures``."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _

from pooling.api import bp
from pooling.api.helpers import (
    actor,
    check_shape,
    instant,
    int_arg,
    interval_args,
    json_body,
    list_response,
    local_text,
    utc_text,
)
from pooling.bookings import closures
from pooling.core.errors import RuleViolation
from pooling.extensions import db


def closure_json(closure, affected=None) -> dict:
    """The API's shape of a closure (with ``affected_bookings`` right after creating it)."""
    body = {
        "id": closure.id,
        "resource_id": closure.resource_id,
        "start": utc_text(closure.start_at),
        "end": utc_text(closure.end_at),
        "start_local": local_text(closure.start_at),
        "end_local": local_text(closure.end_at),
        "reason": closure.reason,
    }
    if affected is not None:
        body["affected_bookings"] = [booking.id for booking in affected]
    return body


@bp.get("/closures")
def list_closures() -> Response:
    window = interval_args("start", "end")
    start, end = window if window is not None else (None, None)
    items = closures.list_closures(actor(), int_arg("resource_id", minimum=1), start, end)
    return list_response(items, closure_json)


@bp.post("/closures")
def create_closure() -> Response:
    closures.ensure_can_close(actor())
    body = json_body()
    check_shape(
        body,
        {
            "resource_id": "integer?",
            "start": "text",
            "end": "text",
            "reason": "text",
            "cancel_bookings": "boolean?",
        },
    )
    missing = [name for name in ("start", "end", "reason") if body.get(name) in (None, "")]
    if missing:
        message = _("This field is required.")
        raise RuleViolation(message, code="required", fields={name: [message] for name in missing})
    start = instant(body["start"], "start")
    end = instant(body["end"], "end")
    outcome = closures.close(
        actor(),
        body.get("resource_id"),
        start,
        end,
        body["reason"],
        cancel_bookings=bool(body.get("cancel_bookings")),
    )
    db.session.commit()
    response = jsonify(
        {
            **closure_json(outcome.closure, outcome.affected),
            "cancelled_bookings": [booking.id for booking in outcome.cancelled],
        }
    )
    response.status_code = 201
    return response


@bp.delete("/closures/<int:closure_id>")
def delete_closure(closure_id: int):
    closures.remove(actor(), closure_id)
    db.session.commit()
    return "", 204
