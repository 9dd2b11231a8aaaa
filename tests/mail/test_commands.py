"""`pooling jobs run` delivers what is due; `pooling mail send` delivers every queued mail now."""

from __future__ import annotations

from datetime import timedelta

from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.mail.models import OutboxMail
from pooling.mail.outbox import queue
from tests.factories import make_user


def queued(address: str, *, due_in: timedelta = timedelta(0)) -> OutboxMail:
    mail = queue("invitation", user=make_user(email=address), link="https://x/y", hours=72)
    mail.next_attempt_at = utcnow() + due_in
    db.session.commit()
    return mail


def test_jobs_run_delivers_the_due_mails_and_leaves_the_others(app, smtp_server):
    queued("due@example.org")
    queued("later@example.org", due_in=timedelta(minutes=30))
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "mail: 1 sent, 0 to retry, 0 failed" in result.output
    assert [m["To"] for m in smtp_server.messages] == ["due@example.org"]


def test_jobs_run_succeeds_when_the_server_refuses(app, smtp_server):
    smtp_server.always = "451 4.3.0 Try again later"
    mail_id = queued("busy@example.org").id
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "mail: 0 sent, 1 to retry, 0 failed" in result.output
    db.session.expire_all()
    assert db.session.get(OutboxMail, mail_id).status == "queued"


def test_mail_send_delivers_every_queued_mail_whatever_its_backoff(app, smtp_server):
    queued("one@example.org", due_in=timedelta(hours=1))
    queued("two@example.org")
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "mail: 2 sent" in result.output
    assert sorted(m["To"] for m in smtp_server.messages) == ["one@example.org", "two@example.org"]
