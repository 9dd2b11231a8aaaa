"""Idempotency keys: a retried booking request gets the first answer and books nothing more."""

from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.bookings.models import IdempotencyKey
from pooling.core.errors import RuleViolation
from pooling.extensions import db


def request_fingerprint(body: dict) -> str:
    """A stable hash of the request body, to tell a retry from a different request."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def replay(user, key: str, fingerprint: str) -> tuple[int, dict] | None:
    """The stored answer for this key, or None; a key reused for another request is refused."""
    if not key or len(key) > 200:
        message = _("The Idempotency-Key header must have 1 to 200 characters.")
        raise RuleViolation(message, code="invalid_idempotency_key")
    row = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    )
    if row is None:
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
