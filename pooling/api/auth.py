"""Who is calling: a personal token (``Authorization: Bearer``) or the browser session with CSRF."""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from pooling.accounts.services import user_for_token
from pooling.api import bp
from pooling.core.errors import DomainError
from pooling.extensions import csrf, limiter

csrf.exempt(bp)

PUBLIC_ENDPOINTS = {"api.openapi"}


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _caller_key() -> str:
    header = request.headers.get("Authorization", "")
    return header[-16:] if header else request.remote_addr or "anonymous"


limiter.limit(_api_rate_limit, key_func=_caller_key)(bp)


@bp.before_request
def authenticate():
    """Set ``g.actor``; refuse anonymous callers (401) and session calls without a CSRF token."""
    g.actor = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, secret = header.partition(" ")
        user = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise Unauthorized(_("This API token is not valid."))
        g.actor = user
        return None
    if current_user.is_authenticated:
        g.actor = current_user._get_current_object()
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                csrf.protect()
            except CSRFError as error:
                raise DomainError(
                    _("The CSRF token is missing or invalid; reload the page."), code="csrf"
                ) from error
        return None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    raise Unauthorized(_("Please sign in (or send an API token)."))
