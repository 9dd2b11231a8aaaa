"""Member organisations: one as the API shows it, and what creates or edits one.

The JSON types are checked here; the rules (a name, a free identifier, a valid SIRET, a weight
above zero) are the domain's (``pooling.organisations.services``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from pooling.api.schemas.common import Answer, Body
from pooling.api.schemas.types import Line
from pooling.organisations.models import ORGANISATION_KINDS

OrganisationKind = Literal[tuple(ORGANISATION_KINDS)]  # type: ignore[valid-type]
SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"


def _number(value: Any) -> Decimal:
    """A JSON number, or a text holding one, as a Decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PydanticCustomError("validation_error", _("A number is expected."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise PydanticCustomError("validation_error", _("A number is expected.")) from None
    if not number.is_finite():
        raise PydanticCustomError("validation_error", _("A number is expected."))
    return number


Weight = Annotated[
    Decimal,
    BeforeValidator(_number),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string"}],
            "description": "Greater than 0; 1 is the usual weight.",
        }
    ),
]


class OrganisationInput(Body):
    """On creation `name` is required; on edit every field is optional."""

    name: Annotated[Line | None, Field(max_length=200)] = None
    slug: Annotated[
        Line | None,
        Field(
            max_length=80,
            json_schema_extra={"pattern": SLUG},
            description="Derived from the name when absent.",
        ),
    ] = None
    kind: OrganisationKind | None = None
    siret: Annotated[Line | None, Field(description="14 digits, valid key.")] = None
    weight: Weight | None = None
    active: bool | None = None


class OrganisationRef(Answer):
    """An organisation, briefly."""

    id: int
    slug: str
    name: str


class Organisation(Answer):
    """A member organisation of the pole."""

    id: int
    slug: str
    name: str
    kind: OrganisationKind
    siret: str | None
    weight: Annotated[
        str,
        Field(
            pattern=r"^[0-9]+(\.[0-9]+)?$",
            description="The solidarity weight, as a decimal string.",
        ),
    ]
    active: bool
