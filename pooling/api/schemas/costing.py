"""Cost sharing: periods, costs, the allocation with its per-organisation parts and totals,
the settlement (transfers) and the year-end true-up.

Money in answers is text with two decimals (``Money``); in requests a number or such a text
(``AmountIn``). Quantities, weights and shares are decimal texts without trailing zeros.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import ConfigDict, Field, PlainValidator, WithJsonSchema

from pooling.api.schemas.common import Answer, Body
from pooling.api.schemas.resources import ResourceKind
from pooling.api.schemas.types import (
    INSTANT_SCHEMA,
    AmountIn,
    DecimalIn,
    DecimalText,
    Id,
    Line,
    LocalText,
    Money,
    Paragraph,
    UtcText,
    instant_of,
)
from pooling.costing.allocation import RULES
from pooling.costing.models import CATEGORIES, PERIOD_STATUSES, USAGE_UNITS

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Rule = Literal[RULES]
Category = Literal[tuple(CATEGORIES)]
UsageUnit = Literal[tuple(USAGE_UNITS)]


def _day_or_instant(value: Any) -> date | datetime:
    """A day (``2027-01-31``) or an ISO 8601 instant with an offset; a custom error otherwise."""
    if isinstance(value, str) and DAY.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    return instant_of(
        value,
        naive=lambda: _("Give a date (2027-01-31) or a time with an offset or Z."),
        invalid=lambda: _("Not a date (2027-01-31) nor an ISO 8601 date and time."),
    )


DayOrInstant = Annotated[
    date | datetime,
    PlainValidator(_day_or_instant),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "description": "A day, local midnight."},
                INSTANT_SCHEMA,
            ]
        }
    ),
]


# ---------------------------------------------------------------- requests


class CostPeriodCreate(Body):
    """A period: a month, a quarter or a year, at most 400 days."""

    name: Annotated[Line, Field(max_length=200)]
    start: Annotated[DayOrInstant, Field(description="A date or an instant.")]
    end: Annotated[
        DayOrInstant, Field(description="A date (the last day, included) or an instant.")
    ]
    provisional: Annotated[
        bool | None,
        Field(description="Billed at provisional rates, trued up by a final period later."),
    ] = False


class PlannedHours(Body):
    organisation_id: Id
    hours: Annotated[DecimalIn, Field(description="Planned hours, not negative.")]


class CostCreate(Body):
    """A cost line: an amount shared by a rule, or a shared staff cost billed by the hour."""

    label: Annotated[Line, Field(max_length=200)]
    amount: Annotated[
        AmountIn | None,
        Field(description="Euros, not negative; absent for a shared staff cost."),
    ] = None
    rule: Annotated[Rule, Field(description="How the cost is shared.")]
    category: Annotated[Category | None, Field(description="Absent or null: other.")] = None
    subsidy: Annotated[
        AmountIn | None, Field(description="Deducted before sharing; at most the amount.")
    ] = None
    resource_id: Annotated[
        Id | None, Field(description="The resource the cost belongs to; else a kind or the pole.")
    ] = None
    kind: Annotated[
        ResourceKind | None,
        Field(description="Every resource of this kind (not with resource_id)."),
    ] = None
    fixed_share: Annotated[
        DecimalIn | None,
        Field(description="With fixed_plus_usage: the part shared by weight, 0 to 1."),
    ] = None
    paid_by_organisation_id: Annotated[
        Id | None,
        Field(
            description=(
                "Who paid it, credited with what the others owe; null: the pole. "
                "Absent: the resource's owner, else the pole."
            )
        ),
    ] = None
    usage_unit: Annotated[
        UsageUnit | None, Field(description="How usage is measured; absent: by the resource.")
    ] = None
    loaded_hourly_cost: Annotated[
        AmountIn | None,
        Field(description="A shared staff cost: the loaded cost of an hour (with the usage rule)."),
    ] = None
    management_coefficient: Annotated[
        DecimalIn | None,
        Field(description="A shared staff cost: the coefficient applied to each hour."),
    ] = None
    planned_hours: Annotated[
        list[PlannedHours] | None,
        Field(description="A shared staff cost: hours planned per organisation."),
    ] = None


class CostPeriodReopen(Body):
    reason: Annotated[
        Paragraph | None,
        Field(
            max_length=2000,
            description="Why the period is reopened, kept in the audit trail (required).",
        ),
    ] = None


# ---------------------------------------------------------------- answers


class CostPeriod(Answer):
    """A cost period: UTC instants, the same in local time, and its first and last days."""

    id: int
    name: str
    start: UtcText
    end: UtcText
    start_local: LocalText
    end_local: LocalText
    first_day: date
    last_day: Annotated[date, Field(description="The last day, included.")]
    status: Literal[tuple(PERIOD_STATUSES)]  # type: ignore[valid-type]
    provisional: bool
    closed_at: UtcText | None


class CostFields(Answer):
    """A cost line's fields."""

    id: int
    label: str
    category: Category
    amount: Annotated[Money | None, Field(description="null for a shared staff cost.")]
    subsidy: Money
    resource_id: int | None
    resource_name: str | None
    kind: ResourceKind | None
    paid_by_organisation_id: Annotated[int | None, Field(description="null: the pole.")]
    rule: Rule
    fixed_share: DecimalText | None
    usage_unit: UsageUnit
    loaded_hourly_cost: Money | None
    management_coefficient: DecimalText | None
    planned_hours: Annotated[
        dict[str, Money] | None,
        Field(description="Hours planned per organisation id (a shared staff cost)."),
    ]


