"""A small fixed pole for the calendar pages: rooms, projectors, people, a week in January 2027."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from pooling.bookings import services as bookings
from pooling.extensions import db
from pooling.resources import services as resources
from tests.factories import make_coordinator, make_organisation, make_resource, make_user

PARIS = ZoneInfo("Europe/Paris")
SEVEN_DAYS = {
    day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


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


@pytest.fixture
def pole(app):
    """Two organisations, a member each, a referent, a coordinator, three rooms, five projectors.

    Rooms and projectors keep the default opening hours: Monday to Friday, 08:00-19:00.
    People read the interface in English, so that the tests read its words whatever the
    state of the French catalogue.
    """

    class Pole:
        pass

    p = Pole()
    p.jardins = make_organisation("Les Jardins", slug="jardins")
    p.scop = make_organisation("SCOP Bois", slug="scop-bois")
    p.alice = make_user(p.jardins, name="Alice", locale="en")
    p.referent = make_user(p.jardins, role="org_admin", name="Inès", locale="en")
    p.bob = make_user(p.scop, name="Bob", locale="en")
    p.coordinator = make_coordinator(name="Camille", locale="en")
    p.jaures = make_resource(
        "Salle Jaurès", capacity=12, location="Maison des associations", max_advance_days=800
    )
    p.michel = make_resource(
        "Salle Louise Michel", capacity=14, location="Tiers-lieu", max_advance_days=800
    )
    p.small = make_resource(
        "Petite salle", capacity=6, location="Maison des associations", max_advance_days=800
    )
    p.projectors = make_resource(
        "Vidéoprojecteur",
        kind="equipment",
        quantity=5,
        unit="appareils",
        location="Tiers-lieu",
        max_advance_days=800,
    )
    return p


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
