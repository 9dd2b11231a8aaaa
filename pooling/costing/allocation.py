"""Sharing cost lines among member organisations by the charter's rules, to the cent (pure).

Every function here takes plain values (the dataclasses below, Decimal quantities, integer
cents) and returns plain values, explained in data: each organisation's share of a cost
carries a ``Basis`` saying which rule, which quantities and which weights produced it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from pooling.costing.rounding import (
    CostingError,
    Exact,
    exact,
    format_cents,
    round_half_up,
    split_cents,
    tie_order,
)

RULES = ("usage", "equal", "weighted", "fixed_plus_usage")
"""The allocation rules a cost line may follow, in the order the comparison shows them."""

USAGE_RULES = frozenset({"usage", "fixed_plus_usage"})

POLE: None = None
"""The organisation id used in totals and transfers for the pole itself (costs nobody lent)."""

_PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class MemberOrganisation:
    """An organisation that shares the costs: its id, its name and its solidarity weight."""

    id: int
    name: str
    weight: Decimal = Decimal("1")

    def __post_init__(self) -> None:
        if exact(self.weight, "weight") < 0:
            raise CostingError(
                "negative_weight", f"the weight of {self.name} is negative", field="weight"
            )


@dataclass(frozen=True)
class CostScope:
    """What a cost line belongs to, for the explanation: a resource, a kind, or the whole pole."""

    resource_id: int | None = None
    resource_name: str | None = None
    kind: str | None = None
    # A part's cost: the composites whose bookings count for it (one unit each), by name.
    composites: tuple[str, ...] = ()


@dataclass(frozen=True)
class CostLine:
    """A cost to share: gross amount and subsidy in integer cents, its rule and who paid it.

    ``fixed_share`` (0..1) is required by ``fixed_plus_usage`` and ignored by other rules.
    ``paid_by`` is the organisation credited with the net amount (the member lending its
    room or employing the shared staff), or None when the pole itself paid. ``unit`` names
    the usage quantities ("hours", "unit_hours", "km"...) in explanations.
    Raises CostingError on construction: "not_cents", "unknown_rule", "negative_subsidy",
    "subsidy_on_credit", "subsidy_exceeds_amount", "fixed_share_required", "fixed_share_range".
    """

    id: int
    label: str
    amount_cents: int
    rule: str
    subsidy_cents: int = 0
    fixed_share: Decimal | None = None
    paid_by: int | None = None
    scope: CostScope = field(default_factory=CostScope)
    unit: str = "hours"

    def __post_init__(self) -> None:
        for name in ("amount_cents", "subsidy_cents"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise CostingError("not_cents", f"{name} must be integer cents", field=name)
        if self.rule not in RULES:
            raise CostingError(
                "unknown_rule", f"unknown allocation rule {self.rule!r}", field="rule"
            )
        if self.subsidy_cents < 0:
            raise CostingError(
                "negative_subsidy", "the subsidy cannot be negative", field="subsidy"
            )
        if self.amount_cents < 0 and self.subsidy_cents:
            raise CostingError(
                "subsidy_on_credit", "a credit (negative amount) takes no subsidy", field="subsidy"
            )
        if self.subsidy_cents > max(self.amount_cents, 0):
            raise CostingError(
                "subsidy_exceeds_amount",
                f"the subsidy ({format_cents(self.subsidy_cents)}) exceeds the amount "
                f"({format_cents(self.amount_cents)})",
                field="subsidy",
            )
        if self.rule == "fixed_plus_usage":
            if self.fixed_share is None:
                raise CostingError(
                    "fixed_share_required",
                    "the fixed_plus_usage rule needs a fixed share",
                    field="fixed_share",
                )
            if not 0 <= exact(self.fixed_share, "fixed_share") <= 1:
                raise CostingError(
                    "fixed_share_range",
                    "the fixed share must be between 0 and 1",
                    field="fixed_share",
                )

    @property
    def net_cents(self) -> int:
        """The amount to share: the amount minus the subsidy."""
        return self.amount_cents - self.subsidy_cents


@dataclass(frozen=True)
class Basis:
    """Why an organisation owes what it owes for one cost, in data.

    ``percentage`` is the organisation's exact proportion of the net amount, rounded to
    0.01 for display. ``fallback`` is "weighted" when a usage rule found no usage at all
    (then the weights explain the share). Fields that a rule does not use are None.
    """

    rule: str
    cost_amount_cents: int
    subsidy_cents: int
    net_amount_cents: int
    percentage: Decimal
    fallback: str | None = None
    quantity: Decimal | None = None
    total_quantity: Decimal | None = None
    unit: str | None = None
    weight: Decimal | None = None
    total_weight: Decimal | None = None
    organisations: int | None = None
    fixed_share: Decimal | None = None
    fixed_pool_cents: int | None = None
    usage_pool_cents: int | None = None
    fixed_part_cents: int | None = None
    usage_part_cents: int | None = None
    resource_id: int | None = None
    resource_name: str | None = None
    kind: str | None = None
    # The composites (by name) whose bookings count in the usage of the cost's resource.
    composites: tuple[str, ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: money as "1234.50" text, quantities and weights as decimal text."""
        result: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name.endswith("_cents"):
                result[name.removesuffix("_cents")] = None if value is None else format_cents(value)
            elif name == "percentage":
                result[name] = str(value)
            elif isinstance(value, Decimal):
                result[name] = _decimal_text(value)
            elif isinstance(value, tuple):
                result[name] = list(value)
            else:
                result[name] = value
        return result


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """One organisation's share of one cost, in cents, with its basis."""

    cost_id: int
    organisation_id: int
    amount_cents: int
    basis: Basis


