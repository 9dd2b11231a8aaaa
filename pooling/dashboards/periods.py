"""The period a dashboard or a report covers: a local week, month, quarter, year or custom days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _

from pooling.core.errors import RuleViolation
from pooling.core.time import MAX_REPORT_DAYS, local_day_bounds, pole_tz

PERIOD_KINDS = ("week", "month", "quarter", "year", "custom")


@dataclass(frozen=True)
class Period:
    """Local calendar days ``first``..``last`` (inclusive) and their UTC bounds ``[start, end)``."""

    kind: str
    first: date
    last: date
    start: datetime
    end: datetime

    def months(self) -> list[str]:
        """The local months the period touches, as 'YYYY-MM'."""
        found, cursor = [], self.first.replace(day=1)
        while cursor <= self.last:
            found.append(cursor.strftime("%Y-%m"))
            cursor += relativedelta(months=1)
        return found

    @property
    def slug(self) -> str:
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


def make_period(
    kind: str,
    on: date,
    first: date | None = None,
    last: date | None = None,
    tz: ZoneInfo | None = None,
) -> Period:
    """The local calendar week (Monday first), month, quarter or year containing ``on``,
    or the custom days ``first``..``last``. Raises RuleViolation for an impossible custom range.
    """
    tz = tz or pole_tz()
    if kind == "week":
        first = on - timedelta(days=on.weekday())
        last = first + timedelta(days=6)
    elif kind == "month":
        first = on.replace(day=1)
        last = first + relativedelta(months=1) - timedelta(days=1)
    elif kind == "quarter":
        first = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        last = first + relativedelta(months=3) - timedelta(days=1)
    elif kind == "year":
        first, last = date(on.year, 1, 1), date(on.year, 12, 31)
    else:
        kind = "custom"
        if first is None or last is None:
            message = _("Give the first and the last day.")
            raise RuleViolation(message, code="period_incomplete", fields={"end": [message]})
        if last < first:
            message = _("The last day must not be before the first day.")
            raise RuleViolation(message, code="end_before_start", fields={"end": [message]})
        if (last - first).days > MAX_REPORT_DAYS:
            message = _("Ask for at most %(days)s days at once.", days=MAX_REPORT_DAYS)
            raise RuleViolation(message, code="period_too_long", fields={"end": [message]})
    return Period(kind, first, last, local_day_bounds(first, tz)[0], local_day_bounds(last, tz)[1])
