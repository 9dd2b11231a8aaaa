"""The resource catalogue and detail pages: who sees what, filters, rules in plain language."""

from __future__ import annotations

import pytest

from pooling.extensions import db
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_organisation, make_resource, make_user

NB = "\u00a0"


@pytest.fixture
def catalogue():
    """A small catalogue: two rooms, a van, a shared accountant and an inactive workshop."""
    lender = make_organisation("Mairie de Trévoux")
    resources = {
        "big": make_resource("Grande salle", capacity=40, location="Rez-de-chaussée"),
        "small": make_resource(
            "Petite salle", capacity=6, description="Idéale pour les réunions de bureau"
        ),
        "van": make_resource(
            "Camion frigorifique",
            kind="equipment",
            owner_organisation_id=lender.id,
            requires_approval=True,
            meter_unit="km",
        ),
        "staff": make_resource("Comptable partagée", kind="staff"),
        "old": make_resource("Atelier fermé", capacity=10, active=False),
    }
    return resources


@pytest.fixture
def member():
    return make_user(make_organisation(), locale="en")


def names_listed(html: str) -> set[str]:
    return {
        name
        for name in (
            "Grande salle",
            "Petite salle",
            "Camion frigorifique",
            "Comptable partagée",
            "Atelier fermé",
        )
        if f">{name}</a>" in html
    }


@pytest.mark.parametrize(
    "url",
    [
        "/resources/",
        "/resources/{id}",
        "/resources/new",
        "/resources/{id}/edit",
        "/resources/closures",
    ],
)
def test_anonymous_visitor_is_sent_to_sign_in(client, catalogue, url):
    response = client.get(url.format(id=catalogue["big"].id))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_member_sees_the_active_resources_with_their_details(login, catalogue, member):
    response = login(member).get("/resources/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert names_listed(html) == {
        "Grande salle",
        "Petite salle",
        "Camion frigorifique",
        "Comptable partagée",
    }
    van_row = html.split(">Camion frigorifique</a>", 1)[1].split("</tr>", 1)[0]
    assert "Mairie de Trévoux" in van_row and "approval required" in van_row
    assert "40 people" in html and "Rez-de-chaussée" in html
    assert "New resource" not in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kind=equipment", {"Camion frigorifique"}),
        ("kind=premises", {"Grande salle", "Petite salle"}),
        ("q=r%C3%A9union", {"Petite salle"}),
        ("q=CHAUSS", {"Grande salle"}),
        ("capacity_min=10", {"Grande salle"}),
        ("kind=premises&capacity_min=5&q=salle", {"Grande salle", "Petite salle"}),
        (
            "include_inactive=y",
            {"Grande salle", "Petite salle", "Camion frigorifique", "Comptable partagée"},
        ),
    ],
)
def test_member_filters_the_catalogue(login, catalogue, member, query, expected):
    html = login(member).get(f"/resources/?{query}").get_data(as_text=True)
    assert names_listed(html) == expected


def test_coordinator_can_show_inactive_resources(login, catalogue):
    browser = login(make_coordinator(locale="en"))
    assert "Atelier fermé" not in names_listed(browser.get("/resources/").get_data(as_text=True))
    html = browser.get("/resources/?include_inactive=y&kind=premises").get_data(as_text=True)
    assert names_listed(html) == {"Grande salle", "Petite salle", "Atelier fermé"}
    assert "New resource" in html


def test_malformed_capacity_filter_is_pointed_out_and_ignored(login, catalogue, member):
    response = login(member).get("/resources/?capacity_min=lots")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="capacity_min-error"' in html
    assert "Grande salle" in names_listed(html)


def test_detail_page_gives_opening_hours_in_french_by_default(login, catalogue):
    browser = login(make_user(make_organisation()))
    html = browser.get(f"/resources/{catalogue['big'].id}").get_data(as_text=True)
    assert 'lang="fr"' in html
    assert "lundi" in html and "vendredi" in html
    assert f"8{NB}h – 19{NB}h" in html
    assert "samedi et dimanche" in html
    assert "Monday" not in html


def test_detail_page_gives_opening_hours_in_english_on_request(login, catalogue):
    browser = login(make_user(make_organisation()))
    html = browser.get(f"/resources/{catalogue['big'].id}?lang=en").get_data(as_text=True)
    assert "Monday to Friday: 08:00 – 19:00" in html
    assert "Saturday and Sunday: closed" in html
    assert "Bookings start and end on steps of 15 minutes." in html
    assert "Can be booked at most 365 days ahead." in html


def test_detail_page_shows_the_resource_and_its_rules(login, member):
    owner = make_organisation("Coop des Mobilités")
    van = make_resource(
        "Minibus",
        kind="equipment",
        description="Neuf places",
        location="Parking de la gare",
        quantity=2,
        unit="minibus",
        owner_organisation_id=owner.id,
        requires_approval=True,
        rules={
            "opening_hours": {"sat": [["09:00", "12:00"], ["14:00", "24:00"]]},
            "min_duration_minutes": 60,
            "max_duration_minutes": 480,
            "min_notice_minutes": 120,
            "max_advance_days": 30,
        },
    )
    html = login(member).get(f"/resources/{van.id}").get_data(as_text=True)
    for text in (
        "Neuf places",
        "Parking de la gare",
        "2\u00a0minibus",
        "Coop des Mobilités",
        "Each booking must be approved.",
        "Saturday: 09:00 – 12:00 and 14:00 – 24:00",
        "Monday to Friday: closed",
        "A booking lasts between 1 hour and 8 hours.",
        "Book at least 2 hours in advance.",
        "Can be booked at most 30 days ahead.",
    ):
        assert text in html, text
    assert "Edit" not in html and "Close this resource" not in html


def test_inactive_resource_is_not_found_for_members_but_shown_to_coordinators(
    login, catalogue, member
):
    url = f"/resources/{catalogue['old'].id}"
    assert login(member).get(url).status_code == 404
    referent = make_user(make_organisation(), role="org_admin")
    assert login(referent).get(url).status_code == 404
    response = login(make_coordinator(locale="en")).get(url)
    assert response.status_code == 200
    assert "Reactivate" in response.get_data(as_text=True)


def test_unknown_resource_is_not_found(login, member):
    assert login(member).get("/resources/9999").status_code == 404


@pytest.mark.parametrize("role", ["member", "org_admin"])
@pytest.mark.parametrize("url", ["/resources/new", "/resources/{id}/edit", "/resources/closures"])
def test_members_and_referents_cannot_open_management_pages(login, catalogue, role, url):
    browser = login(make_user(make_organisation(), role=role))
    assert browser.get(url.format(id=catalogue["big"].id)).status_code == 403


@pytest.mark.parametrize("role", ["member", "org_admin"])
def test_members_and_referents_cannot_deactivate_a_resource(login, catalogue, role):
    browser = login(make_user(make_organisation(), role=role))
    token = csrf_token(browser, "/account")
    response = browser.post(
        f"/resources/{catalogue['big'].id}/deactivate", data={"csrf_token": token}
    )
    assert response.status_code == 403
    db.session.refresh(catalogue["big"])
    assert catalogue["big"].active is True
