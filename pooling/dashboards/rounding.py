"""How the dashboards and the activity report round their figures: cents, hours, percents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def rounded(value, places: Decimal = CENT) -> Decimal:
    """``value`` (None counts as 0) rounded half up to ``places``."""
    return Decimal(str(value or 0)).quantize(places, rounding=ROUND_HALF_UP)


def hours_of(seconds) -> Decimal:
    """Seconds as hours, to the cent."""
    return rounded(Decimal(str(seconds or 0)) / 3600)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percent of ``whole`` to a tenth, or None when the whole is nothing."""
    if not whole:
        return None
    return rounded(Decimal(part) * HUNDRED / Decimal(whole), TENTH)
