"""``GET /healthz``: 200 when the database answers and its schema is at the newest migration.

No sign-in, no throttling, and nothing in the answer but ``ok`` or ``unavailable``: the
reason of a failure goes to the log, not to whoever asks.
"""

from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from pooling.extensions import db, limiter

bp = Blueprint("health", __name__)


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the migrations in ``directory`` (read once per process)."""
    return frozenset(ScriptDirectory(directory).get_heads())


def schema_is_current() -> bool:
    """Whether the database answers and is migrated to the newest revision."""
    directory = current_app.extensions["migrate"].directory
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return frozenset(current) == migration_heads(directory)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        healthy = schema_is_current()
        reason = "the database is not migrated to the newest revision"
    except Exception as error:  # any failure to reach the database is "unavailable"
        healthy = False
        reason = f"the database does not answer ({type(error).__name__})"
    if healthy:
        return jsonify(status="ok")
    current_app.logger.error("Health check failed: %s", reason)
    response = jsonify(status="unavailable")
    response.status_code = 503
    response.headers["Retry-After"] = "10"
    return response
