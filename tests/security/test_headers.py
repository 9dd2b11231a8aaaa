"""Security headers, session cookie flags, the production secret, and no inline script in pages."""

from __future__ import annotations

import re

import pytest

from config import ProductionConfig
from pooling import create_app
from tests.security.test_authorization_matrix import ROUTES, url_for_rule


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: [sources]}."""
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/api/v1/openapi.json", "/nowhere"])
def test_every_answer_carries_the_security_headers(world, path):
    response = world.app.test_client().get(path)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_only_over_https(world):
    plain = world.app.test_client().get("/login")
    secure = world.app.test_client().get("/login", base_url="https://localhost")
    assert "Strict-Transport-Security" not in plain.headers
    hsts = secure.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 15552000


def test_session_cookie_is_http_only_and_same_site_lax(world):
    response = world.app.test_client().get("/login")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def production_app(tmp_path, **overrides):
    values = {
        "SECRET_KEY": "a-production-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
        "POOLING_SINGLE_PROCESS": True,
        **overrides,
    }
    return create_app(ProductionConfig, **values)


def test_session_cookie_is_secure_in_production(tmp_path):
    app = production_app(tmp_path)
    response = app.test_client().get("/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production_app(tmp_path, SECRET_KEY=None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production_app(tmp_path, SECRET_KEY="")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
PAGES = [
    route
    for route in ROUTES
    if route[0] == "GET" and not route[2].startswith(("/api/", "/ical/")) and ".csv" not in route[2]
]


@pytest.mark.parametrize("actor", ["member", "referent", "coordinator"])
def test_pages_contain_no_inline_script(world, actor):
    client = world.client(actor)
    scanned = 0
    offenders = []
    for _method, endpoint, rule in PAGES:
        response = client.get(url_for_rule(world, rule, "own", endpoint))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        scanned += 1
        html = response.get_data(as_text=True)
        for pattern in (INLINE_SCRIPT, EVENT_ATTRIBUTE, JAVASCRIPT_URL):
            found = pattern.search(html)
            if found:
                offenders.append((endpoint, found.group(0)[:80]))
    assert scanned >= 12 if actor == "coordinator" else scanned >= 8
    assert not offenders
