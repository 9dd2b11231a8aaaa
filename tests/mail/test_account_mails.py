"""Account mails end to end: the invitation and the forgotten password reach a real SMTP server,
in the person's language, and their links work when followed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.mail.models import OutboxMail
from tests.accounts.conftest import post_login
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from tests.mail.conftest import deliver, html_of, link_in, text_of

NEW_PASSWORD = "a brand new passphrase"


def set_password(client, path: str, password: str = NEW_PASSWORD):
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token, "password": password, "confirm": password})


def forgotten(client, email: str):
    token = csrf_token(client, "/password/forgotten")
    return client.post("/password/forgotten", data={"csrf_token": token, "email": email})


@pytest.mark.pole("ateliers")
def test_a_person_added_by_a_referent_gets_the_invitation_by_mail(app, login, pole, smtp_server):
    app.config["POOLING_NAME"] = "Pôle Sud"
    referent = login(pole["referent"])
    token = csrf_token(referent, "/organisations/ateliers/people")
    response = referent.post(
        "/organisations/ateliers/people",
        data={
            "csrf_token": token,
            "add-email": "nina@example.org",
            "add-name": "Nina Nouvelle",
            "add-role": "member",
        },
        follow_redirects=True,
    )
    assert "Le lien a aussi été envoyé par courriel à nina@example.org." in response.get_data(
        as_text=True
    )
    deliver()
    [message] = smtp_server.to("nina@example.org")
    assert message["Subject"] == "Votre compte sur Pôle Sud"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "Bonjour Nina Nouvelle," in text_of(message)
    path = link_in(message)
    assert path.startswith("/invitation/")
    assert f'href="https://pole.example.org{path}"' in html_of(message)
    newcomer = app.test_client()
    assert newcomer.get(path).status_code == 200
    assert set_password(newcomer, path).status_code == 302
    assert newcomer.get("/").status_code == 200
    assert post_login(app.test_client(), "nina@example.org", NEW_PASSWORD).status_code == 302


@pytest.mark.pole("ateliers")
def test_an_existing_account_asked_to_join_gets_the_proposal_by_mail(login, pole, smtp_server):
    elsewhere = make_user(pole["fabrique"], email="ailleurs@example.org", locale="en")
    referent = login(pole["referent"])
    token = csrf_token(referent, "/organisations/ateliers/people")
    referent.post(
        "/organisations/ateliers/people",
        data={
            "csrf_token": token,
            "add-email": elsewhere.email,
            "add-name": "Someone",
            "add-role": "member",
        },
    )
    deliver()
    [message] = smtp_server.to("ailleurs@example.org")
    assert "invites you to join it" in message["Subject"]
    assert link_in(message).startswith("/invitation/")


def test_the_command_line_invites_in_english_and_prints_the_mailed_link(app, smtp_server):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "eve@example.org",
            "--name",
            "Eve",
            "--role",
            "coordinator",
            "--invite",
            "--locale",
            "en",
        ]
    )
    assert result.exit_code == 0, result.output
    deliver()
    [message] = smtp_server.to("eve@example.org")
    assert message["Subject"].strip().startswith("Your account on ")
    assert message["Content-Language"] == "en"
    assert "Hello Eve," in text_of(message)
    assert "Choose your password with this one-time link (valid 72 hours):" in text_of(message)
    path = link_in(message)
    assert path in result.output
    assert app.test_client().get(path).status_code == 200


def test_users_invite_mails_a_person_without_password(app, smtp_server):
    make_user(email="later@example.org", password=None)
    result = app.test_cli_runner().invoke(args=["users", "invite", "--email", "later@example.org"])
    assert result.exit_code == 0, result.output
    deliver()
    [message] = smtp_server.to("later@example.org")
    assert link_in(message) in result.output


def test_the_sign_in_page_leads_to_the_forgotten_password_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgotten"' in page
    assert "Mot de passe oublié\xa0?" in page
    assert client.get("/password/forgotten").status_code == 200


def test_forgotten_password_end_to_end(app, smtp_server):
    person = make_user(email="oubli@example.org", name="Odile")
    browser = app.test_client()
    response = forgotten(browser, "Oubli@Example.org")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    deliver()
    [message] = smtp_server.to("oubli@example.org")
    assert message["Subject"].strip().startswith("Réinitialiser votre mot de passe")
    assert "valable 1 heure" in text_of(message)
    path = link_in(message)
    assert path.startswith("/password/reset/")
    assert "Choisissez un nouveau mot de passe" in browser.get(path).get_data(as_text=True)
    assert set_password(browser, path).status_code == 302
    assert browser.get("/").status_code == 200
    # The old password no longer works, the new one does, and the link is spent.
    assert post_login(app.test_client(), person.email, PASSWORD).status_code == 401
    assert post_login(app.test_client(), person.email, NEW_PASSWORD).status_code == 302
    assert app.test_client().get(path).status_code == 404


def test_the_answer_is_the_same_whether_the_address_exists_or_not(app, smtp_server):
    make_user(email="known@example.org")
    known = app.test_client()
    unknown = app.test_client()
    first = forgotten(known, "known@example.org")
    second = forgotten(unknown, "nobody@example.org")
    assert (first.status_code, first.headers["Location"]) == (
        second.status_code,
        second.headers["Location"],
    )

    def page(client, email):
        text = client.get("/login").get_data(as_text=True)
        return re.sub(re.escape(email), "EMAIL", text).replace(
            csrf_token(client, "/login"), "TOKEN"
        )

    shown = page(known, "known@example.org")
    assert "un lien pour choisir un nouveau mot de passe vient de lui être envoyé" in shown
    assert re.sub(r'value="[^"]+"', "", shown) == re.sub(
        r'value="[^"]+"', "", page(unknown, "nobody@example.org")
    )
    deliver()
    assert [m["To"] for m in smtp_server.messages] == ["known@example.org"]


def test_a_deactivated_account_gets_no_link(app, smtp_server):
    person = make_user(email="gone@example.org")
    person.active = False
    db.session.commit()
    forgotten(app.test_client(), "gone@example.org")
    deliver()
    assert smtp_server.messages == []


def test_the_forgotten_password_link_lasts_one_hour(app, smtp_server):
    make_user(email="late@example.org", locale="en")
    forgotten(app.test_client(), "late@example.org")
    deliver()
    [message] = smtp_server.to("late@example.org")
    assert "(valid 1 hour)" in text_of(message)
    path = link_in(message)
    with time_machine.travel(utcnow() + timedelta(minutes=61), tick=False):
        assert app.test_client().get(path).status_code == 404
    assert app.test_client().get(path).status_code == 200


def test_forgotten_password_requests_are_throttled(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    statuses = [forgotten(client, f"n{i}@example.org").status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert db.session.scalars(select(OutboxMail)).all() == []


def test_a_new_password_closes_the_other_open_links(app, smtp_server):
    make_user(email="twice@example.org")
    forgotten(app.test_client(), "twice@example.org")
    forgotten(app.test_client(), "twice@example.org")
    deliver()
    first, second = (link_in(m) for m in smtp_server.to("twice@example.org"))
    assert set_password(app.test_client(), second).status_code == 302
    assert app.test_client().get(first).status_code == 404
    assert db.session.scalar(select(User).where(User.email == "twice@example.org")).password_hash


@pytest.mark.pole("ateliers")
@pytest.mark.parametrize(
    ("locale", "subject", "greeting"),
    [
        (
            "fr",
            "Un lien pour réinitialiser votre mot de passe sur Pôle Sud",
            "Bonjour Marc Membre,",
        ),
        ("en", "A link to reset your password on Pôle Sud", "Hello Marc Membre,"),
    ],
)
def test_a_reset_link_given_by_a_coordinator_is_mailed_to_the_person(
    app, login, pole, smtp_server, locale, subject, greeting
):
    from pooling.accounts.models import Membership
    from pooling.mail.delivery import SCRUBBED

    app.config["POOLING_NAME"] = "Pôle Sud"
    member = pole["member"]
    member.locale = locale
    db.session.commit()
    membership = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    coordinator = login(pole["coordinator"])
    url = f"/organisations/ateliers/people/{membership.id}/invite"
    response = coordinator.post(
        url,
        data={"csrf_token": csrf_token(coordinator, "/organisations/ateliers/people")},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert (
        "réinitialiser le mot de passe de cette personne (Marc Membre)" in page
    )  # what the coordinator sees
    assert f"Le lien a aussi été envoyé par courriel à {member.email}." in page
    deliver()
    [message] = smtp_server.to(member.email)
    assert " ".join(str(message["Subject"]).split()) == subject
    assert message["Content-Language"] == locale
    assert message["Auto-Submitted"] == "auto-generated"
    assert greeting in text_of(message)
    assert "Claire Coordination" in text_of(message)
    assert "24" in text_of(message)
    path = link_in(message)
    assert path.startswith("/invitation/")
    assert f'href="https://pole.example.org{path}"' in html_of(message)
    # Delivered, the mail forgets its link.
    stored = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == member.email))
    assert stored.text == SCRUBBED and path not in (stored.html or "")
    # Until the link is used, the current password works; the link sets a new one.
    assert post_login(app.test_client(), member.email).status_code == 302
    owner = app.test_client()
    assert owner.get(path).status_code == 200
    assert set_password(owner, path).status_code == 302
    assert post_login(app.test_client(), member.email, NEW_PASSWORD).status_code == 302
    assert post_login(app.test_client(), member.email, PASSWORD).status_code == 401
