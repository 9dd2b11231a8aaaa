"""Bookings, series and availability in the API: thin handlers over bookings.services."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from pooling.api import bp
from pooling.api.helpers import (
    MAX_ID,
    actor,
    choice_arg,
    created,
    instant,
    int_arg,
    json_body,
    local_text,
    optional_instant,
    utc_text,
)
from pooling.bookings import idempotency, services
from pooling.bookings import queries as booking_queries
from pooling.bookings import shares as co_organisation
from pooling.bookings.messages import unavailable_reason
from pooling.bookings.models import STATUSES
from pooling.core.database import retry_transient
from pooling.core.errors import RuleViolation
from pooling.core.text import control_characters_message, has_control_characters
from pooling.extensions import db

MAX_PAGE = 500


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
        "created_at": utc_text(booking.created_at),
        "updated_at": utc_text(booking.updated_at),
    }


def _instant(body: dict, name: str, *, required: bool = True):
    """The body's instant ``name`` with its own offset (the wall-clock time that was meant)."""
    value = body.get(name)
    if value in (None, ""):
        if required:
            message = _("This field is required.")
            raise RuleViolation(message, code="required", fields={name: [message]})
        return None
    return instant(value, name, keep_offset=True)


def _int(body: dict, name: str, default=None):
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        message = _("A whole number is expected.")
        raise RuleViolation(message, code="invalid_number", fields={name: [message]})
    if abs(value) > MAX_ID:
        message = _("This number is too large.")
        raise RuleViolation(message, code="invalid_number", fields={name: [message]})
    return value


