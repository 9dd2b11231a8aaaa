"""Deliver the outbox over SMTP (Flask-Mailman), or as ``.eml`` files in development.

``MAIL_URL`` names the server: ``smtp://HOST:PORT``, ``smtp+starttls://USER:PASS@HOST:587`` or
``smtps://USER:PASS@HOST:465``. Without it, development and tests write each mail to
``instance/mail/``; production keeps the mails queued until it is set.

Each deliverer claims a mail before sending it (an UPDATE that only succeeds while the mail is
queued and not leased by another deliverer), so two deliverers never send the same mail. A
temporary failure is retried with exponential backoff, up to ``MAX_ATTEMPTS`` tries; a
permanent refusal (SMTP 5xx) fails at once.
"""

from __future__ import annotations

import smtplib
import threading
from dataclasses import dataclass
from datetime import timedelta
from email.mime.text import MIMEText
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, has_app_context
from flask_mailman import EmailMultiAlternatives, Mail
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.mail.models import MAX_ATTEMPTS, OutboxMail
from pooling.mail.outbox import QUEUED_FLAG, mail_domain

mail = Mail()

# How long a deliverer keeps a claimed mail before another may try it (it died meanwhile).
LEASE = timedelta(minutes=10)
# Mails that carry a one-time link (a credential): their body is dropped once delivered.
SECRET_KINDS = frozenset(
    {"invitation", "password_reset", "password_reset_link", "membership_proposed"}
)
SCRUBBED = "[removed after delivery: this mail held a one-time link]"
SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


class MailUrlError(ValueError):
    """``MAIL_URL`` is not one of the forms the application understands."""


def parse_mail_url(url: str) -> dict:
    """Flask-Mailman's settings (``MAIL_SERVER``, ``MAIL_PORT``...) for a ``MAIL_URL``.

    Raises MailUrlError for an unknown scheme, a missing host or a malformed port.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        raise MailUrlError("MAIL_URL must start with smtp://, smtp+starttls:// or smtps://")
    if not parts.hostname:
        raise MailUrlError("MAIL_URL must name the mail server's host")
    default_port, starttls, tls = SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise MailUrlError("MAIL_URL has a malformed port") from error
    return {
        "MAIL_SERVER": parts.hostname,
        "MAIL_PORT": port,
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_TLS": starttls,
        "MAIL_USE_SSL": tls,
    }


def init_mail(app: Flask) -> None:
    """Read ``MAIL_URL`` into Flask-Mailman's settings and bind it; watch commits for mail."""
    url = app.config.get("MAIL_URL")
    app.config["MAIL_BACKEND"] = "smtp"
    if url:
        app.config.update(parse_mail_url(url))
    app.config.setdefault("MAIL_TIMEOUT", 30)
    mail.init_app(app)
    app.extensions["pooling_mail"] = BackgroundDelivery(app)
    _watch_commits()


def mail_from() -> str:
    """The sender: ``MAIL_FROM``, else the pole's name at ``noreply@`` the application's domain."""
    configured = current_app.config.get("MAIL_FROM")
    if configured:
        return configured
    return f"{current_app.config['POOLING_NAME']} <noreply@{mail_domain()}>"


def writes_files() -> bool:
    """Whether mail goes to ``.eml`` files: no ``MAIL_URL`` in development or tests."""
    config = current_app.config
    return not config.get("MAIL_URL") and bool(config.get("MAIL_TO_FILES"))


