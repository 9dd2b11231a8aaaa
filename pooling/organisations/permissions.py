"""Who may see and manage organisations."""

from __future__ import annotations


def can_manage_organisations(user) -> bool:
    """Only coordinators create, edit and deactivate member organisations."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def can_manage_people(user, organisation) -> bool:
    """Coordinators manage anyone; a referent manages the people of their own organisation."""
    if not (user and user.is_authenticated):
        return False
    if user.is_coordinator:
        return True
    return organisation is not None and organisation.id in user.admin_organisation_ids()


def can_read_usage_and_costs(user) -> bool:
    """Coordinators read the whole pole's usage and cost statements; referents their organisations'."""
    if not (user and user.is_authenticated):
        return False
    return user.is_coordinator or bool(user.admin_organisation_ids())


def readable_organisation_ids(user) -> set[int] | None:
    """The organisations whose usage and costs ``user`` may read; None means all of them."""
    if user.is_coordinator:
        return None
    return set(user.admin_organisation_ids())
