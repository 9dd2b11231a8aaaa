"""Who is calling: a personal token (``Authorization: Bearer``) or the browser session with CSRF."""

from __future__ import annotations

from flask import Response, current_app, g, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from pooling.accounts.secrets import digest
from pooling.accounts.services import user_for_token
from pooling.api import bp
from pooling.api.schemas.types import MAX_ID
from pooling.core.errors import DomainError, NotFound
from pooling.extensions import csrf, limiter

# Bearer calls carry no cookie, so CSRF cannot reach them; session calls are checked below.
csrf.exempt(bp)

PUBLIC_ENDPOINTS = {"api.openapi"}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Unauthorized(DomainError):
    """No valid credentials: no token, a wrong or revoked one, and no session (401)."""

    status = 401
    code = "unauthorized"


class CsrfRefused(DomainError):
    """A session call that changes something without the page's CSRF token (400)."""

    status = 400
    code = "csrf"


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _caller_key() -> str:
    """Throttle per token, per signed-in person, else per address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + digest(header)[:32]
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "addr:" + (request.remote_addr or "unknown")


limiter.limit(_api_rate_limit, key_func=_caller_key)(bp)


@bp.before_request
def authenticate() -> None:
    """Set ``g.actor``; refuse anonymous callers (401) and session calls without a CSRF token."""
    g.actor = None
    # The language of the messages depends on the caller, known only from here on.
    refresh_locale()
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
        if request.method not in SAFE_METHODS:
            try:
                csrf.protect()
            except CSRFError as error:
                raise CsrfRefused(
                    _("The CSRF token is missing or invalid; reload the page.")
                ) from error
        return None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    raise Unauthorized(_("Please sign in (or send an API token)."))


@bp.before_request
def refuse_impossible_ids() -> None:
    """An identifier beyond what the database stores names nothing: 404, not a database error."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ID:
            raise NotFound(_("This page or object does not exist."))


@bp.after_request
def describe_answer(response: Response) -> Response:
    """Say the language of the messages, and how to authenticate on a 401."""
    response.headers.setdefault("Content-Language", str(get_locale() or "fr"))
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pooling"'
    return response
