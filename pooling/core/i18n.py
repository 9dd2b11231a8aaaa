"""Language selection: the person's choice, else their saved language, else French."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_login import current_user

from pooling.extensions import babel


def select_locale() -> str:
    """French by default; an explicit switch (?lang=) or the person's saved language wins.

    API clients without a session may ask with ``Accept-Language``.
    """
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or "fr"
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
