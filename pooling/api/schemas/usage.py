"""Usage: measured usage over a window, manual usage lines, the late-cancellation notice."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from pooling.api.schemas.common import Answer, Body, Paging
from pooling.api.schemas.resources import ResourceKind
from pooling.api.schemas.types import DecimalIn, Id, Instant, Paragraph, UtcText
from pooling.core.time import EARLIEST_YEAR, LATEST_YEAR
from pooling.usage.services import GROUPINGS, MAX_NOTICE_HOURS, MAX_UNITS

# Hours and other quantities in answers: text with two decimals.
Hours = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"})]


def _day(value: Any) -> date:
    """A day as ``2027-01-31``; a custom error otherwise."""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            if EARLIEST_YEAR <= day.year <= LATEST_YEAR and len(value.strip()) == 10:
                return day
    raise PydanticCustomError("invalid_date", _("Give a date as 2027-01-31."))


Day = Annotated[date, PlainValidator(_day), WithJsonSchema({"type": "string", "format": "date"})]


class UsageWindow(Paging):
    start: Annotated[Instant, Field(description="Window start.")]
    end: Annotated[Instant, Field(description="Window end (excluded).")]


class UsageQuery(UsageWindow):
    group_by: Annotated[Literal[GROUPINGS], Field(description="Grouping.")] = "organisation"


class ManualUsageCreate(Body):
    """A manual usage line: on a resource, a kind of resource, or neither (the whole pole)."""

    organisation_id: Id
    resource_id: Id | None = None
    kind: ResourceKind | None = None
    date: Annotated[Day, Field(description="The day it counts on (local).")]
    hours: Annotated[DecimalIn, Field(description="More than 0.")]
    quantity: Annotated[
        int | None, Field(ge=1, le=MAX_UNITS, description="Units used at once; absent: 1.")
    ] = None
    meter: Annotated[
        DecimalIn | None, Field(description="Meter units (e.g. km), not negative.")
    ] = None
    reason: Annotated[Paragraph, Field(max_length=2000, description="Why it is recorded by hand.")]


class UsageSettingsChange(Body):
    late_cancel_hours: Annotated[
        int,
        Field(
            ge=0,
            le=MAX_NOTICE_HOURS,
            description="A cancellation less than this many hours ahead counts as used.",
        ),
    ]


class UsageLine(Answer):
    """Usage of one organisation, resource or kind over the window."""

    key: Annotated[
        int | str, Field(description="The organisation's or resource's id, the kind, or none.")
    ]
    label: str
    hours: Hours
    unit_hours: Annotated[Hours, Field(description="Hours x units booked.")]
    meter: Annotated[Hours, Field(description="Meter units (e.g. km).")]
    bookings: int
    share: Annotated[
        str,
        Field(
            pattern=r"^[0-9]+\.[0-9]{4}$",
            description="The fraction of all unit-hours of the window (the whole pole's).",
        ),
    ]
    late_cancellations: int
    no_shows: int
    manual_lines: int


class ManualUsage(Answer):
    """A usage line recorded by hand."""

    id: int
    organisation_id: int
    resource_id: int | None
    kind: ResourceKind | None
    used_at: UtcText
    hours: Hours
    quantity: int
    meter: Hours | None
    reason: str


class UsageSettings(Answer):
    late_cancel_hours: Annotated[
        int, Field(ge=0, description="The late-cancellation notice in hours.")
    ]
