"""Settlement between members: the fewest transfers that bring every balance to zero (pure).

With n non-zero balances, any plan needs at least n - k transfers, where k is the largest
number of disjoint groups of balances that each add up to zero (a group of m settles with
m - 1 transfers, and no fewer). The exact solver finds k by a dynamic programme over subsets
(2^n states), so it is used up to EXACT_LIMIT non-zero balances; beyond that a greedy plan
(largest debtor pays largest creditor) keeps to at most n - 1 transfers.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from pooling.costing.rounding import CostingError, format_cents, tie_order

EXACT_LIMIT = 16
"""Most non-zero balances (after pairing exact opposites) settled by the exact solver."""


@dataclass(frozen=True, slots=True)
class Transfer:
    """``from_id`` pays ``amount_cents`` (> 0) to ``to_id``; an id of None is the pole itself."""

    from_id: Hashable
    to_id: Hashable
    amount_cents: int

    def as_dict(self) -> dict[str, Any]:
        """The API's form: {"from": id, "to": id, "amount": "12.50"}."""
        return {"from": self.from_id, "to": self.to_id, "amount": format_cents(self.amount_cents)}


def settle(balances: Mapping[Hashable, int]) -> tuple[Transfer, ...]:
    """The settlement plan with the fewest transfers for ``balances`` (cents, summing to zero).

    A positive balance is owed money (a creditor), a negative one owes (a debtor). Exact
    minimum up to EXACT_LIMIT non-zero balances (settle_exact), greedy beyond (settle_greedy).
    Transfers are ordered by payer then payee (ids ascending, the pole first) and never
    more than n - 1 for n non-zero balances.
    Raises CostingError: "not_cents" (non-integer balance), "unbalanced" (sum is not zero).
    """
    _check(balances)
    pairs, rest = _pair_opposites(balances)
    if len(rest) <= EXACT_LIMIT:
        return _sorted(pairs + _exact_transfers(rest))
    return _sorted(pairs + _greedy_transfers(rest))


def settle_exact(balances: Mapping[Hashable, int]) -> tuple[Transfer, ...]:
    """The provably fewest transfers, whatever the number of balances (2^n time: keep n small).

    Raises CostingError: "not_cents", "unbalanced".
    """
    _check(balances)
    pairs, rest = _pair_opposites(balances)
    return _sorted(pairs + _exact_transfers(rest))


def settle_greedy(balances: Mapping[Hashable, int]) -> tuple[Transfer, ...]:
    """A quick plan: the largest debtor pays the largest creditor, until all are settled.

    Each transfer settles at least one party, so at most n - 1 transfers; ties go to the
    smaller id. Raises CostingError: "not_cents", "unbalanced".
    """
    _check(balances)
    return _sorted(_greedy_transfers(_nonzero(balances)))


def minimum_transfers(balances: Mapping[Hashable, int]) -> int:
    """The fewest transfers any plan needs: non-zero balances minus the most zero-sum groups.

    Raises CostingError: "not_cents", "unbalanced".
    """
    return len(settle_exact(balances))


def _check(balances: Mapping[Hashable, int]) -> None:
    for key, value in balances.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise CostingError(
                "not_cents", f"the balance of {key!r} must be integer cents", field="balances"
            )
    if sum(balances.values()) != 0:
        raise CostingError(
            "unbalanced",
            f"balances add up to {format_cents(sum(balances.values()))}, not zero",
            field="balances",
        )


def _nonzero(balances: Mapping[Hashable, int]) -> list[tuple[Hashable, int]]:
    return sorted(
        ((key, value) for key, value in balances.items() if value), key=lambda kv: tie_order(kv[0])
    )


def _pair_opposites(
    balances: Mapping[Hashable, int],
) -> tuple[list[Transfer], list[tuple[Hashable, int]]]:
    """Settle every debtor whose debt equals a creditor's credit with one transfer.

    Safe for optimality: if x and -x are in two zero-sum groups A and B of a best plan,
    {x, -x} and the rest of A and B are two zero-sum groups as well.
    """
    creditors: dict[int, list[Hashable]] = {}
    for key, value in _nonzero(balances):
        if value > 0:
            creditors.setdefault(value, []).append(key)
    transfers: list[Transfer] = []
    paired: set[Hashable] = set()
    for key, value in _nonzero(balances):
        if value < 0 and creditors.get(-value):
            creditor = creditors[-value].pop(0)
            transfers.append(Transfer(key, creditor, -value))
            paired.update((key, creditor))
    rest = [(key, value) for key, value in _nonzero(balances) if key not in paired]
    return transfers, rest


def _exact_transfers(parties: list[tuple[Hashable, int]]) -> list[Transfer]:
    """Split ``parties`` into the most zero-sum groups, then settle each group greedily.

    best[mask] is the largest number of zero-sum prefixes over the orderings of the parties
    in mask: with the full set, the prefixes cut the most zero-sum groups.
    """
    n = len(parties)
    if n == 0:
        return []
    values = [value for _key, value in parties]
    size = 1 << n
    total = [0] * size
    for mask in range(1, size):
        low = mask & -mask
        total[mask] = total[mask ^ low] + values[low.bit_length() - 1]
    best = [0] * size
    last = [0] * size
    for mask in range(1, size):
        found = -1
        chosen = 0
        bits = mask
        while bits:
            low = bits & -bits
            bits ^= low
            score = best[mask ^ low]
            if score > found:
                found = score
                chosen = low
        best[mask] = found + (1 if total[mask] == 0 else 0)
        last[mask] = chosen
    groups: list[list[tuple[Hashable, int]]] = []
    current: list[tuple[Hashable, int]] = []
    mask = size - 1
    while mask:
        if total[mask] == 0 and current:
            groups.append(current)
            current = []
        low = last[mask]
        current.append(parties[low.bit_length() - 1])
        mask ^= low
    groups.append(current)
    transfers: list[Transfer] = []
    for group in groups:
        transfers.extend(_greedy_transfers(sorted(group, key=lambda kv: tie_order(kv[0]))))
    return transfers


def _greedy_transfers(parties: list[tuple[Hashable, int]]) -> list[Transfer]:
    rank = {key: position for position, (key, _value) in enumerate(parties)}
    remaining = {key: value for key, value in parties if value}
    transfers: list[Transfer] = []
    while remaining:
        debtor = min(
            (key for key in remaining if remaining[key] < 0),
            key=lambda key: (remaining[key], rank[key]),
        )
        creditor = min(
            (key for key in remaining if remaining[key] > 0),
            key=lambda key: (-remaining[key], rank[key]),
        )
        amount = min(-remaining[debtor], remaining[creditor])
        transfers.append(Transfer(debtor, creditor, amount))
        for key, change in ((debtor, amount), (creditor, -amount)):
            remaining[key] += change
            if remaining[key] == 0:
                del remaining[key]
    return transfers


def _sorted(transfers: list[Transfer]) -> tuple[Transfer, ...]:
    return tuple(
        sorted(
            transfers,
            key=lambda t: (tie_order(t.from_id), tie_order(t.to_id), t.amount_cents),
        )
    )
