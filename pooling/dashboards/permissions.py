"""Who may read the dashboards and the activity report, and set in-kind valuations."""

from __future__ import annotations


def can_view_dashboard(user) -> bool:
    """Coordinators see the whole pole; referents see their own organisation's usage."""
    if not (user and user.is_authenticated):
        return False
    return bool(user.is_coordinator or user.admin_organisation_ids())


def can_view_pole_dashboard(user) -> bool:
    """Only coordinators see every organisation's usage and costs."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def can_view_report(user) -> bool:
    """The activity report sent to funders is the coordinators'."""
    return can_view_pole_dashboard(user)


def can_set_in_kind_rates(user) -> bool:
    """Coordinators value the resources lent free."""
    return can_view_pole_dashboard(user)