def _text(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        message = _("Text is expected.")
        raise RuleViolation(message, code="invalid_text", fields={name: [message]})
    return value


def _bool(body: dict, name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        message = _("true or false is expected.")
        raise RuleViolation(message, code="invalid_boolean", fields={name: [message]})
    return value


def _shares(body: dict):
    shares = body.get("shares")
    if shares is None:
        return None
    message = _("Shares are a list of {organisation_id, share} objects.")
    if not isinstance(shares, list) or not all(
        isinstance(s, dict) and "organisation_id" in s and "share" in s for s in shares
    ):
        raise RuleViolation(message, code="invalid_shares", fields={"shares": [message]})
    return [(s["organisation_id"], s["share"]) for s in shares]


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


@bp.get("/bookings")
def list_bookings():
    status = choice_arg("status", list(STATUSES))
    filters = booking_queries.BookingFilter(
        resource_id=int_arg("resource_id"),
        organisation_id=int_arg("organisation_id"),
        user_id=int_arg("user_id"),
        series_id=int_arg("series_id"),
        start=optional_instant("start"),
        end=optional_instant("end"),
        statuses=(status,) if status else None,
    )
    limit = min(int_arg("limit", minimum=1) or 100, MAX_PAGE)
    number = int_arg("page", minimum=1) or 1
    rows = booking_queries.list_bookings(
        actor(), filters, limit=limit + 1, offset=(number - 1) * limit
    )
    next_url = None
    if len(rows) > limit:
        args = request.args.to_dict() | {"page": str(number + 1), "limit": str(limit)}
        next_url = url_for("api.list_bookings", _external=True, **args)
    return jsonify(items=[booking_json(b) for b in rows[:limit]], next=next_url)


@bp.post("/bookings")
@retry_transient
def create_booking():
    body = json_body()
    key = request.headers.get("Idempotency-Key")
    if key is not None and has_control_characters(key):
        message = str(control_characters_message())
        raise RuleViolation(message, fields={"Idempotency-Key": [message]})
    fingerprint = idempotency.request_fingerprint(body)
    if key is not None:
        stored = idempotency.replay(actor(), key, fingerprint)
        if stored is not None:
            return jsonify(stored[1]), stored[0]
    resource_id = _int(body, "resource_id")
    if resource_id is None:
        message = _("This field is required.")
        raise RuleViolation(message, code="required", fields={"resource_id": [message]})
    booking_request = services.BookingRequest(
        resource_id=resource_id,
        start=_instant(body, "start"),
        end=_instant(body, "end"),
        title=_text(body, "title") or "",
        quantity=_int(body, "quantity", 1),
        organisation_id=_int(body, "organisation_id"),
        shares=_shares(body),
        recurrence=_text(body, "recurrence") or None,
        on_conflict=_text(body, "on_conflict") or "fail",
        override_rules=_bool(body, "override_rules"),
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
def get_booking(booking_id: int):
    return jsonify(booking_json(booking_queries.get_booking(actor(), booking_id)))


def _answer_and_commit(booking):
    """The booking as this request left it, then the commit.

    Read before committing: a change by someone else right after the commit must not show
    in this request's answer (an approval answered "cancelled").
    """
    answer = booking_json(booking)
    db.session.commit()
    return jsonify(answer)


@bp.patch("/bookings/<int:booking_id>")
@retry_transient
def update_booking(booking_id: int):
    body = json_body()
    change = services.BookingChange(
        start=_instant(body, "start", required=False),
        end=_instant(body, "end", required=False),
        title=_text(body, "title"),
        quantity=_int(body, "quantity"),
        override_rules=_bool(body, "override_rules"),
    )
    booking = services.move_booking(actor(), booking_id, change)
    return _answer_and_commit(booking)


@bp.post("/bookings/<int:booking_id>/cancel")
@retry_transient
def cancel_booking(booking_id: int):
    body = json_body()
    booking = services.cancel_booking(actor(), booking_id, _text(body, "reason"))
    return _answer_and_commit(booking)


@bp.post("/bookings/<int:booking_id>/approve")
@retry_transient
def approve_booking(booking_id: int):
    body = json_body()
    booking = services.decide(actor(), booking_id, True, _text(body, "reason"))
    return _answer_and_commit(booking)


@bp.post("/bookings/<int:booking_id>/reject")
@retry_transient
def reject_booking(booking_id: int):
    body = json_body()
    booking = services.decide(actor(), booking_id, False, _text(body, "reason"))
    return _answer_and_commit(booking)


@bp.post("/bookings/<int:booking_id>/shares/<int:organisation_id>/accept")
@retry_transient
def accept_share(booking_id: int, organisation_id: int):
    booking = co_organisation.decide_share(actor(), booking_id, organisation_id, True)
    db.session.commit()
    return jsonify(booking_json(booking))


@bp.post("/bookings/<int:booking_id>/shares/<int:organisation_id>/decline")
@retry_transient
def decline_share(booking_id: int, organisation_id: int):
    booking = co_organisation.decide_share(actor(), booking_id, organisation_id, False)
    db.session.commit()
    return jsonify(booking_json(booking))


def _meter(body: dict):
    meter = body.get("meter")
    if meter is not None and (isinstance(meter, bool) or not isinstance(meter, int | float | str)):
        message = _("The meter reading is a positive number.")
        raise RuleViolation(message, code="invalid_meter", fields={"meter": [message]})
    return meter


@bp.post("/bookings/<int:booking_id>/check-in")
@retry_transient
def check_in(booking_id: int):
    body = json_body()
    booking = services.check_in(
        actor(), booking_id, _meter(body), at=_instant(body, "at", required=False)
    )
    return _answer_and_commit(booking)


@bp.post("/bookings/<int:booking_id>/check-out")
@retry_transient
def check_out(booking_id: int):
    body = json_body()
    booking = services.check_out(
        actor(), booking_id, _meter(body), at=_instant(body, "at", required=False)
    )
    return _answer_and_commit(booking)


@bp.post("/series/<int:series_id>/cancel")
@retry_transient
def cancel_series(series_id: int):
    body = json_body()
    cancelled = services.cancel_series(
        actor(), series_id, _instant(body, "from", required=False), _text(body, "reason")
    )
    db.session.commit()
    return jsonify(series_id=series_id, cancelled=[booking_json(b) for b in cancelled])


@bp.get("/resources/<int:resource_id>/availability")
def resource_availability(resource_id: int):
    start = optional_instant("start")
    end = optional_instant("end")
    if start is None or end is None:
        message = _("Give both start and end.")
        raise RuleViolation(
            message, code="required", fields={"start" if start is None else "end": [message]}
        )
    intervals = booking_queries.availability(actor(), resource_id, start, end)
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
