"""Use cases on people: create, invite, sign in, passwords, language, memberships, API tokens."""

from __future__ import annotations

import re
import secrets as _random
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from pooling.accounts.models import ROLES, ApiToken, Invitation, Membership, User
from pooling.accounts.passwords import hash_password, password_problem, verify_password
from pooling.accounts.secrets import digest, new_secret
from pooling.audit.services import record
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.organisations.permissions import can_manage_people

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "pool_"


def _password_message(problem: str) -> str:
    return {
        "too_short": _("The password must have at least 10 characters."),
        "too_long": _("The password is too long."),
        "too_common": _("This password is too common; a short sentence is easier and safer."),
    }[problem]


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The person with this e-mail, whatever its case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This person does not exist."))
    return user


@dataclass
class PersonInput:
    """A new person: who they are and their first membership."""

    email: str
    name: str
    organisation_id: int | None = None
    role: str = "member"
    locale: str = "fr"
    is_coordinator: bool = False
    password: str | None = None


def _check_person(data: PersonInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    email = normalise_email(data.email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors["email"] = [_("Enter a valid e-mail address.")]
    elif find_user_by_email(email):
        errors["email"] = [_("A person with this e-mail address already exists.")]
    if not (data.name or "").strip():
        errors["name"] = [_("A name is required.")]
    if data.role not in ROLES:
        errors["role"] = [_("The role must be member or org_admin.")]
    if data.locale not in current_app.config["LANGUAGES"]:
        errors["locale"] = [_("Unknown language.")]
    if data.password is not None and (problem := password_problem(data.password)):
        errors["password"] = [_password_message(problem)]
    return errors


def create_person(actor, data: PersonInput) -> User:
    """Create a person with a membership of an organisation.

    Coordinators add anyone to any organisation (and may make coordinators); a referent adds
    people to their own organisation. ``actor`` None is the command line. Raises NotAllowed,
    NotFound, RuleViolation.
    """
    organisation = None
    if data.organisation_id is not None:
        organisation = db.session.get(Organisation, data.organisation_id)
        if organisation is None:
            raise NotFound(_("This organisation does not exist."))
    if actor is not None:
        if not can_manage_people(actor, organisation) or (
            organisation is None and not actor.is_coordinator
        ):
            raise NotAllowed(_("You can only add people to an organisation you manage."))
        if data.is_coordinator and not actor.is_coordinator:
            raise NotAllowed(_("Only a coordinator can make someone a coordinator."))
    errors = _check_person(data)
    if organisation is None and not data.is_coordinator:
        errors.setdefault("organisation", []).append(
            _("A person belongs to at least one organisation.")
        )
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    user = User(
        email=normalise_email(data.email),
        name=data.name.strip(),
        locale=data.locale,
        is_coordinator=data.is_coordinator,
        session_token=_random.token_hex(16),
        password_hash=hash_password(data.password) if data.password else None,
    )
    db.session.add(user)
    if organisation is not None:
        user.memberships.append(Membership(organisation=organisation, role=data.role, is_main=True))
    db.session.flush()
    record(
        actor,
        "user.create",
        user,
        after={
            "email": user.email,
            "organisation": organisation.slug if organisation else None,
            "role": data.role,
            "coordinator": user.is_coordinator,
        },
    )
    return user


def add_membership(actor, user: User, organisation: Organisation, role: str) -> Membership:
    """Attach a person to one more organisation (a part-time worker of two employers)."""
    if actor is not None and not can_manage_people(actor, organisation):
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
    """Make a member a referent or the reverse, within an organisation the actor manages."""
    if not can_manage_people(actor, membership.organisation):
        raise NotAllowed(_("You can only manage the people of your own organisation."))
    if role not in ROLES:
        raise RuleViolation(_("The role must be member or org_admin."))
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
    record(
        actor,
        "membership.delete",
        membership,
        before={"user": membership.user.email, "role": membership.role},
    )
    db.session.delete(membership)
    db.session.flush()


def set_active(actor, user: User, active: bool) -> User:
    """Deactivate a person (they can no longer sign in) or reactivate them."""
    if not actor.is_coordinator and not (actor.admin_organisation_ids() & user.organisation_ids()):
        raise NotAllowed(_("You can only manage the people of your own organisation."))
    if actor.id == user.id:
        raise RuleViolation(_("You cannot deactivate your own account."))
    user.active = active
    if not active:
        user.session_token = _random.token_hex(16)
    db.session.flush()
    record(actor, "user.activate" if active else "user.deactivate", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active person with this e-mail and password, or None (same answer for every failure)."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same work, so timing says nothing
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    return user


_DUMMY_HASH = hash_password("not-a-real-password-0")


def set_password(user: User, new_password: str, *, current_password: str | None = None) -> User:
    """Change a person's password and end their other sessions.

    With ``current_password`` (a person changing their own), it must match. Raises RuleViolation.
    """
    if current_password is not None and not verify_password(user.password_hash, current_password):
        raise RuleViolation(
            _("Your current password is not correct."),
            fields={"current_password": [_("Your current password is not correct.")]},
        )
    if problem := password_problem(new_password):
        message = _password_message(problem)
        raise RuleViolation(message, fields={"password": [message]})
    user.password_hash = hash_password(new_password)
    user.session_token = _random.token_hex(16)
    db.session.flush()
    record(user, "user.password", user)
    return user


def set_locale(user: User, locale: str) -> User:
    """Choose the interface language of a person (fr or en)."""
    if locale not in current_app.config["LANGUAGES"]:
        raise RuleViolation(_("Unknown language."), fields={"locale": [_("Unknown language.")]})
    user.locale = locale
    db.session.flush()
    return user


def invite(actor, user: User) -> str:
    """Create a one-time link secret for ``user`` to set a password; returns the secret.

    The secret is returned once and only its hash is stored; earlier unused invitations stop working.
    """
    if actor is not None and not (
        actor.is_coordinator or actor.admin_organisation_ids() & user.organisation_ids()
    ):
        raise NotAllowed(_("You can only invite the people of your own organisation."))
    for old in db.session.scalars(
        select(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
    ):
        old.used_at = utcnow()
    secret = new_secret()
    hours = current_app.config["INVITATION_TTL_HOURS"]
    db.session.add(
        Invitation(
            user_id=user.id,
            token_hash=digest(secret),
            created_by_id=getattr(actor, "id", None),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    db.session.flush()
    record(actor, "user.invite", user)
    return secret


def invitation_for(secret: str) -> Invitation:
    """The open invitation for this secret; raises NotFound when unknown, used or expired."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(secret))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        raise NotFound(_("This invitation link is not valid any more. Ask for a new one."))
    return invitation


def accept_invitation(secret: str, password: str) -> User:
    """Set the password of an invited person and close the invitation."""
    invitation = invitation_for(secret)
    user = set_password(invitation.user, password)
    invitation.used_at = utcnow()
    user.active = True
    db.session.flush()
    return user


def create_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new personal API token; returns the row and the secret, which is never shown again."""
    secret = new_secret(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=(name or "").strip()[:100],
        token_hash=digest(secret),
        prefix=secret[:12],
    )
    db.session.add(token)
    db.session.flush()
    record(user, "token.create", token, after={"name": token.name})
    return token, secret


def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(_("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(actor, "token.revoke", token)
    db.session.flush()
    return token


def user_for_token(secret: str) -> User | None:
    """The active person who owns this unrevoked API token, or None."""
    if not secret:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user


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
