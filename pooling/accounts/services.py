"""Use cases on people: create, invite, sign in, passwords, language, memberships, API tokens."""

from __future__ import annotations

import re
import secrets as _random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, text
from sqlalchemy.orm import joinedload

from pooling.accounts.models import ROLES, ApiToken, Invitation, Membership, User
from pooling.accounts.passwords import hash_password, password_problem, verify_password
from pooling.accounts.permissions import can_manage_account
from pooling.accounts.secrets import digest, new_secret
from pooling.audit.services import record
from pooling.core.actors import SYSTEM, is_system, require_actor
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.notifications.services import notify
from pooling.organisations.models import Organisation
from pooling.organisations.permissions import can_manage_people

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "pool_"
RESET_LINK_HOURS = 24


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


def _check_person(data: PersonInput, *, unique: bool = True) -> dict[str, list[str]]:
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
        errors["password"] = [_password_message(problem)]
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


def _refuse_losing_last_referent(actor, membership: Membership) -> None:
    """A referent may not leave their organisation without another active referent.

    Coordinators may (they can always name a new referent, so nothing is locked out, and a
    departing or misbehaving last referent must be removable). Raises RuleViolation.
    """
    if actor.is_coordinator or membership.role != "org_admin":
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


def _refuse_losing_last_coordinator(user: User) -> None:
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
    """Make a member a referent or the reverse, within an organisation the actor manages."""
    if not can_manage_people(actor, membership.organisation):
        raise NotAllowed(_("You can only manage the people of your own organisation."))
    if role not in ROLES:
        raise RuleViolation(_("The role must be member or org_admin."))
    if role != "org_admin":
        _refuse_losing_last_referent(actor, membership)
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
    _refuse_losing_last_referent(actor, membership)
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
            _refuse_losing_last_referent(actor, membership)
        if user.is_coordinator:
            _refuse_losing_last_coordinator(user)
    user.active = active
    if not active:
        user.session_token = _random.token_hex(16)
        _close_invitations(user)
    db.session.flush()
    record(actor, "user.activate" if active else "user.deactivate", user)
    return user


def end_sessions(user: User) -> User:
    """Sign a person out everywhere: every session signed with the old token stops working."""
    user.session_token = _random.token_hex(16)
    db.session.flush()
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

    The secret is returned once and only its hash is stored; earlier unused invitations stop
    working. For an account that already has a password, the link is a password reset: only a
    coordinator may issue it (not the command line, whose output anyone running it reads),
    it lives at most ``RESET_LINK_HOURS``, the current password keeps working until the link
    is used, and the owner is told in their inbox. Raises NotAllowed, RuleViolation.
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
    _close_invitations(user, proposals=False)
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
        # The owner learns that someone can now set their password, and who.
        notify(
            [user.id],
            "password_reset_link",
            by=getattr(actor, "name", None) or _("the pole's administrator"),
        )
        record(actor, "user.password_reset_link", user)
    else:
        record(actor, "user.invite", user)
    return secret


def _close_invitations(user: User, *, proposals: bool = True) -> None:
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
    invitation.used_at = utcnow()
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
    # One round trip for the token, its person, and their organisations (every API call).
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == digest(secret))
        .options(
            joinedload(ApiToken.user)
            .selectinload(User.memberships)
            .joinedload(Membership.organisation)
        )
    )
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


def tokens_of(user: User) -> list[ApiToken]:
    """A person's personal API tokens, newest first (revoked ones included, marked)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


# The people page of an organisation: each use case finds the organisation by its slug,
# checks that the actor manages its people, then acts on one of its memberships.


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
    errors = _check_person(data, unique=False)
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


def propose_membership(actor, user: User, organisation: Organisation, role: str, name: str) -> str:
    """A one-time link proposing that an existing account join ``organisation``; the secret.

    Only the account's owner, signed in, can accept it (``accept_proposal``); an earlier open
    proposal of the same organisation stops working. The owner is told in their inbox.
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


def active_people() -> list[User]:
    """Every active person, by name (for choosing the person a shared-staff resource is)."""
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True)).order_by(func.lower(User.name))
        )
    )
