"""The pure ICS building and reading: valid output, escaping, folding, DST, deterministic bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from pooling.calendar.external import ExternalCalendarError, busy_spans, normalise_url
from pooling.calendar.feeds import FeedEvent, build_calendar, etag_of, event_uid

PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2027, 1, 1, tzinfo=UTC)


def weekly(count: int, first: datetime) -> list[FeedEvent]:
    """``count`` weekly one-hour events from ``first`` (local), as the booking engine stores them."""
    events = []
    for n in range(count):
        start = (first + timedelta(weeks=n)).replace(tzinfo=PARIS)
        events.append(
            FeedEvent(
                uid=f"booking-{n}-x@pooling",
                start=start.astimezone(UTC),
                end=(start + timedelta(hours=1)).astimezone(UTC),
                summary="Permanence",
                status="CONFIRMED",
                sequence=0,
                stamp=STAMP,
            )
        )
    return events


def test_weekly_nine_o_clock_stays_nine_o_clock_across_the_autumn_change():
    body = build_calendar(
        weekly(4, datetime(2027, 10, 20, 9)), name="Pôle", timezone="Europe/Paris"
    )
    found = recurring_ical_events.of(Calendar.from_ical(body)).between(
        datetime(2027, 10, 1, tzinfo=UTC), datetime(2027, 12, 1, tzinfo=UTC)
    )
    assert [e.start.astimezone(PARIS).hour for e in found] == [9, 9, 9, 9]
    assert [e.start.astimezone(UTC).hour for e in found] == [7, 7, 8, 8]


def test_same_events_give_the_same_bytes_and_etag_whatever_their_order():
    events = weekly(3, datetime(2027, 3, 1, 9))
    first = build_calendar(events, name="Pôle", timezone="Europe/Paris")
    again = build_calendar(list(reversed(events)), name="Pôle", timezone="Europe/Paris")
    assert first == again and etag_of(first) == etag_of(again)


def test_text_is_escaped_and_lines_are_folded_with_crlf():
    event = FeedEvent(
        uid="booking-1-x@pooling",
        start=datetime(2027, 3, 1, 8, tzinfo=UTC),
        end=datetime(2027, 3, 1, 9, tzinfo=UTC),
        summary="a;b,c\nDTSTART:1999\nSTATUS:CANCELLED " + "é" * 60,
        status="CONFIRMED",
        sequence=2,
        stamp=STAMP,
    )
    body = build_calendar([event], name="Pôle", timezone="Europe/Paris")
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert all(b"\n" not in line for line in lines)
    (parsed,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == event.summary
    assert str(parsed["STATUS"]) == "CONFIRMED"
    assert parsed["DTSTART"].dt == datetime(2027, 3, 1, 9, tzinfo=PARIS)


def test_an_empty_calendar_is_valid():
    calendar = Calendar.from_ical(build_calendar([], name="Pôle", timezone="Europe/Paris"))
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    assert calendar.walk("VEVENT") == []


def test_uid_is_stable_and_depends_on_the_key_only():
    assert event_uid(7, "key") == event_uid(7, "key")
    assert event_uid(7, "key") != event_uid(7, "other key") != event_uid(8, "key")
    assert event_uid(7, "key").startswith("booking-7-")


def test_naive_times_are_refused():
    event = weekly(1, datetime(2027, 3, 1, 9))[0]
    naive = FeedEvent(**{**event.__dict__, "start": datetime(2027, 3, 1, 9)})
    with pytest.raises(ValueError):
        build_calendar([naive], name="Pôle", timezone="Europe/Paris")


EXTERNAL = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:x\r
BEGIN:VEVENT\r
UID:1\r
DTSTART;TZID=Europe/Paris:20271021T090000\r
DTEND;TZID=Europe/Paris:20271021T100000\r
RRULE:FREQ=WEEKLY;COUNT=3\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2\r
DTSTART;VALUE=DATE:20271111\r
SUMMARY:Armistice (all day)\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3\r
DTSTART:20271112T090000\r
DURATION:PT2H\r
SUMMARY:floating time\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:4\r
DTSTART:20271113T090000Z\r
DTEND:20271113T100000Z\r
TRANSP:TRANSPARENT\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:5\r
DTSTART:20271114T090000Z\r
DTEND:20271114T100000Z\r
STATUS:CANCELLED\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_busy_spans_expand_recurrences_in_local_time_and_skip_free_events():
    spans = busy_spans(
        EXTERNAL, datetime(2027, 10, 1, tzinfo=UTC), datetime(2027, 12, 1, tzinfo=UTC), PARIS
    )
    assert spans == [
        (datetime(2027, 10, 21, 7, tzinfo=UTC), datetime(2027, 10, 21, 8, tzinfo=UTC)),
        (datetime(2027, 10, 28, 7, tzinfo=UTC), datetime(2027, 10, 28, 8, tzinfo=UTC)),
        (datetime(2027, 11, 4, 8, tzinfo=UTC), datetime(2027, 11, 4, 9, tzinfo=UTC)),
        (datetime(2027, 11, 10, 23, tzinfo=UTC), datetime(2027, 11, 11, 23, tzinfo=UTC)),
        (datetime(2027, 11, 12, 8, tzinfo=UTC), datetime(2027, 11, 12, 10, tzinfo=UTC)),
    ]


def test_busy_spans_are_clipped_to_the_window():
    spans = busy_spans(
        EXTERNAL,
        datetime(2027, 10, 21, 7, 30, tzinfo=UTC),
        datetime(2027, 10, 29, tzinfo=UTC),
        PARIS,
    )
    assert spans[0] == (
        datetime(2027, 10, 21, 7, 30, tzinfo=UTC),
        datetime(2027, 10, 21, 8, tzinfo=UTC),
    )
    assert len(spans) == 2


@pytest.mark.parametrize("body", [b"", b"hello", b"<html></html>", b"\x00\xff\xfe"])
def test_garbage_is_an_invalid_calendar_not_a_crash(body):
    with pytest.raises(ExternalCalendarError) as raised:
        busy_spans(body, STAMP, STAMP + timedelta(days=1), PARIS)
    assert raised.value.code == "invalid"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("webcal://example.org/a.ics", "https://example.org/a.ics"),
        (" https://example.org/a.ics ", "https://example.org/a.ics"),
        ("http://127.0.0.1:8000/a.ics", "http://127.0.0.1:8000/a.ics"),
    ],
)
def test_webcal_addresses_are_read_over_https(url, expected):
    assert normalise_url(url) == expected


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x/a.ics", "https://", "not a url"])
def test_other_addresses_are_refused(url):
    with pytest.raises(ExternalCalendarError):
        normalise_url(url)
