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


def lock_resource_row(resource_id: int) -> None:
    """Serialise writers of one resource until the transaction ends.

    PostgreSQL locks the resource row (``SELECT ... FOR UPDATE``); SQLite has one writer
    at a time, so the transaction takes the write lock now (``BEGIN IMMEDIATE``) and the
    conflict check that follows reads what every earlier writer committed.
    """
    session = db.session
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(
            text("SELECT id FROM resources WHERE id = :id FOR UPDATE"), {"id": resource_id}
        )
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        session.execute(text("UPDATE resources SET id = id WHERE id = :id"), {"id": resource_id})
