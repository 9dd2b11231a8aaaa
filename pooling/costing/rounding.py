"""Money in integer cents: exact conversions, half-up rounding and largest-remainder splits (pure)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)

Exact = Decimal | Fraction | int
"""A number the costing accepts: never a float, whose binary value is not the one typed."""

CENT = Decimal("0.01")


class CostingError(ValueError):
    """Costing input that cannot be shared; ``code`` names the rule, ``field`` the input at fault.

    The message is for developers and logs; services translate ``code`` for users.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def exact(value: Any, field: str = "value") -> Fraction:
    """The exact rational value of a Decimal, Fraction or int.

    Raises CostingError("not_exact") for floats, booleans, NaN, infinities and anything else.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int):
        raise CostingError(
            "not_exact",
            f"{field} must be a Decimal, a Fraction or an int, not {type(value).__name__}",
            field=field,
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise CostingError("not_exact", f"{field} must be a finite number", field=field)
    return Fraction(value)


def to_cents(amount: Decimal | int | str) -> int:
    """Integer cents of an amount in euros given as Decimal, int or decimal text ("1234.50").

    Raises CostingError("not_cents") when the amount has a fraction of a cent or is not a number.
    """
    if isinstance(amount, str):
        try:
            amount = Decimal(amount.strip())
        except ArithmeticError:
            raise CostingError(
                "not_cents", f"{amount!r} is not an amount", field="amount"
            ) from None
    value = exact(amount, "amount") * 100
    if value.denominator != 1:
        raise CostingError("not_cents", f"{amount} has a fraction of a cent", field="amount")
    return int(value)


def from_cents(cents: int) -> Decimal:
    """The amount in euros, with two decimals, of integer cents (12350 -> Decimal("123.50"))."""
    _require_int(cents, "cents")
    return (Decimal(cents) / 100).quantize(CENT)


def format_cents(cents: int) -> str:
    """The API's money text of integer cents: "1234.50", "-0.05" (no thousands separator)."""
    return str(from_cents(cents))


def round_half_up(value: Exact) -> int:
    """The nearest integer to ``value``, halves rounded away from zero (2.5 -> 3, -2.5 -> -3).

    This is the commercial rounding of French invoices, symmetric for credits.
    Raises CostingError("not_exact") for floats.
    """
    fraction = exact(value)
    magnitude = (abs(fraction) * 2 + 1) // 2
    return int(magnitude) if fraction >= 0 else -int(magnitude)


def round_to_cents(euros: Exact) -> int:
    """Integer cents of an amount in euros, rounded half up (12.345 -> 1235; -12.345 -> -1235)."""
    return round_half_up(exact(euros, "amount") * 100)


def tie_order(key: Any) -> tuple:
    """The stable order used to break ties: None (the pole itself) first, then keys ascending."""
    return (0, 0) if key is None else (1, key)


def split_cents(amount_cents: int, weights: Mapping[K, Exact]) -> dict[K, int]:
    """Split ``amount_cents`` among the keys of ``weights`` in proportion to their weights.

    Largest-remainder method: every key gets the floor of its exact quota
    ``amount * weight / total weight``, then the cents still missing go one each to the keys
    with the largest remainders. Ties between equal remainders go to the keys that come first
    in ascending key order (organisation ids: the smallest id first), whatever the order of
    ``weights``. So the parts add up exactly to the amount, each part is within one cent of
    its exact quota, a zero weight gets zero, and equal weights get parts differing by at
    most one cent. A negative amount (a credit) is split as its opposite, then negated.

    Returns a dict with every key of ``weights``, in ascending key order.
    Raises CostingError: "not_exact" (float amount or weight), "negative_weight",
    "zero_total_weight" (no weights, or all zero).
    """
    _require_int(amount_cents, "amount")
    keys = sorted(weights, key=tie_order)
    exact_weights = {key: exact(weights[key], "weight") for key in keys}
    for key, weight in exact_weights.items():
        if weight < 0:
            raise CostingError(
                "negative_weight", f"the weight of {key!r} is negative", field="weight"
            )
    total = sum(exact_weights.values(), Fraction(0))
    if total == 0:
        raise CostingError(
            "zero_total_weight",
            "cannot split an amount when the weights add up to zero",
            field="weight",
        )
    if amount_cents < 0:
        return {key: -part for key, part in split_cents(-amount_cents, weights).items()}
    parts: dict[K, int] = {}
    remainders: list[tuple[Fraction, int, K]] = []
    for position, key in enumerate(keys):
        quota = amount_cents * exact_weights[key] / total
        floor = quota.numerator // quota.denominator
        parts[key] = floor
        remainders.append((quota - floor, position, key))
    missing = amount_cents - sum(parts.values())
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _remainder, _position, key in remainders[:missing]:
        parts[key] += 1
    return parts


def split_cents_equally(amount_cents: int, keys: Iterable[K]) -> dict[K, int]:
    """Split ``amount_cents`` in equal parts among ``keys``; the odd cents go to the first keys.

    Same rule as split_cents with equal weights: 100.00 among 1, 2, 3 gives 33.34 to 1 and
    33.33 to 2 and 3. Raises CostingError("zero_total_weight") when there are no keys.
    """
    return split_cents(amount_cents, {key: 1 for key in keys})


def _require_int(value: Any, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CostingError(
            "not_cents", f"{field} must be integer cents, not {type(value).__name__}", field=field
        )
