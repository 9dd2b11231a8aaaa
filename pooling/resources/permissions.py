"""Who may see, manage and book resources."""

from __future__ import annotations


def can_manage_resources(user) -> bool:
    """Coordinators create, edit and deactivate resources and closures."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def can_see_resource(user, resource) -> bool:
    """Every signed-in person sees active resources; coordinators also see inactive ones."""
    return bool(user and user.is_authenticated) and (resource.active or user.is_coordinator)
