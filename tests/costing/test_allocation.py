"""Sharing costs by the charter's rules: worked examples checked by hand, and refused inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pooling.costing.allocation import (
    POLE,
    CostLine,
    CostScope,
    MemberOrganisation,
    allocate,
    allocate_cost,
    compare_rules,
    true_up,
)
from pooling.costing.rounding import CostingError
from pooling.costing.settlement import Transfer, settle

D = Decimal

# Three member organisations: a small association (weight 0.5), a cooperative (1) and a
# company (1.5). The cooperative (id 2) lends the Salle Jaurès to the pole.
ASSOCIATION, COOPERATIVE, COMPANY = 1, 2, 3
ORGANISATIONS = (
    MemberOrganisation(ASSOCIATION, "Association Les Jardins", D("0.5")),
    MemberOrganisation(COOPERATIVE, "SCOP Bâtir", D("1")),
    MemberOrganisation(COMPANY, "Menuiserie Dupont", D("1.5")),
)
SALLE_JAURES = CostScope(resource_id=10, resource_name="Salle Jaurès", kind="premises")
ROOM_HOURS = {ASSOCIATION: D("12.5"), COOPERATIVE: D("20"), COMPANY: D("7.5")}


def rent(rule: str = "usage", **changes) -> CostLine:
    values = {
        "id": 1,
        "label": "Loyer Salle Jaurès",
        "amount_cents": 120000,
        "subsidy_cents": 20000,
        "rule": rule,
        "paid_by": COOPERATIVE,
        "scope": SALLE_JAURES,
    }
    values.update(changes)
    return CostLine(**values)


def amounts(lines) -> dict[int, int]:
    return {line.organisation_id: line.amount_cents for line in lines}


def by_organisation(lines) -> dict[int, object]:
    return {line.organisation_id: line for line in lines}


# usage


def test_usage_rule_shares_the_rent_minus_subsidy_pro_rata_of_hours():
    # 1 200.00 - 200.00 = 1 000.00; 12.5 h of 40 h = 31.25 % -> 312.50
    lines = allocate_cost(rent("usage"), ORGANISATIONS, ROOM_HOURS)
    assert amounts(lines) == {ASSOCIATION: 31250, COOPERATIVE: 50000, COMPANY: 18750}


def test_usage_share_is_explained_by_hours_of_total_hours():
    association = by_organisation(allocate_cost(rent("usage"), ORGANISATIONS, ROOM_HOURS))[1]
    basis = association.basis
    assert basis.rule == "usage"
    assert basis.fallback is None
    assert (basis.quantity, basis.total_quantity, basis.unit) == (D("12.5"), D("40"), "hours")
    assert basis.percentage == D("31.25")
    assert (basis.cost_amount_cents, basis.subsidy_cents, basis.net_amount_cents) == (
        120000,
        20000,
        100000,
    )
    assert (basis.resource_id, basis.resource_name, basis.kind) == (10, "Salle Jaurès", "premises")
    assert basis.weight is None


def test_basis_as_dict_gives_money_as_text_with_two_decimals():
    association = by_organisation(allocate_cost(rent("usage"), ORGANISATIONS, ROOM_HOURS))[1]
    data = association.basis.as_dict()
    assert data["cost_amount"] == "1200.00"
    assert data["subsidy"] == "200.00"
    assert data["net_amount"] == "1000.00"
    assert data["quantity"] == "12.5"
    assert data["total_quantity"] == "40"
    assert data["percentage"] == "31.25"
    assert data["fallback"] is None
    assert data["resource_name"] == "Salle Jaurès"


def test_usage_rule_without_any_usage_falls_back_to_weights_and_says_so():
    # 1 000.00 by weights 0.5 / 1 / 1.5 (total 3): 166.67 / 333.33 / 500.00
    lines = allocate_cost(rent("usage"), ORGANISATIONS, {})
    assert amounts(lines) == {ASSOCIATION: 16667, COOPERATIVE: 33333, COMPANY: 50000}
    association = by_organisation(lines)[ASSOCIATION].basis
    assert association.fallback == "weighted"
    assert (association.weight, association.total_weight) == (D("0.5"), D("3"))
    assert (association.quantity, association.total_quantity) == (D("0"), D("0"))
    assert association.percentage == D("16.67")


def test_usage_of_zero_hours_everywhere_also_falls_back():
    zero = {ASSOCIATION: D("0"), COOPERATIVE: D("0.00"), COMPANY: 0}
    lines = allocate_cost(rent("usage"), ORGANISATIONS, zero)
    assert all(line.basis.fallback == "weighted" for line in lines)


def test_organisation_without_usage_pays_nothing_under_usage_and_is_listed():
    lines = allocate_cost(rent("usage"), ORGANISATIONS, {COOPERATIVE: D("3")})
    assert amounts(lines) == {ASSOCIATION: 0, COOPERATIVE: 100000, COMPANY: 0}
    assert by_organisation(lines)[ASSOCIATION].basis.quantity == D("0")


def test_unit_hours_and_meter_units_are_named_in_the_basis():
    van = CostLine(
        id=4, label="Carburant", amount_cents=30000, rule="usage", unit="km", paid_by=None
    )
    lines = allocate_cost(van, ORGANISATIONS, {ASSOCIATION: 120, COMPANY: 180})
    assert amounts(lines) == {ASSOCIATION: 12000, COOPERATIVE: 0, COMPANY: 18000}
    assert by_organisation(lines)[COMPANY].basis.unit == "km"


# equal


def test_equal_rule_splits_a_hundred_euros_three_ways_with_the_odd_cent_to_the_smallest_id():
    cost = CostLine(id=2, label="Assurance", amount_cents=10000, rule="equal")
    lines = allocate_cost(cost, ORGANISATIONS)
    assert amounts(lines) == {ASSOCIATION: 3334, COOPERATIVE: 3333, COMPANY: 3333}
    assert {line.basis.organisations for line in lines} == {3}
    assert {line.basis.percentage for line in lines} == {D("33.33")}


def test_equal_rule_result_does_not_depend_on_the_order_of_the_organisations():
    cost = CostLine(id=2, label="Assurance", amount_cents=10000, rule="equal")
    reversed_order = tuple(reversed(ORGANISATIONS))
    assert allocate_cost(cost, reversed_order) == allocate_cost(cost, ORGANISATIONS)


def test_equal_rule_ignores_weights_and_usage():
    cost = CostLine(id=2, label="Ménage", amount_cents=90000, rule="equal")
    lines = allocate_cost(cost, ORGANISATIONS, ROOM_HOURS)
    assert amounts(lines) == {ASSOCIATION: 30000, COOPERATIVE: 30000, COMPANY: 30000}


# weighted


def test_weighted_rule_shares_by_solidarity_weights():
    # 600.00 by 0.5 / 1 / 1.5 -> 100.00 / 200.00 / 300.00
    cost = CostLine(id=3, label="Énergie", amount_cents=60000, rule="weighted")
    lines = allocate_cost(cost, ORGANISATIONS, ROOM_HOURS)
    assert amounts(lines) == {ASSOCIATION: 10000, COOPERATIVE: 20000, COMPANY: 30000}
    company = by_organisation(lines)[COMPANY].basis
    assert (company.weight, company.total_weight, company.percentage) == (
        D("1.5"),
        D("3"),
        D("50.00"),
    )
    assert company.fallback is None
    assert company.quantity is None


def test_weighted_rule_on_a_hundred_euros_gives_the_missing_cent_to_the_largest_remainder():
    cost = CostLine(id=3, label="Énergie", amount_cents=10000, rule="weighted")
    assert amounts(allocate_cost(cost, ORGANISATIONS)) == {1: 1667, 2: 3333, 3: 5000}


# fixed_plus_usage


def test_fixed_plus_usage_shares_a_fixed_part_by_weight_and_the_rest_by_usage():
    # net 1 000.00; fixed 30 % = 300.00 by weights -> 50.00 / 100.00 / 150.00;
    # usage 700.00 by 12.5 / 20 / 7.5 h of 40 h -> 218.75 / 350.00 / 131.25.
    cost = rent("fixed_plus_usage", fixed_share=D("0.30"))
    lines = by_organisation(allocate_cost(cost, ORGANISATIONS, ROOM_HOURS))
    assert {key: line.amount_cents for key, line in lines.items()} == {
        ASSOCIATION: 26875,
        COOPERATIVE: 45000,
        COMPANY: 28125,
    }
    association = lines[ASSOCIATION].basis
    assert (association.fixed_pool_cents, association.usage_pool_cents) == (30000, 70000)
    assert (association.fixed_part_cents, association.usage_part_cents) == (5000, 21875)
    assert association.fixed_share == D("0.30")
    # 0.30 x 1/6 + 0.70 x 12.5/40 = 0.26875
    assert association.percentage == D("26.88")
    assert (association.quantity, association.weight) == (D("12.5"), D("0.5"))


def test_fixed_plus_usage_without_usage_shares_the_usage_part_by_weight_too():
    cost = rent("fixed_plus_usage", fixed_share=D("0.30"), amount_cents=80000)
    lines = allocate_cost(cost, ORGANISATIONS, {})
    assert amounts(lines) == {ASSOCIATION: 10000, COOPERATIVE: 20000, COMPANY: 30000}
    assert all(line.basis.fallback == "weighted" for line in lines)


def test_fixed_pool_is_rounded_half_up_to_the_cent():
    # net 0.05 x 0.5 = 0.025 -> fixed pool 0.03, usage pool 0.02
    cost = CostLine(
        id=5, label="Petit", amount_cents=5, rule="fixed_plus_usage", fixed_share=D("0.5")
    )
    lines = allocate_cost(cost, ORGANISATIONS, ROOM_HOURS)
    assert lines[0].basis.fixed_pool_cents == 3
    assert lines[0].basis.usage_pool_cents == 2
    assert sum(line.amount_cents for line in lines) == 5


# subsidies and credits


def test_subsidy_larger_than_the_amount_is_refused():
    with pytest.raises(CostingError) as error:
        rent(subsidy_cents=120001)
    assert error.value.code == "subsidy_exceeds_amount"
    assert error.value.field == "subsidy"


def test_subsidy_covering_the_whole_amount_leaves_nothing_to_share():
    lines = allocate_cost(rent(subsidy_cents=120000), ORGANISATIONS, ROOM_HOURS)
    assert amounts(lines) == {ASSOCIATION: 0, COOPERATIVE: 0, COMPANY: 0}


def test_negative_subsidy_is_refused():
    with pytest.raises(CostingError) as error:
        rent(subsidy_cents=-1)
    assert error.value.code == "negative_subsidy"


def test_credit_is_shared_like_a_cost_with_the_opposite_sign():
    refund = CostLine(id=6, label="Remboursement assurance", amount_cents=-10000, rule="equal")
    assert amounts(allocate_cost(refund, ORGANISATIONS)) == {1: -3334, 2: -3333, 3: -3333}


def test_credit_takes_no_subsidy():
    with pytest.raises(CostingError) as error:
        CostLine(id=6, label="Avoir", amount_cents=-10000, subsidy_cents=100, rule="equal")
    assert error.value.code == "subsidy_on_credit"


# refused inputs


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"rule": "by_size"}, "unknown_rule"),
        ({"rule": "fixed_plus_usage"}, "fixed_share_required"),
        ({"rule": "fixed_plus_usage", "fixed_share": D("1.2")}, "fixed_share_range"),
        ({"rule": "fixed_plus_usage", "fixed_share": D("-0.1")}, "fixed_share_range"),
        ({"rule": "fixed_plus_usage", "fixed_share": 0.3}, "not_exact"),
        ({"amount_cents": D("1200.00")}, "not_cents"),
        ({"amount_cents": 1200.0}, "not_cents"),
    ],
)
def test_malformed_cost_lines_are_refused(changes, code):
    with pytest.raises(CostingError) as error:
        rent(**changes)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("organisations", "usage", "code"),
    [
        ((), {}, "no_organisations"),
        (ORGANISATIONS + (MemberOrganisation(1, "Double", D("1")),), {}, "duplicate_organisation"),
        (ORGANISATIONS, {99: D("2")}, "unknown_organisation"),
        (ORGANISATIONS, {ASSOCIATION: D("-1")}, "negative_usage"),
        (ORGANISATIONS, {ASSOCIATION: 2.5}, "not_exact"),
    ],
)
def test_inputs_that_cannot_be_shared_are_refused(organisations, usage, code):
    with pytest.raises(CostingError) as error:
        allocate_cost(rent(), organisations, usage)
    assert error.value.code == code


def test_negative_or_float_weight_is_refused():
    with pytest.raises(CostingError) as error:
        MemberOrganisation(1, "A", D("-1"))
    assert error.value.code == "negative_weight"
    with pytest.raises(CostingError) as error:
        MemberOrganisation(1, "A", 0.5)
    assert error.value.code == "not_exact"


def test_weighted_rule_with_all_weights_zero_is_refused():
    organisations = (MemberOrganisation(1, "A", D("0")), MemberOrganisation(2, "B", D("0")))
    cost = CostLine(id=3, label="Énergie", amount_cents=60000, rule="weighted")
    with pytest.raises(CostingError) as error:
        allocate_cost(cost, organisations)
    assert error.value.code == "zero_total_weight"


# totals, owner credit and settlement


def test_owner_lending_its_room_is_credited_with_the_net_rent():
    allocation = allocate([rent("usage")], ORGANISATIONS, {1: ROOM_HOURS})
    totals = {total.organisation_id: total for total in allocation.totals}
    assert (totals[COOPERATIVE].owed_cents, totals[COOPERATIVE].paid_cents) == (50000, 100000)
    assert allocation.balances() == {ASSOCIATION: -31250, COOPERATIVE: 50000, COMPANY: -18750}
    assert settle(allocation.balances()) == (
        Transfer(ASSOCIATION, COOPERATIVE, 31250),
        Transfer(COMPANY, COOPERATIVE, 18750),
    )


def test_worked_period_with_rent_insurance_and_energy():
    # Rent 1 200.00 - 200.00 subsidy, by usage, paid by the cooperative:
    #   312.50 / 500.00 / 187.50
    # Insurance 100.00, equal, paid by the pole: 33.34 / 33.33 / 33.33
    # Energy 600.00, weighted, paid by the company: 100.00 / 200.00 / 300.00
    costs = [
        rent("usage"),
        CostLine(id=2, label="Assurance", amount_cents=10000, rule="equal"),
        CostLine(id=3, label="Énergie", amount_cents=60000, rule="weighted", paid_by=COMPANY),
    ]
    allocation = allocate(costs, ORGANISATIONS, {1: ROOM_HOURS})
    assert [
        (t.organisation_id, t.owed_cents, t.paid_cents, t.balance_cents) for t in allocation.totals
    ] == [
        (POLE, 0, 10000, 10000),
        (ASSOCIATION, 31250 + 3334 + 10000, 0, -44584),
        (COOPERATIVE, 50000 + 3333 + 20000, 100000, 26667),
        (COMPANY, 18750 + 3333 + 30000, 60000, 7917),
    ]
    assert sum(allocation.balances().values()) == 0
    assert allocation.owed() == {ASSOCIATION: 44584, COOPERATIVE: 73333, COMPANY: 52083}
    assert [line.amount_cents for line in allocation.lines_of(2)] == [3334, 3333, 3333]
    # The association owes everybody: three transfers settle the period.
    assert settle(allocation.balances()) == (
        Transfer(ASSOCIATION, POLE, 10000),
        Transfer(ASSOCIATION, COOPERATIVE, 26667),
        Transfer(ASSOCIATION, COMPANY, 7917),
    )


def test_payer_outside_the_sharing_organisations_gets_a_total():
    town_hall = 40
    cost = rent("equal", paid_by=town_hall, subsidy_cents=0)
    allocation = allocate([cost], ORGANISATIONS)
    assert allocation.balances() == {1: -40000, 2: -40000, 3: -40000, town_hall: 120000}


def test_lines_are_ordered_by_cost_then_organisation_whatever_the_input_order():
    costs = [
        CostLine(id=9, label="B", amount_cents=300, rule="equal"),
        CostLine(id=2, label="A", amount_cents=300, rule="equal"),
    ]
    allocation = allocate(costs, tuple(reversed(ORGANISATIONS)))
    assert [(line.cost_id, line.organisation_id) for line in allocation.lines] == [
        (2, 1),
        (2, 2),
        (2, 3),
        (9, 1),
        (9, 2),
        (9, 3),
    ]
    assert allocation == allocate(list(reversed(costs)), ORGANISATIONS)


def test_the_same_cost_twice_is_refused():
    with pytest.raises(CostingError) as error:
        allocate([rent(), rent()], ORGANISATIONS)
    assert error.value.code == "duplicate_cost"


# comparison of rules


def test_rules_compared_side_by_side_for_the_vote():
    comparison = compare_rules([rent("usage")], ORGANISATIONS, {1: ROOM_HOURS})
    assert comparison.columns == ("current", "usage", "equal", "weighted", "fixed_plus_usage")
    assert comparison.owed == {
        ASSOCIATION: {
            "current": 31250,
            "usage": 31250,
            "equal": 33334,
            "weighted": 16667,
            "fixed_plus_usage": 26875,
        },
        COOPERATIVE: {
            "current": 50000,
            "usage": 50000,
            "equal": 33333,
            "weighted": 33333,
            "fixed_plus_usage": 45000,
        },
        COMPANY: {
            "current": 18750,
            "usage": 18750,
            "equal": 33333,
            "weighted": 50000,
            "fixed_plus_usage": 28125,
        },
    }
    assert comparison.total_cents == 100000
    for column in comparison.columns:
        assert sum(row[column] for row in comparison.owed.values()) == 100000


def test_comparison_uses_the_cost_own_fixed_share_and_names_fallbacks():
    costs = [
        rent("fixed_plus_usage", fixed_share=D("0.5")),
        CostLine(id=7, label="Vidéoprojecteur", amount_cents=3000, rule="usage"),
    ]
    comparison = compare_rules(costs, ORGANISATIONS, {1: ROOM_HOURS})
    # rent: fixed 500.00 by weight (83.33 / 166.67 / 250.00) + 500.00 by usage
    # (156.25 / 250.00 / 93.75); projector: unused, by weight (5.00 / 10.00 / 15.00)
    assert comparison.owed[ASSOCIATION]["fixed_plus_usage"] == 8333 + 15625 + 500
    assert comparison.fallbacks["usage"] == (7,)
    assert comparison.fallbacks["fixed_plus_usage"] == (7,)
    assert comparison.fallbacks["equal"] == ()
    assert comparison.fallbacks["current"] == (7,)


def test_comparison_refuses_a_default_fixed_share_above_one():
    with pytest.raises(CostingError) as error:
        compare_rules([rent()], ORGANISATIONS, default_fixed_share=D("2"))
    assert error.value.code == "fixed_share_range"


# true-up


def test_true_up_is_the_final_share_minus_the_provisional_charge():
    provisional = {ASSOCIATION: 30000, COOPERATIVE: 50000, COMPANY: 20000}
    final = allocate([rent("usage")], ORGANISATIONS, {1: ROOM_HOURS}).owed()
    lines = true_up(provisional, final)
    assert [(line.organisation_id, line.difference_cents) for line in lines] == [
        (ASSOCIATION, 1250),
        (COOPERATIVE, 0),
        (COMPANY, -1250),
    ]
    assert (lines[0].provisional_cents, lines[0].final_cents) == (30000, 31250)


def test_true_up_counts_a_missing_side_as_zero():
    lines = true_up({1: 500}, {2: 700})
    assert [(line.organisation_id, line.difference_cents) for line in lines] == [
        (1, -500),
        (2, 700),
    ]


def test_true_up_refuses_amounts_that_are_not_cents():
    with pytest.raises(CostingError) as error:
        true_up({1: D("5.00")}, {1: 500})
    assert error.value.code == "not_cents"
