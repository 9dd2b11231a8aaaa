"""Settlement plans: every balance cleared, with the fewest transfers, deterministically."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.costing.rounding import CostingError
from pooling.costing.settlement import (
    EXACT_LIMIT,
    Transfer,
    minimum_transfers,
    settle,
    settle_exact,
    settle_greedy,
)


def apply(balances, transfers) -> dict:
    remaining = dict(balances)
    for transfer in transfers:
        assert transfer.amount_cents > 0
        remaining[transfer.from_id] += transfer.amount_cents
        remaining[transfer.to_id] -= transfer.amount_cents
    return remaining


def most_zero_sum_groups(values: list[int]) -> int:
    """Brute force: the most disjoint zero-sum groups the values can be cut into."""
    if not values:
        return 0
    first, rest = values[0], values[1:]
    best = 0
    for mask in range(1 << len(rest)):
        group = [rest[i] for i in range(len(rest)) if mask >> i & 1]
        if first + sum(group) == 0:
            others = [rest[i] for i in range(len(rest)) if not mask >> i & 1]
            best = max(best, 1 + most_zero_sum_groups(others))
    return best


# Examples


def test_one_creditor_is_paid_by_each_debtor():
    assert settle({1: 70000, 2: -50000, 3: -20000}) == (
        Transfer(2, 1, 50000),
        Transfer(3, 1, 20000),
    )


def test_exact_plan_finds_two_groups_where_greedy_needs_one_more_transfer():
    # 30 + 90 = 120 and 60 + 70 = 130: two groups settle with 2 + 2 = 4 transfers;
    # the largest debtor paying the largest creditor needs 5.
    balances = {1: 3000, 2: 6000, 3: -12000, 4: 9000, 5: -13000, 6: 7000}
    assert settle(balances) == (
        Transfer(3, 1, 3000),
        Transfer(3, 4, 9000),
        Transfer(5, 2, 6000),
        Transfer(5, 6, 7000),
    )
    assert len(settle_greedy(balances)) == 5
    assert minimum_transfers(balances) == 4


def test_equal_and_opposite_balances_settle_with_one_transfer_each():
    balances = {1: 500, 2: -500, 3: 800, 4: -800, 5: 500, 6: -500}
    assert settle(balances) == (
        Transfer(2, 1, 500),
        Transfer(4, 3, 800),
        Transfer(6, 5, 500),
    )


def test_the_pole_itself_can_receive_and_pay():
    assert settle({None: 10000, 1: -10000}) == (Transfer(1, None, 10000),)
    assert settle({None: -10000, 1: 10000}) == (Transfer(None, 1, 10000),)


def test_transfer_in_api_form():
    assert Transfer(2, 1, 31250).as_dict() == {"from": 2, "to": 1, "amount": "312.50"}


def test_nothing_to_settle_gives_no_transfer():
    assert settle({}) == ()
    assert settle({1: 0, 2: 0}) == ()


def test_balances_that_do_not_add_up_to_zero_are_refused():
    with pytest.raises(CostingError) as error:
        settle({1: 100, 2: -99})
    assert error.value.code == "unbalanced"


def test_balances_must_be_integer_cents():
    with pytest.raises(CostingError) as error:
        settle({1: 1.5, 2: -1.5})
    assert error.value.code == "not_cents"


def test_sixteen_balances_are_solved_exactly_in_well_under_a_second():
    rng = random.Random(7)
    values = [rng.randint(1, 10**6) * rng.choice((1, -1)) for _ in range(EXACT_LIMIT - 1)]
    values.append(-sum(values))
    balances = dict(enumerate(values, start=1))
    started = time.perf_counter()
    transfers = settle(balances)
    assert time.perf_counter() - started < 2
    assert set(apply(balances, transfers).values()) == {0}
    assert len(transfers) <= len(settle_greedy(balances))


def test_many_balances_fall_back_to_the_greedy_plan():
    rng = random.Random(11)
    values = [rng.randint(1, 10**6) * rng.choice((1, -1)) for _ in range(59)]
    values.append(-sum(values))
    balances = dict(enumerate(values, start=1))
    transfers = settle(balances)
    assert transfers == settle_greedy(balances)
    assert set(apply(balances, transfers).values()) == {0}
    assert len(transfers) <= 59


# Properties

amount = st.integers(min_value=-100_000, max_value=100_000)


@st.composite
def balance_sets(draw, max_size=10, amounts=amount):
    ids = draw(st.lists(st.integers(min_value=1, max_value=1000), unique=True, max_size=max_size))
    if not ids:
        return {}
    values = [draw(amounts) for _ in ids[:-1]]
    values.append(-sum(values))
    return dict(zip(ids, values, strict=True))


@settings(max_examples=120, deadline=None)
@given(balances=balance_sets())
def test_transfers_bring_every_balance_to_zero_in_at_most_n_minus_one(balances):
    nonzero = sum(1 for value in balances.values() if value)
    for plan in (settle(balances), settle_greedy(balances)):
        assert set(apply(balances, plan).values()) <= {0}
        assert len(plan) <= max(nonzero - 1, 0)


@settings(max_examples=120, deadline=None)
@given(balances=balance_sets(max_size=12))
def test_exact_plan_is_never_worse_than_greedy(balances):
    assert len(settle(balances)) <= len(settle_greedy(balances))


@settings(max_examples=150, deadline=None)
# Small amounts make zero-sum groups frequent, which is where the optimum matters.
@given(balances=balance_sets(max_size=8, amounts=st.integers(min_value=-4, max_value=4)))
def test_exact_plan_reaches_the_proven_minimum(balances):
    nonzero = [value for value in balances.values() if value]
    assert len(settle(balances)) == len(nonzero) - most_zero_sum_groups(nonzero)


@settings(max_examples=100, deadline=None)
@given(balances=balance_sets(), seed=st.randoms(use_true_random=False))
def test_plan_does_not_depend_on_the_order_of_the_balances(balances, seed):
    items = list(balances.items())
    seed.shuffle(items)
    assert settle(dict(items)) == settle(balances)
    assert settle_greedy(dict(items)) == settle_greedy(balances)


def test_exact_solver_is_exposed_for_any_size():
    balances = {1: 3000, 2: 6000, 3: -12000, 4: 9000, 5: -13000, 6: 7000}
    assert settle_exact(balances) == settle(balances)
