"""Who may read usage and record it by hand."""

from __future__ import annotations


def can_read_usage(user) -> bool:
    """Coordinators read the whole pole's usage; referents read their organisations' usage."""
    if not (user and user.is_authenticated):
        return False
    return user.is_coordinator or bool(user.admin_organisation_ids())


def can_record_usage(user) -> bool:
    """Only coordinators add manual usage lines and set the late-cancellation notice."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def visible_organisation_ids(user) -> set[int] | None:
    """The organisations whose usage ``user`` may read; None means all of them."""
    if user.is_coordinator:
        return None
    return set(user.admin_organisation_ids())
