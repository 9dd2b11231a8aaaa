"""Keeps the day rollup equal to the bookings, in the transaction of every booking change.

One place hooks every change: a SQLAlchemy flush listener reacting to the Booking and
BookingShare rows the flush writes (create, move, cancel, decide, check-in/out, shares...),
so that no use case can forget it. Before the flush it reads the touched bookings as stored
(their old figures), after it reads them again (their new figures), and adds the difference
with one ``INSERT .. ON CONFLICT DO UPDATE`` per touched row, keys sorted so that two
transactions take the row locks in the same order. A change of the late-cancellation notice
refills the whole rollup, since it moves which cancellations count as used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, delete, event, inspect, select, text
from sqlalchemy.orm import Session

from pooling.bookings.inserts import inserted
from pooling.bookings.models import Booking, BookingShare
from pooling.core.time import pole_tz
from pooling.dashboards.models import DayRollup
from pooling.dashboards.rollup import FIGURES, FLOATS, RollupFacts, total
from pooling.usage.models import DEFAULT_LATE_CANCEL_HOURS, UsageSettings

_COLUMNS = (
    Booking.id,
    Booking.resource_id,
    Booking.organisation_id,
    Booking.purpose_id,
    Booking.start_at,
    Booking.end_at,
    Booking.status,
    Booking.quantity,
    Booking.cancelled_at,
    Booking.confirmed_at,
    Booking.checked_in_at,
    Booking.checked_out_at,
    Booking.meter_start,
    Booking.meter_end,
    Booking.attendance,
)
_BATCH = 5000


def notice(connection) -> timedelta:
    """The late-cancellation notice, as ``usage.services.late_cancel_hours`` reads it."""
    hours = connection.execute(
        select(UsageSettings.late_cancel_hours).order_by(UsageSettings.id).limit(1)
    ).scalar()
    if hours is None:
        configured = current_app.config.get("POOLING_LATE_CANCEL_HOURS")
        try:
            hours = int(configured) if configured not in (None, "") else DEFAULT_LATE_CANCEL_HOURS
        except (TypeError, ValueError):
            hours = DEFAULT_LATE_CANCEL_HOURS
    return timedelta(hours=hours)


def read_facts(connection, booking_ids: Iterable[int] | None = None) -> list[RollupFacts]:
    """The stored bookings (all of them with None) with their shares, as RollupFacts."""
    ids = None if booking_ids is None else sorted(set(booking_ids))
    facts: list[RollupFacts] = []
    chunks = [None] if ids is None else [ids[n : n + _BATCH] for n in range(0, len(ids), _BATCH)]
    for chunk in chunks:
        bookings = select(*_COLUMNS)
        shares = select(
            BookingShare.booking_id,
            BookingShare.organisation_id,
            BookingShare.share,
            BookingShare.status,
        ).order_by(BookingShare.booking_id, BookingShare.organisation_id)
        if chunk is not None:
            bookings = bookings.where(Booking.id.in_(chunk))
            shares = shares.where(BookingShare.booking_id.in_(chunk))
        by_booking: dict[int, list] = {}
        for booking_id, organisation_id, share, status in connection.execute(shares):
            by_booking.setdefault(booking_id, []).append((organisation_id, Decimal(share), status))
        for row in connection.execute(bookings):
            facts.append(RollupFacts(*row, shares=tuple(by_booking.get(row[0], ()))))
    return facts


_KEY_COLUMNS = ("day", "resource_id", "organisation_id", "purpose_key")


@cache
def _upsert():
    """The upsert adding a row's figures to the rollup (the same SQL on PostgreSQL and
    SQLite), written once as text: SQLAlchemy's ``on_conflict_do_update`` is compiled anew at
    each execution. Every figure is given (0 adds nothing); values are bound with the
    columns' types."""
    table = DayRollup.__table__
    columns = (*_KEY_COLUMNS, *FIGURES)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + name for name in columns)}) "
        f"ON CONFLICT ({', '.join(_KEY_COLUMNS)}) DO UPDATE SET "
        + ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in FIGURES)
    )
    return text(sql).bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns))


def _values(key, figures: dict) -> dict:
    day, resource_id, organisation_id, purpose_key = key
    values = {
        "day": day,
        "resource_id": resource_id,
        "organisation_id": organisation_id,
        "purpose_key": purpose_key,
    }
    for name in FIGURES:
        values[name] = figures.get(name, 0)
    return values


def apply(connection, changes: dict) -> None:
    """Add ``changes`` (figures per row key) to the rollup: one upsert per touched row, sent
    together, keys sorted so that two transactions take the row locks in the same order."""
    rows = []
    for key in sorted(changes):
        figures = {name: value for name, value in changes[key].items() if value}
        if figures:
            rows.append(_values(key, figures))
    if rows:
        connection.execute(_upsert(), rows)


