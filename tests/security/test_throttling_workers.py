"""Throttling holds behind gunicorn with 4 workers: one count per address, per account, per token."""

from __future__ import annotations

import re

import pytest
import requests

from tests.factories import make_token, make_user
from tests.servers import live_server, redis_answers

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379"),
]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def failed_sign_in(server_url: str, email: str, address: str | None = None) -> int:
    """One wrong password from a new browser (a new connection, so any worker may answer)."""
    browser = requests.Session()
    headers = {"X-Forwarded-For": address} if address else {}
    page = browser.get(f"{server_url}/login", headers=headers, timeout=10).text
    answer = browser.post(
        f"{server_url}/login",
        data={"email": email, "password": "not the password", "csrf_token": CSRF.search(page)[1]},
        headers=headers,
        timeout=10,
    )
    return answer.status_code


def test_thirty_failed_sign_ins_from_one_address_are_throttled_after_ten(app, database_url):
    person = make_user()
    with live_server(database_url, workers=4, env={"POOLING_ENV": "testing"}) as server:
        statuses = [failed_sign_in(server.url, person.email) for _ in range(30)]
    assert statuses == [401] * 10 + [429] * 20


def test_one_account_is_throttled_whatever_address_the_attempts_come_from(app, database_url):
    person = make_user()
    env = {"POOLING_ENV": "testing", "POOLING_TRUSTED_PROXIES": "1"}
    with live_server(database_url, workers=4, env=env) as server:
        statuses = [
            failed_sign_in(server.url, person.email, address=f"203.0.113.{n}") for n in range(14)
        ]
        other_account = failed_sign_in(server.url, "someone-else@example.org", "203.0.113.99")
    assert statuses == [401] * 10 + [429] * 4
    assert other_account == 401


def test_the_api_limit_of_a_token_is_shared_by_the_workers(app, database_url):
    token = make_token(make_user())
    env = {"API_RATE_LIMIT": "5 per minute"}
    with live_server(database_url, workers=4, env=env) as server:
        statuses = [
            requests.get(
                f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
            ).status_code
            for _ in range(12)
        ]
    assert statuses == [200] * 5 + [429] * 7


def test_production_without_a_shared_store_refuses_to_start(app, database_url):
    env = {"REDIS_URL": "", "POOLING_SINGLE_PROCESS": "", "RATELIMIT_KEY_PREFIX": ""}
    with pytest.raises(RuntimeError) as refused:
        with live_server(database_url, workers=2, env=env, timeout=20):
            pass
    assert "REDIS_URL is not set" in str(refused.value)
    assert "POOLING_SINGLE_PROCESS=1" in str(refused.value)
