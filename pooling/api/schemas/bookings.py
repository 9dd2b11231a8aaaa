"""Bookings, series, check-in and check-out, and a resource's availability."""

from __future__ import annotations

from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import Field, RootModel

from pooling.api.schemas.common import Answer, Body, Paging, Query, Reason
from pooling.api.schemas.types import (
    MAX_ID,
    Count,
    Id,
    Instant,
    Line,
    LocalText,
    UtcText,
    WallInstant,
    decimal_in,
)
from pooling.bookings.availability import UNAVAILABLE_KINDS
from pooling.bookings.models import SHARE_STATUSES, STATUSES
from pooling.bookings.services import OnConflict

BookingStatus = Literal[tuple(STATUSES)]  # type: ignore[valid-type]
Title = Annotated[Line, Field(max_length=200)]
Quantity = Annotated[int, Field(ge=1, le=MAX_ID)]
PurposeCode = Annotated[
    str,
    Field(
        max_length=40,
        description=(
            "What the booking is for: the code of an active purpose of the list the "
            "coordinators keep (e.g. training, public_event); empty for none."
        ),
    ),
]
Attendance = Annotated[
    int, Field(ge=0, le=100_000, description="Expected attendance: how many people, 0 or more.")
]


NUMBER_OR_TEXT = {"type": ["number", "string"]}

# A co-organiser's share: a number or a text, e.g. 0.5 or "0.333333".
ShareIn = decimal_in(NUMBER_OR_TEXT, code="invalid_shares")
# A meter reading (e.g. a van's km): a number or a text; the booking rules say how large.
MeterIn = decimal_in(
    {**NUMBER_OR_TEXT, "description": "A positive number, e.g. the van's km."},
    code="invalid_meter",
    message=lambda: _("The meter reading is a positive number."),
)


# ---------------------------------------------------------------- requests


class BookingQuery(Paging):
    resource_id: Annotated[Id | None, Field(description="Of this resource.")] = None
    organisation_id: Annotated[Id | None, Field(description="Of this organisation.")] = None
    user_id: Annotated[
        Id | None,
        Field(
            description=(
                "Made by this person: yourself, or for one of your organisations "
                "(coordinators: anyone); otherwise an empty list."
            )
        ),
    ] = None
    series_id: Annotated[Id | None, Field(description="Of this series.")] = None
    start: Annotated[Instant | None, Field(description="Ending after this instant.")] = None
    end: Annotated[Instant | None, Field(description="Starting before this instant.")] = None
    status: Annotated[BookingStatus | None, Field(description="Status.")] = None


class BookingShareInput(Body):
    organisation_id: Id
    share: ShareIn


class BookingCreate(Body):
    resource_id: Id
    start: WallInstant
    end: WallInstant
    title: Title = ""
    quantity: Quantity = 1
    organisation_id: Annotated[
        Id | None, Field(description="On whose behalf; required when the caller has several.")
    ] = None
    shares: Annotated[
        list[BookingShareInput] | None,
        Field(
            description=(
                "A co-organised booking: the booking's organisation keeps a share above 0 and "
                "the shares (rounded to 6 decimals) add up to 1; another organisation's share "
                "is proposed until it accepts it."
            )
        ),
    ] = None
    recurrence: Annotated[
        Line | None, Field(description="An RFC 5545 RRULE, e.g. FREQ=WEEKLY;COUNT=10.")
    ] = None
    on_conflict: Annotated[
        OnConflict,
        Field(description="A series: book nothing on a conflict (fail), or the free dates."),
    ] = "fail"
    override_rules: Annotated[
        bool, Field(description="Coordinators: book outside the rules (recorded).")
    ] = False
    purpose: PurposeCode | None = None
    attendance: Attendance | None = None


