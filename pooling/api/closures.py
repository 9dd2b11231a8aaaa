"""Closures in the API: list, close a resource or the pole (keeping or cancelling what it
hits), reopen. Thin handlers over ``pooling.bookings.closures``."""

from __future__ import annotations

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.helpers import actor, interval, list_response, local_text, utc_text
from pooling.api.operations import operation
from pooling.api.schemas.closures import Closure, ClosureCreate, ClosureCreated, ClosureQuery
from pooling.api.schemas.common import Page
from pooling.bookings import closures
from pooling.extensions import db


def closure_json(closure) -> dict:
    """The API's shape of a closure."""
    return {
        "id": closure.id,
        "resource_id": closure.resource_id,
        "start": utc_text(closure.start_at),
        "end": utc_text(closure.end_at),
        "start_local": local_text(closure.start_at),
        "end_local": local_text(closure.end_at),
        "reason": closure.reason,
    }


@bp.get("/closures")
@operation(
    "Closures of a resource (with the pole's) or all",
    tag="resources",
    query=ClosureQuery,
    answers={200: Page[Closure]},
    errors=(404,),
)
def list_closures(query: ClosureQuery) -> Response:
    """A page of closures, by start."""
    start, end = interval(query, "start", "end") or (None, None)
    items = closures.list_closures(actor(), query.resource_id, start, end)
    return list_response(items, closure_json, query)


@bp.post("/closures")
@operation(
    "Close a resource or the whole pole (coordinator)",
    tag="resources",
    body=ClosureCreate,
    answers={201: ClosureCreated},
    errors=(403, 404),
    guard=closures.ensure_can_close,
)
def create_closure(body: ClosureCreate) -> Response:
    """The closure keeps or cancels the bookings it overlaps, as ``cancel_bookings`` says."""
    outcome = closures.close(
        actor(),
        body.resource_id,
        body.start,
        body.end,
        body.reason,
        cancel_bookings=body.cancel_bookings,
    )
    db.session.commit()
    response = jsonify(
        {
            **closure_json(outcome.closure),
            "affected_bookings": [booking.id for booking in outcome.affected],
            "cancelled_bookings": [booking.id for booking in outcome.cancelled],
        }
    )
    response.status_code = 201
    return response


@bp.delete("/closures/<int:closure_id>")
@operation(
    "Reopen: remove a closure (coordinator)",
    tag="resources",
    answers={204: "Removed; its time can be booked again."},
    errors=(403, 404),
)
def delete_closure(closure_id: int):
    closures.remove(actor(), closure_id)
    db.session.commit()
    return "", 204
