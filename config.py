"""Configuration classes read from the environment; production refuses to start without a secret."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Config:
    """Settings shared by every environment; each value can be overridden by the environment."""

    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    POOLING_TIMEZONE = _env("POOLING_TIMEZONE", "Europe/Paris")
    POOLING_CURRENCY = _env("POOLING_CURRENCY", "EUR")
    POOLING_NAME = _env("POOLING_NAME", "Pôle de coopération")
    POOLING_PUBLIC_TITLES = _env("POOLING_PUBLIC_TITLES", "0") == "1"
    REDIS_URL = _env("REDIS_URL")
    RATELIMIT_STORAGE_URI = _env("REDIS_URL", "memory://")
    # Explicit, because Flask-Limiter keeps the last value it saw on its shared instance.
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "600 per minute")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = _env("POOLING_TIMEZONE", "Europe/Paris")
    LANGUAGES = ("fr", "en")
    INVITATION_TTL_HOURS = 72
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    JSON_SORT_KEYS = False
    DEBUG = False
    TESTING = False

    @classmethod
    def validate(cls, config: dict) -> None:
        """Fail fast when production lacks what it cannot run without."""
        if not config.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set outside development (environment variable).")
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            raise RuntimeError("DATABASE_URL must be set in production.")


class DevelopmentConfig(Config):
    """Local development: SQLite in the instance folder, a fixed secret, cookies over http."""

    DEBUG = True
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False

    @classmethod
    def validate(cls, config: dict) -> None:
        return None


class TestingConfig(DevelopmentConfig):
    """The test suite: CSRF stays on (tests send the token), SQLite unless overridden."""

    DEBUG = False
    TESTING = True
    SECRET_KEY = "test-secret"
    SERVER_NAME = None


class ProductionConfig(Config):
    """Production: PostgreSQL, gunicorn, secrets from the environment."""


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The config class for ``POOLING_ENV`` (development by default)."""
    return CONFIGS.get((name or "development").lower(), DevelopmentConfig)
