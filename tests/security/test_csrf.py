"""Every HTML form refuses a POST without its CSRF token (400) and writes nothing."""

from __future__ import annotations

import pytest

from tests.security.test_authorization_matrix import ROUTES, url_for_rule

FORM_POSTS = [route for route in ROUTES if route[0] == "POST" and not route[2].startswith("/api/")]


def test_the_application_has_forms_to_protect():
    assert len(FORM_POSTS) > 30


@pytest.mark.parametrize(
    ("method", "endpoint", "rule"), FORM_POSTS, ids=[endpoint for _m, endpoint, _r in FORM_POSTS]
)
def test_post_without_csrf_token_is_refused_and_writes_nothing(world, method, endpoint, rule):
    before = world.counts()
    client = world.client("coordinator")
    url = url_for_rule(world, rule, "own", endpoint)
    response = client.post(url, data={"name": "Changed", "title": "Changed", "role": "member"})
    after = world.counts()
    world.restore()
    assert response.status_code == 400, (url, response.status_code)
    assert after == before


def test_post_with_a_token_of_another_session_is_refused(world):
    client = world.client("coordinator", csrf=False)
    with client.session_transaction() as session:
        session["csrf_token"] = "another-seed"
    response = client.post(
        "/organisations/new", data={"csrf_token": world.csrf_token(), "name": "Intruder"}
    )
    assert response.status_code == 400
