"""``GET /healthz`` for load balancers: 200 only when the database answers and is migrated."""

from __future__ import annotations

import pytest

from config import TestingConfig
from pooling import create_app
from tests.factories import make_user


def test_healthy_database_answers_200_without_sign_in(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["X-Request-Id"]


def test_health_reveals_nothing_but_its_status(app, client):
    make_user(email="secret-person@example.org")
    body = client.get("/healthz").get_data(as_text=True)
    assert body.strip() == '{"status":"ok"}'


def test_health_is_never_throttled(app, client):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    statuses = {client.get("/healthz").status_code for _ in range(30)}
    assert statuses == {200}


def unreachable_app(url: str, tmp_path):
    return create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI=url, POOLING_INSTANCE_PATH=str(tmp_path)
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2",
        "sqlite:////nonexistent-folder/for/pooling.db",
    ],
    ids=["postgresql-down", "sqlite-unreadable"],
)
def test_unreachable_database_answers_503(tmp_path, url, caplog):
    app = unreachable_app(url, tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable"}
    assert response.headers["Retry-After"] == "10"
    failures = [r for r in caplog.records if "Health check failed" in r.getMessage()]
    assert failures and "does not answer" in failures[0].getMessage()
    assert failures[0].request_id == response.headers["X-Request-Id"]


def test_database_behind_the_migrations_answers_503(tmp_path, caplog):
    app = unreachable_app(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert any("not migrated" in r.getMessage() for r in caplog.records)


def test_database_one_migration_behind_answers_503(app, client):
    from flask_migrate import downgrade, upgrade

    assert client.get("/healthz").status_code == 200
    downgrade(revision="-1")
    try:
        assert client.get("/healthz").status_code == 503
    finally:
        upgrade()
    assert client.get("/healthz").status_code == 200
