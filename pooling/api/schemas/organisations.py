"""Member organisations: one as the API shows it, and what creates or edits one.

The JSON types are checked here; the rules (a name, a free identifier, a valid SIRET, a weight
above zero) are the domain's (``pooling.organisations.services``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from pooling.api.schemas.common import Answer, Body
from pooling.api.schemas.types import Line, decimal_in
from pooling.organisations.models import ORGANISATION_KINDS

OrganisationKind = Literal[tuple(ORGANISATION_KINDS)]  # type: ignore[valid-type]
SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"


Weight = decimal_in(
    {
        "anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string"}],
        "description": "Greater than 0; 1 is the usual weight.",
    }
)


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
