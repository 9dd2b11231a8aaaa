"""Who may act on people and their accounts."""

from __future__ import annotations

from pooling.organisations.permissions import can_manage_people

__all__ = ["can_manage_people", "can_see_user"]


def can_see_user(actor, user) -> bool:
    """A person sees themselves; referents see their organisations' people; coordinators all."""
    if actor.is_coordinator or actor.id == user.id:
        return True
    return bool(actor.admin_organisation_ids() & user.organisation_ids())
