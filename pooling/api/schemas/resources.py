"""Resources: the catalogue's filters, a resource with its booking rules, what creates or edits one.

The JSON types are checked here; the rules of a resource (a name, a slot dividing a day, opening
hours that do not overlap, a minimum duration not above the maximum...) are the domain's
(``pooling.resources.services``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from pooling.api.schemas.common import Answer, Body, Paging
from pooling.api.schemas.types import MAX_ID, Count, Id, Instant, Line, Paragraph
from pooling.resources.models import RESOURCE_KINDS
from pooling.resources.opening_hours import WEEKDAYS

ResourceKind = Literal[tuple(RESOURCE_KINDS)]  # type: ignore[valid-type]

HHMM = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
DAY_SPANS = {
    "type": ["array", "null"],
    "items": {
        "type": "array",
        "prefixItems": [{"type": "string", "pattern": HHMM}, {"type": "string", "pattern": HHMM}],
        "minItems": 2,
        "maxItems": 2,
    },
}
OPENING_HOURS_SCHEMA = {
    "type": "object",
    "properties": {day: DAY_SPANS for day in WEEKDAYS},
    "additionalProperties": False,
    "description": 'Local times per weekday; a day absent or [] is closed; "24:00" ends a day.',
}
# Opening hours: an object of weekdays. The domain checks the days, the times and the spans.
OpeningHours = Annotated[
    dict[str, Any],
    WithJsonSchema(OPENING_HOURS_SCHEMA),
]


def _bounded(low: int, high: int = MAX_ID, description: str | None = None) -> Any:
    return Field(ge=low, le=high, description=description)


class RuleFields(Body):
    """The booking rules of a resource; each is optional."""

    opening_hours: OpeningHours | None = None
    slot_minutes: Annotated[int | None, _bounded(1, 1440)] = None
    min_duration_minutes: Annotated[int | None, _bounded(1)] = None
    max_duration_minutes: Annotated[int | None, _bounded(1)] = None
    min_notice_minutes: Annotated[int | None, _bounded(0)] = None
    max_advance_days: Annotated[int | None, _bounded(1)] = None
    closed_on_public_holidays: Annotated[
        bool | None,
        Field(
            description=(
                "Closed on the public holidays of POOLING_HOLIDAYS (whole local days); "
                "default true."
            )
        ),
    ] = None


class Rules(RuleFields):
    """A resource's booking rules: unknown ones are refused."""

    model_config = {"json_schema_extra": {"additionalProperties": False}}

    @model_validator(mode="before")
    @classmethod
    def _known(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = set(data) - set(RuleFields.model_fields)
            if unknown:
                raise PydanticCustomError(
                    "validation_error",
                    _("Unknown rules: %(keys)s.", keys=", ".join(sorted(unknown))),
                )
        return data


class ResourceInput(RuleFields):
    """On creation `name` and `kind` are required; every rule is optional (defaults: open
    Monday to Friday 08:00-19:00, 15-minute slots, no minimum notice, at most 365 days ahead).
    The rules may also be given at the top level; those in `rules` win."""

    name: Annotated[Line | None, Field(max_length=200)] = None
    kind: ResourceKind | None = None
    description: Annotated[Paragraph | None, Field(max_length=5000)] = None
    location: Annotated[Line | None, Field(max_length=200)] = None
    capacity: Annotated[int | None, _bounded(1)] = None
    quantity: Annotated[int | None, _bounded(1)] = Field(
        default=None, json_schema_extra={"default": 1}
    )
    unit: Annotated[Line | None, Field(max_length=40)] = None
    meter_unit: Annotated[Line | None, Field(max_length=20)] = None
    requires_approval: bool | None = None
    owner_organisation_id: Id | None = None
    staff_user_id: Id | None = None
    active: bool | None = None
    rules: Rules | None = None
    required_qualifications: Annotated[
        list[Id] | None,
        Field(
            max_length=100,
            description=(
                "The ids of the qualifications a booker must hold, valid on the booking's date "
                "(replaces the list; [] or null: none)."
            ),
        ),
    ] = None
    parts: Annotated[
        list[Id] | None,
        Field(
            max_length=100,
            description=(
                "The ids of the resources this one is made of (a hall: its two rooms); booking "
                "it holds one unit of each part, a booking of a part blocks it. A part cannot "
                "contain it, directly or through its own parts (replaces the list; [] or null: "
                "none)."
            ),
        ),
    ] = None


class ResourceQuery(Paging):
    kind: Annotated[ResourceKind | None, Field(description="Kind.")] = None
    q: Annotated[str | None, Field(description="Text in name, description, place.")] = None
    capacity_min: Annotated[Count | None, Field(description="At least this many people.")] = None
    available_start: Annotated[
        Instant | None,
        Field(
            description=(
                "With available_end: only resources that can take a booking of the whole interval."
            )
        ),
    ] = None
    available_end: Annotated[Instant | None, Field(description="With available_start.")] = None
    include_inactive: Annotated[
        bool, Field(description="Coordinators: inactive resources too.")
    ] = False


class ResourceRules(Answer):
    """A resource's booking rules."""

    opening_hours: OpeningHours
    slot_minutes: Annotated[int, Field(ge=1, le=1440)]
    min_duration_minutes: Annotated[int | None, Field(ge=1)]
    max_duration_minutes: Annotated[int | None, Field(ge=1)]
    min_notice_minutes: Annotated[int, Field(ge=0)]
    max_advance_days: Annotated[int, Field(ge=1)]
    closed_on_public_holidays: Annotated[
        bool, Field(description="Closed on the public holidays of POOLING_HOLIDAYS.")
    ]


class Resource(Answer):
    """A shared resource: premises, equipment or staff, with its booking rules."""

    id: int
    name: str
    kind: ResourceKind
    description: str
    location: str
    capacity: int | None
    quantity: Annotated[int, Field(ge=1)]
    unit: str
    meter_unit: Annotated[
        str, Field(description="Set when use is recorded by reading a meter (e.g. km).")
    ]
    requires_approval: bool
    owner_organisation_id: int | None
    staff_user_id: Annotated[
        int | None,
        Field(description="For shared staff: the person whose working time this is."),
    ]
    active: bool
    rules: ResourceRules
    required_qualifications: Annotated[
        list[int],
        Field(
            description="The ids of the qualifications a booker must hold on the booking's date."
        ),
    ]
    parts: Annotated[
        list[int],
        Field(
            description=(
                "The ids of the resources this one is made of: booking it holds one unit of "
                "each part; a booking of a part blocks it."
            )
        ),
    ]
