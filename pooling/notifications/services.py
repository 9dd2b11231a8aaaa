"""Notifications: add them in the transaction of the act, read them in the inbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.notifications.models import Notification


def notify(user_ids: Iterable[int], kind: str, booking=None, **params) -> None:
    """Queue one notification per person (deduplicated), rendered later in their language.

    A notification about a booking is also mailed to the same people (``booking_mails``).
    """
    from pooling.mail.booking_mails import remember

    user_ids = sorted(set(user_ids))
    remember(user_ids, kind, booking, params)
    for user_id in user_ids:
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


def _day(params: dict) -> str:
    """The notified last valid day (stored as an ISO date) in the reader's words."""
    text = params.get("until")
    if not text:
        return ""
    try:
        return format_date(date.fromisoformat(str(text)), "full")
    except ValueError:
        return str(text)


def _when(params: dict) -> str:
    """The notified booking's start (stored as an ISO UTC instant) in local time and words."""
    text = params.get("start")
    if not text:
        return ""
    try:
        instant = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return str(text)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return f"{format_date(instant, 'full')}, {format_time(instant, 'HH:mm')}"


# What each kind of notification says; the values come from its params (see ``message``).
_TEXTS = {
    "booking_submitted": _l("Your booking of %(resource)s on %(when)s awaits approval."),
    "booking_approved": _l("Your booking of %(resource)s on %(when)s is approved."),
    "booking_rejected": _l("Your booking of %(resource)s on %(when)s is refused: %(reason)s"),
    "share_accepted": _l("%(organisation)s accepted its share of %(resource)s on %(when)s."),
    "share_declined": _l(
        "%(organisation)s declined its share of %(resource)s on %(when)s; it stays with "
        "your organisation."
    ),
    "booking_cancelled": _l("The booking of %(resource)s on %(when)s was cancelled by %(by)s."),
    "membership_proposed": _l(
        "%(organisation)s invites you to join it. Open the link its referent sends you, "
        "signed in with this account, to accept."
    ),
    "password_reset_link": _l(
        "%(by)s issued a one-time link to reset your password. Your current password keeps "
        "working until the link is used; if you did not ask for it, tell the pole's "
        "coordinators."
    ),
    "booking_moved": _l("Your booking of %(resource)s was moved by %(by)s to %(when)s."),
    "booking_cancelled_closure": _l(
        "Your booking of %(resource)s on %(when)s is cancelled: closed (%(reason)s)."
    ),
    "qualification_expiring": _l(
        "Your qualification %(qualification)s ends on %(until)s: after that day you can no "
        "longer book the resources that require it. Once it is renewed, ask your referent or "
        "the coordination to record the new date."
    ),
    "qualification_expiring_person": _l(
        "%(person)s: the qualification %(qualification)s ends on %(until)s. Once it is "
        "renewed, record the new date on the qualifications page."
    ),
    "waitlist_offered": _l(
        "The slot you are waiting for on %(resource)s on %(when)s is free and held for you "
        "until %(until)s: accept or decline it in your waitlist."
    ),
}


def _counted_text(kind: str, count: int, values: dict) -> str | None:
    """The texts that name how many dates a series notification covers."""
    if kind == "booking_pending":
        return ngettext(
            "Booking awaiting your approval: %(resource)s on %(when)s for %(organisation)s.",
            "Booking awaiting your approval: %(resource)s from %(when)s for %(organisation)s "
            "(%(num)s dates).",
            count,
            **values,
        )
    if kind == "booking_approved" and count > 1:
        return ngettext(
            "Your booking of %(resource)s on %(when)s (%(num)s date) is approved.",
            "Your booking of %(resource)s from %(when)s (%(num)s dates) is approved.",
            count,
            **values,
        )
    if kind == "booking_rejected" and count > 1:
        return ngettext(
            "Your booking of %(resource)s on %(when)s (%(num)s date) is refused: %(reason)s",
            "Your booking of %(resource)s from %(when)s (%(num)s dates) is refused: %(reason)s",
            count,
            **values,
        )
    if kind == "booking_expired":
        return ngettext(
            "Your request for %(resource)s on %(when)s has expired: nobody decided before "
            "its start.",
            "Your request for %(resource)s from %(when)s (%(num)s dates) has expired: nobody "
            "decided before their start.",
            count,
            **values,
        )
    if kind == "share_proposed":
        return ngettext(
            "%(organisation)s proposes that your organisation carries %(share)s %% of %(resource)s "
            "on %(when)s: accept or decline it in your inbox.",
            "%(organisation)s proposes that your organisation carries %(share)s %% of %(resource)s "
            "from %(when)s (%(num)s dates): accept or decline each in your inbox.",
            count,
            **values,
        )
    return None


def message(notification: Notification) -> str:
    """The notification's text in the reader's language, with the date in local time."""
    values = {
        "resource": "",
        "organisation": "",
        "reason": "",
        "by": "",
        "share": "",
        "qualification": "",
        "person": "",
        "count": 1,
        **(notification.params or {}),
    }
    values["when"] = _when(values)
    # A waitlist offer is held until an instant ("expires"); a qualification ends on a day.
    if values.get("expires"):
        values["until"] = _when({"start": values["expires"]})
    else:
        values["until"] = _day(values)
    values["reason"] = values["reason"] or _("no reason given")
    counted = _counted_text(notification.kind, int(values["count"] or 1), values)
    if counted is not None:
        return counted
    text = _TEXTS.get(notification.kind)
    return str(text) % values if text is not None else notification.kind
