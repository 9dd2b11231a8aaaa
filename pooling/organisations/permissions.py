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
