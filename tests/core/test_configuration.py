"""Safe by default: production refuses to start without its secrets, proxies are trusted only when told."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import Config, ConfigurationError, DevelopmentConfig, ProductionConfig, config_for
from pooling import create_app

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_VARIABLES = (
    "POOLING_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "POOLING_SINGLE_PROCESS",
    "POOLING_TRUSTED_PROXIES",
    "POOLING_BASE_URL",
)


def clean_environment(**values: str) -> dict[str, str]:
    """This process's environment without any Pooling setting, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_VARIABLES}
    env.update(values)
    return env


def import_wsgi(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import ``wsgi`` as gunicorn does, in a fresh interpreter with ``env``.

    The interpreter leaves with ``os._exit`` once it has answered: the in-memory throttling
    store's timer thread would otherwise keep it alive under libfaketime (CI's shifted clock).
    """
    script = (
        "import os, sys, wsgi; print(wsgi.app.config['DEBUG'], wsgi.app.name); "
        "sys.stdout.flush(); os._exit(0)"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_wsgi_defaults_to_production_and_names_every_missing_variable(tmp_path):
    result = import_wsgi(clean_environment(POOLING_INSTANCE_PATH=str(tmp_path)))
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr
    assert "DATABASE_URL" in result.stderr
    assert "REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr
    # Nothing was created on a default: no SQLite file appeared in the instance folder.
    assert not list(tmp_path.iterdir())


def test_wsgi_starts_in_production_with_its_secrets(tmp_path):
    env = clean_environment(
        SECRET_KEY="a-long-production-secret",
        DATABASE_URL=f"sqlite:///{tmp_path / 'pooling.db'}",
        POOLING_SINGLE_PROCESS="1",
    )
    result = import_wsgi(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "pooling"]


def test_wsgi_runs_development_only_when_asked(tmp_path):
    env = clean_environment(POOLING_ENV="development", POOLING_INSTANCE_PATH=str(tmp_path))
    result = import_wsgi(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "pooling"]


def test_database_url_is_required_before_any_default_is_filled_in(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        create_app(
            ProductionConfig,
            SECRET_KEY="a-production-secret",
            SQLALCHEMY_DATABASE_URI=None,
            POOLING_SINGLE_PROCESS=True,
            POOLING_INSTANCE_PATH=str(tmp_path),
        )
    assert "DATABASE_URL" in str(refused.value)
    assert "SECRET_KEY" not in str(refused.value)


def test_production_needs_a_shared_throttling_store_or_a_single_process(tmp_path):
    values = {
        "SECRET_KEY": "a-production-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
    }
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        create_app(ProductionConfig, **values, REDIS_URL=None, POOLING_SINGLE_PROCESS=False)
    single = create_app(ProductionConfig, **values, REDIS_URL=None, POOLING_SINGLE_PROCESS=True)
    assert single.config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("POOLING_TRUSTED_PROXIES", "two", "POOLING_TRUSTED_PROXIES"),
        ("POOLING_TRUSTED_PROXIES", "-1", "POOLING_TRUSTED_PROXIES"),
        ("POOLING_BASE_URL", "pooling.example.org", "POOLING_BASE_URL"),
        ("POOLING_BASE_URL", "ftp://pooling.example.org", "POOLING_BASE_URL"),
        ("POOLING_LOG_FORMAT", "xml", "POOLING_LOG_FORMAT"),
        ("POOLING_CHECK_IN_LEAD_MINUTES", "an hour", "POOLING_CHECK_IN_LEAD_MINUTES"),
        ("POOLING_CHECK_IN_LEAD_MINUTES", "-5", "POOLING_CHECK_IN_LEAD_MINUTES"),
        ("POOLING_QUALIFICATION_NOTICE_DAYS", "a month", "POOLING_QUALIFICATION_NOTICE_DAYS"),
        ("POOLING_QUALIFICATION_NOTICE_DAYS", "0", "POOLING_QUALIFICATION_NOTICE_DAYS"),
        ("POOLING_HOLIDAYS", "XX", "POOLING_HOLIDAYS='XX': unknown country code"),
        ("POOLING_HOLIDAYS", "FR-99", "FR has no subdivision '99'"),
    ],
)
def test_malformed_settings_are_refused_in_every_environment(tmp_path, name, value, problem):
    with pytest.raises(ConfigurationError, match=problem):
        create_app(
            DevelopmentConfig,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'dev.db'}",
            **{name: value},
        )


def test_public_holidays_default_to_france():
    assert Config.POOLING_HOLIDAYS == (os.environ.get("POOLING_HOLIDAYS") or "FR")


@pytest.mark.parametrize("setting", ["FR", "FR-57", "FR-67", "FR-68", "none"])
def test_french_holiday_calendars_are_accepted(tmp_path, setting):
    app = create_app(
        DevelopmentConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'dev.db'}",
        POOLING_HOLIDAYS=setting,
    )
    assert app.config["POOLING_HOLIDAYS"] == setting


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigurationError, match="POOLING_ENV"):
        config_for("prod")
    assert config_for(None) is DevelopmentConfig
    assert config_for(None, default="production") is ProductionConfig


def proxied_app(tmp_path, proxies: int):
    return create_app(
        ProductionConfig,
        SECRET_KEY="a-production-secret",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.db'}",
        POOLING_SINGLE_PROCESS=True,
        POOLING_TRUSTED_PROXIES=str(proxies),
        LOGIN_RATE_LIMIT="2 per minute",
    )


HTTPS_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def logged_addresses(caplog) -> list[str]:
    return [r.remote_addr for r in caplog.records if r.name == "pooling.request"]


def test_behind_a_trusted_proxy_https_gets_hsts_and_the_client_address(tmp_path, caplog):
    app = proxied_app(tmp_path, proxies=1)
    caplog.set_level("INFO", logger="pooling.request")
    response = app.test_client().get("/login", headers=HTTPS_PROXY)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert logged_addresses(caplog) == ["203.0.113.7"]


def test_without_trusted_proxies_forwarded_headers_are_ignored(tmp_path, caplog):
    app = proxied_app(tmp_path, proxies=0)
    caplog.set_level("INFO", logger="pooling.request")
    response = app.test_client().get("/login", headers=HTTPS_PROXY)
    assert "Strict-Transport-Security" not in response.headers
    assert logged_addresses(caplog) == ["127.0.0.1"]


def failed_sign_in(client, address: str, email: str) -> int:
    page = client.get("/login", headers={"X-Forwarded-For": address})
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    token = token.split('"')[0]
    return client.post(
        "/login",
        data={"email": email, "password": "not the password", "csrf_token": token},
        headers={"X-Forwarded-For": address},
    ).status_code


def test_throttling_counts_the_real_client_address_behind_the_proxy(tmp_path):
    app = proxied_app(tmp_path, proxies=1)
    app.config.update(SESSION_COOKIE_SECURE=False)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    client = app.test_client()
    first = [failed_sign_in(client, "203.0.113.7", f"a{n}@example.org") for n in range(3)]
    other = failed_sign_in(client, "198.51.100.9", "b@example.org")
    assert first == [401, 401, 429]
    assert other == 401
