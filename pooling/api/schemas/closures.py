"""Closures: a resource or the whole pole closed for a while."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from pooling.api.schemas.common import Answer, Body, Paging
from pooling.api.schemas.types import Id, Instant, LocalText, Paragraph, UtcText


class ClosureQuery(Paging):
    resource_id: Annotated[
        Id | None, Field(description="Of this resource, with the closures of the whole pole.")
    ] = None
    start: Annotated[Instant | None, Field(description="Ending after this instant.")] = None
    end: Annotated[Instant | None, Field(description="Starting before this instant.")] = None


class ClosureCreate(Body):
    resource_id: Annotated[
        Id | None, Field(description="The resource to close; absent or null: the whole pole.")
    ] = None
    start: Instant
    end: Instant
    reason: Annotated[Paragraph, Field(min_length=1, max_length=200)]
    cancel_bookings: Annotated[
        bool,
        Field(
            description=(
                "Cancel the pending and confirmed bookings it overlaps, with the reason, and "
                "tell their bookers; otherwise they stay and are listed."
            )
        ),
    ] = False


class Closure(Answer):
    """A closure: no booking in it, with the reason people see."""

    id: int
    resource_id: Annotated[
        int | None, Field(description="The closed resource; null when the whole pole is closed.")
    ]
    start: UtcText
    end: UtcText
    start_local: LocalText
    end_local: LocalText
    reason: str


class ClosureCreated(Closure):
    """The closure, with the bookings it hits."""

    affected_bookings: Annotated[
        list[int], Field(description="The pending or confirmed bookings it overlaps.")
    ]
    cancelled_bookings: Annotated[
        list[int], Field(description="Those cancelled because of it (with cancel_bookings).")
    ]
