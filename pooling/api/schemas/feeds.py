"""Calendar feeds: the secret iCal URLs a person subscribes to."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from pooling.api.schemas.common import Answer, Body
from pooling.api.schemas.types import Id, UtcText
from pooling.calendar.services import SCOPES

FeedScope = Literal[tuple(SCOPES)]  # type: ignore[valid-type]
URI = {"format": "uri"}


class FeedCreate(Body):
    scope: Annotated[
        FeedScope,
        Field(description="Whose bookings: mine, my organisation's, or one resource's."),
    ]
    organisation_id: Annotated[
        Id | None,
        Field(description="With scope organisation; absent: the caller's main organisation."),
    ] = None
    resource_id: Annotated[Id | None, Field(description="With scope resource.")] = None


class Feed(Answer):
    """A calendar feed; its URL is a secret that lets anyone read it."""

    id: int
    scope: FeedScope
    organisation_id: int | None
    resource_id: int | None
    url: Annotated[
        str | None,
        Field(json_schema_extra=URI, description="The feed's https address (null if unknown)."),
    ]
    webcal_url: Annotated[
        str | None, Field(description="The same address for calendar programs (webcal://).")
    ]
    created_at: UtcText
    last_used_at: Annotated[
        UtcText | None, Field(description="When a calendar program last read it.")
    ]
