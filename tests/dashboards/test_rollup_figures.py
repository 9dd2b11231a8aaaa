"""The dashboard read from the day rollup counts what the usage page counts, also for the
bookings it cannot attribute to a single day: used across a period's start, or still running."""

from __future__ import annotations

from datetime import date, timedelta

from pooling.bookings.models import Booking
from pooling.dashboards import services
from pooling.dashboards.periods import make_period
from pooling.dashboards.services import DashboardFilter
from pooling.extensions import db
from pooling.usage.services import usage_report
from tests.dashboards.fixture import NOW, PARIS, local


def add(pole, start, end, **values) -> Booking:
    booking = Booking(
        resource_id=pole.van.id,
        organisation_id=pole.a.id,
        user_id=pole.member_a.id,
        start_at=start,
        end_at=end,
        status="confirmed",
        **values,
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def usage_of(dashboard) -> dict:
    return {
        row.organisation_id: (row.hours, row.unit_hours, row.bookings) for row in dashboard.usage
    }


def test_a_booking_used_across_the_start_of_a_month_counts_in_both_as_on_the_usage_page(pole):
    add(pole, local(30, 22, month=9), local(1, 2), checked_in_at=local(30, 21, month=9))
    for on in (date(2026, 9, 15), date(2026, 10, 15)):
        period = make_period("month", on, tz=PARIS)
        dashboard = services.build_dashboard(pole.coordinator, period, DashboardFilter(), now=NOW)
        page = usage_report(pole.coordinator, period.start, period.end, now=NOW)
        assert usage_of(dashboard) == {
            row.key: (row.hours, row.unit_hours, row.bookings) for row in page
        }
        assert dashboard.usage, "the booking counts in both months"
    october = make_period("month", date(2026, 10, 15), tz=PARIS)
    dashboard = services.build_dashboard(pole.coordinator, october, DashboardFilter(), now=NOW)
    alpha = next(row for row in dashboard.usage if row.organisation_id == pole.a.id)
    # Its two hours of October, and the booking counted in October too.
    assert alpha.bookings == 4
    assert alpha.hours == 9


def test_a_booking_still_running_now_is_not_yet_a_no_show(pole):
    october = make_period("month", date(2026, 10, 15), tz=PARIS)

    def no_shows():
        return services.build_dashboard(
            pole.coordinator, october, DashboardFilter(), now=NOW
        ).attendance.no_shows

    before = no_shows()
    add(pole, NOW - timedelta(hours=1), NOW + timedelta(hours=2))
    assert no_shows() == before
    add(pole, NOW - timedelta(hours=3), NOW - timedelta(hours=2))
    assert no_shows() == before + 1
