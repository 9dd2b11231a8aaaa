"""When a qualification ends and what a booker lacks on a day (pure, no database)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from dateutil.relativedelta import relativedelta

# The referents' warning: what ends within this many days.
EXPIRY_WARNING_DAYS = 60


def default_valid_until(today: date, validity_months: int | None) -> date | None:
    """A new holder's end: ``today`` plus the qualification's validity, or none (no end)."""
    if not validity_months:
        return None
    return today + relativedelta(months=validity_months)


def missing_on(
    required: Iterable[tuple[int, str]], held: Mapping[int, date | None], day: date
) -> list[str]:
    """The names of the ``required`` (id, name) qualifications not held on ``day``.

    ``held`` maps a held qualification's id to its last valid day (None: no end).
    """
    return [
        name
        for qualification_id, name in required
        if qualification_id not in held
        or (held[qualification_id] is not None and held[qualification_id] < day)
    ]
