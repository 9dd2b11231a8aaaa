"""Delivery to a real SMTP server: headers, retries with backoff, permanent refusals, claims."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from config import ConfigurationError, DevelopmentConfig, ProductionConfig
from pooling import create_app
from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.mail import delivery
from pooling.mail.delivery import MailUrlError, deliver_due, parse_mail_url, wait_for_delivery
from pooling.mail.models import MAX_ATTEMPTS, OutboxMail
from pooling.mail.outbox import queue
from tests.factories import make_user
from tests.mail.conftest import deliver, html_of, text_of


def queued_mail(person=None, **context) -> OutboxMail:
    person = person or make_user(name="Nina")
    mail = queue("invitation", user=person, link="https://pole.example.org/x", hours=72, **context)
    db.session.commit()
    return mail


def reload(mail_id: int) -> OutboxMail:
    db.session.expire_all()
    return db.session.get(OutboxMail, mail_id)


def test_a_queued_mail_reaches_the_server_with_its_headers(app, smtp_server):
    app.config["MAIL_FROM"] = "Pôle <pole@example.org>"
    person = make_user(name="Nina", email="nina@example.org")
    mail_id = queued_mail(person).id
    report = deliver_due()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [message] = smtp_server.messages
    assert smtp_server.envelopes == [["nina@example.org"]]
    assert message["To"] == "nina@example.org"
    assert message["From"] == "Pôle <pole@example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@pole.example.org>")
    assert message["List-Unsubscribe"] == "<https://pole.example.org/account>"
    assert message["Content-Language"] == "fr"
    assert "Bonjour Nina," in text_of(message)
    assert "<p>Bonjour Nina,</p>" in html_of(message)
    mail = reload(mail_id)
    assert mail.status == "sent"
    assert mail.sent_at is not None
    assert mail.message_id == message["Message-ID"]
    # The one-time link was a credential: the outbox does not keep it once delivered.
    assert "https://pole.example.org/x" not in mail.text
    assert mail.html is None


def test_a_temporary_refusal_is_retried_later_and_delivered_exactly_once(app, smtp_server):
    smtp_server.refusals = ["451 4.3.0 Try again later"]
    mail_id = queued_mail().id
    assert deliver_due().retried == 1
    mail = reload(mail_id)
    assert (mail.status, mail.attempts) == ("queued", 1)
    assert "451" in mail.last_error
    assert mail.next_attempt_at > utcnow()
    # Not due yet: the next run leaves it alone.
    assert deliver_due().sent == 0
    assert smtp_server.messages == []
    with time_machine.travel(utcnow() + timedelta(minutes=2), tick=True):
        assert deliver_due().sent == 1
        assert deliver_due().sent == 0
    assert len(smtp_server.messages) == 1
    mail = reload(mail_id)
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, None)


def test_a_permanent_refusal_fails_at_once(app, smtp_server):
    smtp_server.always = "550 5.1.1 No such mailbox"
    mail_id = queued_mail().id
    assert deliver_due().failed == 1
    mail = reload(mail_id)
    assert (mail.status, mail.attempts) == ("failed", 1)
    assert "550" in mail.last_error and "No such mailbox" in mail.last_error


def test_backoff_grows_and_the_eighth_failure_is_final(app, smtp_server):
    smtp_server.always = "421 4.7.0 Busy"
    mail_id = queued_mail().id
    waits = []
    for _ in range(MAX_ATTEMPTS):
        deliver_due(force=True)
        mail = reload(mail_id)
        if mail.status == "queued":
            waits.append(mail.next_attempt_at - utcnow())
    mail = reload(mail_id)
    assert (mail.status, mail.attempts) == ("failed", MAX_ATTEMPTS)
    assert len(waits) == MAX_ATTEMPTS - 1
    assert all(later > earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert smtp_server.messages == []


def test_an_unreachable_server_keeps_the_mail_queued(app):
    from tests.mail.conftest import free_port

    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    mail_id = queued_mail().id
    assert deliver_due().retried == 1
    mail = reload(mail_id)
    assert mail.status == "queued"
    assert "ConnectionRefusedError" in mail.last_error


def test_a_mail_claimed_by_one_deliverer_is_not_taken_by_another(app, smtp_server):
    mail_id = queued_mail().id
    assert delivery._claim(mail_id, force=False) is True
    assert delivery._claim(mail_id, force=False) is False
    assert delivery._claim(mail_id, force=True) is False
    assert deliver_due(force=True).sent == 0


def test_two_deliverers_at_once_send_each_mail_once(app, smtp_server):
    smtp_server.delay = 0.3
    people = [make_user() for _ in range(3)]
    for person in people:
        queue("invitation", user=person, link="https://pole.example.org/x", hours=72)
    db.session.commit()
    reports = []

    def run():
        with app.app_context():
            reports.append(deliver_due())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(report.sent for report in reports) == 3
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in people)


def test_delivery_starts_by_itself_after_the_commit(app, smtp_server):
    app.config["MAIL_DELIVER_AFTER_COMMIT"] = True
    person = make_user(email="after@example.org")
    queue("invitation", user=person, link="https://pole.example.org/x", hours=72)
    db.session.commit()
    wait_for_delivery(app)
    assert [m["To"] for m in smtp_server.messages] == ["after@example.org"]


def test_nothing_is_sent_for_a_rolled_back_change(app, smtp_server):
    app.config["MAIL_DELIVER_AFTER_COMMIT"] = True
    person = make_user()
    queue("invitation", user=person, link="https://pole.example.org/x", hours=72)
    db.session.rollback()
    db.session.commit()
    wait_for_delivery(app)
    deliver()
    assert smtp_server.messages == []
    assert db.session.scalars(select(OutboxMail)).all() == []


def test_development_without_mail_url_writes_eml_files(app, tmp_path):
    assert not app.config.get("MAIL_URL")
    mail_id = queued_mail(make_user(email="dev@example.org")).id
    assert deliver_due().sent == 1
    [path] = (tmp_path / "mail").glob("*.eml")
    assert path.name.endswith(f"-{mail_id}-invitation.eml")
    content = path.read_text()
    assert "To: dev@example.org" in content
    assert "Auto-Submitted: auto-generated" in content
    assert reload(mail_id).status == "sent"


def test_development_served_without_debug_writes_files(app, tmp_path):
    """`make run` serves without the debugger (DEBUG off): mail still goes to .eml files."""
    app.config.update(TESTING=False, DEBUG=False, MAIL_FILE_PATH=str(tmp_path / "dev-mail"))
    mail_id = queued_mail().id
    assert deliver_due().sent == 1
    assert len(list((tmp_path / "dev-mail").glob("*.eml"))) == 1
    assert reload(mail_id).status == "sent"


def test_production_without_mail_url_keeps_mails_queued(app):
    app.config.update(TESTING=False, DEBUG=False, MAIL_TO_FILES=False)
    mail_id = queued_mail().id
    report = deliver_due()
    assert not report.configured
    assert "MAIL_URL" in str(report)
    assert reload(mail_id).status == "queued"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mail.example.org:2525",
            ("mail.example.org", 2525, None, None, False, False),
        ),
        (
            "smtp+starttls://pole%40example.org:s%3Acret@mail.example.org:587",
            ("mail.example.org", 587, "pole@example.org", "s:cret", True, False),
        ),
        (
            "smtps://pole:secret@mail.example.org",
            ("mail.example.org", 465, "pole", "secret", False, True),
        ),
    ],
)
def test_mail_url_becomes_flask_mailman_settings(url, expected):
    settings = parse_mail_url(url)
    keys = ("SERVER", "PORT", "USERNAME", "PASSWORD", "USE_TLS", "USE_SSL")
    assert tuple(settings[f"MAIL_{key}"] for key in keys) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:port"])
def test_a_malformed_mail_url_is_refused(url):
    with pytest.raises(MailUrlError):
        parse_mail_url(url)
    with pytest.raises(ConfigurationError, match="MAIL_URL"):
        ProductionConfig.validate(
            {
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "REDIS_URL": "redis://",
                "MAIL_URL": url,
            }
        )


def test_the_application_reads_mail_url_into_flask_mailman(tmp_path):
    app = create_app(
        DevelopmentConfig,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        MAIL_URL="smtps://pole:secret@mail.example.org",
        POOLING_INSTANCE_PATH=str(tmp_path),
    )
    assert app.config["MAIL_SERVER"] == "mail.example.org"
    assert app.config["MAIL_PORT"] == 465
    assert app.config["MAIL_USE_SSL"] is True
    assert app.extensions["mailman"].server == "mail.example.org"
