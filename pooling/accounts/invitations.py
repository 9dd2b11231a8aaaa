"""One-time links: an invitation to choose a password (or a password reset), and a proposal
that an existing account join another organisation."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.memberships import add_membership
from pooling.accounts.models import Invitation, Membership, User
from pooling.accounts.permissions import can_manage_account
from pooling.accounts.profile import set_password
from pooling.accounts.secrets import digest, new_secret
from pooling.audit.services import record
from pooling.core.actors import SYSTEM, is_system, require_actor
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.core.urls import external_url
from pooling.extensions import db
from pooling.mail.outbox import queue
from pooling.notifications.services import notify
from pooling.organisations.models import Organisation

RESET_LINK_HOURS = 24
# A link asked for from the sign-in page ("forgotten password") lives one hour.
FORGOTTEN_LINK_MINUTES = 60


def invite(actor, user: User) -> str:
    """Create a one-time link secret for ``user`` to set a password; returns the secret.

    The secret is returned once and only its hash is stored; earlier unused invitations stop
    working. For an account that already has a password, the link is a password reset: only a
    coordinator may issue it (not the command line, whose output anyone running it reads),
    it lives at most ``RESET_LINK_HOURS``, the current password keeps working until the link
    is used, and the owner is told in their inbox. The link, an invitation (no password yet) or
    a password reset, is also mailed to the person, in their language. Raises NotAllowed, RuleViolation.
    """
    require_actor(actor)
    if not (actor.is_coordinator or actor.admin_organisation_ids() & user.organisation_ids()):
        raise NotAllowed(_("You can only invite the people of your own organisation."))
    # The link sets the password, so whoever receives it could take the account over.
    if not can_manage_account(actor, user):
        raise NotAllowed(
            _(
                "This person also belongs to another organisation or coordinates the pole: "
                "only a coordinator can give them a new link."
            )
        )
    if not user.active:
        raise RuleViolation(_("This account is deactivated: reactivate it first."))
    resetting = bool(user.password_hash)
    if resetting and is_system(actor):
        raise RuleViolation(
            _(
                "%(name)s already has a password: only a coordinator of the pole can give them "
                "a password reset link, from their organisation's people page.",
                name=user.name,
            ),
            code="has_password",
        )
    if resetting and not actor.is_coordinator:
        raise NotAllowed(
            _(
                "%(name)s already has a password: a new link would let whoever holds it take "
                "the account over. If they forgot it, a coordinator of the pole can give them "
                "a password reset link.",
                name=user.name,
            ),
            code="has_password",
        )
    close_invitations(user, proposals=False)
    secret = new_secret()
    hours = current_app.config["INVITATION_TTL_HOURS"]
    if resetting:
        hours = min(hours, RESET_LINK_HOURS)
    db.session.add(
        Invitation(
            user_id=user.id,
            token_hash=digest(secret),
            created_by_id=getattr(actor, "id", None),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    db.session.flush()
    if resetting:
        # The owner learns that someone can now set their password, and who; the link is
        # mailed to them too, in their language.
        by = getattr(actor, "name", None) or _("the pole's administrator")
        notify([user.id], "password_reset_link", by=by)
        queue(
            "password_reset_link",
            user=user,
            link=external_url("accounts.accept_invitation", secret=secret),
            hours=hours,
            by=by,
        )
        record(actor, "user.password_reset_link", user)
    else:
        queue(
            "invitation",
            user=user,
            link=external_url("accounts.accept_invitation", secret=secret),
            hours=hours,
        )
        record(actor, "user.invite", user)
    return secret


def request_password_reset(email: str) -> None:
    """Mail a one-time link (valid ``FORGOTTEN_LINK_MINUTES``) to set a new password.

    Does nothing for an unknown address or a deactivated account, and says nothing of it: the
    caller answers alike in every case. Earlier links keep working until one is used.
    """
    from pooling.accounts.services import find_user_by_email

    user = find_user_by_email(email or "")
    if user is None or not user.active:
        return
    secret = new_secret()
    db.session.add(
        Invitation(
            user_id=user.id,
            token_hash=digest(secret),
            created_by_id=None,
            expires_at=utcnow() + timedelta(minutes=FORGOTTEN_LINK_MINUTES),
        )
    )
    db.session.flush()
    queue("password_reset", user=user, link=external_url("accounts.reset_password", secret=secret))
    record(user, "user.password_forgotten", user)


def close_invitations(user: User, *, proposals: bool = True) -> None:
    """Close a person's open links (with ``proposals`` False, only their password links)."""
    query = select(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
    if not proposals:
        query = query.where(Invitation.organisation_id.is_(None))
    for invitation in db.session.scalars(query):
        invitation.used_at = utcnow()


def open_invitation(secret: str) -> Invitation:
    """The open link for this secret, a password link or a proposal to join an organisation.

    Raises NotFound when unknown, used or expired, or when its person is deactivated.
    """
    return _open_invitation(secret, proposal=None)


def invitation_for(secret: str) -> Invitation:
    """The open password link for this secret; raises NotFound when unknown, used or expired."""
    return _open_invitation(secret, proposal=False)


def _open_invitation(secret: str, *, proposal: bool | None) -> Invitation:
    query = select(Invitation).where(Invitation.token_hash == digest(secret))
    if proposal is False:
        query = query.where(Invitation.organisation_id.is_(None))
    elif proposal is True:
        query = query.where(Invitation.organisation_id.is_not(None))
    invitation = db.session.scalar(query)
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at < utcnow()
        or not invitation.user.active
    ):
        raise NotFound(_("This invitation link is not valid any more. Ask for a new one."))
    return invitation


