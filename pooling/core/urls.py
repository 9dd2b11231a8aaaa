"""Safe redirects: a ``next`` parameter may only lead to a page of this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_safe_next(target: str | None) -> bool:
    """Whether ``target`` is a local path (no scheme, no host, no ``//`` or backslash trick)."""
    if not target or not isinstance(target, str):
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def external_url(endpoint: str, **values) -> str:
    """An absolute URL of this application, for links that leave it (feeds, mails, the CLI).

    On ``POOLING_BASE_URL`` when it is set, whether or not a request is being answered;
    else on the host of the current request; else on the development address.
    """
    from flask import current_app, has_request_context, url_for

    base = current_app.config.get("POOLING_BASE_URL")
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=base or "http://127.0.0.1:5000"):
        return url_for(endpoint, _external=True, **values)


def public_root() -> str:
    """The application's root URL ending in ``/``, as external_url builds it."""
    return external_url("home.index")
