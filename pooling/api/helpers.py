"""Request parsing and response shaping shared by the API handlers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode

from flask import g, request, url_for
from flask_babel import gettext as _

from pooling.core.errors import DomainError, RuleViolation
from pooling.core.time import NaiveTime, parse_instant, to_local

MAX_PAGE = 500


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


def actor():
    return g.actor


def json_body() -> dict:
    """The request's JSON object; 400 when it is not JSON or not an object."""
    data = request.get_json(silent=True, force=True)
    if data is None:
        if not request.get_data():
            return {}
        raise BadRequest(_("The body is not valid JSON."), code="malformed_json")
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object."), code="malformed_json")
    return data


def instant(value, field: str) -> datetime:
    """Parse an ISO 8601 instant with an offset; 422 naming the field otherwise."""
    try:
        return parse_instant(value)
    except NaiveTime as error:
        message = _("Give the time with an offset or Z, e.g. 2026-12-01T09:00:00+01:00.")
        raise RuleViolation(message, code="naive_time", fields={field: [message]}) from error
    except (ValueError, TypeError) as error:
        message = _("Not an ISO 8601 date and time.")
        raise RuleViolation(message, code="invalid_time", fields={field: [message]}) from error


def optional_instant(name: str) -> datetime | None:
    value = request.args.get(name)
    return instant(value, name) if value not in (None, "") else None


def int_arg(name: str, *, minimum: int | None = None) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError as error:
        message = _("A whole number is expected.")
        raise RuleViolation(message, fields={name: [message]}) from error
    if minimum is not None and number < minimum:
        message = _("Must be at least %(n)s.", n=minimum)
        raise RuleViolation(message, fields={name: [message]})
    return number


def choice_arg(name: str, choices) -> str | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if value not in choices:
        message = _("Must be one of: %(choices)s.", choices=", ".join(choices))
        raise RuleViolation(message, fields={name: [message]})
    return value


def utc_text(value: datetime | None) -> str | None:
    """An instant as ``2026-12-01T08:00:00Z``."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_text(value: datetime | None) -> str | None:
    """An instant in the pole's time zone with its offset, e.g. ``2026-12-01T09:00:00+01:00``."""
    if value is None:
        return None
    return to_local(value).isoformat(timespec="seconds")


def money_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def page(items: list, *, limit_default: int = 100):
    """Cut a list into pages: ``{"items": [...], "next": URL|null}`` driven by ?limit and ?page."""
    limit = int_arg("limit", minimum=1) or limit_default
    limit = min(limit, MAX_PAGE)
    number = int_arg("page", minimum=1) or 1
    start = (number - 1) * limit
    chunk = items[start : start + limit]
    next_url = None
    if start + limit < len(items):
        args = request.args.to_dict()
        args.update(page=str(number + 1), limit=str(limit))
        next_url = (
            url_for(request.endpoint, **(request.view_args or {}), _external=True)
            + "?"
            + urlencode(args)
        )
    return chunk, next_url
