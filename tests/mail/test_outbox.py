"""The outbox: a mail is rendered in its recipient's language and lives in the change's transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from pooling.extensions import db
from pooling.mail.models import OutboxMail
from pooling.mail.outbox import queue
from tests.factories import make_user


def outbox() -> list[OutboxMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_a_mail_is_rendered_in_the_recipients_language(app):
    app.config["POOLING_NAME"] = "Pôle Sud"
    french = make_user(name="Fanny", locale="fr")
    english = make_user(name="Edward", locale="en")
    queue("invitation", user=french, link="https://x.example/a", hours=72)
    queue("invitation", user=english, link="https://x.example/b", hours=72)
    db.session.commit()
    fr_mail, en_mail = outbox()
    assert fr_mail.language == "fr"
    assert fr_mail.subject == "Votre compte sur Pôle Sud"
    assert "Bonjour Fanny," in fr_mail.text
    assert "https://x.example/a" in fr_mail.text
    assert 'href="https://x.example/a"' in fr_mail.html
    assert en_mail.language == "en"
    assert en_mail.subject == "Your account on Pôle Sud"
    assert "Hello Edward," in en_mail.text
    assert '<html lang="en">' in en_mail.html


def test_the_html_part_escapes_what_people_typed(app):
    person = make_user(name="<b>Eve</b>")
    mail = queue("invitation", user=person, link="https://x.example/a", hours=72)
    assert "&lt;b&gt;Eve&lt;/b&gt;" in mail.html
    assert "<b>Eve</b>" in mail.text


def test_headers_name_the_applications_domain_and_the_account_page(app):
    app.config["POOLING_BASE_URL"] = "https://pole.example.org"
    person = make_user()
    mail = queue("invitation", user=person, link="https://x.example/a", hours=72)
    db.session.commit()
    assert mail.message_id.startswith("<")
    assert mail.message_id.endswith("@pole.example.org>")
    assert mail.list_unsubscribe == "https://pole.example.org/account"
    assert mail.status == "queued"
    assert mail.to_address == person.email
    assert mail.user_id == person.id


def test_a_rolled_back_change_leaves_no_mail(app):
    person = make_user()
    queue("invitation", user=person, link="https://x.example/a", hours=72)
    db.session.rollback()
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0
    assert not db.session.info.get("pooling_mail_queued")


def test_two_mails_never_share_a_message_id(app):
    person = make_user()
    first = queue("invitation", user=person, link="https://x.example/a", hours=72)
    second = queue("invitation", user=person, link="https://x.example/a", hours=72)
    db.session.commit()
    assert first.message_id != second.message_id
