"""Bookings, series and availability in the API: thin handlers over the booking use cases
(``bookings.services``, ``bookings.attendance``, ``bookings.shares``) and reads
(``bookings.queries``)."""

from __future__ import annotations

from flask import Response, jsonify, request
from sqlalchemy.exc import IntegrityError

from pooling.api import bp
from pooling.api.helpers import (
    actor,
    created,
    local_text,
    page_window,
    read_page_response,
    utc_text,
)
from pooling.api.operations import operation
from pooling.api.schemas.bookings import (
    Availability,
    AvailabilityQuery,
    Booking,
    BookingCreate,
    BookingCreated,
    BookingQuery,
    BookingUpdate,
    MeterReading,
    SeriesCancel,
    SeriesCancelled,
)
from pooling.api.schemas.common import ConflictError, Page, Reason
from pooling.bookings import attendance, decisions, idempotency, purposes, services
from pooling.bookings import queries as booking_queries
from pooling.bookings import shares as co_organisation
from pooling.bookings.messages import unavailable_reason
from pooling.core.database import retry_transient
from pooling.core.errors import RuleViolation
from pooling.core.text import control_characters_message, has_control_characters
from pooling.extensions import db

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": "Retrying with the same key returns the first answer without booking twice.",
}
# What a change of one booking may answer besides the booking.
CHANGE_ERRORS = (403, 404, 409)


def booking_json(booking, viewer=None) -> dict:
    """The API's shape of a booking; the title is null for viewers who may not read it."""
    viewer = viewer or actor()
    visible = booking_queries.title_visible(viewer, booking)
    return {
        "id": booking.id,
        "resource_id": booking.resource_id,
        "organisation_id": booking.organisation_id,
        "user_id": booking.user_id if visible else None,
        "title": booking.title if visible else None,
        "start": utc_text(booking.start_at),
        "end": utc_text(booking.end_at),
        "start_local": local_text(booking.start_at),
        "end_local": local_text(booking.end_at),
        "quantity": booking.quantity,
        "status": booking.status,
        "series_id": booking.series_id,
        "shares": [
            {
                "organisation_id": s.organisation_id,
                "share": f"{s.share.normalize():f}",
                "status": s.status,
            }
            for s in booking.shares
        ],
        "sequence": booking.sequence,
        "rules_overridden": booking.rules_overridden or [],
        "checked_in_at": utc_text(booking.checked_in_at),
        "checked_out_at": utc_text(booking.checked_out_at),
        "meter_start": f"{booking.meter_start:.2f}" if booking.meter_start is not None else None,
        "meter_end": f"{booking.meter_end:.2f}" if booking.meter_end is not None else None,
        "purpose": booking.purpose.code if booking.purpose is not None else None,
        "purpose_label": purposes.label(booking.purpose) or None,
        "attendance": booking.attendance,
        "created_at": utc_text(booking.created_at),
        "updated_at": utc_text(booking.updated_at),
    }


def _created_body(result) -> dict:
    if result.series is not None:
        return {
            "series_id": result.series.id,
            "items": [booking_json(b) for b in result.bookings],
            "skipped": [
                {
                    "start": utc_text(s["start"]),
                    "end": utc_text(s["end"]),
                    "reason": s["reason"],
                    "message": s["message"],
                    "booking_id": s.get("booking_id"),
                }
                for s in result.skipped
            ],
        }
    return booking_json(result.bookings[0])


def _answer_and_commit(booking) -> Response:
    """The booking as this request left it, then the commit.

    Read before committing: a change by someone else right after the commit must not show
    in this request's answer (an approval answered "cancelled").
    """
    answer = booking_json(booking)
    db.session.commit()
    return jsonify(answer)


