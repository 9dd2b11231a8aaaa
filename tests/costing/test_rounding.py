"""Splitting cents by largest remainder: exact sums, deterministic ties, credits, bad weights."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.costing.rounding import (
    CostingError,
    format_cents,
    from_cents,
    round_half_up,
    round_to_cents,
    split_cents,
    split_cents_equally,
    to_cents,
)

# Examples


def test_hundred_euros_in_three_equal_parts_gives_the_odd_cent_to_the_smallest_id():
    assert split_cents(10000, {1: 1, 2: 1, 3: 1}) == {1: 3334, 2: 3333, 3: 3333}


def test_tie_rule_does_not_depend_on_the_order_of_the_weights():
    assert split_cents(10000, {3: 1, 1: 1, 2: 1}) == {1: 3334, 2: 3333, 3: 3333}
    assert split_cents_equally(10000, [7, 5, 6]) == {5: 3334, 6: 3333, 7: 3333}


def test_two_odd_cents_go_to_the_two_smallest_ids():
    assert split_cents(2, {9: 1, 4: 1, 6: 1}) == {4: 1, 6: 1, 9: 0}


def test_weights_half_one_one_and_a_half_split_a_hundred_euros():
    # quotas 16.666..., 33.333..., 50.00: the missing cent goes to the largest remainder.
    weights = {1: Decimal("0.5"), 2: Decimal("1"), 3: Decimal("1.5")}
    assert split_cents(10000, weights) == {1: 1667, 2: 3333, 3: 5000}


def test_largest_remainder_wins_over_key_order():
    # quotas 0.4 and 0.6: the single cent goes to key 2, whose remainder is larger.
    assert split_cents(1, {1: 2, 2: 3}) == {1: 0, 2: 1}


def test_fraction_weights_are_accepted():
    assert split_cents(900, {1: Fraction(1, 3), 2: Fraction(2, 3)}) == {1: 300, 2: 600}


def test_credit_is_split_symmetrically():
    assert split_cents(-10000, {1: 1, 2: 1, 3: 1}) == {1: -3334, 2: -3333, 3: -3333}


def test_zero_weight_gets_nothing():
    assert split_cents(5, {1: 0, 2: 1}) == {1: 0, 2: 5}


def test_zero_amount_gives_zero_parts():
    assert split_cents(0, {1: 1, 2: 3}) == {1: 0, 2: 0}


def test_zero_total_weight_is_refused():
    with pytest.raises(CostingError) as error:
        split_cents(100, {1: 0, 2: Decimal("0.000")})
    assert error.value.code == "zero_total_weight"


def test_no_keys_is_refused():
    with pytest.raises(CostingError) as error:
        split_cents(100, {})
    assert error.value.code == "zero_total_weight"


def test_negative_weight_is_refused():
    with pytest.raises(CostingError) as error:
        split_cents(100, {1: 2, 2: -1})
    assert error.value.code == "negative_weight"


def test_float_weight_is_refused():
    with pytest.raises(CostingError) as error:
        split_cents(100, {1: 0.1, 2: 0.2})
    assert error.value.code == "not_exact"


def test_amount_must_be_integer_cents():
    with pytest.raises(CostingError) as error:
        split_cents(Decimal("10.5"), {1: 1})
    assert error.value.code == "not_cents"


def test_to_cents_reads_euros_exactly():
    assert to_cents(Decimal("1234.50")) == 123450
    assert to_cents("1200.00") == 120000
    assert to_cents(-3) == -300


@pytest.mark.parametrize("amount", [Decimal("1.005"), "12.3456", "abc", 1.5])
def test_to_cents_refuses_fractions_of_a_cent_and_non_amounts(amount):
    with pytest.raises(CostingError):
        to_cents(amount)


def test_money_text_has_two_decimals():
    assert format_cents(123450) == "1234.50"
    assert format_cents(-5) == "-0.05"
    assert from_cents(31250) == Decimal("312.50")


def test_half_up_rounding_is_symmetric_for_credits():
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(-5, 2)) == -3
    assert round_half_up(Decimal("2.4999")) == 2
    assert round_to_cents(Decimal("12.345")) == 1235
    assert round_to_cents(Decimal("-12.345")) == -1235


# Properties

amounts = st.integers(min_value=-10_000_000, max_value=10_000_000)
weight_values = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False)
weight_maps = st.dictionaries(
    st.integers(min_value=1, max_value=500), weight_values, min_size=1, max_size=12
).filter(lambda weights: sum(weights.values()) > 0)


@settings(max_examples=100, deadline=None)
@given(amount=amounts, weights=weight_maps)
def test_parts_add_up_exactly_and_stay_within_a_cent_of_their_quota(amount, weights):
    parts = split_cents(amount, weights)
    assert sum(parts.values()) == amount
    total = sum(Fraction(w) for w in weights.values())
    for key, part in parts.items():
        quota = amount * Fraction(weights[key]) / total
        assert abs(part - quota) < 1


@settings(max_examples=100, deadline=None)
@given(amount=st.integers(min_value=0, max_value=10_000_000), weights=weight_maps)
def test_no_part_is_negative_for_a_positive_amount(amount, weights):
    assert all(part >= 0 for part in split_cents(amount, weights).values())


@settings(max_examples=100, deadline=None)
@given(
    amount=amounts, keys=st.sets(st.integers(min_value=1, max_value=500), min_size=1, max_size=15)
)
def test_equal_weights_give_parts_differing_by_at_most_a_cent(amount, keys):
    parts = split_cents_equally(amount, keys).values()
    assert max(parts) - min(parts) <= 1


@settings(max_examples=100, deadline=None)
@given(amount=amounts, weights=weight_maps, seed=st.randoms(use_true_random=False))
def test_order_of_the_weights_does_not_change_the_parts(amount, weights, seed):
    items = list(weights.items())
    seed.shuffle(items)
    assert split_cents(amount, dict(items)) == split_cents(amount, weights)


@settings(max_examples=100, deadline=None)
@given(amount=amounts, weights=weight_maps)
def test_a_credit_is_the_mirror_of_the_charge(amount, weights):
    charge = split_cents(amount, weights)
    credit = split_cents(-amount, weights)
    assert credit == {key: -part for key, part in charge.items()}


@settings(max_examples=100, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=1_000_000),
    weights=st.dictionaries(
        st.integers(min_value=1, max_value=50),
        st.integers(min_value=1, max_value=100),
        min_size=2,
        max_size=8,
    ),
)
def test_a_larger_weight_never_gets_a_smaller_part(amount, weights):
    parts = split_cents(amount, weights)
    for a in weights:
        for b in weights:
            if weights[a] > weights[b]:
                assert parts[a] >= parts[b]


def test_forty_organisations_get_the_same_parts_whatever_their_order():
    weights = {key: Decimal(key % 7) + 1 for key in range(1, 40)}
    shuffled = list(weights.items())
    random.Random(4).shuffle(shuffled)
    assert split_cents(123457, dict(shuffled)) == split_cents(123457, weights)
