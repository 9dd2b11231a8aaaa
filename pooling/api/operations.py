"""The thin link between Flask and the API's schemas: one decorator per operation.

``@operation(...)`` declares what an endpoint reads and answers with pydantic models
(``pooling.api.schemas``). At each call it validates the query string and the JSON body and
hands the handler typed values (``query=``, ``body=``); a wrong value is a 422 in the
contract's envelope, naming each field, translated. The same declaration generates the
OpenAPI document (``pooling.api.openapi``), so the two cannot drift. Under test the answers
are also checked against their declared schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from pooling.api.helpers import actor, json_body
from pooling.api.schemas.types import MAX_ID
from pooling.core.errors import RuleViolation

# Codes whose message says enough to be the answer's message too.
SPECIFIC_CODES = frozenset({"required", "naive_time", "time_out_of_range", "invalid_time"})


@dataclass(frozen=True)
class Operation:
    """What the document says of one endpoint."""

    summary: str
    tag: str
    answers: dict[int, type[BaseModel] | tuple | str | dict | None]
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    public: bool = False
    description: str | None = None
    headers: tuple[dict, ...] = ()
    security: list | None = None


def operation(
    summary: str,
    *,
    tag: str,
    answers: dict[int, type[BaseModel] | tuple | str | dict | None],
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    query: type[BaseModel] | None = None,
    errors: tuple[int, ...] = (),
    public: bool = False,
    headers: tuple[dict, ...] = (),
    guard=None,
    security: list | None = None,
):
    """Declare an endpoint's messages; the handler receives ``body=`` and ``query=``.

    ``answers`` maps each status to its response model, to ``(model, {"headers": ...})`` when
    more is said of the answer, to a description when the answer has no body, or to a whole
    OpenAPI response object (a calendar file, a web page).
    ``headers`` are OpenAPI parameter objects read from headers; ``security`` replaces the
    document's default (a token or the session). ``errors`` lists the error statuses it may give besides
    the usual ones (401 unless ``public``, 400 and 422 with a body or query, 429).
    ``guard(actor)``, when given, runs before the input is read: who may not call the
    endpoint at all gets its 403, whatever they sent.
    """

    def decorate(view):
        spec = Operation(
            summary=summary,
            tag=tag,
            answers=answers,
            body=body,
            body_required=body_required,
            query=query,
            errors=errors,
            public=public,
            description=(view.__doc__ or "").strip() or None,
            headers=headers,
            security=security,
        )

        @wraps(view)
        def handler(**kwargs):
            if guard is not None:
                guard(actor())
            if query is not None:
                kwargs["query"] = read_query(query)
            if body is not None:
                kwargs["body"] = read_body(body)
            response = view(**kwargs)
            if current_app.config.get("API_CHECK_ANSWERS"):
                check_answer(spec, response)
            return response

        handler.operation = spec
        return handler

    return decorate


def read_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body validated by ``model`` (an empty body is ``{}``)."""
    return validate(model, json_body())


def read_query(model: type[BaseModel]) -> BaseModel:
    """The query string validated by ``model``; an empty parameter counts as absent."""
    values = {
        name: value.replace("\x00", "").strip()
        for name, value in request.args.items()
        if value.replace("\x00", "").strip() != ""
    }
    return validate(model, values)


def validate(model: type[BaseModel], data: dict) -> BaseModel:
    """``data`` as a ``model``; a 422 RuleViolation naming each faulty field otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise refusal(error) from None


def refusal(error: ValidationError) -> RuleViolation:
    """The contract's 422 for a pydantic error: translated messages per field."""
    fields: dict[str, list[str]] = {}
    codes: list[str] = []
    for item in error.errors(include_url=False):
        code, message = _explain(item)
        name = _field_name(item["loc"])
        if message not in fields.setdefault(name, []):
            fields[name].append(message)
        codes.append(code)
    distinct = set(codes)
    if len(distinct) == 1 and codes[0] in SPECIFIC_CODES:
        first = next(iter(fields.values()))[0]
        return RuleViolation(first, code=codes[0], fields=fields)
    code = codes[0] if len(distinct) == 1 and codes[0] != "validation_error" else None
    return RuleViolation(_("Please correct the highlighted fields."), code=code, fields=fields)


def _field_name(loc: tuple) -> str:
    """The name a caller knows a field by: the top-level one, or the inner one of a nested
    object (``rules.slot_minutes`` is ``slot_minutes``), never a list index."""
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return "body"
    if any(isinstance(part, int) for part in loc):
        return names[0]
    return names[-1]


def _explain(item: dict) -> tuple[str, str]:
    """(code, translated message) for one pydantic error."""
    kind = item["type"]
    context = item.get("ctx") or {}
    if kind == "missing":
        return "required", _("This field is required.")
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return "validation_error", _("A whole number is expected.")
    if kind in {"float_type", "float_parsing", "decimal_type", "decimal_parsing"}:
        return "validation_error", _("A number is expected.")
    if kind in {"string_type", "string_unicode"}:
        return "validation_error", _("Text is expected.")
    if kind in {"bool_type", "bool_parsing"}:
        return "validation_error", _("true or false is expected.")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return "validation_error", _("A list is expected.")
    if kind in {"dict_type", "model_type", "model_attributes_type", "dataclass_type"}:
        return "validation_error", _("An object is expected.")
    if kind in {"none_required"}:
        return "validation_error", _("This value is not allowed.")
    if kind in {"less_than_equal", "less_than"}:
        limit = context.get("le", context.get("lt"))
        if limit is not None and limit >= MAX_ID:
            return "validation_error", _("This number is too large.")
        return "validation_error", _("Must be at most %(n)s.", n=limit)
    if kind in {"greater_than_equal", "greater_than"}:
        limit = context.get("ge", context.get("gt"))
        if limit is not None and limit <= -MAX_ID:
            return "validation_error", _("This number is too large.")
        return "validation_error", _("Must be at least %(n)s.", n=limit)
    if kind in {"string_too_long", "too_long"}:
        return "validation_error", _("At most %(n)s characters.", n=context.get("max_length"))
    if kind in {"string_too_short", "too_short"}:
        if context.get("min_length") == 1:
            return "required", _("This field is required.")
        return "validation_error", _("At least %(n)s characters.", n=context.get("min_length"))
    if kind in {"literal_error", "enum"}:
        choices = context.get("expected", "")
        return "validation_error", _("Must be one of: %(choices)s.", choices=choices)
    if kind == "string_pattern_mismatch":
        return "validation_error", _("This value is not in the expected form.")
    if kind == "value_error":
        # A model's own check raised ValueError: its text is already translated.
        return "validation_error", str(context.get("error", item["msg"]))
    # A PydanticCustomError of pooling.api.schemas.types: its code and translated message.
    return kind, item["msg"]


def check_answer(spec: Operation, response) -> None:
    """Under test: fail loudly when an answer does not match its declared schema."""
    if not isinstance(response, Response):
        response = current_app.make_response(response)
    model = spec.answers.get(response.status_code)
    model = model[0] if isinstance(model, tuple) else model
    if not isinstance(model, type) or not response.is_json:
        return
    try:
        model.model_validate(json.loads(response.get_data()))
    except ValidationError as error:
        raise AssertionError(
            f"{request.endpoint} answered {response.status_code} out of its schema "
            f"{model.__name__}: {error}"
        ) from None
