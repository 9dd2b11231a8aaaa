"""Qualifications in the pages: the coordinators' list, the referents' holders and what ends
soon, the holder's account page, the resource form, and the booking page that says up front
when a person cannot book a resource."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.qualifications.models import Qualification, QualificationHolder
from tests.conftest import csrf_token
from tests.qualifications.helpers import hold, today


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def post(client, page_url: str, url: str, data: dict):
    """POST a form of the page at ``page_url`` with its CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, page_url), **data})


# ---------------------------------------------------------------- the qualifications pages


def test_coordinator_adds_a_qualification_from_the_page(pole, login):
    client = login(pole.coordinator)
    answer = post(
        client,
        "/qualifications/",
        "/qualifications/",
        {"name": "Hygiène alimentaire (HACCP) niveau 2", "validity_months": "36"},
    )
    assert answer.status_code == 302
    added = db.session.scalar(
        select(Qualification).where(Qualification.name == "Hygiène alimentaire (HACCP) niveau 2")
    )
    assert added.validity_months == 36
    page = text(client.get("/qualifications/"))
    assert "Habilitations du pôle" in page
    assert "Hygiène alimentaire (HACCP) niveau 2" in page and "36 mois" in page
    english = text(client.get("/qualifications/?lang=en"))
    assert "Qualifications of the pole" in english and "36 months" in english


def test_a_duplicate_name_is_shown_next_to_the_field_and_nothing_is_added(pole, login):
    client = login(pole.coordinator)
    answer = post(client, "/qualifications/", "/qualifications/", {"name": "Permis B"})
    assert answer.status_code == 422
    assert "Une habilitation de ce nom existe déjà." in text(answer)
    assert db.session.scalar(select(func.count(Qualification.id))) == 2


def test_members_read_the_list_but_neither_define_nor_record(pole, login):
    client = login(pole.alice)
    page = text(client.get("/qualifications/"))
    assert "Permis B" in page
    assert "Nouvelle habilitation" not in page
    assert client.get(f"/qualifications/{pole.permis.id}").status_code == 403
    refused = post(client, "/qualifications/", "/qualifications/", {"name": "CACES"})
    assert refused.status_code == 403
    assert db.session.scalar(select(Qualification.id).where(Qualification.name == "CACES")) is None


def test_referent_records_a_holder_of_their_organisation_with_a_date(pole, login):
    client = login(pole.referent)
    page_url = f"/qualifications/{pole.permis.id}"
    page = text(client.get(page_url))
    # Only the referent's people are offered.
    assert "Alice" in page and "Bob" not in page
    until = today() + timedelta(days=200)
    answer = post(
        client,
        page_url,
        f"/qualifications/{pole.permis.id}/holders",
        {"user_id": str(pole.alice.id), "valid_until": until.isoformat()},
    )
    assert answer.status_code == 302
    holding = db.session.scalar(select(QualificationHolder))
    assert (holding.user_id, holding.valid_until) == (pole.alice.id, until)
    refused = post(
        client,
        page_url,
        f"/qualifications/{pole.permis.id}/holders",
        {"user_id": str(pole.bob.id)},
    )
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(QualificationHolder.id))) == 1


def test_referent_removes_a_holder(pole, login):
    hold(pole.permis, pole.alice)
    client = login(pole.referent)
    page_url = f"/qualifications/{pole.permis.id}"
    assert "Alice" in text(client.get(page_url))
    answer = post(
        client, page_url, f"/qualifications/{pole.permis.id}/holders/{pole.alice.id}/remove", {}
    )
    assert answer.status_code == 302
    assert db.session.scalar(select(QualificationHolder.id)) is None


def test_referents_see_what_ends_within_60_days_for_their_people(pole, login):
    hold(pole.permis, pole.alice, today() + timedelta(days=20))
    hold(pole.haccp, pole.alice, today() + timedelta(days=90))
    hold(pole.permis, pole.bob, today() + timedelta(days=10))
    page = text(login(pole.referent).get("/qualifications/"))
    soon = page.split("Arrivent à échéance dans les 60 jours", 1)[1].split("</section>", 1)[0]
    assert "Alice" in soon and "Permis B" in soon
    assert "HACCP" not in soon  # 90 days away
    assert "Bob" not in soon  # another organisation's
    coordinator = text(login(pole.coordinator).get("/qualifications/?lang=en"))
    soon = coordinator.split("Ending within 60 days", 1)[1].split("</section>", 1)[0]
    assert "Alice" in soon and "Bob" in soon


