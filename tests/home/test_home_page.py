"""The home page, person first: my next bookings, then my organisation's (with who booked),
never a colleague's booking among mine."""

from __future__ import annotations

import pytest

from pooling.bookings import services
from pooling.extensions import db
from tests.bookings.conftest import local
from tests.factories import make_user

# The pinned clock is Monday 7 December 2026, 09:00 in Paris: Wednesday is this week.
pytestmark = [pytest.mark.usefixtures("pinned_clock"), pytest.mark.pole("booking_pages")]


def _book(user, resource, start: str, end: str, title: str = ""):
    result = services.create_booking(
        user,
        services.BookingRequest(
            resource_id=resource.id, start=local(start), end=local(end), title=title
        ),
    )
    db.session.commit()
    return result.bookings[0]


def _section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_a_new_member_sees_a_colleagues_booking_under_the_organisation_with_its_booker(pole, login):
    van = _book(pole.alice, pole.van, "2026-12-09T10:00", "2026-12-09T12:00", "Livraison")
    newcomer = make_user(pole.jardins, name="Nour")
    html = login(newcomer).get("/").get_data(as_text=True)
    mine = _section(html, "mine-title")
    assert "Mes prochaines réservations" in mine
    assert f'href="/bookings/{van.id}"' not in mine
    assert "Vous n'avez aucune réservation à venir." in mine
    organisation = _section(html, "organisation-title")
    assert "Celles de mon organisation cette semaine" in organisation
    assert f'href="/bookings/{van.id}"' in organisation
    assert "réservé par Alice" in organisation
    assert "Livraison" in organisation


def test_all_my_bookings_lists_the_new_members_own_booking(pole, login):
    _book(pole.alice, pole.van, "2026-12-09T10:00", "2026-12-09T12:00")
    newcomer = make_user(pole.jardins, name="Nour")
    own = _book(newcomer, pole.room, "2026-12-10T14:00", "2026-12-10T15:00")
    client = login(newcomer)
    html = client.get("/").get_data(as_text=True)
    assert f'href="/bookings/{own.id}"' in _section(html, "mine-title")
    assert f'href="/bookings/{own.id}"' not in _section(html, "organisation-title")
    assert 'href="/bookings/">Toutes mes réservations' in html
    listed = client.get("/bookings/").get_data(as_text=True)
    assert f'href="/bookings/{own.id}"' in listed


def test_my_next_bookings_go_beyond_this_week(pole, login):
    later = _book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    html = login(pole.alice).get("/").get_data(as_text=True)
    assert f'href="/bookings/{later.id}"' in _section(html, "mine-title")


def test_another_organisations_booking_is_not_on_my_home(pole, login):
    van = _book(pole.alice, pole.van, "2026-12-09T10:00", "2026-12-09T12:00")
    html = login(pole.bob).get("/").get_data(as_text=True)
    assert f'href="/bookings/{van.id}"' not in html


def test_home_sections_in_english(pole, login):
    _book(pole.alice, pole.van, "2026-12-09T10:00", "2026-12-09T12:00")
    client = login(make_user(pole.jardins, name="Nour"))
    client.get("/?lang=en")
    html = client.get("/").get_data(as_text=True)
    assert "My next bookings" in _section(html, "mine-title")
    assert "You have no booking to come." in _section(html, "mine-title")
    organisation = _section(html, "organisation-title")
    assert "My organisation's this week" in organisation
    assert "booked by Alice" in organisation