def _idempotency_key() -> str | None:
    """The ``Idempotency-Key`` header, refused when it holds control characters."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and has_control_characters(key):
        message = str(control_characters_message())
        raise RuleViolation(message, fields={"Idempotency-Key": [message]})
    return key


@bp.get("/bookings")
@operation("Bookings", tag="bookings", query=BookingQuery, answers={200: Page[Booking]})
def list_bookings(query: BookingQuery) -> Response:
    """A page of the bookings the caller may see, by start."""
    filters = booking_queries.BookingFilter(
        resource_id=query.resource_id,
        organisation_id=query.organisation_id,
        user_id=query.user_id,
        series_id=query.series_id,
        start=query.start,
        end=query.end,
        statuses=(query.status,) if query.status else None,
    )
    rows = booking_queries.list_bookings(actor(), filters, **page_window(query))
    return read_page_response(rows, booking_json, query)


@bp.post("/bookings")
@operation(
    "Book a resource (once or recurring)",
    tag="bookings",
    body=BookingCreate,
    answers={201: BookingCreated, 409: ConflictError},
    errors=(403, 404),
    headers=(IDEMPOTENCY_KEY,),
)
@retry_transient
def create_booking(body: BookingCreate) -> Response:
    """A series is all or nothing, unless ``on_conflict`` is ``skip``: then the free dates are
    booked and the others listed in ``skipped``. A 409 lists the conflicting slots; nothing
    is written then. A resource's ``required_qualifications`` must be held by the caller on
    each date (else 422 ``qualification_required``, naming what is missing); a coordinator may
    book over it with ``override_rules``, recorded in the audit trail."""
    key = _idempotency_key()
    fingerprint = idempotency.request_fingerprint(body.model_dump(mode="json"))
    if key is not None:
        stored = idempotency.replay(actor(), key, fingerprint)
        if stored is not None:
            return jsonify(stored[1]), stored[0]
    booking_request = services.BookingRequest(
        resource_id=body.resource_id,
        start=body.start,
        end=body.end,
        title=body.title,
        quantity=body.quantity,
        organisation_id=body.organisation_id,
        shares=[(s.organisation_id, s.share) for s in body.shares] if body.shares else None,
        recurrence=body.recurrence or None,
        on_conflict=body.on_conflict,
        override_rules=body.override_rules,
        purpose=body.purpose,
        attendance=body.attendance,
    )
    result = services.create_booking(actor(), booking_request)
    response_body = _created_body(result)
    first_id = result.bookings[0].id  # read before the commit expires the objects
    if key is not None:
        idempotency.remember(actor(), key, fingerprint, 201, response_body)
    try:
        db.session.commit()
    except IntegrityError:
        # The same key arrived twice at once: the other request won; answer as it did.
        db.session.rollback()
        stored = idempotency.replay(actor(), key, fingerprint) if key else None
        if stored is None:
            raise
        return jsonify(stored[1]), stored[0]
    return created(response_body, "api.get_booking", booking_id=first_id)


@bp.get("/bookings/<int:booking_id>")
@operation("One booking", tag="bookings", answers={200: Booking}, errors=(404,))
def get_booking(booking_id: int) -> Response:
    return jsonify(booking_json(booking_queries.get_booking(actor(), booking_id)))


@bp.patch("/bookings/<int:booking_id>")
@operation(
    "Move or edit a booking (same checks as booking)",
    tag="bookings",
    body=BookingUpdate,
    answers={200: Booking, 409: ConflictError},
    errors=(403, 404),
)
@retry_transient
def update_booking(booking_id: int, body: BookingUpdate) -> Response:
    change = services.BookingChange(
        start=body.start,
        end=body.end,
        title=body.title,
        quantity=body.quantity,
        override_rules=body.override_rules,
        purpose=(body.purpose or "") if "purpose" in body.model_fields_set else services.KEEP,
        attendance=body.attendance if "attendance" in body.model_fields_set else services.KEEP,
    )
    return _answer_and_commit(services.move_booking(actor(), booking_id, change))


@bp.post("/bookings/<int:booking_id>/cancel")
@operation(
    "Cancel a booking (idempotent)",
    tag="bookings",
    body=Reason,
    body_required=False,
    answers={200: Booking},
    errors=CHANGE_ERRORS,
)
@retry_transient
def cancel_booking(booking_id: int, body: Reason) -> Response:
    """409 ``checked_in`` once the booking is checked in; 409 ``not_active`` for a rejected
    booking. Serialised with every other change of the booking."""
    return _answer_and_commit(services.cancel_booking(actor(), booking_id, body.reason))


@bp.post("/bookings/<int:booking_id>/approve")
@operation(
    "Approve a pending booking (coordinator or referent of the owner)",
    tag="bookings",
    body=Reason,
    body_required=False,
    answers={200: Booking},
    errors=CHANGE_ERRORS,
)
@retry_transient
def approve_booking(booking_id: int, body: Reason) -> Response:
    """409 ``not_pending`` when the booking was cancelled or rejected meanwhile; 409 with
    ``conflicts`` when its units were taken meanwhile."""
    return _answer_and_commit(decisions.decide(actor(), booking_id, True, body.reason))


@bp.post("/bookings/<int:booking_id>/reject")
@operation(
    "Reject a pending booking (coordinator or referent of the owner)",
    tag="bookings",
    body=Reason,
    body_required=False,
    answers={200: Booking},
    errors=CHANGE_ERRORS,
)
@retry_transient
def reject_booking(booking_id: int, body: Reason) -> Response:
    return _answer_and_commit(decisions.decide(actor(), booking_id, False, body.reason))


@bp.post("/bookings/<int:booking_id>/shares/<int:organisation_id>/accept")
@operation(
    "Accept an organisation's proposed share of a co-organised booking "
    "(coordinator or referent of that organisation; idempotent)",
    tag="bookings",
    answers={200: Booking},
    errors=(403, 404),
)
@retry_transient
def accept_share(booking_id: int, organisation_id: int) -> Response:
    booking = co_organisation.decide_share(actor(), booking_id, organisation_id, True)
    db.session.commit()
    return jsonify(booking_json(booking))


@bp.post("/bookings/<int:booking_id>/shares/<int:organisation_id>/decline")
@operation(
    "Decline an organisation's proposed share of a co-organised booking "
    "(coordinator or referent of that organisation; idempotent)",
    tag="bookings",
    answers={200: Booking},
    errors=(403, 404),
)
@retry_transient
def decline_share(booking_id: int, organisation_id: int) -> Response:
    booking = co_organisation.decide_share(actor(), booking_id, organisation_id, False)
    db.session.commit()
    return jsonify(booking_json(booking))


@bp.post("/bookings/<int:booking_id>/check-in")
@operation(
    "Record the actual start (and meter reading)",
    tag="bookings",
    body=MeterReading,
    body_required=False,
    answers={200: Booking},
    errors=CHANGE_ERRORS,
)
@retry_transient
def check_in(booking_id: int, body: MeterReading) -> Response:
    """422 with ``fields.at`` outside the window, in the future or backdated without the
    right; 409 when not confirmed or already checked in."""
    booking = attendance.check_in(actor(), booking_id, body.meter, at=body.at)
    return _answer_and_commit(booking)


@bp.post("/bookings/<int:booking_id>/check-out")
@operation(
    "Record the actual end (and meter reading); an early check-out frees the rest",
    tag="bookings",
    body=MeterReading,
    body_required=False,
    answers={200: Booking},
    errors=CHANGE_ERRORS,
)
@retry_transient
def check_out(booking_id: int, body: MeterReading) -> Response:
    """422 with ``fields.at`` before the check-in, in the future or backdated without the
    right; 409 when not confirmed or already checked out."""
    booking = attendance.check_out(actor(), booking_id, body.meter, at=body.at)
    return _answer_and_commit(booking)


@bp.post("/series/<int:series_id>/cancel")
@operation(
    "Cancel a recurring booking, or its occurrences from a date on",
    tag="bookings",
    body=SeriesCancel,
    body_required=False,
    answers={200: SeriesCancelled},
    errors=(403, 404),
)
@retry_transient
def cancel_series(series_id: int, body: SeriesCancel) -> Response:
    """Occurrences already checked in stay (they were used)."""
    cancelled = services.cancel_series(actor(), series_id, body.from_, body.reason)
    db.session.commit()
    return jsonify(series_id=series_id, cancelled=[booking_json(b) for b in cancelled])


@bp.get("/resources/<int:resource_id>/availability")
@operation(
    "Free quantity over a window",
    tag="resources",
    query=AvailabilityQuery,
    answers={200: Availability},
    errors=(404,),
)
def resource_availability(resource_id: int, query: AvailabilityQuery) -> Response:
    intervals = booking_queries.availability(actor(), resource_id, query.start, query.end)
    return jsonify(resource_id=resource_id, intervals=[_interval_json(i) for i in intervals])


def _interval_json(interval) -> dict:
    """A piece of availability; closed or unavailable pieces say why (``reason``)."""
    body = {
        "start": utc_text(interval.start),
        "end": utc_text(interval.end),
        "start_local": local_text(interval.start),
        "end_local": local_text(interval.end),
        "available_quantity": interval.available_quantity,
    }
    if interval.why:
        body["reason"] = {
            "kind": interval.why,
            "text": unavailable_reason(interval.why, interval.detail),
        }
    return body
