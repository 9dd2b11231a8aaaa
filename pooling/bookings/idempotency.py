"""Idempotency keys: a retried booking request gets the first answer and books nothing more.

A key is remembered for 24 hours (``IDEMPOTENCY_TTL_HOURS``): after that it is forgotten,
may be used again, and ``pooling jobs run`` deletes it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from pooling.bookings.models import IdempotencyKey
from pooling.core.db import utcnow
from pooling.core.errors import RuleViolation
from pooling.extensions import db


def expiry_cutoff(now: datetime) -> datetime:
    """Keys created before this instant are forgotten."""
    return now - timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"])


def request_fingerprint(body: dict) -> str:
    """A stable hash of the request body, to tell a retry from a different request."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def replay(
    user, key: str, fingerprint: str, *, now: datetime | None = None
) -> tuple[int, dict] | None:
    """The stored answer for this key, or None; a key reused for another request is refused.

    An expired key is forgotten here (deleted), so the request is treated as new.
    """
    if not key or len(key) > 200:
        message = _("The Idempotency-Key header must have 1 to 200 characters.")
        raise RuleViolation(message, code="invalid_idempotency_key")
    row = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    )
    if row is None:
        return None
    if row.created_at < expiry_cutoff(now or utcnow()):
        db.session.delete(row)
        db.session.flush()
        return None
    if row.request_hash != fingerprint:
        raise RuleViolation(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_key_reused",
        )
    return row.status_code, row.response


def remember(user, key: str, fingerprint: str, status_code: int, response: dict) -> None:
    """Store the answer in the same transaction as the booking it describes."""
    db.session.add(
        IdempotencyKey(
            user_id=user.id,
            key=key,
            request_hash=fingerprint,
            status_code=status_code,
            response=response,
        )
    )
    db.session.flush()


def purge_expired(now: datetime | None = None) -> int:
    """Delete the keys older than their time to live; returns how many were deleted."""
    result = db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < expiry_cutoff(now or utcnow()))
    )
    return result.rowcount or 0