class BookingUpdate(Body):
    """What changes; an absent field stays as it is."""

    start: WallInstant | None = None
    end: WallInstant | None = None
    title: Title | None = None
    quantity: Quantity | None = None
    override_rules: Annotated[
        bool, Field(description="Coordinators: move outside the rules (recorded).")
    ] = False
    purpose: Annotated[
        PurposeCode | None, Field(description="A purpose's code; null or empty clears it.")
    ] = None
    attendance: Annotated[Attendance | None, Field(description="Null clears it.")] = None


class MeterReading(Body):
    meter: MeterIn | None = None
    at: Annotated[
        WallInstant | None,
        Field(
            description=(
                "When it happened (default: now); never in the future. A check-in from "
                "POOLING_CHECK_IN_LEAD_MINUTES (60) before the start until the end; a check-out "
                "not before the check-in. More than 15 minutes ago: a coordinator or an "
                "approver of the resource only, audited."
            )
        ),
    ] = None


class SeriesCancel(Reason):
    from_: Annotated[
        WallInstant | None,
        Field(alias="from", description="Cancel the occurrences from then on."),
    ] = None


class AvailabilityQuery(Query):
    start: Annotated[Instant, Field(description="Window start.")]
    end: Annotated[Instant, Field(description="Window end.")]


# ---------------------------------------------------------------- answers


class BookingShare(Answer):
    organisation_id: int
    share: str
    status: Literal[tuple(SHARE_STATUSES)]  # type: ignore[valid-type]


class Booking(Answer):
    """A booking, in UTC and in the pole's time zone."""

    id: int
    resource_id: int
    organisation_id: int
    user_id: Annotated[int | None, Field(description="Null when hidden.")]
    title: Annotated[str | None, Field(description="Null when hidden from the caller.")]
    start: UtcText
    end: UtcText
    start_local: LocalText
    end_local: LocalText
    quantity: int
    status: BookingStatus
    series_id: int | None
    shares: Annotated[
        list[BookingShare],
        Field(
            description=(
                "Co-organisation: another organisation's share counts for the booking's "
                "organisation until it is accepted."
            )
        ),
    ]
    sequence: int
    rules_overridden: Annotated[
        list[str], Field(description="The rules a coordinator booked outside of.")
    ]
    checked_in_at: UtcText | None
    checked_out_at: UtcText | None
    meter_start: str | None
    meter_end: str | None
    purpose: Annotated[str | None, Field(description="The purpose's code; null for none.")]
    purpose_label: Annotated[
        str | None, Field(description="The purpose's label in the caller's language.")
    ]
    attendance: Annotated[int | None, Field(description="Expected attendance; null: not said.")]
    created_at: UtcText
    updated_at: UtcText


class SkippedOccurrence(Answer):
    start: UtcText
    end: UtcText
    reason: Annotated[str, Field(description="conflict, quota or the broken rule's code.")]
    message: str
    booking_id: int | None = None


class SeriesCreated(Answer):
    """A recurring booking: its occurrences, and the dates skipped (with on_conflict=skip)."""

    series_id: int
    items: list[Booking]
    skipped: list[SkippedOccurrence] = []


class BookingCreated(RootModel[Booking | SeriesCreated]):
    """Booked: the booking, or with ``recurrence`` the series."""


class SeriesCancelled(Answer):
    """The occurrences cancelled now."""

    series_id: int
    cancelled: list[Booking]


class UnavailableReason(Answer):
    """Why no unit is free: a closure (and its reason), a public holiday (its name), outside
    the opening hours, busy in the resource's external calendar, or taken by a booking of a
    composite it is part of or of one of its parts (``linked``)."""

    kind: Literal[UNAVAILABLE_KINDS]  # type: ignore[valid-type]
    text: str


class AvailabilityInterval(Answer):
    start: UtcText
    end: UtcText
    start_local: LocalText
    end_local: LocalText
    available_quantity: Count
    reason: UnavailableReason | None = None


class Availability(Answer):
    """The window cut at every change of the free quantity."""

    resource_id: int
    intervals: list[AvailabilityInterval]
