"""The OpenAPI 3.1 document of the JSON API and the calendar feeds, served at /api/v1/openapi.json.

Its paths and schemas are generated from the endpoints' ``@operation`` declarations
(``pooling.api.document``); this module adds what is said once for the whole API: the
description, the security schemes and the shared error answers.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from pydantic import ConfigDict

from pooling.api import bp, document
from pooling.api.operations import operation
from pooling.api.schemas.common import Answer

TAGS = (
    "meta",
    "me",
    "organisations",
    "resources",
    "qualifications",
    "bookings",
    "usage",
    "costs",
    "feeds",
)


class OpenApiDocument(Answer):
    """The OpenAPI 3.1 document."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


def _error_answers() -> dict[str, dict]:
    return {
        name: {
            "description": description,
            "content": {
                "application/json": {
                    "schema": {
                        "$ref": "#/components/schemas/"
                        + ("ConflictError" if status == 409 else "Error")
                    }
                }
            },
        }
        for status, (name, description) in document.ERROR_RESPONSES.items()
    }


def build_document() -> dict:
    """The whole OpenAPI 3.1 document."""
    paths, schemas = document.build()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pooling API",
            "version": "1.0.0",
            "summary": "Share premises, equipment and staff between a pole's members.",
            "description": (
                "Times: ISO 8601 with an offset or Z in requests (a naive time is a 422); "
                "answers give UTC with Z and `*_local` fields in the pole's time zone. "
                "Money is a string with two decimals. Errors are "
                '`{"error", "message", "fields"}`; messages follow `Accept-Language` '
                "(fr, en), else the caller's language. Session calls that change something "
                "send the page's CSRF token in `X-CSRFToken`."
            ),
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "tags": [{"name": name} for name in TAGS],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token (`pooling tokens create --email E`).",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The browser session; unsafe methods need X-CSRFToken.",
                },
            },
            "schemas": schemas,
            "responses": _error_answers(),
        },
    }


@bp.get("/openapi.json")
@operation("This document", tag="meta", answers={200: OpenApiDocument}, public=True)
def openapi() -> Response:
    """Serve the OpenAPI document (public, no authentication)."""
    return jsonify(build_document())
