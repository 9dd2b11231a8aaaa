"""Manual usage lines (e.g. a shared staff member's timesheet) and the pole's usage policy."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db
from pooling.resources.models import kind_scope_label


class ManualUsage(db.Model):
    """Usage a coordinator records by hand, with a reason, for an organisation on a day."""

    __tablename__ = "manual_usage_lines"
    __table_args__ = (
        CheckConstraint("hours >= 0", name="hours_not_negative"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"), index=True)
    # The kind the usage counts for: the resource's kind, or given when there is no resource.
    kind: Mapped[str | None] = mapped_column(String(20))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    quantity: Mapped[int] = mapped_column(default=1)
    meter: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation")
    resource = relationship("Resource")
    created_by = relationship("User")

    @property
    def kind_label(self) -> str:
        """Every resource of the line's kind, in words ("" when it names no kind)."""
        return kind_scope_label(self.kind)


# Hours of notice under which a cancelled booking still counts as used, unless the pole sets its own.
DEFAULT_LATE_CANCEL_HOURS = 48


class UsageSettings(db.Model):
    """The pole's usage policy (one row): how late a cancellation still counts as used."""

    __tablename__ = "usage_settings"
    __table_args__ = (CheckConstraint("late_cancel_hours >= 0", name="notice_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    late_cancel_hours: Mapped[int] = mapped_column(default=DEFAULT_LATE_CANCEL_HOURS)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
