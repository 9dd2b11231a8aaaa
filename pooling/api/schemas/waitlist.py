"""The waitlist: joining a taken slot, and how an entry is answered."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from pooling.api.schemas.common import Answer, Body, Paging
from pooling.api.schemas.types import MAX_ID, Id, Line, LocalText, UtcText, WallInstant
from pooling.waitlist.models import STATUSES

EntryStatus = Literal[tuple(STATUSES)]  # type: ignore[valid-type]


class WaitlistJoin(Body):
    """The taken slot to wait for; the booking rules apply as for a booking of it."""

    resource_id: Id
    start: WallInstant
    end: WallInstant
    title: Annotated[Line, Field(max_length=200)] = ""
    quantity: Annotated[int, Field(ge=1, le=MAX_ID)] = 1
    organisation_id: Annotated[
        Id | None, Field(description="On whose behalf; required when the caller has several.")
    ] = None


class WaitlistQuery(Paging):
    resource_id: Annotated[Id | None, Field(description="Of this resource.")] = None
    status: Annotated[EntryStatus | None, Field(description="Status.")] = None


class WaitlistEntry(Answer):
    """A person waiting for a taken slot; ``offered`` holds the units until
    ``offer_expires_at``; ``accepted`` made ``booking_id``."""

    id: int
    resource_id: int
    organisation_id: int
    user_id: int
    title: str
    start: UtcText
    end: UtcText
    start_local: LocalText
    end_local: LocalText
    quantity: int
    status: EntryStatus
    position: Annotated[
        int | None,
        Field(description="Place in the queue for its time (1: next); null once off the list."),
    ]
    offer_expires_at: UtcText | None
    booking_id: int | None
    created_at: UtcText
