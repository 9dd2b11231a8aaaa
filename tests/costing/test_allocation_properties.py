"""Properties of cost sharing that hold for any costs, weights and usage (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.costing.allocation import (
    RULES,
    CostLine,
    MemberOrganisation,
    allocate,
    allocate_cost,
    compare_rules,
)
from pooling.costing.settlement import settle

FAST = settings(max_examples=80, deadline=None)

weights = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("50"), places=3)
hours = st.decimals(min_value=0, max_value=Decimal("500"), places=2)
fixed_shares = st.decimals(min_value=0, max_value=1, places=2)


@st.composite
def organisations(draw, min_size=1, max_size=9):
    ids = draw(
        st.sets(st.integers(min_value=1, max_value=300), min_size=min_size, max_size=max_size)
    )
    return tuple(
        MemberOrganisation(org_id, f"Org {org_id}", draw(weights)) for org_id in sorted(ids)
    )


@st.composite
def cost_lines(draw, cost_id=1, payers=(None,)):
    amount = draw(st.integers(min_value=0, max_value=5_000_000))
    subsidy = draw(st.integers(min_value=0, max_value=amount))
    rule = draw(st.sampled_from(RULES))
    fixed_share = draw(fixed_shares) if rule == "fixed_plus_usage" else None
    return CostLine(
        id=cost_id,
        label=f"Cost {cost_id}",
        amount_cents=amount,
        subsidy_cents=subsidy,
        rule=rule,
        fixed_share=fixed_share,
        paid_by=draw(st.sampled_from(payers)),
    )


@st.composite
def usages(draw, members):
    chosen = draw(st.lists(st.sampled_from([m.id for m in members]), unique=True))
    return {org_id: draw(hours) for org_id in chosen}


@st.composite
def cases(draw):
    members = draw(organisations())
    return draw(cost_lines()), members, draw(usages(members))


def exact_quotas(cost, members, usage) -> dict[int, Fraction]:
    """Each organisation's exact (unrounded) share of the net amount, for usage/equal/weighted."""
    net = cost.net_cents
    total_usage = sum((Fraction(v) for v in usage.values()), Fraction(0))
    if cost.rule == "equal":
        return {m.id: Fraction(net, len(members)) for m in members}
    if cost.rule == "usage" and total_usage:
        return {m.id: net * Fraction(usage.get(m.id, 0)) / total_usage for m in members}
    total_weight = sum(Fraction(m.weight) for m in members)
    return {m.id: net * Fraction(m.weight) / total_weight for m in members}


@FAST
@given(case=cases())
def test_shares_always_add_up_to_the_net_amount_to_the_cent(case):
    cost, members, usage = case
    lines = allocate_cost(cost, members, usage)
    assert sum(line.amount_cents for line in lines) == cost.amount_cents - cost.subsidy_cents
    assert [line.organisation_id for line in lines] == sorted(m.id for m in members)


@FAST
@given(case=cases())
def test_no_share_is_negative_for_a_positive_cost(case):
    cost, members, usage = case
    assert all(line.amount_cents >= 0 for line in allocate_cost(cost, members, usage))


@FAST
@given(case=cases())
def test_each_share_is_within_a_cent_of_its_exact_proportional_value(case):
    cost, members, usage = case
    lines = allocate_cost(cost, members, usage)
    if cost.rule == "fixed_plus_usage":
        # Each pool is split within a cent of its exact part; the pools themselves are the
        # net amount cut at the cent, so the whole share stays within two cents.
        basis = lines[0].basis
        fixed_share = Fraction(cost.fixed_share)
        assert basis.fixed_pool_cents + basis.usage_pool_cents == cost.net_cents
        assert abs(basis.fixed_pool_cents - cost.net_cents * fixed_share) <= Fraction(1, 2)
        total_weight = sum(Fraction(m.weight) for m in members)
        total_usage = sum((Fraction(v) for v in usage.values()), Fraction(0))
        weight_of = {m.id: Fraction(m.weight) for m in members}
        for line in lines:
            fixed = basis.fixed_pool_cents * weight_of[line.organisation_id] / total_weight
            if total_usage:
                variable = (
                    basis.usage_pool_cents
                    * Fraction(usage.get(line.organisation_id, 0))
                    / total_usage
                )
            else:
                variable = basis.usage_pool_cents * weight_of[line.organisation_id] / total_weight
            assert abs(line.basis.fixed_part_cents - fixed) < 1
            assert abs(line.basis.usage_part_cents - variable) < 1
            assert line.amount_cents == line.basis.fixed_part_cents + line.basis.usage_part_cents
            exact_share = cost.net_cents * (
                fixed_share * weight_of[line.organisation_id] / total_weight
                + (1 - fixed_share)
                * (
                    Fraction(usage.get(line.organisation_id, 0)) / total_usage
                    if total_usage
                    else weight_of[line.organisation_id] / total_weight
                )
            )
            assert abs(line.amount_cents - exact_share) < 2.5
    else:
        quotas = exact_quotas(cost, members, usage)
        for line in lines:
            assert abs(line.amount_cents - quotas[line.organisation_id]) < 1