def mail_folder() -> Path:
    """Where development writes its mails: ``MAIL_FILE_PATH``, else ``instance/mail``."""
    configured = current_app.config.get("MAIL_FILE_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "mail"


def build_message(outbox_mail: OutboxMail, connection=None) -> EmailMultiAlternatives:
    """The message of an outbox row: text, HTML alternative, calendar part and headers."""
    headers = {
        "Message-ID": outbox_mail.message_id,
        "Auto-Submitted": "auto-generated",
        "Content-Language": outbox_mail.language,
    }
    if outbox_mail.list_unsubscribe:
        headers["List-Unsubscribe"] = f"<{outbox_mail.list_unsubscribe}>"
    message = EmailMultiAlternatives(
        subject=outbox_mail.subject,
        body=outbox_mail.text,
        from_email=mail_from(),
        to=[outbox_mail.to_address],
        headers=headers,
        connection=connection,
    )
    if outbox_mail.html:
        message.attach_alternative(outbox_mail.html, "text/html")
    if outbox_mail.calendar:
        part = MIMEText(outbox_mail.calendar.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", outbox_mail.calendar_method or "REQUEST")
        message.attach(part)
    return message


class PermanentFailure(Exception):
    """The server refused the mail for good (SMTP 5xx): trying again would not help."""


def _reason(error: Exception) -> tuple[bool, str]:
    """Whether ``error`` is a permanent refusal, and the reason to show coordinators."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        text = "; ".join(
            f"{address}: {code} {_text_of(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        return bool(codes) and all(500 <= code < 600 for code in codes), text
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # The pole's own settings are wrong: every mail would fail, so keep them for later.
        return False, f"{error.smtp_code} {_text_of(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600, f"{error.smtp_code} {_text_of(error.smtp_error)}"
    return False, f"{type(error).__name__}: {error}"


def _text_of(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def send_now(outbox_mail: OutboxMail) -> None:
    """Hand one mail to the server (or write its file). Raises what the server answered.

    The message is built first, then the session's transaction ends: no database transaction
    stays open while a slow server answers.
    """
    message = build_message(outbox_mail)
    if writes_files():
        stamp = outbox_mail.created_at.strftime("%Y%m%d-%H%M%S")
        name = f"{stamp}-{outbox_mail.id}-{outbox_mail.kind}.eml"
        db.session.commit()
        folder = mail_folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(message.message().as_bytes())
        return
    db.session.commit()
    settings = parse_mail_url(current_app.config["MAIL_URL"])
    connection = mail.get_connection(
        backend="smtp",
        fail_silently=False,
        host=settings["MAIL_SERVER"],
        port=settings["MAIL_PORT"],
        username=settings["MAIL_USERNAME"],
        password=settings["MAIL_PASSWORD"],
        use_tls=settings["MAIL_USE_TLS"],
        use_ssl=settings["MAIL_USE_SSL"],
        timeout=current_app.config.get("MAIL_TIMEOUT") or 30,
    )
    with connection:
        message.connection = connection
        message.send()


@dataclass
class Report:
    """What one delivery run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    configured: bool = True

    def __str__(self) -> str:
        if not self.configured:
            return "mail: MAIL_URL is not set, mails stay queued"
        return f"mail: {self.sent} sent, {self.retried} to retry, {self.failed} failed"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 1, 2, 4... minutes, at most 2 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _claim(mail_id: int, *, force: bool) -> bool:
    """Take one mail for this deliverer (and count the attempt); False if another has it."""
    now = utcnow()
    conditions = [
        OutboxMail.id == mail_id,
        OutboxMail.status == "queued",
        or_(OutboxMail.locked_until.is_(None), OutboxMail.locked_until < now),
    ]
    if not force:
        conditions.append(OutboxMail.next_attempt_at <= now)
    result = db.session.execute(
        update(OutboxMail)
        .where(*conditions)
        .values(locked_until=now + LEASE, attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due(*, force: bool = False, limit: int = 200) -> Report:
    """Send the queued mails that are due (every queued mail with ``force``); commits each.

    Never raises for a mail the server refuses: it is retried later or marked failed.
    """
    report = Report()
    if not current_app.config.get("MAIL_URL") and not writes_files():
        report.configured = False
        return report
    now = utcnow()
    query = select(OutboxMail.id).where(
        OutboxMail.status == "queued",
        or_(OutboxMail.locked_until.is_(None), OutboxMail.locked_until < now),
    )
    if not force:
        query = query.where(OutboxMail.next_attempt_at <= now)
    mail_ids = list(db.session.scalars(query.order_by(OutboxMail.id).limit(limit)))
    db.session.commit()
    for mail_id in mail_ids:
        if not _claim(mail_id, force=force):
            continue
        outbox_mail = db.session.get(OutboxMail, mail_id, populate_existing=True)
        try:
            send_now(outbox_mail)
        except (smtplib.SMTPException, OSError) as error:
            permanent, reason = _reason(error)
            outbox_mail.last_error = reason[:2000]
            outbox_mail.locked_until = None
            if permanent or outbox_mail.attempts >= MAX_ATTEMPTS:
                outbox_mail.status = "failed"
                report.failed += 1
            else:
                outbox_mail.next_attempt_at = utcnow() + backoff(outbox_mail.attempts)
                report.retried += 1
            current_app.logger.warning(
                "Mail %s to %s not delivered: %s", mail_id, outbox_mail.to_address, reason
            )
        else:
            outbox_mail.status = "sent"
            outbox_mail.sent_at = utcnow()
            outbox_mail.locked_until = None
            outbox_mail.last_error = None
            if outbox_mail.kind in SECRET_KINDS:
                # The one-time link is a credential: once delivered, the outbox forgets it.
                outbox_mail.text = SCRUBBED
                outbox_mail.html = None
            report.sent += 1
        db.session.commit()
    return report


class BackgroundDelivery:
    """One delivery thread per application, started after a commit that queued mail.

    A commit while the thread runs asks it for one more round, so no mail waits for cron.
    """

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.running = False
        self.again = False
        self.thread: threading.Thread | None = None

    def kick(self) -> None:
        with self.lock:
            if self.running:
                self.again = True
                return
            self.running = True
            self.again = False
            # Not a daemon: a command that queued mail (pooling users invite) waits for it to leave.
            self.thread = threading.Thread(target=self._run, name="mail-delivery", daemon=False)
            self.thread.start()

    def _run(self) -> None:
        while True:
            with self.app.app_context():
                try:
                    deliver_due()
                except Exception:  # the mails stay queued: cron delivers them later
                    db.session.rollback()
                    self.app.logger.exception("Background mail delivery failed")
                finally:
                    db.session.remove()
            with self.lock:
                if not self.again:
                    self.running = False
                    return
                self.again = False

    def wait(self, timeout: float = 30) -> None:
        """Wait for the running delivery to end (tests, and a clean shutdown)."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)


def wait_for_delivery(app: Flask, timeout: float = 30) -> None:
    app.extensions["pooling_mail"].wait(timeout)


def _after_commit(session) -> None:
    if not session.info.pop(QUEUED_FLAG, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if app.config.get("MAIL_DELIVER_AFTER_COMMIT", True) and "pooling_mail" in app.extensions:
        app.extensions["pooling_mail"].kick()


def _after_soft_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(QUEUED_FLAG, None)


_watching = False


def _watch_commits() -> None:
    global _watching
    if not _watching:
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
        _watching = True
