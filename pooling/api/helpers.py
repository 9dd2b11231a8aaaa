"""Request parsing and response shaping shared by the API handlers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from flask import Response, g, jsonify, request, url_for
from flask_babel import gettext as _

from pooling.core.errors import DomainError, RuleViolation
from pooling.core.text import control_characters_message, has_control_characters
from pooling.core.time import to_local
from pooling.core.time import utc_text as utc_text


class BadRequest(DomainError):
    """The request cannot be read at all, e.g. a body that is not JSON (400)."""

    status = 400
    code = "bad_request"


def actor():
    """The person calling the API (set by ``pooling.api.auth``)."""
    return g.actor


def _refuse_constant(name: str):
    raise ValueError(name)


def json_body() -> dict:
    """The request's JSON object ({} for an empty body); 400 when it is not a JSON object."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BadRequest(_("The body is not valid JSON."), code="malformed_json") from error
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object."), code="malformed_json")
    check_text(data)
    return data


# Fields whose text may span lines; every other text of a body is written on one line.
MULTILINE_FIELDS = frozenset({"description", "reason", "comment", "note", "notes", "message"})


def _texts(value, name: str):
    """Each text inside a JSON value, with the name of the field that holds it."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield name, key
            yield from _texts(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, name)


def check_text(body: dict) -> None:
    """Refuse a body whose texts (keys too) hold control characters (422 naming the fields).

    Line breaks and tabs are allowed only in the multi-line fields (``MULTILINE_FIELDS``).
    """
    errors: dict[str, list[str]] = {}
    for name, item in body.items():
        for field, text in _texts(item, name):
            multiline = field in MULTILINE_FIELDS
            if has_control_characters(text, multiline=multiline):
                errors.setdefault(field, [str(control_characters_message(multiline=multiline))])
        if has_control_characters(name):
            errors.setdefault("body", [str(control_characters_message())])
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)


def interval(query, start_name: str, end_name: str) -> tuple[datetime, datetime] | None:
    """Two instants of a validated query that make an interval: both or neither, end after start.

    Returns None when both are absent. Raises RuleViolation (422) naming the faulty parameter.
    """
    start = getattr(query, start_name)
    end = getattr(query, end_name)
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = start_name if start is None else end_name
        message = _("Give both %(start)s and %(end)s, or neither.", start=start_name, end=end_name)
        raise RuleViolation(message, code="incomplete_interval", fields={missing: [message]})
    if end <= start:
        message = _("The end must be after the start.")
        raise RuleViolation(message, code="end_before_start", fields={end_name: [message]})
    return start, end


def local_text(value: datetime | None) -> str | None:
    """An instant in the pole's time zone with its offset, e.g. ``2026-12-01T09:00:00+01:00``."""
    if value is None:
        return None
    local = to_local(value)
    offset = local.utcoffset()
    if offset is not None and offset.seconds % 60:
        # Before 1911 Paris kept local mean time (+00:09:21); RFC 3339 offsets are whole minutes.
        local = value.astimezone(timezone(timedelta(minutes=offset // timedelta(minutes=1))))
    return local.isoformat(timespec="seconds")


def page(items: list, query) -> tuple[list, str | None]:
    """Cut a list into pages: ``{"items": [...], "next": URL|null}`` driven by ?limit and ?page.

    ``query`` is the validated ``Paging`` query (at most ``MAX_PAGE`` items per page);
    ``next`` is the absolute URL of the following page.
    """
    limit, number = query.limit, query.page
    start = (number - 1) * limit
    chunk = items[start : start + limit]
    return chunk, _next_page_url(number, limit) if start + limit < len(items) else None


def _next_page_url(number: int, limit: int) -> str:
    """The absolute URL of page ``number + 1``, with the request's other parameters."""
    args = request.args.to_dict()
    args.update(page=str(number + 1), limit=str(limit))
    return (
        url_for(request.endpoint, **(request.view_args or {}), _external=True)
        + "?"
        + urlencode(args)
    )


def page_window(query) -> dict[str, int]:
    """``limit`` and ``offset`` to read the page a ``Paging`` query asks for from the database,
    with one row more, which tells whether a next page exists (see ``read_page_response``)."""
    return {"limit": query.limit + 1, "offset": (query.page - 1) * query.limit}


def read_page_response(rows: list, serialise, query) -> Response:
    """``{"items": [...], "next": URL|null}`` from rows read with ``page_window(query)``."""
    next_url = _next_page_url(query.page, query.limit) if len(rows) > query.limit else None
    return jsonify(items=[serialise(row) for row in rows[: query.limit]], next=next_url)


def list_response(items: list, serialise, query) -> Response:
    """A page of ``items`` as ``{"items": [...], "next": URL|null}``."""
    chunk, next_url = page(items, query)
    return jsonify(items=[serialise(item) for item in chunk], next=next_url)


# What the document says of a 201 answer made by ``created``: the new object's URL.
LOCATION = {
    "description": "Created.",
    "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}},
}


def created(body: dict, endpoint: str, **values) -> Response:
    """A 201 answer with ``body`` and the new object's absolute URL in ``Location``."""
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for(endpoint, _external=True, **values)
    return response
