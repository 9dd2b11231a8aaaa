"""Who may run the cost split and who may read statements."""

from __future__ import annotations

from pooling.organisations.permissions import can_read_usage_and_costs, readable_organisation_ids

__all__ = [
    "can_manage_costs",
    "can_read_usage_and_costs",
    "readable_organisation_ids",
]


def can_manage_costs(user) -> bool:
    """Coordinators open periods, add costs, close and reopen periods."""
    return bool(user and user.is_authenticated and user.is_coordinator)
