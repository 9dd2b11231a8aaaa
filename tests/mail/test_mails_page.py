"""The coordinators' "Courriels" page: the last mails, the failed ones with their reason, resend."""

from __future__ import annotations

import pytest

from pooling.extensions import db
from pooling.mail.models import OutboxMail
from pooling.mail.outbox import queue
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_user
from tests.mail.conftest import deliver


@pytest.fixture
def refused(app, smtp_server):
    """A mail the server refused for good, and one delivered."""
    smtp_server.always = "550 5.1.1 No such mailbox"
    queue("invitation", user=make_user(email="refused@example.org"), link="https://x/y", hours=72)
    deliver()
    smtp_server.always = None
    queue("invitation", user=make_user(email="fine@example.org"), link="https://x/y", hours=72)
    deliver()
    return db.session.query(OutboxMail).filter_by(to_address="refused@example.org").one()


def test_coordinators_see_the_failed_mails_with_their_reason(login, refused):
    page = login(make_coordinator()).get("/admin/mails/").get_data(as_text=True)
    assert "Courriels en échec" in page
    assert "refused@example.org" in page
    assert "550 5.1.1 No such mailbox" in page
    assert "Renvoyer" in page
    assert "fine@example.org" in page
    assert "Envoyé" in page


def test_the_page_is_linked_from_the_coordinators_menu(login, app):
    assert 'href="/admin/mails/"' in login(make_coordinator()).get("/").get_data(as_text=True)
    assert 'href="/admin/mails/"' not in login(make_user()).get("/").get_data(as_text=True)


def test_the_page_speaks_english_to_an_english_coordinator(login, refused):
    page = login(make_coordinator(locale="en")).get("/admin/mails/").get_data(as_text=True)
    assert "Failed mails" in page and "Resend" in page


def test_other_people_may_not_see_the_mails(login, refused):
    assert login(make_user()).get("/admin/mails/").status_code == 403


def test_resend_queues_the_mail_again_and_it_is_delivered(login, refused, smtp_server):
    client = login(make_coordinator())
    token = csrf_token(client, "/admin/mails/")
    response = client.post(f"/admin/mails/{refused.id}/resend", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert (refused.status, refused.attempts) == ("queued", 0)
    deliver()
    assert [m["To"] for m in smtp_server.to("refused@example.org")] == ["refused@example.org"]
    assert refused.status == "sent"


def test_resend_needs_the_csrf_token(login, refused):
    response = login(make_coordinator()).post(f"/admin/mails/{refused.id}/resend")
    assert response.status_code == 400
    db.session.expire_all()
    assert refused.status == "failed"


def test_a_mail_that_did_not_fail_is_not_resent(login, refused):
    sent = db.session.query(OutboxMail).filter_by(to_address="fine@example.org").one()
    client = login(make_coordinator())
    token = csrf_token(client, "/admin/mails/")
    page = client.post(
        f"/admin/mails/{sent.id}/resend", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Seul un courriel en échec peut être renvoyé." in page
    db.session.expire_all()
    assert sent.status == "sent"
