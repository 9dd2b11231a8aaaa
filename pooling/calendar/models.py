"""Calendar feeds (secret iCal URLs) and external calendars whose busy times block a resource."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db

FEED_SCOPES = {
    "me": _l("My bookings"),
    "organisation": _l("My organisation's bookings"),
    "resource": _l("One shared resource"),
}


class Feed(db.Model):
    """A calendar feed a person subscribes to; only the SHA-256 of its URL's secret is looked up."""

    __tablename__ = "feeds"
    __table_args__ = (
        CheckConstraint("scope IN ('me', 'organisation', 'resource')", name="scope_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Random input from which the secret is derived with the application's key, so that
    # the owner can copy the link again; the secret itself is never stored.
    seed: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
    organisation = relationship("Organisation")
    resource = relationship("Resource")

    @property
    def scope_label(self) -> str:
        return str(FEED_SCOPES.get(self.scope, self.scope))

    def __repr__(self) -> str:
        return f"<Feed {self.id} {self.scope} u{self.user_id}>"


class ExternalCalendar(db.Model):
    """An ICS URL (e.g. the shared accountant's own calendar) whose events block a resource."""

    __tablename__ = "external_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), unique=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    # Validators of the last answer, sent back for a conditional GET.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_code: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    busy_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    resource = relationship("Resource")
    busy_times: Mapped[list[ExternalBusyTime]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<ExternalCalendar {self.id} r{self.resource_id}>"


class ExternalBusyTime(db.Model):
    """One busy span read from an external calendar; it makes its resource unavailable."""

    __tablename__ = "external_busy_times"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        Index("ix_external_busy_times_resource_span", "resource_id", "start_at", "end_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("external_calendars.id", ondelete="CASCADE"), index=True
    )
    # Copied from the calendar so that availability reads one index range per resource.
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)

    calendar: Mapped[ExternalCalendar] = relationship(back_populates="busy_times")
