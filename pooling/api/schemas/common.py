"""Shapes every part of the API shares: errors, pages of a list, a reason, paging parameters."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pooling.api.schemas.types import MAX_ID, MAX_PAGE, Paragraph, UtcText


class Body(BaseModel):
    """A request body: JSON types are not converted (``"5"`` is not a number); unknown
    fields are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Query(BaseModel):
    """Query parameters: text converted to numbers and booleans; unknown ones are ignored."""

    model_config = ConfigDict(extra="ignore")


class Answer(BaseModel):
    """A response body, described for the document and checked against the answers in tests."""

    model_config = ConfigDict(extra="forbid")


class Error(Answer):
    """An error answer: a stable code, a sentence in the caller's language, and per field."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="A stable code, e.g. not_found.")
    message: str = Field(description="A sentence in the caller's language.")
    fields: dict[str, list[str]] = Field(description="Messages per faulty field or parameter.")


class ConflictItem(Answer):
    start: UtcText
    end: UtcText
    booking_id: int | None = None


class ConflictError(Error):
    """An occupied slot: what the request collides with."""

    conflicts: list[ConflictItem] = []


class Paging(Query):
    """``?limit=`` (1 to MAX_PAGE, default 100) and ``?page=`` (from 1)."""

    limit: Annotated[
        int, Field(ge=1, le=MAX_ID, description=f"Items per page (at most {MAX_PAGE} are given).")
    ] = 100
    page: Annotated[int, Field(ge=1, le=MAX_ID, description="The page, from 1.")] = 1

    @field_validator("limit")
    @classmethod
    def _at_most_a_page(cls, limit: int) -> int:
        return min(limit, MAX_PAGE)


Item = TypeVar("Item")


class Page(Answer, Generic[Item]):
    """A page of a list: at most 500 items (?limit=, ?page=)."""

    items: list[Item]
    next: Annotated[
        str | None,
        Field(
            json_schema_extra={"format": "uri"},
            description="The URL of the next page, or null on the last one.",
        ),
    ]

    @classmethod
    def model_parametrized_name(cls, params) -> str:
        return f"{params[0].__name__}Page"


class Reason(Body):
    """An optional reason, kept with the change and shown to those concerned."""

    reason: Paragraph | None = None
