"""Language selection: the person's choice, else their saved language, else French."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user

from pooling.extensions import babel


def select_locale() -> str:
    """French by default; an explicit switch (?lang=) or the person's saved language wins.

    API clients ask with ``Accept-Language`` (see ``_api_locale``).
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return _api_locale(languages)
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _api_locale(languages) -> str:
    """API calls: the client's ``Accept-Language``, else the caller's saved language, else French."""
    asked = request.accept_languages.best_match(languages)
    if asked:
        return asked
    caller = g.get("actor")
    if caller is None and current_user and current_user.is_authenticated:
        caller = current_user
    if caller is not None and caller.locale in languages:
        return caller.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["POOLING_TIMEZONE"]


def init_babel(app: Flask) -> None:
    """Bind Flask-Babel with the catalogues in ``pooling/translations``."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/translations"),
    )
