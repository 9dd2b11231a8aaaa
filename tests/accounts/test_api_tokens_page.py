"""Personal API tokens on the account page: created with a secret shown once, revocable."""

from __future__ import annotations

import re

from pooling.accounts.models import ApiToken
from pooling.extensions import db
from tests.conftest import csrf_token
from tests.factories import make_token, make_user

SECRET_RE = re.compile(r'id="new-token-secret"[^>]*value="([^"]+)"')


def create_token(client, name="export"):
    return client.post(
        "/account/tokens",
        data={"csrf_token": csrf_token(client, "/account"), "token-name": name},
    )


def test_created_token_secret_is_shown_once_and_works(login, app):
    user = make_user()
    client = login(user)
    response = create_token(client, "accounting export")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    match = SECRET_RE.search(response.get_data(as_text=True))
    assert match
    secret = match.group(1)
    assert secret.startswith("pool_")
    again = client.get("/account").get_data(as_text=True)
    assert secret not in again
    assert "accounting export" in again
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.get_json()["email"] == user.email


def test_secret_is_not_kept_in_the_session_cookie(login, app):
    client = login(make_user())
    secret = SECRET_RE.search(create_token(client).get_data(as_text=True)).group(1)
    with client.session_transaction() as session:
        assert secret not in repr(dict(session))


def test_revoked_token_gets_401(login, app):
    user = make_user()
    secret = make_token(user, "old script")
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    client = login(user)
    response = client.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(client, "/account")}
    )
    assert response.status_code == 302
    assert "révoqué" in client.get("/account").get_data(as_text=True)
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 401


def test_nobody_revokes_someone_elses_token(login, app):
    owner = make_user()
    secret = make_token(owner)
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == owner.id))
    client = login(make_user())
    response = client.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(client, "/account")}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200


def test_too_long_token_name_is_refused(login, app):
    user = make_user()
    response = create_token(login(user), "x" * 101)
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0