def test_holders_see_their_qualifications_and_expiry_on_their_account_page(pole, login):
    hold(pole.permis, pole.alice, today() + timedelta(days=30))
    client = login(pole.alice)
    page = text(client.get("/account"))
    mine = page.split("Mes habilitations", 1)[1].split("</section>", 1)[0]
    assert "Permis B" in mine and "valable jusqu'au" in mine
    english = text(client.get("/account?lang=en"))
    assert "My qualifications" in english and "valid until" in english
    nothing = text(login(pole.bob).get("/account"))
    assert "Vous ne détenez encore aucune habilitation." in nothing


# ---------------------------------------------------------------- resources


def test_coordinator_requires_a_qualification_in_the_resource_form(pole, login):
    client = login(pole.coordinator)
    edit_url = f"/resources/{pole.room.id}/edit"
    form = text(client.get(edit_url))
    assert "Habilitations requises" in form and "HACCP" in form
    data = {
        "name": "Salle Jaurès",
        "kind": "premises",
        "owner_organisation_id": "",
        "capacity": "12",
        "quantity": "1",
        "slot_minutes": "15",
        "min_notice_minutes": "0",
        "max_advance_days": "800",
        "active": "y",
        "hours_mon_1_from": "08:00",
        "hours_mon_1_to": "19:00",
        "required_qualifications": [str(pole.haccp.id)],
    }
    answer = post(client, edit_url, edit_url, data)
    assert answer.status_code == 302
    db.session.expire_all()
    assert [q.name for q in pole.room.required_qualifications] == ["HACCP"]
    detail = text(client.get(f"/resources/{pole.room.id}"))
    assert "Habilitations requises" in detail and "HACCP" in detail


def test_the_resource_page_says_who_cannot_book_it(pole, login):
    page = text(login(pole.alice).get(f"/resources/{pole.van.id}"))
    assert "Vous ne pouvez pas réserver cette ressource" in page and "Permis B" in page
    hold(pole.permis, pole.bob)
    assert "Vous ne pouvez pas réserver" not in text(
        login(pole.bob).get(f"/resources/{pole.van.id}")
    )


# ---------------------------------------------------------------- the booking form


def test_the_booking_page_says_up_front_which_qualification_is_missing(pole, login):
    client = login(pole.alice)
    page = text(client.get(f"/bookings/new?resource_id={pole.van.id}"))
    notice = page.split(f'data-resource-id="{pole.van.id}"', 1)[1].split("</p>", 1)[0]
    assert "Vous ne pouvez pas réserver cette ressource" in notice and "Permis B" in notice
    assert "hidden" not in notice.split(">", 1)[0]
    english = text(client.get(f"/bookings/new?resource_id={pole.van.id}&lang=en"))
    assert "You cannot book this resource: it requires the qualification Permis B" in english
    # Chosen another resource, the notice is there but hidden until the van is chosen.
    room = text(client.get(f"/bookings/new?resource_id={pole.room.id}"))
    tag = room.split(f'data-resource-id="{pole.van.id}"', 1)[1].split(">", 1)[0]
    assert "hidden" in tag


def test_a_holder_sees_no_notice_on_the_booking_page(pole, login):
    hold(pole.permis, pole.alice, today() + timedelta(days=30))
    page = text(login(pole.alice).get(f"/bookings/new?resource_id={pole.van.id}"))
    assert "qualification-notice" not in page


def test_the_booking_form_refuses_a_booker_without_the_qualification(pole, login):
    client = login(pole.alice)
    day = today() + timedelta(days=7)
    data = {
        "resource_id": str(pole.van.id),
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "quantity": "1",
        "title": "Livraison",
        "repeat": "none",
        "interval": "1",
        "ending": "count",
        "count": "4",
        "on_conflict": "fail",
        "co_share": "50",
        "action": "confirm",
    }
    answer = post(client, "/bookings/new", "/bookings/new", data)
    assert answer.status_code == 422
    page = text(answer)
    assert "Habilitation manquante\u00a0: Permis B" in page
    assert db.session.scalar(select(Booking.id)) is None
    hold(pole.permis, pole.alice)
    booked = post(client, "/bookings/new", "/bookings/new", data)
    assert booked.status_code == 302
    assert db.session.scalar(select(func.count(Booking.id))) == 1
