"""Putting a domain error's field messages next to the fields of the form that was sent."""

from __future__ import annotations

from pooling.core.errors import DomainError


def place_field_errors(
    form,
    error: DomainError,
    *,
    aliases: dict[str, str] | None = None,
    default_field: str | None = None,
) -> tuple[bool, dict[str, list[str]]]:
    """Add each message of ``error.fields`` to the form field of that name.

    ``aliases`` maps a service's field name to the form's; ``default_field`` takes the
    messages of fields the form does not have. Returns whether any message was placed, and
    the messages left without a field (the view decides how to show them).
    """
    aliases = aliases or {}
    placed = False
    unplaced: dict[str, list[str]] = {}
    for name, messages in error.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        if (field is None or not hasattr(field, "errors")) and default_field:
            field = getattr(form, default_field, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *messages]
            placed = True
        else:
            unplaced[name] = list(messages)
    return placed, unplaced
