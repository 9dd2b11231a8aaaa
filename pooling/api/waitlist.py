"""The waitlist in the API: join a taken slot, the caller's entries (a coordinator's: all),
accept or decline an offer, leave. Thin handlers over ``pooling.waitlist.services``."""

from __future__ import annotations

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.bookings import booking_json
from pooling.api.helpers import (
    LOCATION,
    actor,
    created,
    local_text,
    page_window,
    read_page_response,
    utc_text,
)
from pooling.api.operations import operation
from pooling.api.schemas.bookings import Booking
from pooling.api.schemas.common import ConflictError, Page
from pooling.api.schemas.waitlist import WaitlistEntry, WaitlistJoin, WaitlistQuery
from pooling.core.database import retry_transient
from pooling.extensions import db
from pooling.waitlist import services

ENTRY_ERRORS = (404, 409)


def entry_json(entry, position: int | None = None) -> dict:
    """The API's shape of a waitlist entry."""
    return {
        "id": entry.id,
        "resource_id": entry.resource_id,
        "organisation_id": entry.organisation_id,
        "user_id": entry.user_id,
        "title": entry.title,
        "start": utc_text(entry.start_at),
        "end": utc_text(entry.end_at),
        "start_local": local_text(entry.start_at),
        "end_local": local_text(entry.end_at),
        "quantity": entry.quantity,
        "status": entry.status,
        "position": position,
        "offer_expires_at": utc_text(entry.offer_expires_at) if entry.status == "offered" else None,
        "booking_id": entry.booking_id,
        "created_at": utc_text(entry.created_at),
    }


def _with_position(entry) -> dict:
    return entry_json(entry, services.positions([entry]).get(entry.id))


@bp.post("/waitlist")
@operation(
    "Join the waitlist of a taken slot",
    tag="waitlist",
    body=WaitlistJoin,
    answers={201: (WaitlistEntry, LOCATION), 409: ConflictError},
    errors=(403, 404),
)
@retry_transient
def join_waitlist(body: WaitlistJoin) -> Response:
    """422 ``slot_free`` when the slot can be booked now; the booking rules apply as for a
    booking of it. When its units are freed, the oldest entry whose whole interval is free
    is offered the slot, held until ``offer_expires_at``."""
    entry = services.join(
        actor(),
        services.WaitlistRequest(
            resource_id=body.resource_id,
            start=body.start,
            end=body.end,
            title=body.title,
            quantity=body.quantity,
            organisation_id=body.organisation_id,
        ),
    )
    answer = _with_position(entry)
    db.session.commit()
    return created(answer, "api.get_waitlist_entry", entry_id=answer["id"])


@bp.get("/waitlist")
@operation(
    "The caller's waitlist entries (a coordinator's: all)",
    tag="waitlist",
    query=WaitlistQuery,
    answers={200: Page[WaitlistEntry]},
)
def list_waitlist(query: WaitlistQuery) -> Response:
    """By start; ``position`` is the place in the queue of an entry still on the list."""
    filters = services.WaitlistFilter(
        resource_id=query.resource_id,
        everyone=True,
        statuses=(query.status,) if query.status else None,
    )
    rows = services.list_entries(actor(), filters, **page_window(query))
    places = services.positions(rows)
    return read_page_response(rows, lambda e: entry_json(e, places.get(e.id)), query)


@bp.get("/waitlist/<int:entry_id>")
@operation("One waitlist entry", tag="waitlist", answers={200: WaitlistEntry}, errors=(404,))
def get_waitlist_entry(entry_id: int) -> Response:
    return jsonify(_with_position(services.get_entry(actor(), entry_id)))


@bp.post("/waitlist/<int:entry_id>/accept")
@operation(
    "Accept the slot offered: book it",
    tag="waitlist",
    answers={201: (Booking, LOCATION), 409: ConflictError},
    errors=(403, 404),
)
@retry_transient
def accept_waitlist_offer(entry_id: int) -> Response:
    """201 with the booking, every booking rule checked again; 409 ``not_offered`` or
    ``offer_expired``."""
    booking = services.accept(actor(), entry_id)
    answer = booking_json(booking)
    db.session.commit()
    return created(answer, "api.get_booking", booking_id=answer["id"])


@bp.post("/waitlist/<int:entry_id>/decline")
@operation(
    "Decline the slot offered: it passes to the next entry",
    tag="waitlist",
    answers={200: WaitlistEntry},
    errors=ENTRY_ERRORS,
)
@retry_transient
def decline_waitlist_offer(entry_id: int) -> Response:
    entry = services.decline(actor(), entry_id)
    answer = entry_json(entry)
    db.session.commit()
    return jsonify(answer)


@bp.delete("/waitlist/<int:entry_id>")
@operation(
    "Leave the waitlist (an offer held passes to the next entry)",
    tag="waitlist",
    answers={200: WaitlistEntry},
    errors=ENTRY_ERRORS,
)
@retry_transient
def leave_waitlist(entry_id: int) -> Response:
    """Leaving again changes nothing; a coordinator may take anyone's entry off the list."""
    entry = services.leave(actor(), entry_id)
    answer = entry_json(entry)
    db.session.commit()
    return jsonify(answer)
