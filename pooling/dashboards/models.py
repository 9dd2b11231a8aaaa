"""In-kind valuation rates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
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
