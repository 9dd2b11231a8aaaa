"""Dates from today and small acts the qualification tests share."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pooling.core.actors import SYSTEM
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from pooling.qualifications import services as qualifications


def today() -> date:
    """Today in the pole's time zone (the clock may be pinned)."""
    return qualifications.pole_today()


def slot(days: int, start_hour: int = 10, hours: int = 2) -> tuple[datetime, datetime]:
    """``days`` days from today, from ``start_hour`` local for ``hours`` hours, as UTC instants."""
    day = today() + timedelta(days=days)
    start = local_to_utc(datetime.combine(day, time(start_hour)), pole_tz())
    return start, start + timedelta(hours=hours)


def booking_body(resource_id: int, days: int, **extra) -> dict:
    start, end = slot(days)
    return {
        "resource_id": resource_id,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "title": "Livraison",
        **extra,
    }


def hold(qualification, person, valid_until: date | None = None) -> None:
    """Record that ``person`` holds ``qualification`` (as the system, i.e. a coordinator)."""
    qualifications.record_holder(SYSTEM, qualification.id, person.id, valid_until)
    db.session.commit()
