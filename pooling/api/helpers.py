"""Request parsing and response shaping shared by the API handlers."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import urlencode

from flask import Response, g, jsonify, request, url_for
from flask_babel import gettext as _

from pooling.core.errors import DomainError, RuleViolation
from pooling.core.text import control_characters_message, has_control_characters
from pooling.core.time import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    NaiveTime,
    OutOfRange,
    parse_instant,
    to_local,
)
from pooling.core.time import utc_text as utc_text

MAX_PAGE = 500
# Identifiers are 32-bit integers in the database; a larger number names nothing.
MAX_ID = 2**31 - 1
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")


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


# JSON types a field may have, by name; a trailing "?" in a shape also allows null.
def _is_text(value) -> bool:
    return isinstance(value, str)


def _is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float | str) and not isinstance(value, bool)


SHAPES = {
    "text": _is_text,
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda value: isinstance(value, bool),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
}


def _shape_message(shape: str) -> str:
    return {
        "text": _("Text is expected."),
        "integer": _("A whole number is expected."),
        "number": _("A number is expected."),
        "boolean": _("true or false is expected."),
        "object": _("An object is expected."),
        "array": _("A list is expected."),
    }[shape]


def check_shape(body: dict, shapes: dict[str, str]) -> None:
    """Check the JSON type of each given field (``{"name": "text", "capacity": "integer?"}``).

    Raises RuleViolation (422) naming every field of the wrong type or holding a whole number
    too large to be stored (``json_body`` has already refused control characters).
    """
    errors: dict[str, list[str]] = {}
    for name, shape in shapes.items():
        if name not in body:
            continue
        value = body[name]
        nullable = shape.endswith("?")
        kind = shape.rstrip("?")
        if value is None:
            if not nullable:
                errors[name] = [_("This value is required.")]
            continue
        if not SHAPES[kind](value):
            errors[name] = [_shape_message(kind)]
        elif _is_integer(value) and abs(value) > MAX_ID:
            errors[name] = [_("This number is too large.")]
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)


def instant(value, field: str, *, keep_offset: bool = False) -> datetime:
    """Parse an ISO 8601 instant with an offset, between EARLIEST_YEAR and LATEST_YEAR.

    Returns it in UTC, or with its own offset when ``keep_offset`` (to tell which wall-clock
    time was meant). Raises RuleViolation (422) naming the field otherwise.
    """
    try:
        return parse_instant(value, keep_offset=keep_offset)
    except NaiveTime as error:
        message = _("Give the time with an offset or Z, e.g. 2026-12-01T09:00:00+01:00.")
        raise RuleViolation(message, code="naive_time", fields={field: [message]}) from error
    except OutOfRange as error:
        message = _(
            "Give a date between the years %(first)s and %(last)s.",
            first=EARLIEST_YEAR,
            last=LATEST_YEAR,
        )
        raise RuleViolation(message, code="time_out_of_range", fields={field: [message]}) from error
    except (ValueError, TypeError, OverflowError) as error:
        message = _("Not an ISO 8601 date and time.")
        raise RuleViolation(message, code="invalid_time", fields={field: [message]}) from error


def optional_instant(name: str) -> datetime | None:
    """The query parameter ``name`` as a UTC instant, or None when absent."""
    value = request.args.get(name)
    return instant(value, name) if value not in (None, "") else None


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


def interval_args(start_name: str, end_name: str) -> tuple[datetime, datetime] | None:
    """Two query parameters that make an interval (see ``interval``)."""

    class _Args:
        pass

    args = _Args()
    setattr(args, start_name, optional_instant(start_name))
    setattr(args, end_name, optional_instant(end_name))
    return interval(args, start_name, end_name)


def int_arg(name: str, *, minimum: int | None = None, maximum: int = MAX_ID) -> int | None:
    """The query parameter ``name`` as a whole number within bounds, or None when absent."""
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if not WHOLE_NUMBER.fullmatch(value.strip()):
        message = _("A whole number is expected.")
        raise RuleViolation(message, fields={name: [message]})
    number = int(value.strip())
    if number < -MAX_ID - 1:
        message = _("This number is too large.")
        raise RuleViolation(message, fields={name: [message]})
    if minimum is not None and number < minimum:
        message = _("Must be at least %(n)s.", n=minimum)
        raise RuleViolation(message, fields={name: [message]})
    if number > maximum:
        message = _("Must be at most %(n)s.", n=maximum)
        raise RuleViolation(message, fields={name: [message]})
    return number


def choice_arg(name: str, choices) -> str | None:
    """The query parameter ``name`` when it is one of ``choices``; 422 otherwise."""
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if value not in choices:
        message = _("Must be one of: %(choices)s.", choices=", ".join(choices))
        raise RuleViolation(message, fields={name: [message]})
    return value


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


def money_text(value: Decimal | None) -> str | None:
    """An amount as a string with two decimals, e.g. ``"1234.50"``."""
    if value is None:
        return None
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def page(items: list, query=None) -> tuple[list, str | None]:
    """Cut a list into pages: ``{"items": [...], "next": URL|null}`` driven by ?limit and ?page.

    ``query`` is the validated ``Paging`` query (read from the request when not given). At
    most ``MAX_PAGE`` items per page; ``next`` is the absolute URL of the following page.
    """
    if query is not None:
        limit, number = query.limit, query.page
    else:
        limit = min(int_arg("limit", minimum=1) or 100, MAX_PAGE)
        number = int_arg("page", minimum=1) or 1
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


def list_response(items: list, serialise, query=None) -> Response:
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
