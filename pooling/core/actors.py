"""The actor the application itself acts as: the command line, the demo loader, jobs.

Services always take an actor. When no person acts (``flask create-user``, the demo data, a
scheduled job), callers pass ``SYSTEM`` explicitly: it has every right a coordinator has, is
nobody in the audit log (no ``id``), and the few rules that tell a person from the system
(a password reset link is never given to the command line) ask ``is_system(actor)``.
Passing ``None`` is a programming error: ``require_actor`` raises TypeError.
"""

from __future__ import annotations

__all__ = ["SYSTEM", "SystemActor", "is_system", "require_actor"]


class SystemActor:
    """The attributes services and permission predicates read on an actor, for the system."""

    id = None
    name = None
    email = None
    locale = None
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_coordinator = True
    memberships: tuple = ()
    organisation = None

    def organisation_ids(self) -> set[int]:
        return set()

    def admin_organisation_ids(self) -> set[int]:
        return set()

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    """Whether the application itself acts, rather than a person."""
    return actor is SYSTEM


def require_actor(actor):
    """Return ``actor``; raise TypeError for None (pass SYSTEM when the application acts)."""
    if actor is None:
        raise TypeError("A service needs an actor: pass pooling.core.actors.SYSTEM for the system.")
    return actor
