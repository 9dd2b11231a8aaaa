"""Sign-in plumbing: Flask-Login's user loader, and who is acting in an API request."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from pooling.accounts.models import User
from pooling.extensions import db, login_manager


def init_login(app: Flask) -> None:
    """Configure Flask-Login: the sign-in page, the translated prompt, the user loader."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Find the user of a session; a session signed with an old session token is refused."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user
