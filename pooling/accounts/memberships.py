"""Memberships: attach a person to an organisation, make them referent, detach them; and the
rules that an organisation keeps a referent and the pole a coordinator."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, text

from pooling.accounts.models import ROLES, Membership, User
from pooling.audit.services import record
from pooling.core.actors import require_actor
from pooling.core.errors import NotAllowed, RuleViolation
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.organisations.permissions import can_manage_people


def _lock_row(table: str, row_id: int) -> None:
    """Hold one row until the transaction ends (``FOR UPDATE`` on PostgreSQL; on SQLite, the
    database's single write lock, taken by a write that changes nothing)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        db.session.execute(
            text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id}
        )
    else:
        db.session.execute(text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": row_id})


def _other_active_referents(organisation_id: int, excluding_user_id: int) -> list[Membership]:
    """The organisation's active referents but one person, read under the organisation's lock.

    Locking the organisation row serialises two referents who would demote or remove each
    other at once: the second reads the first one's change and is refused.
    """
    _lock_row("organisations", organisation_id)
    return list(
        db.session.scalars(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation_id,
                Membership.role == "org_admin",
                Membership.user_id != excluding_user_id,
                User.active.is_(True),
            )
            .order_by(Membership.id)
            .execution_options(populate_existing=True)
        )
    )


def refuse_losing_last_referent(
    actor, membership: Membership, *, coordinators_too: bool = False
) -> None:
    """A referent may not leave their organisation without another active referent.

    Coordinators may remove or deactivate them (they can always name a new referent, so
    nothing is locked out, and a departing or misbehaving last referent must be removable);
    with ``coordinators_too`` (a change of role, which nobody needs to make first) they may
    not either. Raises RuleViolation.
    """
    if membership.role != "org_admin" or (actor.is_coordinator and not coordinators_too):
        return
    if not _other_active_referents(membership.organisation_id, membership.user_id):
        raise RuleViolation(
            _(
                "%(name)s is the only referent of %(org)s: make someone else referent first, "
                "so that the organisation is never left without one.",
                name=membership.user.name,
                org=membership.organisation.name,
            ),
            code="last_referent",
        )


def refuse_losing_last_coordinator(user: User) -> None:
    """The pole keeps at least one active coordinator. Raises RuleViolation.

    Every active coordinator's row is locked, the target's included, so two coordinators
    deactivating each other at once are serialised: the second no longer counts the first.
    """
    if db.session.connection().dialect.name != "postgresql":
        _lock_row("users", user.id)
    active = db.session.scalars(
        select(User.id)
        .where(User.is_coordinator.is_(True), User.active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    others = [user_id for user_id in active if user_id != user.id]
    if not others:
        raise RuleViolation(
            _(
                "%(name)s is the pole's last active coordinator: the pole cannot be left "
                "without one.",
                name=user.name,
            ),
            code="last_coordinator",
        )


def add_membership(actor, user: User, organisation: Organisation, role: str) -> Membership:
    """Attach a person to one more organisation (a part-time worker of two employers)."""
    if not can_manage_people(require_actor(actor), organisation):
        raise NotAllowed(_("You can only add people to an organisation you manage."))
    if role not in ROLES:
        raise RuleViolation(
            _("The role must be member or org_admin."), fields={"role": [_("Unknown role.")]}
        )
    existing = next((m for m in user.memberships if m.organisation_id == organisation.id), None)
    if existing:
        raise RuleViolation(
            _("%(name)s already belongs to %(org)s.", name=user.name, org=organisation.name),
            fields={"email": [_("Already a member of this organisation.")]},
        )
    membership = Membership(
        user=user, organisation=organisation, role=role, is_main=not user.memberships
    )
    db.session.add(membership)
    db.session.flush()
    record(actor, "membership.create", membership, after={"user": user.email, "role": role})
    return membership


def change_membership_role(actor, membership: Membership, role: str) -> Membership:
    """Make a member a referent or the reverse, within an organisation the actor manages.

    The only active referent of an organisation is not made a member, whoever asks: someone
    else is named referent first. Raises NotAllowed, RuleViolation.
    """
    if not can_manage_people(actor, membership.organisation):
        raise NotAllowed(_("You can only manage the people of your own organisation."))
    if role not in ROLES:
        raise RuleViolation(_("The role must be member or org_admin."))
    if role != "org_admin":
        refuse_losing_last_referent(actor, membership, coordinators_too=True)
    before = {"role": membership.role}
    membership.role = role
    db.session.flush()
    record(actor, "membership.role", membership, before=before, after={"role": role})
    return membership


def remove_membership(actor, membership: Membership) -> None:
    """Detach a person from an organisation; their past bookings keep the organisation."""
    if not can_manage_people(actor, membership.organisation):
        raise NotAllowed(_("You can only manage the people of your own organisation."))
    if actor.id == membership.user_id and not actor.is_coordinator:
        raise RuleViolation(_("You cannot remove yourself from your organisation."))
    user = membership.user
    refuse_losing_last_referent(actor, membership)
    if len(user.memberships) == 1 and not user.is_coordinator:
        raise RuleViolation(
            _(
                "This is the only organisation of %(name)s: deactivate their account instead.",
                name=user.name,
            )
        )
    record(
        actor,
        "membership.delete",
        membership,
        before={"user": membership.user.email, "role": membership.role},
    )
    db.session.delete(membership)
    db.session.flush()


def people_of(organisation: Organisation) -> list[Membership]:
    """The memberships of an organisation, by person name."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(User)
            .where(Membership.organisation_id == organisation.id)
            .order_by(func.lower(User.name))
        )
    )
