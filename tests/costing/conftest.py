"""A small pole for the cost-sharing tests: two organisations of weights 1 and 3, a room lent
by Les Jardins, a shared accountant employed by SCOP Bois, and people of every role."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pooling.bookings import services as bookings
from pooling.extensions import db
from tests.factories import make_coordinator, make_organisation, make_resource, make_user

PARIS = ZoneInfo("Europe/Paris")
ALWAYS = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def local(text: str) -> datetime:
    """A Paris wall-clock time as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.fixture
def pole(app):
    class Pole:
        pass

    p = Pole()
    p.jardins = make_organisation("Les Jardins", slug="jardins", weight=Decimal("1"))
    p.scop = make_organisation("SCOP Bois", slug="scop-bois", weight=Decimal("3"))
    p.alice = make_user(p.jardins, name="Alice")
    p.referent = make_user(p.jardins, role="org_admin", name="Inès")
    p.bob = make_user(p.scop, name="Bob")
    p.scop_referent = make_user(p.scop, role="org_admin", name="Paul")
    p.coordinator = make_coordinator(name="Camille")
    p.room = make_resource(
        "Salle Jaurès",
        capacity=12,
        max_advance_days=800,
        opening_hours=ALWAYS,
        owner_organisation_id=p.jardins.id,
    )
    p.accountant = make_resource(
        "Comptable partagée", kind="staff", max_advance_days=800, opening_hours=ALWAYS
    )
    p.chairs = make_resource(
        "Chaises pliantes",
        kind="equipment",
        quantity=40,
        max_advance_days=800,
        opening_hours=ALWAYS,
    )
    p.van = make_resource(
        "Camionnette", kind="equipment", max_advance_days=800, opening_hours=ALWAYS, meter_unit="km"
    )
    return p


def book(user, resource, start: str, end: str, **extra):
    """Book through the booking engine (Paris local times) and commit."""
    result = bookings.create_booking(
        user,
        bookings.BookingRequest(
            resource_id=resource.id, start=local(start), end=local(end), title="Réunion", **extra
        ),
    )
    db.session.commit()
    return result.bookings[0]
