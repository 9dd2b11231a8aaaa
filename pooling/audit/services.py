"""Recording audit events; services call ``record`` in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from pooling.audit.models import AuditEvent
from pooling.extensions import db


def record(
    actor,
    action: str,
    obj: Any,
    *,
    before: dict | None = None,
    after: dict | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Add an audit event for ``action`` on ``obj`` by ``actor`` (None for the system)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=getattr(obj, "__tablename__", type(obj).__name__).rstrip("s"),
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
        note=note,
    )
    db.session.add(event)
    return event
