"""Two application servers with the same REDIS_URL share the sign-in limit."""

from __future__ import annotations

import re

import pytest
import requests

from tests.factories import make_user
from tests.servers import live_server

REDIS_DB = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_db():
    """Database 15 of the local Redis, emptied before and after (skip when Redis is not there)."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_DB, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


def wrong_password(session: requests.Session, server_url: str, email: str) -> int:
    page = session.get(f"{server_url}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = session.post(
        f"{server_url}/login",
        data={"email": email, "password": "not the password", "csrf_token": token},
        timeout=10,
    )
    return answer.status_code


def test_two_servers_share_the_sign_in_limit_through_redis(app, database_url, redis_db):
    person = make_user()
    env = {
        "POOLING_ENV": "testing",
        "REDIS_URL": REDIS_DB,
        "RATELIMIT_KEY_PREFIX": "shared-by-two-servers",
        "LOGIN_RATE_LIMIT": "3 per minute",
    }
    with (
        live_server(database_url, workers=1, env=env) as first,
        live_server(database_url, workers=1, env=env) as second,
    ):
        browser = requests.Session()
        statuses = [
            wrong_password(browser, server.url, person.email)
            for server in (first, second, first, second)
        ]
    assert statuses == [401, 401, 401, 429]
    assert redis_db.keys("LIMITS*") or redis_db.dbsize() > 0
