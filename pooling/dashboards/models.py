"""In-kind valuation rates, and the per-day rollup of the bookings the dashboards read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db


class InKindRate(db.Model):
    """An hourly valuation of a resource lent free, or of every lent resource of a kind.

    A resource's own rate wins over its kind's; only resources owned by a member
    organisation and used by others count as in-kind contributions.
    """

    __tablename__ = "in_kind_rates"
    __table_args__ = (
        CheckConstraint("(resource_id IS NULL) <> (kind IS NULL)", name="one_subject"),
        CheckConstraint("hourly_rate >= 0", name="rate_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str | None] = mapped_column(String(20), unique=True)
    hourly_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    resource = relationship("Resource")


# Figures are floats (seconds, hours, minutes: sums of floats are several times faster than
# of NUMERIC, and far more exact than the cent they are rounded to) and counts.
HOURS = range(24)


class DayRollup(db.Model):
    """What the bookings of one organisation on one resource give one local day (and each of
    its hours), kept in the transaction of every booking change (``rollup_sync``), so that
    the dashboards read days, not bookings.

    Booked figures and counts (attributed to the day a booking starts) belong to the
    booking's organisation; used figures and the heatmap to each organisation counting a
    share of it. ``purpose_key`` is the booking's purpose id, 0 for none.
    """

    __tablename__ = "day_rollups"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    purpose_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    booked_seconds: Mapped[float] = mapped_column(Float, default=0)
    unit_seconds: Mapped[float] = mapped_column(Float, default=0)
    confirmed_started: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_started: Mapped[int] = mapped_column(Integer, default=0)
    pending_started: Mapped[int] = mapped_column(Integer, default=0)
    unchecked_started: Mapped[int] = mapped_column(Integer, default=0)
    checked_in_started: Mapped[int] = mapped_column(Integer, default=0)
    attendance_started: Mapped[int] = mapped_column(Integer, default=0)
    late_bookings: Mapped[int] = mapped_column(Integer, default=0)
    used_hours: Mapped[float] = mapped_column(Float, default=0)
    used_unit_hours: Mapped[float] = mapped_column(Float, default=0)
    used_meter: Mapped[float] = mapped_column(Float, default=0)
    used_bookings: Mapped[int] = mapped_column(Integer, default=0)
    late_entries: Mapped[int] = mapped_column(Integer, default=0)
    for _hour in HOURS:
        vars()[f"heat_{_hour:02d}"] = mapped_column(Float, default=0, nullable=False)
    del _hour
