"""The dashboard's tables as CSV rows: each chart's figures with a translated header."""

from __future__ import annotations

from flask_babel import gettext as _

from pooling.core.formats import month_name
from pooling.dashboards.services import Dashboard, Occupancy
from pooling.resources.describe import weekday_names


def _blank(value) -> object:
    return "" if value is None else value


def weekday_labels() -> list[str]:
    """The weekday names in the reader's language, Monday first, capitalised as labels."""
    return [name[:1].upper() + name[1:] for name in weekday_names()]


def dashboard_table(dashboard: Dashboard, name: str) -> tuple[list[str], list[list]] | None:
    """The header and rows of one of the dashboard's tables (as shown beside its chart)."""

    def occupancy_rows(rows: list[Occupancy]) -> list[list]:
        return [
            [
                row.label,
                row.kind_label,
                row.open_hours,
                row.booked_hours,
                row.unit_hours,
                row.capacity_hours,
                _blank(row.rate),
            ]
            for row in rows
        ]

    occupancy_header = [
        _("Resource"),
        _("Kind"),
        _("Open hours"),
        _("Booked hours"),
        _("Unit-hours"),
        _("Open unit-hours"),
        _("Occupancy (percent)"),
    ]
    attendance = dashboard.attendance
    tables = {
        "occupancy": (occupancy_header, occupancy_rows(dashboard.occupancy_by_resource)),
        "kinds": (
            [_("Kind")] + occupancy_header[2:],
            [row[1:] for row in occupancy_rows(dashboard.occupancy_by_kind)],
        ),
        "usage": (
            [
                _("Member organisation"),
                _("Hours"),
                _("Unit-hours"),
                _("Meter units (km)"),
                _("Bookings"),
                _("Late cancellations charged"),
                _("Share of unit-hours (percent)"),
            ],
            [
                [
                    row.name,
                    row.hours,
                    row.unit_hours,
                    row.meter,
                    row.bookings,
                    row.late_cancellations,
                    _blank(row.share),
                ]
                for row in dashboard.usage
            ],
        ),
        "trend": (
            [_("Month"), _("Hours"), _("Unit-hours")],
            [[month_name(row.month), row.hours, row.unit_hours] for row in dashboard.trend],
        ),
        "heatmap": (
            [_("Weekday")] + [f"{hour:02d}:00" for hour in range(24)],
            [
                [label] + list(row)
                for label, row in zip(weekday_labels(), dashboard.heatmap, strict=True)
            ],
        ),
        "attendance": (
            [_("Figure"), _("Count")],
            [
                [_("Cancellations"), attendance.cancelled],
                [
                    _(
                        "Late cancellations (less than %(hours)s h before)",
                        hours=attendance.notice_hours,
                    ),
                    attendance.late_cancelled,
                ],
                [_("No-shows"), attendance.no_shows],
                [_("Pending approvals in the period"), attendance.pending_in_period],
                [_("Pending approvals still to decide"), attendance.pending_now],
            ],
        ),
        "ranking": (
            [_("Rank")] + occupancy_header,
            [[_("Most used")] + row for row in occupancy_rows(dashboard.most_used)]
            + [[_("Least used")] + row for row in occupancy_rows(dashboard.least_used)],
        ),
    }
    return tables.get(name)
