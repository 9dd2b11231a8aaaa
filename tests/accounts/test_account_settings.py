"""The account page: changing one's password (other sessions end) and language."""

from __future__ import annotations

import pytest

from pooling.accounts.models import User
from pooling.accounts.passwords import verify_password
from pooling.extensions import db
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "the river flows under the old bridge"


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "pw-current_password": current,
            "pw-password": new,
            "pw-confirm": new if confirm is None else confirm,
        },
    )


def stored_hash(user_id: int) -> str | None:
    db.session.expire_all()
    return db.session.get(User, user_id).password_hash


def test_account_page_needs_sign_in(client, app):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_account_page_shows_who_i_am(login, app):
    user = make_user(name="Camille Martin")
    page = login(user).get("/account").get_data(as_text=True)
    assert "Camille Martin" in page
    assert user.email in page


def test_password_change_ends_the_other_sessions_only(app, signed_in):
    user = make_user()
    here = signed_in(user)
    elsewhere = signed_in(user)
    response = change_password(here)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert here.get("/").status_code == 200
    kicked_out = elsewhere.get("/")
    assert kicked_out.status_code == 302
    assert "/login" in kicked_out.headers["Location"]
    assert verify_password(stored_hash(user.id), NEW_PASSWORD)


def test_new_password_works_at_the_next_sign_in(app, signed_in):
    user = make_user()
    change_password(signed_in(user))
    assert signed_in(user, NEW_PASSWORD).get("/").status_code == 200


def test_wrong_current_password_is_refused_next_to_the_field(login, app):
    user = make_user()
    before = stored_hash(user.id)
    response = change_password(login(user), current="not my password")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="pw-current_password-error"' in page
    assert "Votre mot de passe actuel est incorrect." in page
    assert stored_hash(user.id) == before


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short1", "au moins 10 caractères"),
        ("azertyuiop", "trop courant"),
        ("aaaaaaaaaaaa", "trop courant"),
    ],
)
def test_weak_new_password_is_refused(login, app, new, message):
    user = make_user()
    before = stored_hash(user.id)
    client = login(user)
    response = change_password(client, new=new)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="pw-password-error"' in page
    assert message in page
    assert stored_hash(user.id) == before
    assert client.get("/").status_code == 200


def test_long_passphrase_is_accepted(login, app):
    user = make_user()
    passphrase = "my grandmother's kitchen smelled of thyme and fresh bread " * 3
    assert change_password(login(user), new=passphrase).status_code == 302
    assert verify_password(stored_hash(user.id), passphrase)


def test_mismatched_confirmation_is_refused(login, app):
    user = make_user()
    before = stored_hash(user.id)
    response = change_password(login(user), confirm="something else entirely")
    assert response.status_code == 422
    assert "Les deux mots de passe sont différents." in response.get_data(as_text=True)
    assert stored_hash(user.id) == before


def test_language_choice_is_saved_and_used_on_the_next_page(login, app):
    user = make_user(locale="fr")
    client = login(user)
    assert 'lang="fr"' in client.get("/account").get_data(as_text=True)
    response = client.post(
        "/account/language",
        data={"csrf_token": csrf_token(client, "/account"), "lang-locale": "en"},
    )
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"


def test_saved_language_follows_the_person_to_a_new_browser(app, signed_in):
    user = make_user(locale="en")
    assert 'lang="en"' in signed_in(user).get("/").get_data(as_text=True)


def test_unknown_language_is_refused(login, app):
    user = make_user(locale="fr")
    client = login(user)
    response = client.post(
        "/account/language",
        data={"csrf_token": csrf_token(client, "/account"), "lang-locale": "de"},
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "fr"


def test_account_page_leads_to_the_calendar_feeds(app, login):
    from tests.factories import make_organisation, make_user

    page = login(make_user(make_organisation())).get("/account").get_data(as_text=True)
    assert 'href="/calendar/feeds"' in page
    assert "Abonnements agenda" in page
