"""Who may record usage by hand."""

from __future__ import annotations


def can_record_usage(user) -> bool:
    """Only coordinators add manual usage lines and set the late-cancellation notice."""
    return bool(user and user.is_authenticated and user.is_coordinator)
