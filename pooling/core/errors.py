"""Domain errors raised by services and mapped to HTTP answers in one place per surface."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of the errors a service may raise; ``code`` is stable, ``message`` is translated."""

    status = 400
    code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        **extra: Any,
    ):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra


class NotAllowed(DomainError):
    """The actor may not do this (403)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor (404)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The request collides with the current state, e.g. an occupied slot (409)."""

    status = 409
    code = "conflict"


class RuleViolation(DomainError):
    """A business rule or a validation refuses the request (422); ``code`` names the rule."""

    status = 422
    code = "validation_error"
