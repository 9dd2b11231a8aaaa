"""Bookings (one row per occurrence), series, co-organisation shares, quotas and idempotency keys."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    case,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db

STATUSES = {
    "pending": _l("pending"),
    "confirmed": _l("confirmed"),
    "rejected": _l("rejected"),
    "cancelled": _l("cancelled"),
}


def booking_status_label(status: str) -> str:
    """A booking's status in words (``pending`` -> "pending"); an unknown one reads as its code."""
    return str(STATUSES.get(status, status))


def share_status_label(status: str) -> str:
    """A co-organisation share's status in words; an unknown one reads as its code."""
    return str(SHARE_STATUSES.get(status, status))


# Bookings in these statuses hold their units of the resource.
HOLDING = ("pending", "confirmed")
# A co-organiser's share is proposed until that organisation accepts (or declines) it;
# only accepted shares move usage and costs onto it.
SHARE_STATUSES = {
    "accepted": _l("accepted"),
    "proposed": _l("proposed"),
    "declined": _l("declined"),
}


class BookingPurpose(db.Model):
    """What a booking is for, from the list the coordinators keep: a code for the API, a
    French and an English label. A purpose in use is deactivated, never deleted."""

    __tablename__ = "booking_purposes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def label(self, locale: str | None = None) -> str:
        """The label in the given locale (French unless English)."""
        return self.name_en if (locale or "").startswith("en") else self.name_fr

    def __repr__(self) -> str:
        return f"<BookingPurpose {self.code}>"


class Series(db.Model):
    """A recurring booking: the rule it was made from; its occurrences are Booking rows."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200), default="")
    rrule: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bookings: Mapped[list[Booking]] = relationship(
        back_populates="series", order_by="Booking.start_at"
    )


class Booking(db.Model):
    """One booked interval of ``quantity`` units of a resource, on behalf of an organisation."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("attendance IS NULL OR attendance >= 0", name="attendance_not_negative"),
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'rejected', 'cancelled')", name="status_known"
        ),
        Index("ix_bookings_resource_span", "resource_id", "start_at", "end_at"),
        Index("ix_bookings_organisation_start", "organisation_id", "start_at"),
        # The dashboards read every booking of a period whatever its resource or
        # organisation: without this index a week or a month reads the whole table.
        Index("ix_bookings_start_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    quantity: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default="confirmed", index=True)
    # Grows on every change, so calendar clients replace their copy (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    rules_overridden: Mapped[list | None] = mapped_column(JSON)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When it became confirmed (at creation, or on approval): a late cancellation is one of
    # a booking that had been confirmed.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meter_start: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    meter_end: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When its reminder mail was queued (``pooling jobs run``): a booking is reminded once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the booking is for (the funders' report) and how many people are expected.
    purpose_id: Mapped[int | None] = mapped_column(ForeignKey("booking_purposes.id"), index=True)
    attendance: Mapped[int | None] = mapped_column()

    resource = relationship("Resource")
    organisation = relationship("Organisation")
    user = relationship("User", foreign_keys=[user_id])
    series: Mapped[Series | None] = relationship(back_populates="bookings")
    purpose: Mapped[BookingPurpose | None] = relationship()
    shares: Mapped[list[BookingShare]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="BookingShare.id"
    )

    @property
    def holds_units(self) -> bool:
        return self.status in HOLDING

    @property
    def held_until(self) -> datetime:
        """Until when the booking holds its units: its end, or an earlier check-out."""
        if self.checked_out_at is not None and self.checked_out_at < self.end_at:
            return self.checked_out_at
        return self.end_at

    @property
    def in_use(self) -> bool:
        """Checked in (or out): the resource was taken, so the booking can no longer be undone."""
        return self.checked_in_at is not None or self.checked_out_at is not None

    @property
    def status_label(self) -> str:
        return booking_status_label(self.status)

    def __repr__(self) -> str:
        return (
            f"<Booking {self.id} r{self.resource_id} {self.start_at:%Y-%m-%d %H:%M} {self.status}>"
        )


# The one place that says until when a booking holds its units, in SQL (``held_until`` in
# Python): an early check-out frees the rest of the slot. Every read of held units (conflict
# checks, availability, planning, search, ``pooling check``) uses it.
HELD_UNTIL = case(
    (Booking.checked_out_at < Booking.end_at, Booking.checked_out_at), else_=Booking.end_at
)


class BookingShare(db.Model):
    """The share of a co-organised booking carried by one organisation (shares sum to 1).

    The booking's own organisation's share is accepted; another organisation's starts
    proposed, and counts for the booking's organisation until it is accepted.
    """

    __tablename__ = "booking_shares"
    __table_args__ = (
        UniqueConstraint("booking_id", "organisation_id", name="uq_booking_shares_org"),
        CheckConstraint("share > 0 AND share <= 1", name="share_in_range"),
        CheckConstraint(
            "status IN ('accepted', 'proposed', 'declined')", name="share_status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    share: Mapped[Decimal] = mapped_column(Numeric(7, 6))
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking] = relationship(back_populates="shares")
    organisation = relationship("Organisation")

    @property
    def status_label(self) -> str:
        return share_status_label(self.status)


class Quota(db.Model):
    """Hours an organisation may book per week or month, on one resource or on a kind."""

    __tablename__ = "quotas"
    __table_args__ = (
        CheckConstraint("period IN ('week', 'month')", name="period_known"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"))
    resource_kind: Mapped[str | None] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(10), default="week")
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation")
    resource = relationship("Resource")


class IdempotencyKey(db.Model):
    """The first answer given to a request sent with an ``Idempotency-Key``, replayed on retry."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column()
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
