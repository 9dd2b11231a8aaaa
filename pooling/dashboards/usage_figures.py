"""The dashboard's usage per organisation and per month, folded from the day rollup.

The same figures as the usage page (``usage.services``): hours and unit-hours by the actual
check-in/out times, late cancellations charged, meter units, accepted shares, manual lines;
each booking counted once per organisation in a period, including the bookings used across
the period's start (read live: the rollup counts them on the day they start).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from pooling.core.time import pole_tz
from pooling.dashboards import rollup_queries
from pooling.dashboards.periods import Period
from pooling.dashboards.queries import Scope, local_month_starts
from pooling.dashboards.rounding import HUNDRED, TENTH, rounded
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.usage import services as usage_services

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")


@dataclass
class Usage:
    """What one organisation used, as the usage page and the statements count it: hours,
    unit-hours, meter units, bookings, late cancellations charged, and its share (percent)
    of all unit-hours in scope.
    """

    organisation_id: int
    name: str
    hours: Decimal
    unit_hours: Decimal
    meter: Decimal
    bookings: int
    share: Decimal | None
    late_cancellations: int = 0


@dataclass
class Trend:
    month: str
    hours: Decimal
    unit_hours: Decimal


def _in_scope(entry, scope: Scope) -> bool:
    if scope.kind is not None and entry.resource_kind != scope.kind:
        return False
    return scope.resource_id is None or entry.resource_id == scope.resource_id


def usage_and_trend(
    period: Period,
    scope: Scope,
    groups: rollup_queries.Groups,
    days: list[dict],
    notice_hours: int,
) -> tuple[list[Usage], list[Trend], Decimal, int]:
    """Usage per organisation (largest first), the trend per local month, the pole's hours in
    scope and the late cancellations charged in scope, from the rollup's ``groups`` (every
    organisation) and ``days`` (the organisation in scope, or all)."""
    labels, starts = local_month_starts(pole_tz(), period.start, period.end)
    bounds = [period.start, *starts[1:], period.end]
    manual = [
        [e for e in entries if _in_scope(e, scope)]
        for entries in usage_services.manual_entries_by_window(bounds)
    ]
    pole_scope = Scope(kind=scope.kind, resource_id=scope.resource_id)
    notice = timedelta(hours=notice_hours)
    carried = rollup_queries.carried_in(period.start, period.end, pole_scope, notice)
    as_decimal = rollup_queries.as_decimal

    per_org: dict[int, dict] = {}

    def totals(organisation_id: int) -> dict:
        return per_org.setdefault(
            organisation_id,
            {"hours": Decimal(0), "unit_hours": Decimal(0), "meter": Decimal(0), "bookings": 0}
            | {"late": 0, "manual": False},
        )

    late_bookings = carried.late_bookings
    for row in groups.per_organisation:
        late_bookings += int(row["late_bookings"] or 0)
        if not (row["used_bookings"] or row["used_hours"] or row["used_unit_hours"]):
            continue
        entry = totals(row["organisation_id"])
        entry["hours"] += as_decimal(row["used_hours"])
        entry["unit_hours"] += as_decimal(row["used_unit_hours"])
        entry["meter"] += as_decimal(row["used_meter"])
        entry["bookings"] += int(row["used_bookings"] or 0)
        entry["late"] += int(row["late_entries"] or 0)
    for organisation_id, count in carried.bookings.items():
        totals(organisation_id)["bookings"] += count
    for organisation_id, count in carried.late.items():
        totals(organisation_id)["late"] += count
    for entries in manual:
        for line in entries:
            entry = totals(line.organisation_id)
            entry["hours"] += line.hours
            entry["unit_hours"] += line.unit_hours
            entry["meter"] += line.meter
            entry["manual"] = True
    counted = {key: value for key, value in per_org.items() if value["bookings"] or value["manual"]}
    grand_total = sum((value["unit_hours"] for value in counted.values()), Decimal(0))
    pole_hours = rounded(sum((value["hours"] for value in counted.values()), Decimal(0)))

    def mine(organisation_id: int) -> bool:
        return scope.organisation_id is None or organisation_id == scope.organisation_id

    names = dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(counted)))
        ).all()
    )
    usage = []
    for organisation_id, value in counted.items():
        if not mine(organisation_id):
            continue
        share = (value["unit_hours"] / grand_total).quantize(FOUR) if grand_total else None
        usage.append(
            Usage(
                organisation_id=organisation_id,
                name=names.get(organisation_id, ""),
                hours=value["hours"].quantize(TWO),
                unit_hours=value["unit_hours"].quantize(TWO),
                meter=value["meter"].quantize(TWO),
                bookings=value["bookings"],
                share=rounded(share * HUNDRED, TENTH) if share is not None else None,
                late_cancellations=value["late"],
            )
        )
    usage.sort(key=lambda row: (-row.hours, row.name))
    if scope.organisation_id is None:
        late = late_bookings
    else:
        late = counted.get(scope.organisation_id, {}).get("late", 0)

    months: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in days:
        month = months[row["day"].strftime("%Y-%m")]
        month[0] += as_decimal(row["used_hours"])
        month[1] += as_decimal(row["used_unit_hours"])
    for label, entries in zip(labels, manual, strict=True):
        for line in entries:
            if mine(line.organisation_id):
                months[label][0] += line.hours
                months[label][1] += line.unit_hours
    trend = [
        Trend(month, rounded(months[month][0]), rounded(months[month][1]))
        if month in months
        else Trend(month, Decimal("0.00"), Decimal("0.00"))
        for month in period.months()
    ]
    return usage, trend, pole_hours, late
