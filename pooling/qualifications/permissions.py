"""Who defines qualifications and who records who holds them."""

from __future__ import annotations


def can_define_qualifications(user) -> bool:
    """The pole's coordinators define the qualifications."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def can_record_holders(user) -> bool:
    """Coordinators, and referents for the people of their organisation."""
    if not (user and user.is_authenticated):
        return False
    return user.is_coordinator or bool(user.admin_organisation_ids())


def can_record_for(user, person) -> bool:
    """Coordinators for anybody; a referent for a person of one of their organisations."""
    if not can_record_holders(user):
        return False
    return user.is_coordinator or bool(user.admin_organisation_ids() & person.organisation_ids())
