"""Generate the OpenAPI 3.1 paths and schemas from the endpoints' ``@operation`` declarations.

Each operation's body, query and answer models become ``components/schemas`` through
pydantic's JSON Schema (the dialect OpenAPI 3.1 uses); its path parameters come from the
URL rule; its error answers point to the shared ``components/responses``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from werkzeug.routing import IntegerConverter, Rule

from pooling.api.operations import Operation
from pooling.api.schemas.common import ConflictError, Error
from pooling.api.schemas.types import MAX_ID

REF = "#/components/schemas/{model}"
CONVERTER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")

# Error answers every operation may give, by status, with the component that describes them.
ERROR_RESPONSES = {
    400: ("BadRequest", "The body is not JSON, or a session call lacks its CSRF token."),
    401: ("Unauthorized", "No valid token and no session."),
    403: ("Forbidden", "Signed in but not allowed to do this."),
    404: ("NotFound", "No such object, or not visible to the caller."),
    409: ("Conflict", "The request collides with the current state (e.g. an occupied slot)."),
    422: ("ValidationError", "A value is invalid or a rule refuses the request; see `fields`."),
    429: ("TooManyRequests", "Too many calls with this token; wait and retry."),
}
# What a path's identifier names, when its name alone does not say it.
ID_WORDS = {"org_id": "organisation", "organisation_id": "organisation", "period_id": "cost period"}


class _Names(GenerateJsonSchema):
    """Schema names as a reader would write them: ``Page[Closure]`` is ``ClosurePage``."""

    def normalize_name(self, name: str) -> str:
        generic = re.fullmatch(r"(\w+)\[(\w+)\]", name)
        if generic:
            name = generic.group(2) + generic.group(1)
        return super().normalize_name(name)


def operations(app=None) -> list[tuple[str, str, Rule, Operation]]:
    """(path, method, URL rule, declaration) of every declared endpoint, in URL order."""
    app = app or current_app
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        spec = getattr(view, "operation", None)
        if spec is None:
            continue
        path = CONVERTER.sub(r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((path, method.lower(), rule, spec))
    return found


def _models(found) -> list[tuple[type[BaseModel], str]]:
    models: dict[tuple[type[BaseModel], str], None] = {(Error, "serialization"): None}
    models[(ConflictError, "serialization")] = None
    for _path, _method, _endpoint, spec in found:
        if spec.body is not None:
            models[(spec.body, "validation")] = None
        if spec.query is not None:
            models[(spec.query, "validation")] = None
        for model in spec.answers.values():
            model = model[0] if isinstance(model, tuple) else model
            if isinstance(model, type):
                models[(model, "serialization")] = None
    return list(models)


def _path_parameter(name: str, converter) -> dict:
    if isinstance(converter, IntegerConverter):
        what = ID_WORDS.get(name, name.removesuffix("_id").replace("_", " "))
        schema: dict = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": schema,
            "description": f"The {what}'s id.",
        }
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _query_parameters(schema: dict) -> list[dict]:
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        prop.pop("title", None)
        if prop.get("default", ...) is None:
            del prop["default"]
        # An absent parameter is the null of the model; in a URL a parameter is given or not.
        choices = prop.get("anyOf", ())
        if len(choices) == 2 and {"type": "null"} in choices:
            prop.pop("anyOf")
            # The parameter's own description wins over its type's.
            prop = {**next(choice for choice in choices if choice != {"type": "null"}), **prop}
        description = prop.pop("description", None)
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
        }
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _answer(model, refs) -> dict:
    if isinstance(model, tuple):
        # (Model, {"headers": ...}): a JSON answer with more said of it.
        return {**_answer(model[0], refs), **model[1]}
    if model is None:
        return {"description": "Done."}
    if isinstance(model, str):
        return {"description": model}
    if isinstance(model, dict):
        return model
    doc = (model.__doc__ or "").strip().splitlines()
    if not doc and model.__pydantic_generic_metadata__["origin"] is not None:
        item = model.__pydantic_generic_metadata__["args"][0]
        doc = [f"A page of {item.__name__} items."]
    return {
        "description": doc[0] if doc else model.__name__,
        "content": {"application/json": {"schema": refs[(model, "serialization")]}},
    }


def build(app=None) -> tuple[dict, dict]:
    """(paths, schemas) of every declared endpoint."""
    app = app or current_app
    found = operations(app)
    refs, definitions = models_json_schema(
        _models(found), ref_template=REF, schema_generator=_Names
    )
    schemas = definitions.get("$defs", {})
    paths: dict[str, dict] = {}
    for path, method, rule, spec in found:
        parameters = [
            _path_parameter(name, converter)
            for name, converter in rule._converters.items()  # the rule's typed arguments
        ]
        if spec.query is not None:
            query_schema = schemas[spec.query.__name__]
            parameters += _query_parameters(query_schema)
        parameters += list(spec.headers)
        item: dict[str, Any] = {
            "operationId": rule.endpoint.split(".", 1)[-1],
            "summary": spec.summary,
            "tags": [spec.tag],
        }
        if spec.description:
            item["description"] = spec.description
        if parameters:
            item["parameters"] = parameters
        errors = set(spec.errors) | {429}
        if spec.body is not None:
            item["requestBody"] = {
                "required": spec.body_required,
                "content": {"application/json": {"schema": refs[(spec.body, "validation")]}},
            }
            errors |= {400, 422}
        if spec.query is not None:
            errors.add(422)
        if not spec.public:
            errors.add(401)
        responses = {str(status): _answer(model, refs) for status, model in spec.answers.items()}
        for status in sorted(errors):
            responses.setdefault(
                str(status), {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
            )
        item["responses"] = responses
        if spec.public:
            item["security"] = []
        elif spec.security is not None:
            item["security"] = spec.security
        paths.setdefault(path, {})[method] = item
    return paths, schemas
