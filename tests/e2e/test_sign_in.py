"""A person signs in through the French sign-in page of a real server."""

from __future__ import annotations

from tests.e2e.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_organisation, make_user


def test_member_signs_in_on_the_french_page_and_lands_home(live_server, page):
    make_user(make_organisation("Les Jardins"), email="alice@example.org", name="Alice Martin")
    page.goto(f"{live_server}/login")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(page) == []
    sign_in(page, live_server, "alice@example.org", PASSWORD)
    assert page.url.rstrip("/") == live_server
    assert "Alice Martin" in page.content()


def test_wrong_password_shows_an_error_and_stays_on_the_sign_in_page(live_server, page):
    make_user(make_organisation(), email="bob@example.org")
    sign_in(page, live_server, "bob@example.org", "not the password")
    assert "/login" in page.url
    assert page.locator(".flash-error").count() == 1
