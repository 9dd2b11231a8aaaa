"""Helpers of the account tests: the real sign-in form, as a browser fills it."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD


def post_login(client, email: str, password: str = PASSWORD, next: str | None = None):
    """Fill and send the sign-in form (with its CSRF token and hidden ``next``)."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client, "/login")}
    if next is not None:
        data["next"] = next
    return client.post("/login", data=data)


@pytest.fixture
def signed_in(app):
    """``signed_in(user)`` -> a new client signed in through the real sign-in form."""

    def _signed_in(user, password: str = PASSWORD):
        client = app.test_client()
        response = post_login(client, user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _signed_in
