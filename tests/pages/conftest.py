"""Fixtures for the member pages: a pole with two organisations, people of every role, resources."""

from __future__ import annotations

from datetime import datetime

import pytest

from pooling.bookings import services
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_organisation, make_resource, make_user

EVERY_DAY = {day: [["07:00", "22:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def pole(app):
    """Two organisations with a member and a referent each, a room, a van, a lent workshop."""

    class Pole:
        pass

    p = Pole()
    p.jardins = make_organisation("Les Jardins", slug="jardins")
    p.scop = make_organisation("SCOP Bois", slug="scop-bois")
    p.alice = make_user(p.jardins, name="Alice")
    p.referent = make_user(p.jardins, role="org_admin", name="Inès")
    p.bob = make_user(p.scop, name="Bob")
    p.scop_referent = make_user(p.scop, role="org_admin", name="Paul")
    p.coordinator = make_coordinator(name="Camille")
    p.room = make_resource(
        "Salle Jaurès", capacity=12, max_advance_days=800, opening_hours=EVERY_DAY
    )
    p.van = make_resource(
        "Camionnette",
        kind="equipment",
        max_advance_days=800,
        meter_unit="km",
        opening_hours=EVERY_DAY,
    )
    p.workshop = make_resource(
        "Atelier bois",
        requires_approval=True,
        owner_organisation_id=p.scop.id,
        max_advance_days=800,
        opening_hours=EVERY_DAY,
    )
    return p


def local(text: str) -> datetime:
    """A local wall time "2027-01-12T14:00" as the UTC instant it stands for."""
    return local_to_utc(datetime.fromisoformat(text), pole_tz())


@pytest.fixture
def book():
    """``book(user, resource, "2027-01-12T14:00", "2027-01-12T16:00", **more)`` through the service."""

    def _book(user, resource, start: str, end: str, **more):
        result = services.create_booking(
            user,
            services.BookingRequest(
                resource_id=resource.id, start=local(start), end=local(end), **more
            ),
        )
        db.session.commit()
        return result.bookings[0] if len(result.bookings) == 1 else result

    return _book


@pytest.fixture
def post_form():
    """``post_form(client, page_url, data, url=None)``: POST a form of a page with its CSRF token."""

    def _post(client, page_url: str, data: dict, url: str | None = None, **kwargs):
        token = csrf_token(client, page_url)
        return client.post(url or page_url, data={"csrf_token": token, **data}, **kwargs)

    return _post
