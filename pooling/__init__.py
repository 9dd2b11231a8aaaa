"""Pooling: share premises, equipment and staff between the members of a pole, and split the cost."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type | dict | None = None, **overrides) -> Flask:
    """Build the application: configuration, extensions, blueprints, error handlers, commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=os.environ.get("POOLING_INSTANCE_PATH") or str(ROOT / "instance"),
    )
    configure(app, config, overrides)
    register_proxies(app)
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security(app)
    register_cli(app)
    return app


def configure(app: Flask, config: type | dict | None, overrides: dict) -> None:
    """Load the config class for ``POOLING_ENV``, then the overrides; validate, then fill defaults.

    Validation runs before any default, so production never starts on a development value.
    Raises config.ConfigurationError.
    """
    from config import config_for

    config_class = config if isinstance(config, type) else config_for(os.environ.get("POOLING_ENV"))
    app.config.from_object(config_class)
    if isinstance(config, dict):
        app.config.update(config)
    app.config.update(overrides)
    config_class.validate(app.config)
    app.config["POOLING_TRUSTED_PROXIES"] = int(app.config["POOLING_TRUSTED_PROXIES"])
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'pooling.db'}"
        )


def register_proxies(app: Flask) -> None:
    """Trust the X-Forwarded-* headers of the configured number of reverse proxies.

    Throttling then counts the real client address, and HSTS and absolute links follow the
    scheme and host the proxy received.
    """
    proxies = app.config["POOLING_TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def register_logging(app: Flask) -> None:
    """One log line per request with its request id (also sent as X-Request-Id)."""
    from pooling.core.request_log import init_request_log

    init_request_log(app)


def register_extensions(app: Flask) -> None:
    """Bind the extensions of ``pooling.extensions`` to this application."""
    from pooling import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from pooling.accounts.auth import init_login
    from pooling.core.database import init_database
    from pooling.core.i18n import init_babel
    from pooling.extensions import csrf, db, limiter, migrate
    from pooling.mail.delivery import init_mail

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    init_babel(app)
    init_mail(app)


def register_blueprints(app: Flask) -> None:
    """Mount every feature's pages and the JSON API."""
    from pooling.accounts.views import bp as accounts_bp
    from pooling.api import bp as api_bp
    from pooling.audit.views import bp as audit_bp
    from pooling.bookings.closure_views import bp as closures_bp
    from pooling.bookings.purpose_views import bp as purposes_bp
    from pooling.bookings.views import bp as bookings_bp
    from pooling.calendar.feed_views import bp as feeds_bp
    from pooling.calendar.views import bp as calendar_bp
    from pooling.costing.views import bp as costing_bp
    from pooling.dashboards.views import bp as dashboards_bp
    from pooling.health.views import bp as health_bp
    from pooling.home.views import bp as home_bp
    from pooling.mail.preferences_views import bp as mail_preferences_bp
    from pooling.mail.views import bp as mail_bp
    from pooling.notifications.views import bp as notifications_bp
    from pooling.organisations.views import bp as organisations_bp
    from pooling.qualifications.views import bp as qualifications_bp
    from pooling.resources.views import bp as resources_bp
    from pooling.usage.views import bp as usage_bp
    from pooling.waitlist.views import bp as waitlist_bp

    for blueprint in (
        health_bp,
        home_bp,
        accounts_bp,
        organisations_bp,
        resources_bp,
        qualifications_bp,
        closures_bp,
        bookings_bp,
        purposes_bp,
        calendar_bp,
        feeds_bp,
        notifications_bp,
        audit_bp,
        mail_bp,
        mail_preferences_bp,
        usage_bp,
        waitlist_bp,
        costing_bp,
        dashboards_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """HTML or JSON error pages depending on the client, after a rollback."""
    from pooling.core.http_errors import init_error_handlers

    init_error_handlers(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use (local dates, money, permissions)."""
    from pooling.core.templating import init_templating

    init_templating(app)


def register_security(app: Flask) -> None:
    """Security headers on every answer (CSP without inline script, no framing, nosniff)."""
    from pooling.core.security import init_security_headers

    init_security_headers(app)


def register_cli(app: Flask) -> None:
    """The ``pooling`` commands beside Flask's own."""
    from pooling.cli import register_commands

    register_commands(app)
