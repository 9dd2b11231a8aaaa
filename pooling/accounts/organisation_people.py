"""The people page of an organisation: each use case finds the organisation by its slug,
checks that the actor manages its people, then acts on one of its memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.invitations import invite, propose_membership
from pooling.accounts.memberships import (
    add_membership,
    change_membership_role,
    people_of,
    remove_membership,
)
from pooling.accounts.models import Invitation, Membership, User
from pooling.accounts.permissions import can_manage_account
from pooling.accounts.services import (
    PersonInput,
    check_person,
    create_person,
    find_user_by_email,
    set_active,
)
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.organisations.permissions import can_manage_people


@dataclass
class PersonRow:
    """One line of an organisation's people page."""

    membership: Membership
    user: User
    has_password: bool
    invitation_status: str  # none, pending, used, expired
    invitation_expires_at: datetime | None = None
    manage_account: bool = False  # may the viewer (de)activate or re-invite this person


@dataclass
class PendingRow:
    """Someone invited to the organisation who has not joined yet (new or existing account:
    the page shows both alike)."""

    name: str
    email: str
    role: str
    invitation_status: str  # pending, expired, used, none
    invitation_expires_at: datetime | None = None


@dataclass
class PeopleOverview:
    """An organisation, its people, and those invited who have not joined yet."""

    organisation: Organisation
    rows: list[PersonRow]
    pending: list[PendingRow]


