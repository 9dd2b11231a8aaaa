"""What a person changes of their own account: password, language, open sessions."""

from __future__ import annotations

import secrets as _random

from flask import current_app
from flask_babel import gettext as _

from pooling.accounts.models import User
from pooling.accounts.passwords import (
    hash_password,
    password_message,
    password_problem,
    verify_password,
)
from pooling.audit.services import record
from pooling.core.errors import RuleViolation
from pooling.extensions import db


def end_sessions(user: User) -> User:
    """Sign a person out everywhere: every session signed with the old token stops working."""
    user.session_token = _random.token_hex(16)
    db.session.flush()
    return user


def set_password(user: User, new_password: str, *, current_password: str | None = None) -> User:
    """Change a person's password and end their other sessions.

    With ``current_password`` (a person changing their own), it must match. Raises RuleViolation.
    """
    if current_password is not None and not verify_password(user.password_hash, current_password):
        raise RuleViolation(
            _("Your current password is not correct."),
            fields={"current_password": [_("Your current password is not correct.")]},
        )
    if problem := password_problem(new_password):
        message = password_message(problem)
        raise RuleViolation(message, fields={"password": [message]})
    user.password_hash = hash_password(new_password)
    user.session_token = _random.token_hex(16)
    db.session.flush()
    record(user, "user.password", user)
    return user


def set_locale(user: User, locale: str) -> User:
    """Choose the interface language of a person (fr or en)."""
    if locale not in current_app.config["LANGUAGES"]:
        raise RuleViolation(_("Unknown language."), fields={"locale": [_("Unknown language.")]})
    user.locale = locale
    db.session.flush()
    return user
