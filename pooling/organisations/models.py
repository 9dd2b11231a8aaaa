"""The member organisations table."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db

ORGANISATION_KINDS = {
    "association": _l("Association"),
    "cooperative": _l("Cooperative (SCOP, SCIC)"),
    "social_enterprise": _l("Social-economy enterprise"),
    "business": _l("Business (TPE, PME, craftsperson)"),
    "local_authority": _l("Local authority"),
    "research": _l("Research centre"),
    "training": _l("Training body"),
    "other": _l("Other"),
}


def organisation_kind_label(kind: str | None) -> str:
    """An organisation's kind in words (``cooperative`` -> "Cooperative (SCOP, SCIC)")."""
    if not kind:
        return ""
    return str(ORGANISATION_KINDS.get(kind, kind))


class Organisation(db.Model):
    """A member organisation: an association, a cooperative, a business, a local authority..."""

    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(40), default="association")
    siret: Mapped[str | None] = mapped_column(String(14))
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 3), default=Decimal("1"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        "Membership", back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return organisation_kind_label(self.kind)

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"