def rebuild(connection) -> int:
    """Empty the rollup and fill it again from every booking; returns the rows written."""
    connection.execute(delete(DayRollup))
    rows = expected(connection)
    values = [_values(key, figures) for key, figures in sorted(rows.items())]
    for start in range(0, len(values), _BATCH):
        connection.execute(DayRollup.__table__.insert(), values[start : start + _BATCH])
    return len(values)


def expected(connection) -> dict:
    """The rollup recomputed from every stored booking."""
    return total(read_facts(connection), pole_tz(), notice(connection))


def differences(connection, tolerance: float = 1e-6) -> list[tuple]:
    """Rows where the stored rollup differs from a recomputation: (key, figure, stored, expected)."""
    wanted = expected(connection)
    stored = {}
    for row in connection.execute(select(DayRollup.__table__)):
        mapping = row._mapping
        key = (mapping["day"], mapping["resource_id"], mapping["organisation_id"])
        stored[(*key, mapping["purpose_key"])] = {name: mapping[name] for name in FIGURES}
    found = []
    for key in sorted(set(wanted) | set(stored)):
        have, want = stored.get(key, {}), wanted.get(key, {})
        for name in FIGURES:
            a, b = have.get(name) or 0, want.get(name) or 0
            close = abs(float(a) - float(b)) <= tolerance if name in FLOATS else a == b
            if not close:
                found.append((key, name, a, b))
    return found


# ---------------------------------------------------------------- the flush listener

_PENDING = "rollup_pending"


_KEYS = tuple(column.key for column in _COLUMNS)


def _figures_change(booking: Booking) -> bool:
    """Whether a stored booking's change touches a column its figures depend on (a reminder
    sent, a title or a sequence changed: no)."""
    attributes = inspect(booking).attrs
    return any(attributes[key].history.has_changes() for key in _KEYS)


def _touched(session: Session) -> tuple[set[int], bool]:
    """Ids of the stored bookings this flush changes, and whether the notice changes."""
    ids: set[int] = set()
    refill = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Booking):
            if obj.id is not None and (obj in session.deleted or _figures_change(obj)):
                ids.add(obj.id)
        elif isinstance(obj, BookingShare):
            booking = obj.booking if obj.booking_id is None else None
            booking_id = obj.booking_id if booking is None else booking.id
            if booking_id is not None:
                ids.add(booking_id)
        elif isinstance(obj, UsageSettings):
            refill = True
    return ids, refill


def _written(booking: Booking) -> RollupFacts:
    """The facts of a booking this flush inserted, from the object (the columns it left unset
    were written as NULL: none of them has a server default)."""
    values = inspect(booking).dict
    return RollupFacts(*(values.get(column.key) for column in _COLUMNS))


def _before_flush(session: Session, _context, _instances) -> None:
    ids, refill = _touched(session)
    new = [obj for obj in session.new if isinstance(obj, Booking)]
    shares_new = [obj for obj in session.new if isinstance(obj, BookingShare)]
    if not (ids or refill or new or shares_new):
        return
    state = session.info.setdefault(_PENDING, {"old": {}, "new": [], "refill": False})
    state["refill"] = state["refill"] or refill
    state["new"].extend(new)
    state["new"].extend(shares_new)
    if ids and not state["refill"]:
        connection = session.connection()
        with session.no_autoflush:
            old = read_facts(connection, ids)
        for facts in old:
            state["old"].setdefault(facts.booking_id, facts)
        state.setdefault("ids", set()).update(ids)


def _after_flush(session: Session, _context) -> None:
    state = session.info.pop(_PENDING, None)
    if state is None:
        return
    connection = session.connection()
    if state["refill"]:
        rebuild(connection)
        return
    ids = set(state.get("ids", ()))
    shared = {obj.booking_id for obj in state["new"] if isinstance(obj, BookingShare)}
    ids |= {booking_id for booking_id in shared if booking_id is not None}
    new = []
    for obj in state["new"]:
        if not isinstance(obj, Booking) or obj.id is None:
            continue
        if obj.id in ids:
            continue
        # A booking created without shares: its figures are in the object just written.
        new.append(_written(obj))
    new += read_facts(connection, ids)
    old = [facts for facts in state["old"].values()]
    if not old and not new:
        return
    # The notice matters (and is read) only when a cancelled booking is in the change.
    cancelled = any(facts.status == "cancelled" for facts in (*old, *new))
    tz, late = pole_tz(), notice(connection) if cancelled else timedelta(0)
    changes = total(new, tz, late)
    for key, figures in total(old, tz, late, sign=-1).items():
        into = changes.setdefault(key, {})
        for name, value in figures.items():
            into[name] = into.get(name, 0) + value
    apply(connection, changes)


def _forget(session: Session, _previous_transaction=None) -> None:
    session.info.pop(_PENDING, None)


def _inserted(session: Session, booking: Booking) -> None:
    """A booking written without a flush (``bookings.inserts``): add its figures."""
    apply(session.connection(), total([_written(booking)], pole_tz(), timedelta(0)))


inserted.connect(_inserted)
event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "after_soft_rollback", _forget)
