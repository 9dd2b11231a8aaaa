"""Sign-in attempts are throttled per client: the next attempt over the limit gets a 429 page."""

from __future__ import annotations

from tests.accounts.conftest import post_login
from tests.factories import make_user


def test_eleventh_attempt_in_a_minute_is_throttled_by_default(client, app):
    assert app.config["LOGIN_RATE_LIMIT"] == "10 per minute"
    user = make_user()
    for _ in range(10):
        assert post_login(client, user.email, "wrong password!").status_code == 401
    response = post_login(client, user.email, "wrong password!")
    assert response.status_code == 429
    assert (
        "Trop de tentatives de connexion\xa0; veuillez patienter une minute."
        in response.get_data(as_text=True)
    )


def test_throttled_client_cannot_sign_in_even_with_the_right_password(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user()
    for _ in range(3):
        post_login(client, user.email, "wrong password!")
    assert post_login(client, user.email).status_code == 429
    assert client.get("/").status_code == 302


def test_limit_is_read_from_the_configuration(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user()
    statuses = [post_login(client, user.email, "wrong password!").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_reading_the_sign_in_page_is_not_throttled(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    statuses = {client.get("/login").status_code for _ in range(6)}
    assert statuses == {200}


def test_throttled_page_is_translated(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    user = make_user()
    post_login(client, user.email, "wrong password!")
    response = post_login(client, user.email, "wrong password!")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert 'lang="fr"' in page
    assert "429" in page
