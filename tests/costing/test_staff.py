"""Shared staff billed as a groupement d'employeurs does, and planned versus actual hours."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pooling.costing.rounding import CostingError
from pooling.costing.staff import (
    PlannedHours,
    StaffCharge,
    bill_staff,
    compare_planned_hours,
    staff_amount_cents,
)

D = Decimal


def test_hours_times_loaded_cost_times_coefficient():
    # 12.5 h x 31.40 EUR x 1.08 = 423.90 EUR
    assert staff_amount_cents(D("12.5"), D("31.40"), D("1.08")) == 42390


def test_the_product_is_rounded_once_half_up_to_the_cent():
    # 3.5 h x 28.73 x 1.05 = 105.58275 -> 105.58; 1 h x 10.005 x 1 -> 10.01 (half up)
    assert staff_amount_cents(D("3.5"), D("28.73"), D("1.05")) == 10558
    assert staff_amount_cents(D("1"), D("10.005"), D("1")) == 1001
    # Rounding the rate first (28.73 x 1.05 = 30.1665 -> 30.17) would give 105.60.
    assert staff_amount_cents(D("3.5"), D("28.73"), D("1.05")) != 10560


def test_each_organisation_is_billed_its_own_hours():
    charges = bill_staff({3: D("7.25"), 1: D("12.5")}, D("31.40"), D("1.08"))
    assert charges == (
        StaffCharge(1, D("12.5"), D("31.40"), D("1.08"), 42390),
        # 7.25 x 31.40 x 1.08 = 245.862 -> 245.86
        StaffCharge(3, D("7.25"), D("31.40"), D("1.08"), 24586),
    )


@pytest.mark.parametrize(
    ("hours", "cost", "coefficient", "code"),
    [
        (D("-1"), D("30"), D("1.1"), "negative_hours"),
        (D("1"), D("-30"), D("1.1"), "negative_cost"),
        (D("1"), D("30"), D("0"), "coefficient_not_positive"),
        (1.5, D("30"), D("1.1"), "not_exact"),
    ],
)
def test_impossible_billing_inputs_are_refused(hours, cost, coefficient, code):
    with pytest.raises(CostingError) as error:
        staff_amount_cents(hours, cost, coefficient)
    assert error.value.code == code


def test_planned_versus_actual_hours_per_organisation():
    lines = compare_planned_hours({1: D("10"), 2: D("8")}, {1: D("12.5"), 3: D("2")})
    assert lines == (
        PlannedHours(1, D("10"), D("12.5"), D("2.5"), D("125.00")),
        PlannedHours(2, D("8"), D("0"), D("-8"), D("0.00")),
        PlannedHours(3, D("0"), D("2"), D("2"), None),
    )


def test_negative_planned_hours_are_refused():
    with pytest.raises(CostingError) as error:
        compare_planned_hours({1: D("-2")}, {})
    assert error.value.code == "negative_hours"
