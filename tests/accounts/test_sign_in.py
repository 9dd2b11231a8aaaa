"""Signing in and out with the real form: messages, safe redirects, fresh sessions."""

from __future__ import annotations

import pytest

from pooling.extensions import db
from tests.accounts.conftest import post_login
from tests.conftest import csrf_token
from tests.factories import make_user

WRONG = "Adresse e-mail ou mot de passe incorrect."


def test_sign_in_page_is_served_in_french(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'lang="fr"' in response.get_data(as_text=True)


def test_right_password_signs_in_and_goes_home(client, app):
    user = make_user()
    response = post_login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_email_is_matched_whatever_its_case(client, app):
    make_user(email="camille@example.org")
    response = post_login(client, "  Camille@Example.ORG ")
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_answer(client, app):
    user = make_user()
    wrong_password = post_login(client, user.email, "not the right password")
    unknown_email = post_login(client, "nobody@example.org", "not the right password")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert WRONG in wrong_password.get_data(as_text=True)
    assert WRONG in unknown_email.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivated_person_cannot_sign_in(client, app):
    user = make_user()
    user.active = False
    db.session.commit()
    response = post_login(client, user.email)
    assert response.status_code == 401
    assert WRONG in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_person_without_password_cannot_sign_in(client, app):
    user = make_user()
    user.password_hash = None
    db.session.commit()
    assert post_login(client, user.email, "").status_code == 422
    assert post_login(client, user.email, "anything at all").status_code == 401


def test_sign_in_without_csrf_token_is_refused(client, app):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "x" * 12})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "///evil.example",
        "/\tevil.example",
    ],
)
def test_off_site_next_lands_on_the_home_page(client, app, target):
    user = make_user()
    response = post_login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_local_next_is_followed(client, app):
    user = make_user()
    response = post_login(client, user.email, next="/resources/?kind=premises")
    assert response.status_code == 302
    assert response.headers["Location"] == "/resources/?kind=premises"


def test_next_of_the_sign_in_prompt_is_kept_in_the_form(client, app):
    first = client.get("/resources/?kind=premises")
    assert first.status_code == 302
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'name="next"' in page
    assert "/resources/?kind=premises" in page.replace("&amp;", "&").replace("%3F", "?").replace(
        "%3D", "="
    )


def test_session_is_renewed_at_sign_in(client, app):
    user = make_user()
    csrf_token(client, "/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    assert post_login(client, user.email).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")


def test_language_chosen_before_sign_in_is_kept(client, app):
    user = make_user()
    client.get("/login?lang=en")
    post_login(client, user.email)
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_sign_out_ends_the_session(client, app):
    user = make_user()
    post_login(client, user.email)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_copy_of_the_session_cookie_is_useless_after_sign_out(client, app):
    user = make_user()
    post_login(client, user.email)
    stolen = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_sign_out_needs_a_post_with_csrf_token(client, app):
    user = make_user()
    post_login(client, user.email)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_signed_in_person_visiting_sign_in_page_goes_home(client, app):
    user = make_user()
    post_login(client, user.email)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
