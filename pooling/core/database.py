"""Engine settings per database: SQLite in WAL mode with a busy timeout and foreign keys on."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event, text

from pooling.extensions import db


def init_database(app: Flask) -> None:
    """Install the SQLite connection pragmas once the engine exists."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            if ":memory:" not in str(engine.url):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()


def lock_row(table: str, row_id: int) -> None:
    """Serialise writers of one row of ``table`` (a fixed table name) until the transaction ends.

    PostgreSQL locks the row (``SELECT ... FOR UPDATE``); SQLite has one writer at a time,
    so the transaction takes the write lock now (``BEGIN IMMEDIATE``) and what follows reads
    what every earlier writer committed.
    """
    session = db.session
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        session.execute(text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": row_id})


def lock_resource_row(resource_id: int) -> None:
    """Serialise writers of one resource until the transaction ends (see ``lock_row``)."""
    lock_row("resources", resource_id)


def lock_organisation_row(organisation_id: int) -> None:
    """Serialise what counts against one organisation's quotas (see ``lock_row``)."""
    lock_row("organisations", organisation_id)


TRANSIENT_PG_CODES = {"40001", "40P01"}  # serialization failure, deadlock detected


def is_transient(error: Exception) -> bool:
    """Whether a database error is worth retrying: a serialization failure, a deadlock, a busy SQLite."""
    from sqlalchemy.exc import OperationalError

    original = getattr(error, "orig", None)
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code in TRANSIENT_PG_CODES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(original)


def retry_transient(view, attempts: int = 3):
    """Run a write view again (after a rollback) when the database asks for a retry."""
    import functools
    import time

    from sqlalchemy.exc import DBAPIError

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                return view(*args, **kwargs)
            except DBAPIError as error:
                db.session.rollback()
                if attempt == attempts or not is_transient(error):
                    raise
                time.sleep(0.05 * attempt)
        return None

    return wrapper
