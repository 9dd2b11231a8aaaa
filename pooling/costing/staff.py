"""Billing shared staff as a groupement d'employeurs does, and planned versus actual hours (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pooling.costing.rounding import CostingError, exact, round_to_cents, tie_order


@dataclass(frozen=True)
class StaffCharge:
    """What one organisation is billed for a shared staff member's hours.

    ``amount_cents = round_half_up(hours x loaded_hourly_cost x management_coefficient)``.
    """

    organisation_id: int
    hours: Decimal
    loaded_hourly_cost: Decimal
    management_coefficient: Decimal
    amount_cents: int


@dataclass(frozen=True)
class PlannedHours:
    """Planned versus actual hours of one organisation with a shared staff member.

    ``difference = actual - planned`` (positive: used more than planned); ``percentage`` is
    actual / planned x 100 rounded to 0.01, None when nothing was planned.
    """

    organisation_id: int
    planned: Decimal
    actual: Decimal
    difference: Decimal
    percentage: Decimal | None


def staff_amount_cents(
    hours: Decimal, loaded_hourly_cost: Decimal, management_coefficient: Decimal
) -> int:
    """Hours x loaded hourly cost x management coefficient, rounded half up to the cent.

    The product is computed exactly before the one rounding (no rounding of the rate first):
    12.5 h x 31.40 EUR x 1.08 = 423.90 EUR.
    Raises CostingError: "not_exact" (floats), "negative_hours", "negative_cost",
    "coefficient_not_positive".
    """
    hours_value = exact(hours, "hours")
    cost_value = exact(loaded_hourly_cost, "loaded_hourly_cost")
    coefficient_value = exact(management_coefficient, "management_coefficient")
    if hours_value < 0:
        raise CostingError("negative_hours", "hours cannot be negative", field="hours")
    if cost_value < 0:
        raise CostingError(
            "negative_cost", "the loaded hourly cost cannot be negative", field="loaded_hourly_cost"
        )
    if coefficient_value <= 0:
        raise CostingError(
            "coefficient_not_positive",
            "the management coefficient must be positive",
            field="management_coefficient",
        )
    return round_to_cents(hours_value * cost_value * coefficient_value)


def bill_staff(
    hours_by_organisation: Mapping[int, Decimal],
    loaded_hourly_cost: Decimal,
    management_coefficient: Decimal,
) -> tuple[StaffCharge, ...]:
    """Bill each organisation its own hours of a shared staff member (staff_amount_cents each).

    Each organisation's charge is rounded on its own, as each member's invoice is; the
    total billed is the sum of the charges. Ordered by organisation id.
    Raises CostingError as staff_amount_cents.
    """
    return tuple(
        StaffCharge(
            organisation_id=org_id,
            hours=Decimal(hours_by_organisation[org_id]),
            loaded_hourly_cost=Decimal(loaded_hourly_cost),
            management_coefficient=Decimal(management_coefficient),
            amount_cents=staff_amount_cents(
                hours_by_organisation[org_id], loaded_hourly_cost, management_coefficient
            ),
        )
        for org_id in sorted(hours_by_organisation, key=tie_order)
    )


def compare_planned_hours(
    planned: Mapping[int, Decimal], actual: Mapping[int, Decimal]
) -> tuple[PlannedHours, ...]:
    """Planned versus actual hours per organisation; one missing from a side counts zero there.

    Ordered by organisation id. Raises CostingError: "not_exact" (floats), "negative_hours".
    """
    lines = []
    for org_id in sorted(set(planned) | set(actual), key=tie_order):
        planned_hours = Decimal(_hours(planned.get(org_id, Decimal(0))))
        actual_hours = Decimal(_hours(actual.get(org_id, Decimal(0))))
        percentage = None
        if planned_hours:
            percentage = (actual_hours * 100 / planned_hours).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        lines.append(
            PlannedHours(
                organisation_id=org_id,
                planned=planned_hours,
                actual=actual_hours,
                difference=actual_hours - planned_hours,
                percentage=percentage,
            )
        )
    return tuple(lines)


def _hours(value: Decimal | int) -> Decimal | int:
    if exact(value, "hours") < 0:
        raise CostingError("negative_hours", "hours cannot be negative", field="hours")
    return value
