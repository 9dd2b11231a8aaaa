"""Quotas: hours per week or month an organisation may book, on a resource or a kind."""

from __future__ import annotations

from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import Field, ValidationInfo, field_validator

from pooling.api.schemas.bookings import NUMBER_OR_TEXT
from pooling.api.schemas.common import Answer, Body, Paging
from pooling.api.schemas.resources import ResourceKind
from pooling.api.schemas.types import Id, decimal_in
from pooling.bookings.quotas import QUOTA_PERIODS

Period = Literal[tuple(QUOTA_PERIODS)]  # type: ignore[valid-type]

# Hours: a number or a text such as "7.5", from 0 to 10000.
Hours = Annotated[
    decimal_in(
        {**NUMBER_OR_TEXT, "minimum": 0, "maximum": 10000},
        code="invalid_hours",
        message=lambda: _("The quota is a number of hours between 0 and 10000."),
    ),
    Field(ge=0, le=10000),
]


class QuotaQuery(Paging):
    organisation_id: Annotated[Id | None, Field(description="Of this organisation.")] = None


class QuotaInput(Body):
    """Exactly one of ``resource_id`` and ``resource_kind``."""

    organisation_id: Id
    hours: Hours
    period: Period = "week"
    resource_kind: ResourceKind | None = None
    resource_id: Annotated[Id | None, Field(validate_default=True)] = None

    @field_validator("resource_id")
    @classmethod
    def _resource_or_kind(cls, resource_id: int | None, info: ValidationInfo) -> int | None:
        # Checked with the other fields, so that one answer names every faulty one.
        if (resource_id is None) == (info.data.get("resource_kind") is None):
            raise ValueError(_("Give either a resource or a kind of resource."))
        return resource_id


class Quota(Answer):
    """A quota of hours per week or month."""

    id: int
    organisation_id: int
    resource_id: int | None
    resource_kind: ResourceKind | None
    period: Period
    hours: Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]{2}$")]
