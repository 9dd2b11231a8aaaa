"""Who may act on people and their accounts."""

from __future__ import annotations

from pooling.organisations.permissions import can_manage_people

__all__ = ["can_manage_account", "can_manage_people", "can_see_user"]


def can_see_user(actor, user) -> bool:
    """A person sees themselves; referents see their organisations' people; coordinators all."""
    if actor.is_coordinator or actor.id == user.id:
        return True
    return bool(actor.admin_organisation_ids() & user.organisation_ids())


def can_manage_account(actor, user) -> bool:
    """Whether ``actor`` may act on a whole account: (de)activate it, send a password link.

    These acts reach beyond one organisation (and the link lets its holder set the password),
    so a referent may only take them on people who belong to no organisation other than those
    they manage, and never on a coordinator. Coordinators may on anyone.
    """
    if not (actor and actor.is_authenticated):
        return False
    if actor.is_coordinator:
        return True
    if user.is_coordinator:
        return False
    organisation_ids = user.organisation_ids()
    return bool(organisation_ids) and organisation_ids <= actor.admin_organisation_ids()
