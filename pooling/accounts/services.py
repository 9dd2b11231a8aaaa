"""Use cases on people and their accounts: create, find, sign in, deactivate; API tokens.

Memberships are in ``memberships``, invitation and password links in ``invitations``,
one's own password, language and sessions in ``profile``, and the people page of an
organisation in ``people``.
"""

from __future__ import annotations

import re
import secrets as _random
from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from pooling.accounts.invitations import close_invitations
from pooling.accounts.memberships import (
    refuse_losing_last_coordinator,
    refuse_losing_last_referent,
)
from pooling.accounts.models import ROLES, ApiToken, Membership, User
from pooling.accounts.passwords import (
    hash_password,
    password_message,
    password_problem,
    verify_password,
)
from pooling.accounts.permissions import can_manage_account
from pooling.accounts.secrets import digest, new_secret
from pooling.audit.services import record
from pooling.core.actors import require_actor
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.organisations.permissions import can_manage_people

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "pool_"


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


def check_person(data: PersonInput, *, unique: bool = True) -> dict[str, list[str]]:
    """The field errors of a new person's values (``unique``: the e-mail must be new)."""
    errors: dict[str, list[str]] = {}
    email = normalise_email(data.email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors["email"] = [_("Enter a valid e-mail address.")]
    elif unique and find_user_by_email(email):
        errors["email"] = [_("A person with this e-mail address already exists.")]
    if not (data.name or "").strip():
        errors["name"] = [_("A name is required.")]
    if data.role not in ROLES:
        errors["role"] = [_("The role must be member or org_admin.")]
    if data.locale not in current_app.config["LANGUAGES"]:
        errors["locale"] = [_("Unknown language.")]
    if data.password is not None and (problem := password_problem(data.password)):
        errors["password"] = [password_message(problem)]
    return errors


def create_person(actor, data: PersonInput) -> User:
    """Create a person with a membership of an organisation.

    Coordinators add anyone to any organisation (and may make coordinators); a referent adds
    people to their own organisation. ``actor`` SYSTEM is the command line. Raises NotAllowed,
    NotFound, RuleViolation.
    """
    organisation = None
    if data.organisation_id is not None:
        organisation = db.session.get(Organisation, data.organisation_id)
        if organisation is None:
            raise NotFound(_("This organisation does not exist."))
    require_actor(actor)
    if not can_manage_people(actor, organisation) or (
        organisation is None and not actor.is_coordinator
    ):
        raise NotAllowed(_("You can only add people to an organisation you manage."))
    if data.is_coordinator and not actor.is_coordinator:
        raise NotAllowed(_("Only a coordinator can make someone a coordinator."))
    errors = check_person(data)
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


def set_active(actor, user: User, active: bool) -> User:
    """Deactivate a person (they can no longer sign in) or reactivate them.

    Deactivating ends their sessions and closes their open invitations. A referent may do it
    only for people who belong to no other organisation (see ``permissions.can_manage_account``).
    Raises NotAllowed, RuleViolation.
    """
    if not actor.is_coordinator and not (actor.admin_organisation_ids() & user.organisation_ids()):
        raise NotAllowed(_("You can only manage the people of your own organisation."))
    if not can_manage_account(actor, user):
        raise NotAllowed(
            _(
                "This person also belongs to another organisation or coordinates the pole: "
                "remove them from your organisation instead, or ask a coordinator."
            )
        )
    if actor.id == user.id:
        raise RuleViolation(_("You cannot deactivate your own account."))
    if not active and user.active:
        for membership in user.memberships:
            refuse_losing_last_referent(actor, membership)
        if user.is_coordinator:
            refuse_losing_last_coordinator(user)
    user.active = active
    if not active:
        user.session_token = _random.token_hex(16)
        close_invitations(user)
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


@cache
def _token_query():
    """A token with its person and their organisations, by hash (built once)."""
    return (
        select(ApiToken)
        .where(ApiToken.token_hash == bindparam("token_hash"))
        .options(
            joinedload(ApiToken.user)
            .joinedload(User.memberships)
            .joinedload(Membership.organisation)
        )
    )


def user_for_token(secret: str) -> User | None:
    """The active person who owns this unrevoked API token, or None."""
    if not secret:
        return None
    # One round trip for the token, its person, and their organisations (every API call).
    token = (
        db.session.execute(_token_query(), {"token_hash": digest(secret)})
        .unique()
        .scalar_one_or_none()
    )
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    """A person's personal API tokens, newest first (revoked ones included, marked)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def active_people() -> list[User]:
    """Every active person, by name (for choosing the person a shared-staff resource is)."""
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True)).order_by(func.lower(User.name))
        )
    )
