"""Writing a new booking and its audit event in one round trip.

On PostgreSQL a single statement inserts the booking and, from the id it returns, the audit
event of its creation (a data-modifying ``WITH``); the booking comes back as the session's
object, as a flush would have left it. SQLite has no INSERT inside WITH: two prepared
INSERTs. For what these statements do not cover (a series, co-organisers' shares), the
session adds the bookings and the flush writes them, and ``record`` their events.
"""

from __future__ import annotations

from functools import cache

from blinker import Namespace
from sqlalchemy import bindparam, insert, literal, select
from sqlalchemy.orm.attributes import set_committed_value

from pooling.audit.models import AuditEvent
from pooling.audit.services import record
from pooling.bookings.models import Booking
from pooling.bookings.snapshots import snapshot
from pooling.core.actors import require_actor
from pooling.core.db import utcnow
from pooling.extensions import db

# The columns a new booking is written with (the others keep their defaults).
WRITTEN = (
    "resource_id",
    "organisation_id",
    "user_id",
    "title",
    "start_at",
    "end_at",
    "quantity",
    "purpose_id",
    "attendance",
    "status",
    "confirmed_at",
    "rules_overridden",
)
STAMPS = ("created_at", "updated_at")

# Sent with each booking written here without a flush, which the flush listeners do not see:
# what keeps figures derived from the bookings (the dashboards' day rollup) listens to it.
inserted = Namespace().signal("booking-inserted")


def creation_event(booking: Booking) -> tuple[str, str | None]:
    """The audited action of a new booking and its note: the rules a coordinator overrode."""
    if booking.rules_overridden:
        return "booking.override", ",".join(booking.rules_overridden)
    return "booking.create", None


def add_bookings(actor, bookings: list[Booking]) -> list[Booking]:
    """Write new bookings with the audit event of each; returns the stored bookings.

    ``bookings`` are transient objects not yet in the session. One booking without series
    or shares is written by prepared statements (one on PostgreSQL, with its event);
    otherwise the session writes them and ``record`` adds the events.
    """
    if len(bookings) == 1 and bookings[0].series is None and not bookings[0].shares:
        return [_insert_with_event(actor, bookings[0])]
    for booking in bookings:
        db.session.add(booking)
    db.session.flush()
    for booking in bookings:
        action, note = creation_event(booking)
        record(actor, action, booking, after=snapshot(booking), note=note)
    return bookings


@cache
def _insert_statement():
    """INSERT the booking, its row back (built once, values bound)."""
    columns = Booking.__table__.c
    return (
        select(Booking)
        .from_statement(
            insert(Booking)
            .values(
                {name: bindparam(name, type_=columns[name].type) for name in (*WRITTEN, *STAMPS)}
            )
            .returning(*columns)
        )
        .execution_options(populate_existing=True)
    )


@cache
def _event_statement():
    """INSERT the audit event of a booking's creation (built once, values bound)."""
    return insert(AuditEvent).values(
        at=bindparam("created_at", type_=AuditEvent.at.type),
        actor_id=bindparam("event_actor_id", type_=AuditEvent.actor_id.type),
        action=bindparam("event_action", type_=AuditEvent.action.type),
        object_type="booking",
        object_id=bindparam("object_id", type_=AuditEvent.object_id.type),
        after=bindparam("event_after", type_=AuditEvent.after.type),
        note=bindparam("event_note", type_=AuditEvent.note.type),
    )


@cache
def _insert_with_event_statement():
    """INSERT the booking, then its event from the id it returns; the booking's row back.

    Built once: its values are bound parameters, so each creation only binds them.
    """
    columns = Booking.__table__.c
    new = (
        insert(Booking)
        .values({name: bindparam(name, type_=columns[name].type) for name in (*WRITTEN, *STAMPS)})
        .returning(*columns)
        .cte("new_booking")
    )
    event = insert(AuditEvent).from_select(
        ["at", "actor_id", "action", "object_type", "object_id", "after", "note"],
        select(
            bindparam("created_at", type_=AuditEvent.at.type),
            bindparam("event_actor_id", type_=AuditEvent.actor_id.type),
            bindparam("event_action", type_=AuditEvent.action.type),
            literal("booking"),
            new.c.id,
            bindparam("event_after", type_=AuditEvent.after.type),
            bindparam("event_note", type_=AuditEvent.note.type),
        ),
    )
    return (
        select(Booking)
        .from_statement(select(new).add_cte(event.cte("new_event")))
        .execution_options(populate_existing=True)
    )


def _insert_with_event(actor, booking: Booking) -> Booking:
    resource = booking.resource
    purpose = booking.purpose
    booking.resource_id = resource.id
    booking.purpose_id = purpose.id if purpose is not None else None
    at = utcnow()
    action, note = creation_event(booking)
    values = {name: getattr(booking, name) for name in WRITTEN}
    values.update(
        created_at=at,
        updated_at=at,
        event_actor_id=require_actor(actor).id,
        event_action=action,
        event_after=snapshot(booking),
        event_note=note,
    )
    if db.session.connection().dialect.name == "postgresql":
        stored = db.session.scalars(_insert_with_event_statement(), values).one()
    else:  # no INSERT inside WITH: two statements, still without the flush's bookkeeping
        stored = db.session.scalars(_insert_statement(), values).one()
        db.session.execute(_event_statement(), {**values, "object_id": stored.id})
    # What the request gave: known without reading them back.
    set_committed_value(stored, "resource", resource)
    set_committed_value(stored, "purpose", purpose)
    set_committed_value(stored, "shares", [])
    set_committed_value(stored, "series", None)
    inserted.send(db.session, booking=stored)
    return stored