def _managed_organisation(actor, slug: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound(_("No organisation has the identifier %(slug)s.", slug=slug))
    if not can_manage_people(actor, organisation):
        raise NotAllowed(_("You can only manage the people of your own organisation."))
    return organisation


def _membership_in(organisation: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        raise NotFound(_("This person does not belong to this organisation."))
    return membership


def _invitation_status(invitation: Invitation | None) -> str:
    if invitation is None:
        return "none"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at < utcnow():
        return "expired"
    return "pending"


def people_overview(actor, slug: str) -> PeopleOverview:
    """The people of an organisation with their role and last invitation.

    Raises NotFound (unknown organisation), NotAllowed (neither its referent nor a coordinator).
    """
    organisation = _managed_organisation(actor, slug)
    memberships = people_of(organisation)
    latest: dict[int, Invitation] = {}
    user_ids = [m.user_id for m in memberships]
    if user_ids:
        for invitation in db.session.scalars(
            select(Invitation)
            .where(Invitation.user_id.in_(user_ids), Invitation.organisation_id.is_(None))
            .order_by(Invitation.created_at, Invitation.id)
        ):
            latest[invitation.user_id] = invitation
    rows, pending = [], []
    for m in memberships:
        invitation = latest.get(m.user_id)
        if m.user.active and not m.user.password_hash:
            pending.append(
                PendingRow(
                    name=m.user.name,
                    email=m.user.email,
                    role=m.role,
                    invitation_status=_invitation_status(invitation),
                    invitation_expires_at=getattr(invitation, "expires_at", None),
                )
            )
            continue
        rows.append(
            PersonRow(
                membership=m,
                user=m.user,
                has_password=bool(m.user.password_hash),
                invitation_status=_invitation_status(invitation),
                invitation_expires_at=getattr(invitation, "expires_at", None),
                manage_account=can_manage_account(actor, m.user),
            )
        )
    for proposal in db.session.scalars(
        select(Invitation)
        .where(Invitation.organisation_id == organisation.id, Invitation.used_at.is_(None))
        .order_by(Invitation.created_at, Invitation.id)
    ):
        pending.append(
            PendingRow(
                name=proposal.name or "",
                email=proposal.user.email,
                role=proposal.role or "member",
                invitation_status=_invitation_status(proposal),
                invitation_expires_at=proposal.expires_at,
            )
        )
    pending.sort(key=lambda row: row.name.lower())
    return PeopleOverview(organisation=organisation, rows=rows, pending=pending)


def add_person_to_organisation(actor, slug: str, data: PersonInput) -> tuple[str, str]:
    """Invite a person to this organisation; returns the name as given and a one-time secret.

    A referent gets the same answer whether the address is new to the pole or already has an
    account in another organisation, so adding people tells nothing about who else has an
    account: a new address gets an account here, without a password, and a link to choose
    one; an existing account gets a proposal to join, which only its owner, signed in, can
    accept (a person joins another organisation by their own consent). Adding again someone
    who has not joined yet gives a fresh link. Coordinators, who see every account, are told
    and attach the person instead. Raises NotFound, NotAllowed, RuleViolation.
    """
    organisation = _managed_organisation(actor, slug)
    existing = find_user_by_email(data.email)
    if existing is None:
        user = create_person(
            actor,
            PersonInput(
                email=data.email,
                name=data.name,
                organisation_id=organisation.id,
                role=data.role,
                locale=data.locale,
                password=None,
            ),
        )
        return user.name, invite(actor, user)
    if actor.is_coordinator:
        message = _(
            "A person with this e-mail address already exists: "
            "attach them to this organisation instead."
        )
        raise RuleViolation(message, fields={"email": [message]})
    errors = check_person(data, unique=False)
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    here = next((m for m in existing.memberships if m.organisation_id == organisation.id), None)
    if here is None:
        return data.name.strip(), propose_membership(
            actor, existing, organisation, data.role, data.name
        )
    if existing.active and existing.password_hash is None:
        return data.name.strip(), invite(actor, existing)
    message = _("This person already belongs to %(org)s.", org=organisation.name)
    raise RuleViolation(message, fields={"email": [message]})


def require_attacher(actor, slug: str) -> Organisation:
    """The organisation, if ``actor`` may attach people to it (coordinators only).

    Raises NotFound (unknown organisation), NotAllowed.
    """
    organisation = _managed_organisation(actor, slug)
    if not actor.is_coordinator:
        raise NotAllowed(_("Only a coordinator can attach a person of another organisation."))
    return organisation


def attach_person(actor, slug: str, email: str, role: str) -> Membership:
    """Attach an existing person, found by e-mail, to one more organisation (coordinators).

    Raises NotFound, NotAllowed, RuleViolation.
    """
    organisation = require_attacher(actor, slug)
    user = find_user_by_email(email)
    if user is None:
        message = _("Nobody has this e-mail address; add them as a new person instead.")
        raise RuleViolation(message, fields={"email": [message]})
    return add_membership(actor, user, organisation, role)


def reinvite_person(actor, slug: str, membership_id: int) -> tuple[User, str, bool]:
    """A new one-time link for a person of this organisation; earlier links stop working.

    Returns the person, the secret, and whether the link resets an existing password (only
    coordinators may issue those, see ``invite``). Raises NotFound, NotAllowed, RuleViolation.
    """
    organisation = _managed_organisation(actor, slug)
    user = _membership_in(organisation, membership_id).user
    resetting = bool(user.password_hash)
    return user, invite(actor, user), resetting


def get_person(actor, slug: str, membership_id: int) -> Membership:
    """One person of an organisation the actor manages. Raises NotFound, NotAllowed."""
    return _membership_in(_managed_organisation(actor, slug), membership_id)


def set_person_role(actor, slug: str, membership_id: int, role: str) -> Membership:
    """Make a person of this organisation a referent or a member. Raises NotFound, NotAllowed."""
    organisation = _managed_organisation(actor, slug)
    return change_membership_role(actor, _membership_in(organisation, membership_id), role)


def remove_person(actor, slug: str, membership_id: int) -> User:
    """Detach a person from this organisation. Raises NotFound, NotAllowed, RuleViolation."""
    organisation = _managed_organisation(actor, slug)
    membership = _membership_in(organisation, membership_id)
    user = membership.user
    remove_membership(actor, membership)
    return user


def set_person_active(actor, slug: str, membership_id: int, active: bool) -> User:
    """Deactivate or reactivate a person of this organisation.

    Raises NotFound, NotAllowed, RuleViolation.
    """
    organisation = _managed_organisation(actor, slug)
    return set_active(actor, _membership_in(organisation, membership_id).user, active)