def accept_invitation(secret: str, password: str) -> User:
    """Set the password of an invited person and close the invitation.

    Raises NotFound (unknown, used or expired link; deactivated person), RuleViolation.
    """
    invitation = invitation_for(secret)
    user = set_password(invitation.user, password)
    # Once a password is chosen, no other open password link of the person works.
    close_invitations(user, proposals=False)
    invitation.used_at = utcnow()
    db.session.flush()
    return user


def propose_membership(actor, user: User, organisation: Organisation, role: str, name: str) -> str:
    """A one-time link proposing that an existing account join ``organisation``; the secret.

    Only the account's owner, signed in, can accept it (``accept_proposal``); an earlier open
    proposal of the same organisation stops working. The owner is told in their inbox and by
    mail, as a new person is sent their invitation.
    """
    for earlier in db.session.scalars(
        select(Invitation).where(
            Invitation.user_id == user.id,
            Invitation.organisation_id == organisation.id,
            Invitation.used_at.is_(None),
        )
    ):
        earlier.used_at = utcnow()
    secret = new_secret()
    invitation = Invitation(
        user_id=user.id,
        organisation_id=organisation.id,
        role=role,
        name=name.strip()[:200],
        token_hash=digest(secret),
        created_by_id=getattr(actor, "id", None),
        expires_at=utcnow() + timedelta(hours=current_app.config["INVITATION_TTL_HOURS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    notify([user.id], "membership_proposed", organisation=organisation.name)
    queue(
        "membership_proposed",
        user=user,
        organisation=organisation.name,
        link=external_url("accounts.accept_invitation", secret=secret),
        hours=current_app.config["INVITATION_TTL_HOURS"],
    )
    record(
        actor,
        "membership.propose",
        invitation,
        after={"user": user.email, "organisation": organisation.slug, "role": role},
    )
    return secret


def accept_proposal(actor: User, secret: str) -> Membership:
    """The signed-in owner of a proposed account joins the organisation it names.

    Raises NotFound (unknown, used or expired link), NotAllowed (signed in as someone else).
    """
    invitation = _open_invitation(secret, proposal=True)
    if actor.id != invitation.user_id:
        raise NotAllowed(
            _(
                "This invitation is for another account: sign in with the account of the "
                "address it was sent to."
            )
        )
    invitation.used_at = utcnow()
    organisation = invitation.organisation
    existing = next((m for m in actor.memberships if m.organisation_id == organisation.id), None)
    if existing is not None:
        db.session.flush()
        return existing
    membership = add_membership(SYSTEM, actor, organisation, invitation.role or "member")
    record(actor, "membership.accept", membership, after={"organisation": organisation.slug})
    return membership
