"""Queue a mail: render it in the recipient's language and add it to the current transaction.

Nothing is sent here. The row is committed (or rolled back) with the change that queued it;
after a commit that queued mail, ``delivery`` tries to send it in the background.
"""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from pooling.audit.services import record
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.core.urls import external_url
from pooling.extensions import db
from pooling.mail.models import OutboxMail

# The key of the session's ``info`` that says a mail waits for the commit.
QUEUED_FLAG = "pooling_mail_queued"


def mail_domain() -> str:
    """The domain of the application's address (``POOLING_BASE_URL``), for Message-IDs."""
    base = current_app.config.get("POOLING_BASE_URL") or external_url("home.index")
    return urlsplit(base).hostname or "localhost"


def queue(
    kind: str,
    *,
    user=None,
    to: str | None = None,
    language: str | None = None,
    calendar: bytes | None = None,
    calendar_method: str | None = None,
    **context,
) -> OutboxMail:
    """Render ``mail/<kind>.txt`` and ``.html`` for ``user`` (or the address ``to``) and queue it.

    The templates are rendered in the recipient's language, with ``pole`` (the pole's name),
    ``recipient`` and ``context``; the text template sets ``subject``. The mail is added to the
    current session: it is sent only if the change that queued it is committed.
    """
    address = to or user.email
    languages = current_app.config["LANGUAGES"]
    language = language or getattr(user, "locale", None)
    if language not in languages:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    values = {"pole": current_app.config["POOLING_NAME"], "recipient": user, **context}
    env = current_app.jinja_env
    with force_locale(language):
        text_module = env.get_template(f"mail/{kind}.txt").make_module(values)
        html = env.get_template(f"mail/{kind}.html").render(subject=text_module.subject, **values)
        subject = " ".join(str(text_module.subject).split())
    mail = OutboxMail(
        to_address=address,
        user_id=getattr(user, "id", None),
        kind=kind,
        language=language,
        subject=subject[:300],
        text=str(text_module).strip() + "\n",
        html=html,
        calendar=calendar,
        calendar_method=calendar_method,
        message_id=make_msgid(domain=mail_domain()),
        list_unsubscribe=_unsubscribe_url(kind) if user is not None else None,
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(mail)
    db.session.info[QUEUED_FLAG] = True
    return mail


def _unsubscribe_url(kind: str) -> str:
    """Booking mails point to "My notifications", where they are switched off; others to the
    account page."""
    from pooling.mail.preferences import CHOSEN_KINDS

    if kind in CHOSEN_KINDS:
        return external_url("mail_preferences.edit")
    return external_url("accounts.account")


def recent_mails(actor, limit: int = 200) -> tuple[list[OutboxMail], list[OutboxMail]]:
    """The last mails, newest first, and every failed one (coordinators). Raises NotAllowed."""
    _require_coordinator(actor)
    recent = db.session.scalars(
        select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc()).limit(limit)
    )
    failed = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.status == "failed")
        .order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
    )
    return list(recent), list(failed)


def resend(actor, mail_id: int) -> OutboxMail:
    """Put a failed mail back in the queue with a fresh count of attempts (coordinators).

    Raises NotAllowed, NotFound, RuleViolation (the mail is not failed).
    """
    _require_coordinator(actor)
    outbox_mail = db.session.get(OutboxMail, mail_id)
    if outbox_mail is None:
        raise NotFound(_("This mail does not exist."))
    if outbox_mail.status != "failed":
        raise RuleViolation(_("Only a mail that failed can be sent again."), code="not_failed")
    outbox_mail.status = "queued"
    outbox_mail.attempts = 0
    outbox_mail.next_attempt_at = utcnow()
    outbox_mail.locked_until = None
    db.session.info[QUEUED_FLAG] = True
    db.session.flush()
    record(actor, "mail.resend", outbox_mail, after={"to": outbox_mail.to_address})
    return outbox_mail


def _require_coordinator(actor) -> None:
    if not getattr(actor, "is_coordinator", False):
        raise NotAllowed(_("Only the coordinators of the pole see the mails."))
