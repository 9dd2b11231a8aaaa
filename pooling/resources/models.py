"""Resources with their booking rules, and closures of a resource or of the whole pole."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db
from pooling.resources.opening_hours import WEEKDAYS

RESOURCE_KINDS = {
    "premises": _l("Premises"),
    "equipment": _l("Equipment"),
    "staff": _l("Shared staff"),
}


def resource_kind_label(kind: str | None) -> str:
    """A resource kind in words (``equipment`` -> "Equipment"); an unknown kind reads as its code."""
    if not kind:
        return ""
    return str(RESOURCE_KINDS.get(kind, kind))


def kind_scope_label(kind: str | None) -> str:
    """Every resource of a kind, as a cost or a usage line names it ("" without a kind)."""
    return str(_l("all %(kind)s", kind=resource_kind_label(kind))) if kind else ""


DEFAULT_OPENING_HOURS = {day: [["08:00", "19:00"]] for day in WEEKDAYS[:5]}


# The parts a composite resource is made of (a hall = room A + room B): booking the composite
# holds one unit of each part, a booking of a part blocks the composite
# (``pooling.resources.composition``).
resource_parts = Table(
    "resource_parts",
    db.metadata,
    Column("composite_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
    Column("part_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True, index=True),
    CheckConstraint("composite_id <> part_id", name="not_own_part"),
)


def default_opening_hours() -> dict:
    return {day: [list(span) for span in spans] for day, spans in DEFAULT_OPENING_HOURS.items()}


class Resource(db.Model):
    """Something the pole shares: a room, a van, 40 chairs, a part-time accountant."""

    __tablename__ = "resources"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("kind IN ('premises', 'equipment', 'staff')", name="kind_known"),
        CheckConstraint("slot_minutes > 0", name="slot_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int | None] = mapped_column()
    quantity: Mapped[int] = mapped_column(default=1)
    unit: Mapped[str] = mapped_column(String(40), default="")
    # The unit label's plural, shown from 2 units in French ("40 chaises").
    unit_plural: Mapped[str] = mapped_column(String(40), default="", server_default="")
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    requires_approval: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    opening_hours: Mapped[dict] = mapped_column(JSON, default=default_opening_hours)
    slot_minutes: Mapped[int] = mapped_column(default=15)
    min_duration_minutes: Mapped[int | None] = mapped_column()
    max_duration_minutes: Mapped[int | None] = mapped_column()
    min_notice_minutes: Mapped[int] = mapped_column(default=0)
    max_advance_days: Mapped[int] = mapped_column(default=365)
    # Closed on the public holidays of POOLING_HOLIDAYS (whole local days).
    closed_on_public_holidays: Mapped[bool] = mapped_column(default=True, server_default=true())
    meter_unit: Mapped[str] = mapped_column(String(20), default="")
    # The longest booking ever held on this resource: bounds the conflict query to an
    # index range (a booking that started more than this before a slot cannot overlap it).
    longest_booking_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # For shared staff: the person whose time this resource is (they see their own schedule).
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    owner_organisation = relationship("Organisation")
    staff_user = relationship("User")
    # What the booker must hold, valid on the booking's date (pooling.qualifications).
    required_qualifications = relationship(
        "Qualification", secondary="resource_qualifications", order_by="Qualification.name"
    )

    # The resources this one is made of, directly (a hall's rooms), by name.
    parts = relationship(
        "Resource",
        secondary=resource_parts,
        primaryjoin=lambda: Resource.id == resource_parts.c.composite_id,
        secondaryjoin=lambda: Resource.id == resource_parts.c.part_id,
        order_by=lambda: Resource.name,
    )

    @property
    def records_check_in(self) -> bool:
        """Whether use is recorded by check-in and check-out here (a meter is read, e.g. a van)."""
        return bool(self.meter_unit)

    @property
    def kind_label(self) -> str:
        return resource_kind_label(self.kind)

    @property
    def rules(self) -> dict:
        """The booking rules in the API's shape."""
        return {
            "opening_hours": self.opening_hours or {},
            "slot_minutes": self.slot_minutes,
            "min_duration_minutes": self.min_duration_minutes,
            "max_duration_minutes": self.max_duration_minutes,
            "min_notice_minutes": self.min_notice_minutes,
            "max_advance_days": self.max_advance_days,
            "closed_on_public_holidays": self.closed_on_public_holidays,
        }

    def __repr__(self) -> str:
        return f"<Resource {self.id} {self.name}>"


class Closure(db.Model):
    """A period when a resource (or, with no resource, the whole pole) cannot be booked."""

    __tablename__ = "closures"
    __table_args__ = (CheckConstraint("end_at > start_at", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource | None] = relationship()
