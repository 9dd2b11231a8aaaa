"""The coordinators keep the list of booking purposes: add, rename, deactivate, offer again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pooling.bookings import purposes
from pooling.bookings.models import BookingPurpose
from pooling.extensions import db

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture(autouse=True)
def default_purposes(app):
    purposes.ensure_defaults()
    db.session.commit()


def _by_code(code: str) -> BookingPurpose:
    db.session.expire_all()
    return db.session.scalar(select(BookingPurpose).where(BookingPurpose.code == code))


def test_the_coordinator_sees_the_default_list_in_french(pole, login):
    response = login(pole.coordinator).get("/purposes/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in ("Réunion interne", "Formation", "Événement ouvert au public", "Accompagnement"):
        assert name in html
    assert "Objets des réservations" in html


def test_a_member_may_not_keep_the_list(pole, login):
    assert login(pole.alice).get("/purposes/").status_code == 403
    client = login(pole.alice)
    token_page = client.get("/bookings/new").get_data(as_text=True)
    assert "/purposes/" not in token_page


def test_the_coordinator_adds_a_purpose_offered_on_the_booking_form(pole, login, post_form):
    client = login(pole.coordinator)
    response = post_form(client, "/purposes/", {"name_fr": "Repair café", "name_en": "Repair café"})
    assert response.status_code == 302
    added = _by_code("repair_cafe")
    assert added is not None and added.active
    assert 'value="repair_cafe"' in login(pole.alice).get("/bookings/new").get_data(as_text=True)


def test_a_name_is_required_and_nothing_is_added(pole, login, post_form):
    count = len(purposes.all_purposes())
    response = post_form(login(pole.coordinator), "/purposes/", {"name_fr": "", "name_en": "X"})
    assert response.status_code == 422
    assert len(purposes.all_purposes()) == count


def test_renaming_keeps_the_code(pole, login, post_form):
    support = _by_code("support")
    response = post_form(
        login(pole.coordinator),
        "/purposes/",
        {"name_fr": "Accompagnement de projet", "name_en": "Project support"},
        url=f"/purposes/{support.id}",
    )
    assert response.status_code == 302
    renamed = _by_code("support")
    assert (renamed.name_fr, renamed.name_en) == ("Accompagnement de projet", "Project support")


def test_a_purpose_in_use_is_deactivated_not_deleted_then_offered_again(
    pole, login, post_form, book
):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00", purpose="other")
    other = _by_code("other")
    client = login(pole.coordinator)
    assert (
        post_form(client, "/purposes/", {}, url=f"/purposes/{other.id}/active").status_code == 302
    )
    assert _by_code("other").active is False
    assert db.session.get(type(booking), booking.id).purpose.code == "other"
    assert 'value="other"' not in login(pole.alice).get("/bookings/new").get_data(as_text=True)
    post_form(client, "/purposes/", {}, url=f"/purposes/{other.id}/active")
    assert _by_code("other").active is True


def test_the_page_in_english(pole, login):
    pole.coordinator.locale = "en"
    db.session.commit()
    html = login(pole.coordinator).get("/purposes/").get_data(as_text=True)
    assert "Purposes of the bookings" in html
    assert "Event open to the public" in html
