"""Helpers of the calendar page tests: Paris wall times, bookings and closures, the planning grid.

Their pole is the "calendar_pages" recipe of tests.world (rooms, projectors, English readers).
"""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from pooling.bookings import services as bookings
from pooling.extensions import db
from pooling.resources import services as resources

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime:
    """A Paris wall-clock time "YYYY-MM-DD HH:MM" as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def book(user, resource, start: str, end: str, quantity: int = 1, title: str = "Réunion"):
    """A booking made through the booking service, committed."""
    result = bookings.create_booking(
        user,
        bookings.BookingRequest(
            resource_id=resource.id,
            start=paris(start),
            end=paris(end),
            quantity=quantity,
            title=title,
        ),
    )
    db.session.commit()
    return result.bookings[0]


def close_pole(coordinator, start: str, end: str, reason: str = "Jour férié"):
    """A closure of the whole pole, committed."""
    closure = resources.create_closure(coordinator, None, paris(start), paris(end), reason)
    db.session.commit()
    return closure


class _PlanningReader(HTMLParser):
    """Reads the planning table: per resource name, its cells (state, text, booking link)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[dict]] = {}
        self.headers: list[str] = []
        self._in_body = self._in_head = False
        self._row_name: str | None = None
        self._cell: dict | None = None
        self._header: list[str] | None = None
        self._name: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_body = True
        elif tag == "th" and self._in_head:
            self._header = []
        elif tag == "th" and self._in_body:
            self._name = []
        elif tag == "td" and self._in_body:
            self._cell = {"state": attributes.get("data-state"), "text": [], "href": None}
            self._cell["class"] = attributes.get("class", "")
        elif (
            tag == "a" and self._cell is not None and "cell-book" in (attributes.get("class") or "")
        ):
            self._cell["href"] = attributes.get("href")

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag == "tbody":
            self._in_body = False
        elif tag == "th" and self._header is not None:
            self.headers.append(" ".join("".join(self._header).split()))
            self._header = None
        elif tag == "a" and self._name is not None and self._row_name is None:
            self._row_name = "".join(self._name).strip()
            self.rows[self._row_name] = []
        elif tag == "th" and self._name is not None:
            self._name = None
        elif tag == "td" and self._cell is not None:
            self._cell["text"] = " ".join("".join(self._cell["text"]).split())
            self.rows[self._row_name].append(self._cell)
            self._cell = None
        elif tag == "tr" and self._in_body:
            self._row_name = None

    def handle_data(self, data):
        if self._header is not None:
            self._header.append(data)
        if self._name is not None and self._row_name is None:
            self._name.append(data)
        if self._cell is not None:
            self._cell["text"].append(data)


def planning_table(html: str) -> _PlanningReader:
    """The planning grid of a page: ``.headers`` and ``.rows[resource name]`` -> cells."""
    reader = _PlanningReader()
    reader.feed(html)
    return reader
