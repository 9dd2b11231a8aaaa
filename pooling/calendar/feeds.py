"""RFC 5545 calendars built from plain values (pure: no database, no request).

Calendar clients (Google, Outlook, Apple, Thunderbird) poll a feed and replace their copy
of an event when its ``SEQUENCE`` grows; they remove it when its ``STATUS`` is CANCELLED.
The output is deterministic: the same events give the same bytes, so the ETag computed
from them only changes when the calendar does.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration

PRODID = "-//Pooling//Pooling calendar feeds//EN"
REFRESH = timedelta(hours=1)

# The booking's status -> the iCal STATUS; a refused booking is shown as cancelled when it
# is exported on its own (feeds leave refused bookings out).
ICAL_STATUS = {
    "pending": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "cancelled": "CANCELLED",
    "rejected": "CANCELLED",
}


@dataclass(frozen=True)
class FeedEvent:
    """One occurrence as a calendar event; times are aware datetimes, ``stamp`` its last change."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    status: str
    sequence: int
    stamp: datetime
    created: datetime | None = None
    location: str = ""
    description: str = ""
    url: str | None = None


def event_uid(booking_id: int, key: str | bytes) -> str:
    """A stable UID that names no host and no person: the booking id and a keyed hash of it."""
    raw_key = key.encode("utf-8") if isinstance(key, str) else key
    tag = hmac.new(raw_key, f"booking:{booking_id}".encode(), hashlib.sha256).hexdigest()[:20]
    return f"booking-{booking_id}-{tag}@pooling"


def ical_status(status: str) -> str:
    """The iCal STATUS of a booking status (TENTATIVE for pending)."""
    return ICAL_STATUS[status]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("aware datetimes expected")
    return value.astimezone(UTC).replace(microsecond=0)


def _event(item: FeedEvent, tz: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", _utc(item.stamp))
    if item.created is not None:
        event.add("created", _utc(item.created))
    event.add("last-modified", _utc(item.stamp))
    event.add("sequence", max(int(item.sequence), 0))
    # Times in the pole's zone with its TZID: a weekly 09:00 stays 09:00 across DST.
    event.add("dtstart", _utc(item.start).astimezone(tz))
    event.add("dtend", _utc(item.end).astimezone(tz))
    event.add("status", item.status)
    event.add("transp", "TRANSPARENT" if item.status == "CANCELLED" else "OPAQUE")
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    return event


def build_calendar(
    events: Iterable[FeedEvent],
    *,
    name: str,
    timezone: str,
    description: str | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per event, the VTIMEZONE they need, and refresh hints.

    Text is escaped and lines folded at 75 octets with CRLF by icalendar; an empty list
    still gives a valid calendar (PRODID, VERSION). Raises ValueError for naive times.
    """
    tz = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    ordered = sorted(events, key=lambda e: (_utc(e.start), e.uid))
    for item in ordered:
        calendar.add_component(_event(item, tz))
    if ordered and timezone != "UTC":
        # Bounds from the events only (never from "now"), so the bytes stay identical.
        first = min(_utc(e.start) for e in ordered).year - 1
        last = max(_utc(e.end) for e in ordered).year + 2
        calendar.add_missing_timezones(first_date=date(first, 1, 1), last_date=date(last, 1, 1))
    return calendar.to_ical()


def etag_of(body: bytes) -> str:
    """A strong ETag value computed from the calendar's bytes."""
    return hashlib.sha256(body).hexdigest()[:40]
