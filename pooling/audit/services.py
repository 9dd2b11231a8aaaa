"""Recording audit events; services call ``record`` in the same transaction as the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.audit.models import AuditEvent
from pooling.audit.words import object_kind
from pooling.core.actors import require_actor
from pooling.core.errors import NotAllowed
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
    """Add an audit event for ``action`` on ``obj`` by ``actor`` (SYSTEM has no id)."""
    event = AuditEvent(
        actor_id=require_actor(actor).id,
        action=action,
        object_type=object_kind(getattr(obj, "__tablename__", type(obj).__name__)),
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
        note=note,
    )
    db.session.add(event)
    return event


@dataclass
class AuditFilter:
    """Filters of the audit page: the kind of act, the object, who, and a period."""

    action: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    actor_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None


def can_read_audit(user) -> bool:
    """The audit trail is for the pole's coordinators."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def search_events(
    actor, filters: AuditFilter, *, limit: int = 200, offset: int = 0
) -> list[AuditEvent]:
    """Audit events matching the filters, newest first. Raises NotAllowed for non-coordinators."""
    if not can_read_audit(actor):
        raise NotAllowed(_("Only the pole's coordinators can read the audit trail."))
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters.action:
        query = query.where(AuditEvent.action.like(f"{filters.action}%"))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.start is not None:
        query = query.where(AuditEvent.at >= filters.start)
    if filters.end is not None:
        query = query.where(AuditEvent.at < filters.end)
    return list(db.session.scalars(query.limit(limit).offset(offset)))


def action_names() -> list[str]:
    """The distinct actions recorded so far, for the filter's choices."""
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
