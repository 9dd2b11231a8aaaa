"""Users, memberships, invitations and personal API tokens."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db

ROLES = ("member", "org_admin")
# The roles in words, wherever a person reads them (pages, audit trail, exports).
ROLE_LABELS = {
    "member": _l("member"),
    "org_admin": _l("referent"),
    "coordinator": _l("coordinator"),
}


def role_label(role: str) -> str:
    """A role in the reader's language (an unknown role reads as its code)."""
    label = ROLE_LABELS.get(role)
    return str(label) if label is not None else role


class User(db.Model):
    """A person who signs in; belongs to one or more organisations through memberships."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, which makes the unique constraint case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    # Changing it ends every session signed with the previous value (sign-out elsewhere).
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "My notifications": which booking mails the person receives (pooling.mail.preferences);
    # the reminder comes this many hours before a booking starts, none when it is empty.
    mail_pending: Mapped[bool] = mapped_column(default=True, server_default=true())
    mail_decisions: Mapped[bool] = mapped_column(default=True, server_default=true())
    mail_changes: Mapped[bool] = mapped_column(default=True, server_default=true())
    mail_closures: Mapped[bool] = mapped_column(default=True, server_default=true())
    mail_shares: Mapped[bool] = mapped_column(default=True, server_default=true())
    mail_qualifications: Mapped[bool] = mapped_column(default=True, server_default=true())
    mail_waitlist: Mapped[bool] = mapped_column(default=True, server_default=true())
    reminder_hours: Mapped[int | None] = mapped_column(default=24, server_default="24")
    # Bookings awaiting approval: one mail per request (False) or one daily digest (True);
    # ``pending_digest_on`` is the pole's local day of the last digest sent (its claim).
    pending_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    pending_digest_on: Mapped[date | None] = mapped_column(Date)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def main_membership(self) -> Membership | None:
        """The membership of the person's main organisation (the first one, unless marked)."""
        active = [m for m in self.memberships if m.organisation.active] or self.memberships
        for membership in active:
            if membership.is_main:
                return membership
        return active[0] if active else None

    @property
    def organisation(self):
        membership = self.main_membership
        return membership.organisation if membership else None

    @property
    def role(self) -> str:
        """The person's highest role: coordinator, org_admin or member."""
        if self.is_coordinator:
            return "coordinator"
        if any(m.role == "org_admin" for m in self.memberships):
            return "org_admin"
        return "member"

    def organisation_ids(self) -> set[int]:
        return {m.organisation_id for m in self.memberships}

    def admin_organisation_ids(self) -> set[int]:
        return {m.organisation_id for m in self.memberships if m.role == "org_admin"}

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    """A person's link to an organisation, with their role in it."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", name="uq_memberships_user_organisation"),
        CheckConstraint("role IN ('member', 'org_admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    is_main: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation = relationship("Organisation", back_populates="memberships")


class Invitation(db.Model):
    """A one-time link for a person to set their password; only a hash of the secret is kept.

    With an organisation, it proposes that an existing account join that organisation with
    ``role`` (a referent added an address that already has an account): its owner accepts it
    signed in, and the referent learns nothing about the account (``name`` is what they typed).
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation = relationship("Organisation")


class ApiToken(db.Model):
    """A personal API token; the secret is shown once and only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
