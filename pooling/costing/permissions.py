"""Who may run the cost split and who may read statements."""

from __future__ import annotations


def can_manage_costs(user) -> bool:
    """Coordinators open periods, add costs, close and reopen periods."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def can_read_costs(user) -> bool:
    """Coordinators read every statement; referents read their organisations' own."""
    if not (user and user.is_authenticated):
        return False
    return user.is_coordinator or bool(user.admin_organisation_ids())


def readable_organisation_ids(user) -> set[int] | None:
    """The organisations whose statement ``user`` may read; None means all of them."""
    if user.is_coordinator:
        return None
    return set(user.admin_organisation_ids())
