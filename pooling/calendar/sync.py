"""Reading one external calendar: the HTTP fetch happens between two short transactions.

A fetch may take seconds; no database transaction (and no lock or pooled connection) is
held while it runs. The first transaction reads what to fetch, the second stores what came
back. This module commits, like the adapters that call it (the sync page, ``pooling ical
sync`` and ``pooling jobs run``).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from pooling.calendar import external, services
from pooling.core.db import utcnow
from pooling.core.time import pole_tz
from pooling.extensions import db


def sync_calendar(calendar_id: int, *, now: datetime | None = None) -> services.SyncOutcome:
    """Fetch one calendar, then replace its busy times (or record why it could not be read).

    An unexpected failure is recorded on the calendar and raised again. Raises NotFound.
    """
    now = now or utcnow()
    target = services.sync_target(calendar_id)
    db.session.commit()  # end the read: the fetch below holds no transaction
    config = current_app.config
    result = external.read_calendar(
        target.url,
        etag=target.etag,
        last_modified=target.last_modified,
        now=now,
        tz=pole_tz(),
        timeout=float(config.get("POOLING_ICAL_FETCH_TIMEOUT", external.DEFAULT_TIMEOUT)),
        max_bytes=int(config.get("POOLING_ICAL_MAX_BYTES", external.DEFAULT_MAX_BYTES)),
    )
    try:
        outcome = services.store_sync_result(calendar_id, result, now=now)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        services.record_sync_crash(calendar_id, f"{type(error).__name__}: {error}", now=now)
        db.session.commit()
        raise
    return outcome
