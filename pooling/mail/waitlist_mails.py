"""The waitlist mail: a freed slot is offered to the person waiting for it.

Queued in the transaction that makes the offer (a rolled-back offer sends nothing), in the
recipient's language, with the time held and a link to "My waitlist" to accept or decline.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, format_date, format_time

from pooling.core.urls import external_url
from pooling.mail.outbox import queue
from pooling.mail.preferences import wants_mail

KIND = "waitlist_offer"


def _span(start, end) -> str:
    text = f"{format_date(start, 'full')}, {format_time(start, 'HH:mm')} – "
    if format_date(start, "short") != format_date(end, "short"):
        text += f"{format_date(end, 'full')}, "
    return text + format_time(end, "HH:mm")


def queue_offer(entry) -> None:
    """Queue the offer's mail to the entry's person (unless they switched it off)."""
    user = entry.user
    if not user.active or not user.email or not wants_mail(user, KIND):
        return
    language = user.locale
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        when = _span(entry.start_at, entry.end_at)
        until = f"{format_date(entry.offer_expires_at, 'full')}, "
        until += format_time(entry.offer_expires_at, "HH:mm")
    queue(
        KIND,
        user=user,
        language=language,
        resource=entry.resource.name,
        title=entry.title,
        organisation=entry.organisation.name,
        when=when,
        until=until,
        link=external_url("waitlist.mine"),
    )
