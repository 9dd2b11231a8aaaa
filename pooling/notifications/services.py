"""Notifications: add them in the transaction of the act, read them in the inbox."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.notifications.models import Notification


def notify(user_ids: Iterable[int], kind: str, booking=None, **params) -> None:
    """Queue one notification per person (deduplicated), rendered later in their language."""
    for user_id in sorted(set(user_ids)):
        db.session.add(
            Notification(
                user_id=user_id,
                kind=kind,
                params=params,
                booking_id=getattr(booking, "id", None),
            )
        )


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def inbox(user, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0


def message(notification: Notification) -> str:
    """The notification's text in the reader's language."""
    p = notification.params or {}
    texts = {
        "booking_pending": _(
            "Booking awaiting your approval: %(resource)s on %(when)s for %(organisation)s.", **p
        ),
        "booking_submitted": _(
            "Your booking of %(resource)s on %(when)s awaits approval.", **p
        ),
        "booking_approved": _("Your booking of %(resource)s on %(when)s is approved.", **p),
        "booking_rejected": _(
            "Your booking of %(resource)s on %(when)s is refused: %(reason)s", **p
        ),
        "booking_cancelled": _(
            "The booking of %(resource)s on %(when)s was cancelled by %(by)s.", **p
        ),
    }
    return texts.get(notification.kind, notification.kind)
