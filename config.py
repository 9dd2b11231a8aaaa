"""Configuration classes read from the environment; production refuses to start without its secrets.

Each environment's class is checked before any default is filled in (``validate``), so a
production server never runs on a development default: a missing ``SECRET_KEY``,
``DATABASE_URL`` or shared throttling store (``REDIS_URL``) stops it with a message that
names every missing variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class ConfigurationError(RuntimeError):
    """The environment does not allow the application to start safely."""


def _holiday_calendar_problem(setting) -> str | None:
    """Why ``POOLING_HOLIDAYS`` names no known public-holiday calendar, or None."""
    from pooling.resources.public_holidays import HolidayCalendarError, parse_calendar

    try:
        parse_calendar(str(setting))
    except HolidayCalendarError as error:
        return str(error)
    return None


class Config:
    """Settings shared by every environment; each value can be overridden by the environment."""

    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    POOLING_TIMEZONE = _env("POOLING_TIMEZONE", "Europe/Paris")
    POOLING_CURRENCY = _env("POOLING_CURRENCY", "EUR")
    POOLING_NAME = _env("POOLING_NAME", "Pôle de coopération")
    POOLING_PUBLIC_TITLES = _env("POOLING_PUBLIC_TITLES", "0") == "1"
    # The application's absolute URL, for links built outside a request (CLI, mails, feeds).
    POOLING_BASE_URL = _env("POOLING_BASE_URL")
    # How many reverse proxies in front of the application set X-Forwarded-* (0: none).
    POOLING_TRUSTED_PROXIES = _env("POOLING_TRUSTED_PROXIES", "0")
    # The operator runs one process only, so an in-memory throttling store is shared by all.
    POOLING_SINGLE_PROCESS = _env("POOLING_SINGLE_PROCESS", "0") == "1"
    # Request logs: one JSON object per line (production) or readable text (development).
    POOLING_LOG_FORMAT = _env("POOLING_LOG_FORMAT", "json")
    # Minutes between two reads of an external calendar by `pooling jobs run`.
    POOLING_ICAL_SYNC_MINUTES = _env("POOLING_ICAL_SYNC_MINUTES", "15")
    # How long before a booking's start it can be checked in (minutes, 0 to 1440).
    POOLING_CHECK_IN_LEAD_MINUTES = _env("POOLING_CHECK_IN_LEAD_MINUTES", "60")
    # How many days before a qualification ends its holder and their referents are told.
    POOLING_QUALIFICATION_NOTICE_DAYS = _env("POOLING_QUALIFICATION_NOTICE_DAYS", "30")
    # How long a slot freed for the waitlist is held for the person offered it (minutes).
    POOLING_WAITLIST_HOLD_MINUTES = _env("POOLING_WAITLIST_HOLD_MINUTES", "1440")
    # The public-holiday calendar: a country code, optionally with a subdivision (FR-57).
    POOLING_HOLIDAYS = _env("POOLING_HOLIDAYS", "FR")
    # Mail: the SMTP server as a URL (smtp://, smtp+starttls://USER:PASS@HOST:587, smtps://),
    # and the sender. Without MAIL_URL, development writes each mail as an .eml file.
    MAIL_URL = _env("MAIL_URL")
    MAIL_FROM = _env("MAIL_FROM")
    # Try to deliver right after a commit that queued mail (in a thread of its own).
    MAIL_DELIVER_AFTER_COMMIT = True
    # Without MAIL_URL, write each mail as an .eml file under the instance folder (development
    # and tests); in production a mail without a server stays queued until MAIL_URL is set.
    MAIL_TO_FILES = False
    REDIS_URL = _env("REDIS_URL")
    RATELIMIT_STORAGE_URI = _env("REDIS_URL", "memory://")
    RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "pooling")
    # Explicit, because Flask-Limiter keeps the last value it saw on its shared instance.
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "600 per minute")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = _env("POOLING_TIMEZONE", "Europe/Paris")
    LANGUAGES = ("fr", "en")
    INVITATION_TTL_HOURS = 72
    IDEMPOTENCY_TTL_HOURS = 24
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    JSON_SORT_KEYS = False
    DEBUG = False
    TESTING = False

    # What an environment cannot run without, as (config key, environment variable).
    REQUIRED: tuple[tuple[str, str], ...] = (
        ("SECRET_KEY", "SECRET_KEY"),
        ("SQLALCHEMY_DATABASE_URI", "DATABASE_URL"),
    )
    # Whether several processes may serve requests, so throttling needs a shared store.
    NEEDS_SHARED_LIMITER = True

    @classmethod
    def validate(cls, config: dict) -> None:
        """Refuse to start on a missing secret, database or shared store, or a malformed value.

        Runs on the values read from the environment and the overrides, before any default
        is filled in. Raises ConfigurationError naming every problem at once.
        """
        problems = []
        missing = [variable for key, variable in cls.REQUIRED if not config.get(key)]
        if missing:
            problems.append(f"missing {', '.join(missing)} (environment variables)")
        if (
            cls.NEEDS_SHARED_LIMITER
            and not config.get("REDIS_URL")
            and not config.get("POOLING_SINGLE_PROCESS")
        ):
            problems.append(
                "REDIS_URL is not set: throttling would be counted by each worker on its own; "
                "set REDIS_URL, or POOLING_SINGLE_PROCESS=1 when a single process serves the "
                "application"
            )
        proxies = str(config.get("POOLING_TRUSTED_PROXIES", "0")).strip()
        if not proxies.isdigit() or int(proxies) > 10:
            problems.append("POOLING_TRUSTED_PROXIES must be a whole number from 0 to 10")
        base_url = config.get("POOLING_BASE_URL")
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                problems.append("POOLING_BASE_URL must be an absolute http(s) URL")
        if config.get("MAIL_URL"):
            from pooling.mail.delivery import MailUrlError, parse_mail_url

            try:
                parse_mail_url(config["MAIL_URL"])
            except MailUrlError as error:
                problems.append(str(error))
        lead = str(config.get("POOLING_CHECK_IN_LEAD_MINUTES", "60")).strip()
        if not lead.isdigit() or int(lead) > 1440:
            problems.append("POOLING_CHECK_IN_LEAD_MINUTES must be a whole number from 0 to 1440")
        notice = str(config.get("POOLING_QUALIFICATION_NOTICE_DAYS", "30")).strip()
        if not notice.isdigit() or not 1 <= int(notice) <= 365:
            problems.append(
                "POOLING_QUALIFICATION_NOTICE_DAYS must be a whole number from 1 to 365"
            )
        if config.get("POOLING_LOG_FORMAT") not in ("json", "text"):
            problems.append("POOLING_LOG_FORMAT must be json or text")
        holiday_problem = _holiday_calendar_problem(config.get("POOLING_HOLIDAYS", "FR"))
        if holiday_problem:
            problems.append(holiday_problem)
        if problems:
            raise ConfigurationError(
                f"Pooling cannot start ({cls.__name__}): " + "; ".join(problems) + "."
            )


class DevelopmentConfig(Config):
    """Local development: SQLite in the instance folder, a fixed secret, cookies over http."""

    DEBUG = True
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    POOLING_LOG_FORMAT = _env("POOLING_LOG_FORMAT", "text")
    REQUIRED = ()
    NEEDS_SHARED_LIMITER = False
    MAIL_TO_FILES = True


class TestingConfig(DevelopmentConfig):
    """The test suite: CSRF stays on (tests send the token), SQLite unless overridden."""

    DEBUG = False
    TESTING = True
    SECRET_KEY = "test-secret"
    SERVER_NAME = None
    # Tests compute their dates from today; a weekday they pick must not turn into a public
    # holiday on some dates of the year. The tests of holidays set the calendar themselves.
    POOLING_HOLIDAYS = "none"
    # Every API answer is checked against the schema its operation declares.
    API_CHECK_ANSWERS = True
    # No thread outlives a test: the tests of mail deliver themselves, or turn it on.
    MAIL_DELIVER_AFTER_COMMIT = False
    MAIL_URL = None


class ProductionConfig(Config):
    """Production: PostgreSQL, gunicorn, secrets and a shared throttling store from the environment."""


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None, default: str = "development") -> type[Config]:
    """The config class for ``POOLING_ENV`` (``default`` when unset). Raises ConfigurationError."""
    key = (name or default).strip().lower()
    if key not in CONFIGS:
        raise ConfigurationError(
            f"POOLING_ENV must be one of {', '.join(CONFIGS)} (it is {name!r})."
        )
    return CONFIGS[key]
