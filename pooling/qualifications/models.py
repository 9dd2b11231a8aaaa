"""Qualifications the pole defines, who holds each and until when, and what resources require."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db

# Which qualifications booking a resource requires (resources.required_qualifications).
resource_qualifications = Table(
    "resource_qualifications",
    db.metadata,
    Column("resource_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "qualification_id",
        ForeignKey("qualifications.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Qualification(db.Model):
    """A licence or a training a resource may require, e.g. "Permis B" or "Hygiène alimentaire
    (HACCP)"; ``validity_months`` gives a new holder's default end (none: valid for good)."""

    __tablename__ = "qualifications"
    __table_args__ = (
        CheckConstraint("validity_months IS NULL OR validity_months > 0", name="validity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    validity_months: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    holders: Mapped[list[QualificationHolder]] = relationship(
        back_populates="qualification", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Qualification {self.id} {self.name}>"


class QualificationHolder(db.Model):
    """A person holds a qualification until ``valid_until`` (included; none: no end)."""

    __tablename__ = "qualification_holders"
    __table_args__ = (
        UniqueConstraint("qualification_id", "user_id", name="uq_qualification_holders_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualifications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    valid_until: Mapped[date | None] = mapped_column(index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The ``valid_until`` whose ending notice was sent (a renewal gets a notice of its own).
    expiry_notice_for: Mapped[date | None] = mapped_column()

    qualification: Mapped[Qualification] = relationship(back_populates="holders")
    user = relationship("User", foreign_keys=[user_id])

    def valid_on(self, day: date) -> bool:
        """Whether the qualification is held on ``day``."""
        return self.valid_until is None or self.valid_until >= day
