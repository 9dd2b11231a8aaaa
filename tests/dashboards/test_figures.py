"""The dashboard's figures against values computed by hand on the fixed pole of fixture.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pooling.core.errors import NotAllowed
from pooling.dashboards import services
from pooling.dashboards.periods import make_period
from pooling.dashboards.services import DashboardFilter
from tests.dashboards.fixture import NOW, PARIS

D = Decimal


def october():
    return make_period("month", date(2026, 10, 15), tz=PARIS)


def test_occupancy_counts_opening_hours_minus_closures(pole):
    dashboard = services.build_dashboard(pole.coordinator, october(), DashboardFilter(), now=NOW)
    rows = {row.label: row for row in dashboard.occupancy_by_resource}
    assert rows["Salle A"].open_hours == D("168.00")
    assert rows["Salle A"].booked_hours == D("10.00")
    assert rows["Salle A"].rate == D("6.0")
    assert rows["Van"].open_hours == D("242.00")
    assert rows["Van"].booked_hours == D("13.00")
    assert rows["Van"].rate == D("5.4")
    kinds = {row.kind: row.rate for row in dashboard.occupancy_by_kind}
    assert kinds == {"premises": D("6.0"), "equipment": D("5.4")}
    assert dashboard.occupancy_total.rate == D("5.6")
    assert [row.label for row in dashboard.most_used] == ["Salle A", "Van"]
    assert [row.label for row in dashboard.least_used] == ["Van", "Salle A"]


def test_usage_splits_a_co_organised_booking_by_its_shares(pole):
    dashboard = services.build_dashboard(pole.coordinator, october(), DashboardFilter(), now=NOW)
    usage = {row.name: row for row in dashboard.usage}
    assert usage["Alpha"].hours == D("7.00")
    assert usage["Beta"].hours == D("6.00")
    # The van's 10 h, and the room cancelled the day before: a late cancellation, 2 h charged.
    assert usage["Gamma"].hours == D("12.00")
    assert usage["Gamma"].late_cancellations == 1
    # Bookings counted once per organisation, the co-organised one for both.
    assert usage["Alpha"].bookings == 3
    # Shares of the 25 unit-hours, as on the usage page.
    assert (usage["Alpha"].share, usage["Beta"].share, usage["Gamma"].share) == (
        D("28.0"),
        D("24.0"),
        D("48.0"),
    )
    assert usage["Gamma"].meter == D("250.00")
    assert usage["Alpha"].meter == D("0.00")
    assert dashboard.pole_hours == D("25.00")
    assert [(t.month, t.hours) for t in dashboard.trend] == [("2026-10", D("25.00"))]


def test_heatmap_keeps_local_hours_across_the_october_change(pole):
    dashboard = services.build_dashboard(pole.coordinator, october(), DashboardFilter(), now=NOW)
    heat = dashboard.heatmap
    # Tuesdays 09-11 on the 6th and 20th (summer time) and the 27th (winter time).
    assert heat[1][9] == D("3.00") and heat[1][10] == D("3.00")
    assert heat[1][8] == D("0.00") and heat[1][11] == D("0.00")
    # The co-organised Thursday 13-17.
    assert [heat[3][hour] for hour in (12, 13, 14, 15, 16, 17)] == [D(0), 1, 1, 1, 1, 0]
    # The van on Mondays: 08-18 on the 12th, 09-12 on the 19th.
    assert [heat[0][hour] for hour in range(7, 19)] == [0, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0]
    total = sum(cell for row in heat for cell in row)
    assert total == D("23.00")


def test_week_across_the_change_counts_its_local_days(pole):
    week = make_period("week", date(2026, 10, 22), tz=PARIS)
    assert (week.first, week.last) == (date(2026, 10, 19), date(2026, 10, 25))
    assert (week.end - week.start).total_seconds() == 7 * 24 * 3600 + 3600
    dashboard = services.build_dashboard(pole.coordinator, week, DashboardFilter(), now=NOW)
    rows = {row.label: row for row in dashboard.occupancy_by_resource}
    assert rows["Salle A"].open_hours == D("40.00")
    assert rows["Salle A"].rate == D("5.0")
    assert dashboard.heatmap[1][9] == D("1.00") and dashboard.heatmap[0][9] == D("1.00")
    assert dashboard.attendance.cancelled == 1 and dashboard.attendance.late_cancelled == 0


def test_cancellations_late_cancellations_no_shows_and_pending(pole):
    dashboard = services.build_dashboard(pole.coordinator, october(), DashboardFilter(), now=NOW)
    attendance = dashboard.attendance
    assert attendance.cancelled == 2
    assert attendance.late_cancelled == 1
    # The van records check-ins: the 19th was never checked in. The room records none.
    assert attendance.no_shows == 1
    assert attendance.pending_in_period == 2
    assert attendance.pending_now == 1


def test_filters_by_kind_and_organisation(pole):
    equipment = services.build_dashboard(
        pole.coordinator, october(), DashboardFilter(kind="equipment"), now=NOW
    )
    assert [row.label for row in equipment.occupancy_by_resource] == ["Van"]
    assert {row.name: row.hours for row in equipment.usage} == {
        "Alpha": D("3.00"),
        "Gamma": D("10.00"),
    }
    beta = services.build_dashboard(
        pole.coordinator, october(), DashboardFilter(organisation_id=pole.b.id), now=NOW
    )
    assert [(row.name, row.hours) for row in beta.usage] == [("Beta", D("6.00"))]
    assert beta.heatmap[3][13] == D("0.50")


def test_referent_sees_only_their_organisation_usage(pole):
    dashboard = services.build_dashboard(pole.referent_b, october(), DashboardFilter(), now=NOW)
    assert [(row.name, row.hours, row.share) for row in dashboard.usage] == [
        ("Beta", D("6.00"), D("24.0"))
    ]
    assert dashboard.heatmap[1][9] == D("2.00")
    assert dashboard.attendance.cancelled == 0
    # Occupancy of the shared resources stays pole-wide.
    assert dashboard.occupancy_total.rate == D("5.6")


def test_referent_cannot_ask_for_another_organisation(pole):
    with pytest.raises(NotAllowed):
        services.build_dashboard(
            pole.referent_b, october(), DashboardFilter(organisation_id=pole.a.id), now=NOW
        )


def test_member_cannot_read_the_dashboard(pole):
    with pytest.raises(NotAllowed):
        services.build_dashboard(pole.member_a, october(), DashboardFilter(), now=NOW)
