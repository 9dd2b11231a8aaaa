"""Field types shared by the API's schemas: instants, identifiers, counts, money, text.

Each refuses a wrong value with a stable code and a translated message (a
``PydanticCustomError``), which ``pooling.api.operations`` turns into the contract's
``{"error", "message", "fields"}`` answer.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from pooling.core.text import control_characters_message, has_control_characters
from pooling.core.time import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    NaiveTime,
    OutOfRange,
    parse_instant,
)

# Identifiers are 32-bit integers in the database; a larger number names nothing.
MAX_ID = 2**31 - 1
# At most this many items in one page of a list.
MAX_PAGE = 500

INSTANT_SCHEMA = {
    "type": "string",
    "format": "date-time",
    "description": (
        f"ISO 8601 with an offset or Z, in the years {EARLIEST_YEAR} to {LATEST_YEAR}; "
        "answers give UTC with Z."
    ),
    "examples": ["2026-12-01T09:00:00+01:00"],
}
LOCAL_SCHEMA = {
    "type": "string",
    "format": "date-time",
    "description": "The same instant in the pole's time zone, with its offset.",
}


def instant_of(value: Any, *, keep_offset: bool = False, naive=None, invalid=None) -> datetime:
    """An ISO 8601 text with an offset as an aware datetime (UTC unless ``keep_offset``).

    Otherwise a custom error: ``naive_time``, ``time_out_of_range`` or ``invalid_time``;
    ``naive()`` and ``invalid()`` may give those errors' messages for a field that also
    takes something else (a day, say).
    """
    if isinstance(value, datetime):
        return value

    def not_a_time() -> PydanticCustomError:
        message = invalid() if invalid else _("Not an ISO 8601 date and time.")
        return PydanticCustomError("invalid_time", message)

    if not isinstance(value, str):
        raise not_a_time()
    try:
        return parse_instant(value, keep_offset=keep_offset)
    except NaiveTime:
        message = (
            naive()
            if naive
            else _("Give the time with an offset or Z, e.g. 2026-12-01T09:00:00+01:00.")
        )
        raise PydanticCustomError("naive_time", message) from None
    except OutOfRange:
        raise PydanticCustomError(
            "time_out_of_range",
            _(
                "Give a date between the years %(first)s and %(last)s.",
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            ),
        ) from None
    except (ValueError, TypeError, OverflowError):
        raise not_a_time() from None


# An instant in UTC (query parameters, filters).
Instant = Annotated[
    datetime,
    BeforeValidator(lambda value: instant_of(value)),
    WithJsonSchema(INSTANT_SCHEMA, mode="validation"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
# An instant with the offset it was given in: the wall-clock time that was meant (bookings).
WallInstant = Annotated[
    datetime,
    BeforeValidator(lambda value: instant_of(value, keep_offset=True)),
    WithJsonSchema(INSTANT_SCHEMA, mode="validation"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
# An instant in an answer: UTC with Z, or in the pole's time zone with its offset.
UtcText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
LocalText = Annotated[str, WithJsonSchema(LOCAL_SCHEMA)]

# A database identifier, and a count of things (a quantity, minutes...).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_ID)]
WholeNumber = Annotated[int, Field(ge=-MAX_ID - 1, le=MAX_ID)]


def _one_line(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError("validation_error", str(control_characters_message()))
    return value


def _multi_line(value: str) -> str:
    if has_control_characters(value, multiline=True):
        raise PydanticCustomError(
            "validation_error", str(control_characters_message(multiline=True))
        )
    return value


# Text written on one line (names, titles), and text that may span lines (descriptions).
Line = Annotated[str, AfterValidator(_one_line)]
Paragraph = Annotated[str, AfterValidator(_multi_line)]


def number_or_text(value: Any, code: str = "validation_error", message=None) -> Decimal:
    """A JSON number or a text such as ``"0.5"`` as a finite Decimal.

    Otherwise a custom error ``code`` with ``message()`` (default: "A number is expected.").
    """

    def refused() -> PydanticCustomError:
        return PydanticCustomError(code, str(message() if message else _("A number is expected.")))

    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise refused()
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise refused() from None
    if not number.is_finite():
        raise refused()
    return number


def decimal_in(schema: dict, *, code: str = "validation_error", message=None) -> Any:
    """A decimal field of a request, given as a JSON number or a text, described by ``schema``."""
    return Annotated[
        Decimal,
        BeforeValidator(lambda value: number_or_text(value, code, message)),
        WithJsonSchema(schema),
    ]


# A decimal number in a request (a share, a coefficient, hours): a number or a text.
DecimalIn = decimal_in(
    {"anyOf": [{"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}, {"type": "number"}]},
    code="invalid_number",
)
# Money in a request: a number or a text with at most two decimals ("1234.50" or 1234.5).
AmountIn = decimal_in(
    {
        "anyOf": [
            {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,2})?$"},
            {"type": "number"},
        ]
    },
    code="invalid_amount",
)
# Money in an answer: a text with two decimals.
Money = Annotated[
    str,
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["1234.50"]}),
]
# A decimal number in an answer, as text without trailing zeros ("12.5").
DecimalText = Annotated[
    str, WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"})
]
