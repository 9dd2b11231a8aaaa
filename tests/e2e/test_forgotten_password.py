"""Forgotten password in the browser: the link on the sign-in page, the mail from a real SMTP
server, the link followed, a new password, signed in."""

from __future__ import annotations

import re
import time

import pytest

from pooling.extensions import db
from tests.e2e.conftest import axe_violations, sign_in
from tests.factories import make_organisation, make_user
from tests.mail.conftest import Inbox, start_smtp_server, text_of

NEW_PASSWORD = "une phrase toute neuve"


@pytest.fixture
def mailed(app, live_server):
    """The live server delivers its mail right after each commit to a local SMTP server."""
    inbox = Inbox()
    controller = start_smtp_server(inbox)
    app.config.update(
        MAIL_URL=f"smtp://127.0.0.1:{controller.port}",
        POOLING_BASE_URL=live_server,
        MAIL_DELIVER_AFTER_COMMIT=True,
    )
    yield inbox
    app.extensions["pooling_mail"].wait()
    controller.stop()


def wait_for_mail(inbox: Inbox, address: str, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if inbox.to(address):
            return inbox.to(address)[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail reached {address}")


def test_a_forgotten_password_is_reset_from_the_mailed_link(live_server, page, mailed):
    make_user(make_organisation(), email="odile@example.org", name="Odile Oubli")
    db.session.commit()
    page.goto(f"{live_server}/login")
    with page.expect_navigation():
        page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert axe_violations(page) == []
    page.fill("input[name=email]", "odile@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="M'envoyer un lien").click()
    assert "/login" in page.url
    assert "un lien pour choisir un nouveau mot de passe vient de lui être envoyé" in page.content()
    message = wait_for_mail(mailed, "odile@example.org")
    link = re.search(re.escape(live_server) + r"/password/reset/\S+", text_of(message)).group(0)
    page.goto(link)
    assert axe_violations(page) == []
    page.fill("input[name=password]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    assert page.url.rstrip("/") == live_server
    assert "Odile Oubli" in page.content()
    # Signed out, the new password opens the account.
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    sign_in(page, live_server, "odile@example.org", NEW_PASSWORD)
    assert page.url.rstrip("/") == live_server
