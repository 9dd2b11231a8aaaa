"""The activity report a pole sends to its funders: figures for a period, and its CSV rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.core import formats
from pooling.core.errors import NotAllowed, RuleViolation
from pooling.core.templating import money
from pooling.costing.allocations import allocation_of
from pooling.dashboards import permissions
from pooling.dashboards.models import InKindRate
from pooling.dashboards.periods import Period
from pooling.dashboards.rollup_queries import Groups
from pooling.dashboards.rounding import hours_of, percent_of, rounded
from pooling.dashboards.services import (
    DashboardFilter,
    Occupancy,
    PurposeLine,
    build_dashboard,
    periods_overlapping,
)
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.models import Resource


@dataclass
class InKindLine:
    resource: str
    owner: str
    hours: Decimal
    hourly_rate: Decimal
    value: Decimal


@dataclass
class ActivityReport:
    """The figures a pole sends to its funders for a period."""

    period: Period
    organisations_sharing: int
    hours_by_kind: list[Occupancy]
    occupancy_total: Occupancy
    bookings: int
    bookings_by_others: int
    share_by_others: Decimal | None
    in_kind: list[InKindLine]
    in_kind_total: Decimal
    costs: dict | None = None
    by_purpose: list[PurposeLine] = field(default_factory=list)
    attendance_total: int = 0


def build_report(actor: User, period: Period, *, now: datetime | None = None) -> ActivityReport:
    """The activity report: organisations sharing, hours and occupancy by kind, bookings made
    by others than the owner, in-kind contributions and costs. Raises NotAllowed.
    """
    if not permissions.can_view_report(actor):
        raise NotAllowed(_("Only coordinators can read the activity report."))
    dashboard = build_dashboard(actor, period, DashboardFilter(), now=now)
    lending = lending_per_resource(dashboard.groups)
    bookings = sum(row["bookings"] for row in lending)
    by_others = sum(row["by_others"] for row in lending)
    in_kind = _in_kind_lines(lending)
    by_purpose = dashboard.by_purpose
    return ActivityReport(
        period=period,
        organisations_sharing=sum(1 for row in dashboard.usage if row.hours > 0),
        hours_by_kind=dashboard.occupancy_by_kind,
        occupancy_total=dashboard.occupancy_total,
        bookings=bookings,
        bookings_by_others=by_others,
        share_by_others=percent_of(Decimal(by_others), Decimal(bookings)),
        in_kind=in_kind,
        in_kind_total=sum((line.value for line in in_kind), Decimal("0.00")),
        costs=_costs(actor, period),
        by_purpose=by_purpose,
        attendance_total=sum(line.attendance for line in by_purpose if line.organisation is None),
    )


def lending_per_resource(groups: Groups) -> list[dict]:
    """Per resource with confirmed bookings in the period: those starting in it, those made by
    another organisation than the resource's owner, and the seconds those others booked."""
    return [
        {
            "resource_id": row["resource_id"],
            "bookings": int(row["confirmed_started"] or 0),
            "by_others": int(row["by_others_started"] or 0),
            "seconds_by_others": float(row["seconds_by_others"] or 0),
        }
        for row in groups.per_resource
        if row["booked_seconds"] or row["confirmed_started"]
    ]


def _costs(actor: User, period: Period) -> dict | None:
    """Costs shared and subsidies of the cost periods overlapping the report's period."""
    periods = periods_overlapping(actor, period.start, period.end)
    if not periods:
        return None
    rows = []
    for cost_period in periods:
        try:
            document = allocation_of(actor, cost_period.id)
        except RuleViolation:
            continue
        shared = sum(Decimal(line["amount"]) for line in document["lines"])
        subsidies = sum(Decimal(cost["subsidy"] or "0") for cost in document["costs"])
        rows.append({"name": cost_period.name, "shared": shared, "subsidies": subsidies})
    return {
        "periods": rows,
        "shared": sum((r["shared"] for r in rows), Decimal("0.00")),
        "subsidies": sum((r["subsidies"] for r in rows), Decimal("0.00")),
    }


def _in_kind_lines(lending: list[dict]) -> list[InKindLine]:
    rates = list(db.session.scalars(select(InKindRate)))
    by_resource = {rate.resource_id: rate.hourly_rate for rate in rates if rate.resource_id}
    by_kind = {rate.kind: rate.hourly_rate for rate in rates if rate.kind}
    used = {row["resource_id"]: row["seconds_by_others"] for row in lending}
    query = (
        select(Resource.id, Resource.name, Resource.kind, Organisation.name.label("owner"))
        .join(Organisation, Organisation.id == Resource.owner_organisation_id)
        .where(Resource.id.in_(list(used)))
        .order_by(Resource.name)
    )
    lines = []
    for row in db.session.execute(query):
        rate = by_resource.get(row.id, by_kind.get(row.kind))
        hours = hours_of(used.get(row.id))
        if rate is None or not hours:
            continue
        lines.append(InKindLine(row.name, row.owner, hours, rate, rounded(hours * rate)))
    return lines


def report_rows(report: ActivityReport) -> list[list]:
    """The report as (section, item, value, unit) rows for the CSV export."""
    rows: list[list] = [
        [_("Period"), _("First day"), report.period.first, ""],
        [_("Period"), _("Last day"), report.period.last, ""],
        [_("Sharing"), _("Member organisations sharing"), report.organisations_sharing, ""],
        [_("Sharing"), _("Confirmed bookings"), report.bookings, ""],
        [
            _("Sharing"),
            _("Bookings by another organisation than the owner"),
            report.bookings_by_others,
            "",
        ],
        [
            _("Sharing"),
            _("Share of bookings by another organisation than the owner"),
            report.share_by_others if report.share_by_others is not None else "",
            "%",
        ],
    ]
    for row in report.hours_by_kind:
        rows.append([_("Hours shared"), row.label, row.booked_hours, _("hours")])
        rows.append([_("Occupancy"), row.label, row.rate if row.rate is not None else "", "%"])
    total = report.occupancy_total
    rows.append(
        [_("Occupancy"), _("All resources"), total.rate if total.rate is not None else "", "%"]
    )
    for line in report.in_kind:
        rows.append(
            [
                _("In-kind contributions"),
                f"{line.resource} ({line.owner})",
                line.value,
                _(
                    "%(hours)s h × %(rate)s",
                    hours=formats.number(line.hours),
                    rate=money(line.hourly_rate),
                ),
            ]
        )
    for line in report.by_purpose:
        item = (
            line.purpose if line.organisation is None else f"{line.purpose} · {line.organisation}"
        )
        rows.append([_("Hours by purpose"), item, line.hours, _("hours")])
        rows.append([_("Expected attendance"), item, line.attendance, _("people")])
    rows.append([_("Expected attendance"), _("Total"), report.attendance_total, _("people")])
    rows.append([_("In-kind contributions"), _("Total"), report.in_kind_total, ""])
    if report.costs is None:
        rows.append([_("Costs"), _("No cost period yet"), "", ""])
    else:
        for line in report.costs["periods"]:
            rows.append([_("Costs shared"), line["name"], line["shared"], ""])
            rows.append([_("Subsidies"), line["name"], line["subsidies"], ""])
    return rows