class Cost(CostFields):
    """A shared staff cost (loaded_hourly_cost given) has amount null: it is hours x loaded
    hourly cost x management coefficient, computed from usage."""

    period_id: int


class CostPeriodDetail(CostPeriod):
    """A period with its costs."""

    costs: list[Cost]


class ShareBasis(Answer):
    """Why an organisation pays this share: the rule and the figures it used."""

    rule: Rule
    cost_amount: Money
    subsidy: Money
    net_amount: Money
    percentage: Annotated[str, Field(description="The organisation's percentage of the cost.")]
    fallback: Annotated[
        str | None, Field(description="The rule used instead when nobody used the resource.")
    ]
    quantity: DecimalText | None
    total_quantity: DecimalText | None
    unit: str | None
    weight: DecimalText | None
    total_weight: DecimalText | None
    organisations: int | None
    fixed_share: DecimalText | None
    fixed_pool: Money | None
    usage_pool: Money | None
    fixed_part: Money | None
    usage_part: Money | None
    resource_id: int | None
    resource_name: str | None
    kind: str | None
    composites: Annotated[
        list[str] | None,
        Field(
            description=(
                "A part's cost (a room of a hall): the composites whose bookings count in its "
                "usage, one unit each."
            )
        ),
    ] = None
    billing: Annotated[
        Literal["staff_hours"] | None, Field(description="A shared staff cost, by the hour.")
    ] = None
    charge: Money | None = None
    loaded_hourly_cost: Money | None = None
    management_coefficient: DecimalText | None = None


class AllocationLine(Answer):
    """One organisation's share of one cost."""

    cost_id: int
    organisation_id: int
    amount: Money
    basis: ShareBasis
    explanation: Annotated[str, Field(description="The basis in words, in the caller's language.")]


class OrganisationBalance(Answer):
    """balance = paid - owed: positive, the pole owes the organisation; negative, the
    organisation owes the pole."""

    organisation_id: Annotated[int | None, Field(description="null: the pole's own account.")]
    owed: Money
    paid: Money
    balance: Money


class Transfer(Answer):
    """A payment of the settlement plan (the fewest transfers); null is the pole."""

    model_config = ConfigDict(populate_by_name=True)

    from_: Annotated[int | None, Field(alias="from")]
    to: int | None
    amount: Money


class PlannedComparison(Answer):
    organisation_id: int
    planned: DecimalText
    actual: DecimalText
    difference: DecimalText
    percentage: str | None


class StaffBilling(Answer):
    """A shared staff cost's hours, charges and planned hours per organisation id."""

    hours: dict[str, DecimalText]
    charges: dict[str, Money]
    planned: list[PlannedComparison]


class AllocatedCost(CostFields):
    """A cost as the allocation shares it: its amount (billed hours for shared staff), net
    of the subsidy, and the usage per organisation id it was shared by."""

    amount: Money
    net: Money
    resource_kind: ResourceKind | None
    staff: StaffBilling | None
    usage: dict[str, DecimalText]


class AllocationOrganisation(Answer):
    id: int
    name: str
    weight: DecimalText


class Allocation(Answer):
    """How a period's costs are shared; frozen once the period is closed. A referent sees
    their organisations' part only."""

    period: CostPeriod
    lines: list[AllocationLine]
    totals: list[OrganisationBalance]
    transfers: list[Transfer]
    costs: list[AllocatedCost]
    organisations: list[AllocationOrganisation]


class TrueUpLine(Answer):
    """difference = final - provisional: positive, the organisation owes more."""

    organisation_id: int
    organisation: str
    provisional: Money
    final: Money
    difference: Money


class TrueUp(Answer):
    """A final period against the provisional periods inside it."""

    period: CostPeriod
    provisional_periods: list[CostPeriod]
    lines: list[TrueUpLine]