@FAST
@given(case=cases())
def test_a_usage_rule_without_usage_is_flagged_as_falling_back_to_weights(case):
    cost, members, usage = case
    lines = allocate_cost(cost, members, usage)
    no_usage = not any(usage.values())
    expected = "weighted" if cost.rule in ("usage", "fixed_plus_usage") and no_usage else None
    assert {line.basis.fallback for line in lines} == {expected}


@FAST
@given(
    members=organisations(min_size=2),
    amount=st.integers(min_value=0, max_value=5_000_000),
    same_hours=hours.filter(lambda h: h > 0),
)
def test_equal_usage_gives_shares_differing_by_at_most_a_cent(members, amount, same_hours):
    cost = CostLine(id=1, label="Loyer", amount_cents=amount, rule="usage")
    lines = allocate_cost(cost, members, {m.id: same_hours for m in members})
    shares = [line.amount_cents for line in lines]
    assert max(shares) - min(shares) <= 1


@FAST
@given(members=organisations(min_size=2), amount=st.integers(min_value=0, max_value=5_000_000))
def test_equal_rule_gives_shares_differing_by_at_most_a_cent(members, amount):
    cost = CostLine(id=1, label="Assurance", amount_cents=amount, rule="equal")
    shares = [line.amount_cents for line in allocate_cost(cost, members)]
    assert max(shares) - min(shares) <= 1


@FAST
@given(members=organisations(min_size=2), amount=st.integers(min_value=0, max_value=5_000_000))
def test_a_higher_weight_never_pays_less_under_the_weighted_rule(members, amount):
    cost = CostLine(id=1, label="Énergie", amount_cents=amount, rule="weighted")
    share = {line.organisation_id: line.amount_cents for line in allocate_cost(cost, members)}
    for a in members:
        for b in members:
            if a.weight > b.weight:
                assert share[a.id] >= share[b.id]


@FAST
@given(case=cases(), seed=st.randoms(use_true_random=False))
def test_the_order_of_organisations_and_usage_does_not_change_the_result(case, seed):
    cost, members, usage = case
    shuffled_members = list(members)
    seed.shuffle(shuffled_members)
    usage_items = list(usage.items())
    seed.shuffle(usage_items)
    assert allocate_cost(cost, shuffled_members, dict(usage_items)) == allocate_cost(
        cost, members, usage
    )


@st.composite
def periods(draw):
    members = draw(organisations(max_size=7))
    payers = (None, *(m.id for m in members))
    count = draw(st.integers(min_value=1, max_value=5))
    costs = [draw(cost_lines(cost_id=i, payers=payers)) for i in range(1, count + 1)]
    usage_by_cost = {cost.id: draw(usages(members)) for cost in costs}
    return costs, members, usage_by_cost


@settings(max_examples=50, deadline=None)
@given(period=periods(), seed=st.randoms(use_true_random=False))
def test_balances_add_up_to_zero_and_the_settlement_clears_them(period, seed):
    costs, members, usage_by_cost = period
    allocation = allocate(costs, members, usage_by_cost)
    balances = allocation.balances()
    assert sum(balances.values()) == 0
    assert sum(t.owed_cents for t in allocation.totals) == sum(c.net_cents for c in costs)
    for total in allocation.totals:
        assert total.balance_cents == total.paid_cents - total.owed_cents
    remaining = dict(balances)
    for transfer in settle(balances):
        remaining[transfer.from_id] += transfer.amount_cents
        remaining[transfer.to_id] -= transfer.amount_cents
    assert set(remaining.values()) <= {0}
    shuffled = list(costs)
    seed.shuffle(shuffled)
    assert allocate(shuffled, tuple(reversed(members)), usage_by_cost) == allocation


@settings(max_examples=40, deadline=None)
@given(period=periods())
def test_every_rule_of_the_comparison_adds_up_to_the_same_total(period):
    costs, members, usage_by_cost = period
    comparison = compare_rules(costs, members, usage_by_cost)
    for column in comparison.columns:
        assert sum(row[column] for row in comparison.owed.values()) == comparison.total_cents
