"""The API's doorway: who may call, CSRF for browser sessions, JSON errors, throttling, language."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pooling.accounts import services as accounts
from pooling.accounts.models import ApiToken
from pooling.extensions import db
from pooling.organisations.models import Organisation
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_token, make_user


def organisation_count() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


def assert_error_body(response, code: str) -> None:
    body = response.get_json()
    assert set(body) >= {"error", "message", "fields"}
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)


def test_anonymous_call_is_refused_with_a_json_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert_error_body(response, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer pool_not-a-real-token", "Bearer ", "Basic dXNlcjpwdw=="]
)
def test_wrong_token_is_refused_with_401(app, client, header):
    make_user()
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert_error_body(response, "unauthorized")


def test_revoked_token_is_refused(app, client):
    user = make_user()
    secret = make_token(user)
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    accounts.revoke_token(user, token.id)
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert_error_body(response, "unauthorized")


def test_token_of_a_deactivated_person_is_refused(app, client):
    user = make_user()
    secret = make_token(user)
    user.active = False
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"NaN", b"\xff\xfe"])
def test_body_that_is_not_a_json_object_is_a_400_and_writes_nothing(app, api, body):
    before = organisation_count()
    response = api(make_coordinator()).post(
        "/api/v1/organisations", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert_error_body(response, "malformed_json")
    assert organisation_count() == before


def test_wrong_method_is_a_json_405(app, api):
    response = api(make_user()).client.delete("/api/v1/me")
    assert response.status_code == 405
    assert_error_body(response, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_unknown_api_path_is_a_json_404(app, api):
    response = api(make_user()).get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert_error_body(response, "not_found")


@pytest.mark.parametrize(
    "url", ["/api/v1/organisations/99999999999999999999", "/api/v1/resources/2147483648"]
)
def test_identifier_beyond_the_database_range_is_a_404(app, api, url):
    response = api(make_user()).get(url)
    assert response.status_code == 404
    assert_error_body(response, "not_found")


def test_bearer_call_needs_no_csrf_token(app, api):
    response = api(make_coordinator()).post("/api/v1/organisations", json={"name": "Les Jardins"})
    assert response.status_code == 201


def test_session_call_that_writes_without_csrf_token_is_refused(app, login):
    browser = login(make_coordinator())
    before = organisation_count()
    response = browser.post("/api/v1/organisations", json={"name": "Sans jeton"})
    assert response.status_code == 400
    assert_error_body(response, "csrf")
    assert organisation_count() == before


def test_session_call_with_a_wrong_csrf_token_is_refused(app, login):
    browser = login(make_coordinator())
    response = browser.post(
        "/api/v1/organisations", json={"name": "Faux jeton"}, headers={"X-CSRFToken": "forged"}
    )
    assert response.status_code == 400
    assert organisation_count() == 0


def test_session_call_with_the_page_csrf_token_succeeds(app, login):
    browser = login(make_coordinator())
    token = csrf_token(browser, "/account")
    response = browser.post(
        "/api/v1/organisations", json={"name": "Avec jeton"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201
    assert response.get_json()["slug"] == "avec-jeton"


def test_session_read_needs_no_csrf_token(app, login):
    user = make_user()
    response = login(user).get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id


def test_too_many_calls_with_one_token_get_a_json_429(app, api):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    caller = api(make_user())
    statuses = [caller.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = caller.get("/api/v1/me")
    assert response.status_code == 429
    assert_error_body(response, "too_many_requests")
    assert "Retry-After" in response.headers


def test_throttling_counts_each_token_apart(app, api):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    first, second = api(make_user()), api(make_user())
    for _ in range(3):
        first.get("/api/v1/me")
    assert first.get("/api/v1/me").status_code == 429
    assert second.get("/api/v1/me").status_code == 200


def test_messages_are_english_when_the_client_asks(client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "en"
    assert response.get_json()["message"] == "Please sign in (or send an API token)."


def test_messages_are_english_for_a_person_whose_language_is_english(app, api):
    caller = api(make_user(locale="en"))
    response = caller.get("/api/v1/organisations/12345")
    assert response.status_code == 404
    assert response.headers["Content-Language"] == "en"
    assert response.get_json()["message"] == "This organisation does not exist."


def test_messages_are_french_by_default(app, api):
    response = api(make_user()).get("/api/v1/organisations/12345")
    assert response.status_code == 404
    assert response.headers["Content-Language"] == "fr"


def test_the_client_language_wins_over_the_saved_one(app, api):
    caller = api(make_user(locale="fr"))
    response = caller.get("/api/v1/me", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert response.headers["Content-Language"] == "en"
