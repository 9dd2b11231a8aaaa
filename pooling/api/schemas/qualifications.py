"""Qualifications: what defines one, records a holder, and how they are answered."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from pooling.api.schemas.common import Answer, Body
from pooling.api.schemas.types import Id, Line
from pooling.core.time import OutOfRange, check_year
from pooling.qualifications.services import MAX_VALIDITY_MONTHS

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: Any) -> date:
    """A day written ``2027-01-31``; a custom error ``invalid_date`` otherwise."""
    if isinstance(value, str) and DAY.match(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
            check_year(day)
            return day
        except (ValueError, OutOfRange):
            pass
    raise PydanticCustomError("invalid_date", _("Give a date such as 2027-01-31."))


Day = Annotated[
    date,
    PlainValidator(_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]
DayText = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]


class QualificationInput(Body):
    """A qualification: a name unique in the pole, and how many months a new holder's
    qualification lasts by default (absent or null: no end)."""

    name: Annotated[Line, Field(min_length=1, max_length=200)]
    validity_months: Annotated[int | None, Field(ge=1, le=MAX_VALIDITY_MONTHS)] = None


class HolderInput(Body):
    """Who holds the qualification, until which day (included). Without ``valid_until``:
    today plus the qualification's validity, or no end. Recording a holder again renews it."""

    user_id: Id
    valid_until: Annotated[Day | None, Field(description="The last valid day.")] = None


class Qualification(Answer):
    """A qualification a resource may require (e.g. "Permis B")."""

    id: int
    name: str
    validity_months: Annotated[
        int | None, Field(description="A new holder's default validity; null: no end.")
    ]


class Holder(Answer):
    """A person who holds a qualification, until ``valid_until`` (included; null: no end)."""

    qualification_id: int
    user_id: int
    name: str
    valid_until: DayText | None
    valid: Annotated[bool, Field(description="Whether it is valid today.")]


class HeldQualification(Answer):
    """A qualification the caller holds (or held: valid is false once it has ended)."""

    id: int
    name: str
    valid_until: Annotated[DayText | None, Field(description="The last valid day; null: no end.")]
    valid: Annotated[bool, Field(description="Whether it is valid today.")]
