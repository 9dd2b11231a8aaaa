"""Cost periods, their cost lines, the frozen allocation of a closed period, accounting codes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pooling.core.db import UTCDateTime, utcnow
from pooling.extensions import db
from pooling.resources.models import kind_scope_label

CATEGORIES = {
    "rent": _l("Rent"),
    "salary": _l("Salary"),
    "lease": _l("Lease"),
    "maintenance": _l("Maintenance"),
    "insurance": _l("Insurance"),
    "energy": _l("Energy"),
    "other": _l("Other"),
}

RULE_LABELS = {
    "usage": _l("usage rule"),
    "equal": _l("equal rule"),
    "weighted": _l("weighted rule"),
    "fixed_plus_usage": _l("fixed + usage rule"),
}

USAGE_UNITS = {
    "hours": _l("hours"),
    "unit_hours": _l("unit-hours"),
    "meter": _l("meter units"),
}

# An open period takes costs; a closed one has a frozen allocation.
PERIOD_STATUSES = ("open", "closed")
PERIOD_STATUS_LABELS = {
    "open": _lp("cost period", "open"),
    "closed": _lp("cost period", "closed"),
}


def rule_label(rule: str) -> str:
    """An allocation rule in words (``usage`` -> "usage rule"); an unknown rule reads as its code."""
    return str(RULE_LABELS.get(rule, rule))


def category_label(category: str) -> str:
    """A cost category in words (``rent`` -> "Rent"); an unknown one reads as its code."""
    return str(CATEGORIES.get(category, category))


def period_status_label(status: str) -> str:
    """A cost period's status in words (``closed`` -> "closed"); an unknown one reads as its code."""
    return str(PERIOD_STATUS_LABELS.get(status, status))


def usage_unit_label(unit: str) -> str:
    """A usage unit in words (``unit_hours`` -> "unit-hours")."""
    return str(USAGE_UNITS.get(unit, unit))


class CostPeriod(db.Model):
    """A month, quarter or year whose costs are shared; closing it freezes its allocation."""

    __tablename__ = "cost_periods"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),  # PERIOD_STATUSES
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # Billed at provisional rates during the year, trued up by a final period at year end.
    provisional: Mapped[bool] = mapped_column(default=False)
    # The allocation as it was when the period closed (the API's shape, plus explanations).
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    costs: Mapped[list[Cost]] = relationship(
        back_populates="period", order_by="Cost.id", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"


class Cost(db.Model):
    """A cost line of a period: amount, subsidy, scope, who paid it and how it is shared.

    A shared staff cost carries a loaded hourly cost and a management coefficient: its
    amount is then the hours used x that cost x that coefficient, computed from usage.
    """

    __tablename__ = "costs"
    __table_args__ = (
        CheckConstraint("subsidy >= 0", name="subsidy_not_negative"),
        CheckConstraint(
            "rule IN ('usage', 'equal', 'weighted', 'fixed_plus_usage')", name="rule_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("cost_periods.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20), default="other")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    subsidy: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"))
    kind: Mapped[str | None] = mapped_column(String(20))
    paid_by_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    rule: Mapped[str] = mapped_column(String(20))
    fixed_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    usage_unit: Mapped[str] = mapped_column(String(12), default="hours")
    loaded_hourly_cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    management_coefficient: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    # For shared staff: hours planned per organisation, {"<organisation id>": "12.50"}.
    planned_hours: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    period: Mapped[CostPeriod] = relationship(back_populates="costs")
    resource = relationship("Resource")
    paid_by = relationship("Organisation")

    @property
    def is_staff_billing(self) -> bool:
        """Billed by the hour as a groupement d'employeurs does."""
        return self.loaded_hourly_cost is not None

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def rule_label(self) -> str:
        return rule_label(self.rule)

    @property
    def kind_label(self) -> str:
        """Every resource of the line's kind, in words ("" when it names no kind)."""
        return kind_scope_label(self.kind)


class AccountingCode(db.Model):
    """The accountant's code of an organisation (third-party account) or a resource (analytic)."""

    __tablename__ = "accounting_codes"
    __table_args__ = (
        CheckConstraint("(organisation_id IS NULL) <> (resource_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), unique=True)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"), unique=True)
    code: Mapped[str] = mapped_column(String(40))