@dataclass(frozen=True, slots=True)
class OrganisationTotal:
    """An organisation's position over several costs: owed, paid and balance, in cents.

    ``balance_cents = paid_cents - owed_cents``: positive, the pole owes it money; negative,
    it owes the pole. ``organisation_id`` is None (POLE) for the pole's own account.
    """

    organisation_id: int | None
    owed_cents: int
    paid_cents: int
    balance_cents: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """The shares of several costs and every organisation's totals; balances add up to zero."""

    lines: tuple[AllocationLine, ...]
    totals: tuple[OrganisationTotal, ...]

    def balances(self) -> dict[int | None, int]:
        """Balance in cents per organisation id (None: the pole), for the settlement plan."""
        return {total.organisation_id: total.balance_cents for total in self.totals}

    def owed(self) -> dict[int, int]:
        """Owed cents per organisation id (the pole's own account left out)."""
        return {
            total.organisation_id: total.owed_cents
            for total in self.totals
            if total.organisation_id is not None
        }

    def lines_of(self, cost_id: int) -> tuple[AllocationLine, ...]:
        """The shares of one cost, by organisation id."""
        return tuple(line for line in self.lines if line.cost_id == cost_id)


@dataclass(frozen=True)
class RuleComparison:
    """What each organisation would owe in cents under each rule, for the members' vote.

    ``owed[organisation_id][column]`` where a column is "current" (each cost under its own
    rule) or one of RULES. ``total_cents`` is what every column adds up to. ``fallbacks``
    lists, per column, the costs whose usage rule fell back to weights for lack of usage.
    """

    organisations: tuple[MemberOrganisation, ...]
    owed: dict[int, dict[str, int]]
    total_cents: int
    fallbacks: dict[str, tuple[int, ...]]

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns in display order: "current", then the four rules."""
        return ("current", *RULES)


@dataclass(frozen=True, slots=True)
class TrueUpLine:
    """Year-end true-up of one organisation: provisional charge, final share, difference.

    ``difference_cents = final_cents - provisional_cents``: positive, it must pay more;
    negative, it is refunded.
    """

    organisation_id: int
    provisional_cents: int
    final_cents: int
    difference_cents: int


def allocate_cost(
    cost: CostLine,
    organisations: Sequence[MemberOrganisation],
    usage: Mapping[int, Decimal | int] | None = None,
) -> tuple[AllocationLine, ...]:
    """Share one cost's net amount (amount minus subsidy) among ``organisations``, to the cent.

    Rules: ``usage`` pro rata of ``usage`` (hours, unit-hours or meter units per organisation
    for the cost's scope, co-organised bookings already split by the caller); ``equal`` in
    equal parts; ``weighted`` by organisation weight; ``fixed_plus_usage`` the fixed share of
    the net amount (rounded half up to the cent) by weight and the rest by usage. A usage
    rule that finds no usage at all shares the usage part by weight and says
    ``fallback="weighted"``. Parts are split by split_cents (largest remainder, ties to the
    smallest organisation id), so they add up exactly to the net amount.

    Returns one line per organisation, by organisation id, zero shares included.
    Raises CostingError: "no_organisations", "duplicate_organisation", "unknown_organisation"
    (usage of an organisation not in ``organisations``), "negative_usage", "not_exact"
    (float quantities), "zero_total_weight" (a weight-based split with all weights zero).
    """
    members = _members_by_id(organisations)
    quantities = _quantities(usage or {}, members)
    ids = list(members)
    net = cost.net_cents
    weights = {org_id: members[org_id].weight for org_id in ids}
    total_weight = sum(weights.values(), Decimal(0))
    total_quantity = sum(quantities.values(), Decimal(0))
    no_usage = total_quantity == 0
    common = {
        "rule": cost.rule,
        "cost_amount_cents": cost.amount_cents,
        "subsidy_cents": cost.subsidy_cents,
        "net_amount_cents": net,
        "resource_id": cost.scope.resource_id,
        "resource_name": cost.scope.resource_name,
        "kind": cost.scope.kind,
        "composites": cost.scope.composites or None,
    }
    lines = []

    if cost.rule == "equal":
        parts = split_cents(net, {org_id: 1 for org_id in ids})
        for org_id in ids:
            basis = Basis(
                **common,
                percentage=_percentage(Fraction(1, len(ids))),
                organisations=len(ids),
            )
            lines.append(AllocationLine(cost.id, org_id, parts[org_id], basis))
        return tuple(lines)

    if cost.rule == "weighted" or (cost.rule == "usage" and no_usage):
        parts = split_cents(net, weights)
        fallback = "weighted" if cost.rule == "usage" else None
        for org_id in ids:
            proportion = _ratio(weights[org_id], total_weight)
            basis = Basis(
                **common,
                percentage=_percentage(proportion),
                fallback=fallback,
                weight=weights[org_id],
                total_weight=total_weight,
                **(_usage_fields(cost, quantities[org_id], total_quantity) if fallback else {}),
            )
            lines.append(AllocationLine(cost.id, org_id, parts[org_id], basis))
        return tuple(lines)

    if cost.rule == "usage":
        parts = split_cents(net, quantities)
        for org_id in ids:
            proportion = _ratio(quantities[org_id], total_quantity)
            basis = Basis(
                **common,
                percentage=_percentage(proportion),
                **_usage_fields(cost, quantities[org_id], total_quantity),
            )
            lines.append(AllocationLine(cost.id, org_id, parts[org_id], basis))
        return tuple(lines)

    # fixed_plus_usage: two pools, each split on its own, so that each organisation's fixed
    # part and usage part are shown and add up to its share.
    fixed_share = exact(cost.fixed_share, "fixed_share")
    fixed_pool = round_half_up(net * fixed_share)
    usage_pool = net - fixed_pool
    fixed_parts = split_cents(fixed_pool, weights)
    usage_parts = split_cents(usage_pool, weights if no_usage else quantities)
    for org_id in ids:
        weight_ratio = _ratio(weights[org_id], total_weight)
        usage_ratio = weight_ratio if no_usage else _ratio(quantities[org_id], total_quantity)
        proportion = fixed_share * weight_ratio + (1 - fixed_share) * usage_ratio
        basis = Basis(
            **common,
            percentage=_percentage(proportion),
            fallback="weighted" if no_usage else None,
            weight=weights[org_id],
            total_weight=total_weight,
            fixed_share=cost.fixed_share,
            fixed_pool_cents=fixed_pool,
            usage_pool_cents=usage_pool,
            fixed_part_cents=fixed_parts[org_id],
            usage_part_cents=usage_parts[org_id],
            **_usage_fields(cost, quantities[org_id], total_quantity),
        )
        amount = fixed_parts[org_id] + usage_parts[org_id]
        lines.append(AllocationLine(cost.id, org_id, amount, basis))
    return tuple(lines)


def allocate(
    costs: Iterable[CostLine],
    organisations: Sequence[MemberOrganisation],
    usage_by_cost: Mapping[int, Mapping[int, Decimal | int]] | None = None,
) -> Allocation:
    """Share several costs (allocate_cost on each) and total them per organisation.

    ``usage_by_cost[cost.id]`` is the usage per organisation in that cost's scope (absent:
    no usage). Per organisation: owed = the sum of its shares; paid = the sum of the net
    amounts of the costs it paid (``paid_by``); balance = paid - owed (positive: the pole
    owes it money). Costs paid by nobody are credited to the pole's own account, a total
    with organisation_id None, present only when such a cost exists; a payer outside
    ``organisations`` gets a total too. Balances therefore add up to exactly zero.

    Lines are ordered by cost id then organisation id; totals by organisation id, the pole
    first. Raises CostingError as allocate_cost, and "duplicate_cost" for a repeated cost id.
    """
    usage_by_cost = usage_by_cost or {}
    costs = sorted(costs, key=lambda cost: cost.id)
    seen: set[int] = set()
    lines: list[AllocationLine] = []
    owed: dict[int | None, int] = {member.id: 0 for member in organisations}
    paid: dict[int | None, int] = {member.id: 0 for member in organisations}
    for cost in costs:
        if cost.id in seen:
            raise CostingError("duplicate_cost", f"cost {cost.id} appears twice", field="costs")
        seen.add(cost.id)
        for line in allocate_cost(cost, organisations, usage_by_cost.get(cost.id)):
            lines.append(line)
            owed[line.organisation_id] += line.amount_cents
        owed.setdefault(cost.paid_by, 0)
        paid[cost.paid_by] = paid.get(cost.paid_by, 0) + cost.net_cents
    totals = tuple(
        OrganisationTotal(
            organisation_id=org_id,
            owed_cents=owed[org_id],
            paid_cents=paid.get(org_id, 0),
            balance_cents=paid.get(org_id, 0) - owed[org_id],
        )
        for org_id in sorted(owed, key=tie_order)
    )
    return Allocation(lines=tuple(lines), totals=totals)


def compare_rules(
    costs: Iterable[CostLine],
    organisations: Sequence[MemberOrganisation],
    usage_by_cost: Mapping[int, Mapping[int, Decimal | int]] | None = None,
    *,
    default_fixed_share: Decimal = Decimal("0.30"),
) -> RuleComparison:
    """What each organisation would owe over ``costs`` under its current rules and each rule.

    For each rule, every cost is shared as if it followed that rule (same amounts, subsidies
    and usage); ``fixed_plus_usage`` uses each cost's own fixed share, or
    ``default_fixed_share`` for costs that have none. Every column adds up to the same total.
    Raises CostingError as allocate_cost, and "fixed_share_range" for a bad default.
    """
    costs = list(costs)
    usage_by_cost = usage_by_cost or {}
    members = tuple(sorted(_members_by_id(organisations).values(), key=lambda m: m.id))
    owed: dict[int, dict[str, int]] = {member.id: {} for member in members}
    fallbacks: dict[str, tuple[int, ...]] = {}
    for column in ("current", *RULES):
        if column == "current":
            variants = costs
        else:
            variants = [_with_rule(cost, column, default_fixed_share) for cost in costs]
        allocation = allocate(variants, members, usage_by_cost)
        for member in members:
            owed[member.id][column] = 0
        fell_back = []
        for line in allocation.lines:
            owed[line.organisation_id][column] += line.amount_cents
            if line.basis.fallback and line.cost_id not in fell_back:
                fell_back.append(line.cost_id)
        fallbacks[column] = tuple(fell_back)
    total = sum(cost.net_cents for cost in costs)
    return RuleComparison(organisations=members, owed=owed, total_cents=total, fallbacks=fallbacks)


def true_up(provisional: Mapping[int, int], final: Mapping[int, int]) -> tuple[TrueUpLine, ...]:
    """Per organisation, the final share minus what was provisionally charged, in cents.

    An organisation missing from one side counts zero there. Positive difference: it must pay
    more; negative: it is refunded. Ordered by organisation id.
    Raises CostingError("not_cents") for amounts that are not integer cents.
    """
    lines = []
    for org_id in sorted(set(provisional) | set(final), key=tie_order):
        charged = provisional.get(org_id, 0)
        owed = final.get(org_id, 0)
        for value in (charged, owed):
            if isinstance(value, bool) or not isinstance(value, int):
                raise CostingError("not_cents", "true-up amounts must be integer cents")
        lines.append(TrueUpLine(org_id, charged, owed, owed - charged))
    return tuple(lines)


def _with_rule(cost: CostLine, rule: str, default_fixed_share: Decimal) -> CostLine:
    fixed_share = cost.fixed_share
    if rule == "fixed_plus_usage" and fixed_share is None:
        fixed_share = default_fixed_share
    return CostLine(
        id=cost.id,
        label=cost.label,
        amount_cents=cost.amount_cents,
        rule=rule,
        subsidy_cents=cost.subsidy_cents,
        fixed_share=fixed_share,
        paid_by=cost.paid_by,
        scope=cost.scope,
        unit=cost.unit,
    )


def _members_by_id(organisations: Sequence[MemberOrganisation]) -> dict[int, MemberOrganisation]:
    if not organisations:
        raise CostingError(
            "no_organisations",
            "there is no organisation to share the cost with",
            field="organisations",
        )
    members: dict[int, MemberOrganisation] = {}
    for member in sorted(organisations, key=lambda m: m.id):
        if member.id in members:
            raise CostingError(
                "duplicate_organisation",
                f"organisation {member.id} appears twice",
                field="organisations",
            )
        members[member.id] = member
    return members


def _quantities(
    usage: Mapping[int, Decimal | int], members: Mapping[int, MemberOrganisation]
) -> dict[int, Decimal]:
    quantities = {org_id: Decimal(0) for org_id in members}
    for org_id, quantity in usage.items():
        if org_id not in members:
            raise CostingError(
                "unknown_organisation",
                f"usage of organisation {org_id}, which does not share this cost",
                field="usage",
            )
        if isinstance(quantity, bool) or not isinstance(quantity, Decimal | int):
            raise CostingError(
                "not_exact", "usage must be a Decimal or an int, never a float", field="usage"
            )
        if exact(quantity, "usage") < 0:
            raise CostingError("negative_usage", "usage cannot be negative", field="usage")
        quantities[org_id] = Decimal(quantity)
    return quantities


def _usage_fields(cost: CostLine, quantity: Decimal, total: Decimal) -> dict[str, Any]:
    return {"quantity": quantity, "total_quantity": total, "unit": cost.unit}


def _ratio(part: Exact, total: Exact) -> Fraction:
    total = exact(total)
    return Fraction(0) if total == 0 else exact(part) / total


def _percentage(proportion: Fraction) -> Decimal:
    hundredths = round_half_up(proportion * 10000)
    return (Decimal(hundredths) / 100).quantize(_PERCENT, rounding=ROUND_HALF_UP)


def _decimal_text(value: Decimal) -> str:
    """Plain decimal text without trailing zeros or exponent: 12.50 -> "12.5", 1E+2 -> "100"."""
    return format(value.normalize(), "f")
