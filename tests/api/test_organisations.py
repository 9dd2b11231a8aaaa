"""Organisations in the API: who may list, read, create and edit them, and what bad input gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pooling.extensions import db
from pooling.organisations.models import Organisation
from tests.factories import make_coordinator, make_organisation, make_user

VALID_SIRET = "73282932000074"


def organisation_count() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


def caller(role: str):
    """A person of the given role (member, referent or coordinator)."""
    if role == "coordinator":
        return make_coordinator()
    return make_user(role="org_admin" if role == "referent" else "member")


@pytest.mark.parametrize("role", ["member", "referent", "coordinator"])
def test_every_signed_in_role_lists_the_organisations(app, api, role):
    make_organisation("Atelier Mécanique Durand", weight=Decimal("2"))
    response = api(caller(role)).get("/api/v1/organisations")
    assert response.status_code == 200
    body = response.get_json()
    assert body["next"] is None
    durand = next(o for o in body["items"] if o["name"] == "Atelier Mécanique Durand")
    expected = {
        "id": durand["id"],
        "slug": "atelier-mecanique-durand",
        "name": "Atelier Mécanique Durand",
        "kind": "association",
        "siret": None,
        "weight": "2.000",
        "active": True,
    }
    assert {key: durand.get(key) for key in expected} == expected


def test_anonymous_cannot_list_organisations(client):
    assert client.get("/api/v1/organisations").status_code == 401


def test_next_link_leads_to_the_rest_of_the_list(app, api):
    for n in range(5):
        make_organisation(f"Structure {n}")
    client = api(make_user())
    url, names, pages = "/api/v1/organisations?limit=2", [], 0
    while url:
        body = client.get(url).get_json()
        assert len(body["items"]) <= 2
        names += [o["name"] for o in body["items"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert len(names) == organisation_count() == len(set(names))


def test_a_page_holds_at_most_500_items(app, api):
    db.session.add_all(
        Organisation(name=f"Structure {n:03}", slug=f"structure-{n:03}") for n in range(505)
    )
    db.session.commit()
    client = api(make_coordinator())
    first = client.get("/api/v1/organisations?limit=1000").get_json()
    assert len(first["items"]) == 500
    assert first["next"]
    rest = client.get(first["next"]).get_json()
    assert len(rest["items"]) == 5
    assert rest["next"] is None
    ids = {o["id"] for o in first["items"]} | {o["id"] for o in rest["items"]}
    assert len(ids) == 505


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "page=0", "page=-1"])
def test_bad_paging_is_a_422(app, api, query):
    response = api(make_user()).get(f"/api/v1/organisations?{query}")
    assert response.status_code == 422
    assert response.get_json()["fields"]


def test_one_organisation_is_read_by_id(app, api):
    organisation = make_organisation("SCOP Bois & Compagnie")
    response = api(make_user()).get(f"/api/v1/organisations/{organisation.id}")
    assert response.status_code == 200
    assert response.get_json()["slug"] == "scop-bois-compagnie"


def test_unknown_organisation_is_a_404(app, api):
    response = api(make_user()).get("/api/v1/organisations/9999")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_coordinator_creates_an_organisation(app, api):
    response = api(make_coordinator()).post(
        "/api/v1/organisations",
        json={"name": "Les Jardins", "kind": "association", "weight": "0.5", "siret": VALID_SIRET},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["slug"] == "les-jardins"
    assert body["weight"] == "0.500"
    assert response.headers["Location"].endswith(f"/api/v1/organisations/{body['id']}")
    saved = db.session.get(Organisation, body["id"])
    assert saved.name == "Les Jardins" and saved.siret == VALID_SIRET


def test_created_organisation_is_readable_at_its_location(app, api):
    client = api(make_coordinator())
    location = client.post("/api/v1/organisations", json={"name": "Agir"}).headers["Location"]
    assert client.get(location).get_json()["name"] == "Agir"


@pytest.mark.parametrize("role", ["member", "referent"])
def test_member_and_referent_cannot_create_an_organisation(app, api, role):
    client = api(caller(role))
    before = organisation_count()
    response = client.post("/api/v1/organisations", json={"name": "Intruse"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    assert organisation_count() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"name": "Poids nul", "weight": 0}, "weight"),
        ({"name": "Poids négatif", "weight": "-1"}, "weight"),
        ({"name": "Poids vrai", "weight": True}, "weight"),
        ({"name": "Mauvais SIRET", "siret": "73282932000075"}, "siret"),
        ({"name": "SIRET court", "siret": "123"}, "siret"),
        ({"name": "Genre inconnu", "kind": "club"}, "kind"),
        ({"name": "Genre liste", "kind": ["association"]}, "kind"),
        ({"name": "Mauvais slug", "slug": "Pas Un Slug!"}, "slug"),
        ({"name": "Actif texte", "active": "false"}, "active"),
        ({"name": "Nul\u0000"}, "name"),
    ],
)
def test_invalid_organisation_is_a_422_naming_the_field_and_writes_nothing(app, api, body, field):
    client = api(make_coordinator())
    before = organisation_count()
    response = client.post("/api/v1/organisations", json=body)
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["error"] == "validation_error"
    assert field in payload["fields"]
    assert organisation_count() == before


def test_taken_slug_is_a_422(app, api):
    make_organisation("Les Jardins", slug="jardins")
    response = api(make_coordinator()).post(
        "/api/v1/organisations", json={"name": "Autres Jardins", "slug": "jardins"}
    )
    assert response.status_code == 422
    assert "slug" in response.get_json()["fields"]


def test_coordinator_edits_and_deactivates_an_organisation(app, api):
    organisation = make_organisation("Centre Agir")
    response = api(make_coordinator()).patch(
        f"/api/v1/organisations/{organisation.id}", json={"weight": 1.5, "active": False}
    )
    assert response.status_code == 200
    assert response.get_json()["weight"] == "1.500"
    assert response.get_json()["active"] is False
    db.session.refresh(organisation)
    assert organisation.active is False and organisation.name == "Centre Agir"


@pytest.mark.parametrize("role", ["member", "referent"])
def test_member_and_referent_cannot_edit_an_organisation(app, api, role):
    person = caller(role)
    organisation = person.organisation
    response = api(person).patch(f"/api/v1/organisations/{organisation.id}", json={"name": "X"})
    assert response.status_code == 403
    db.session.refresh(organisation)
    assert organisation.name != "X"


def test_editing_an_unknown_organisation_is_a_404(app, api):
    response = api(make_coordinator()).patch("/api/v1/organisations/9999", json={"name": "X"})
    assert response.status_code == 404


def test_invalid_edit_changes_nothing(app, api):
    organisation = make_organisation("Halle du Val", weight=Decimal("3"))
    response = api(make_coordinator()).patch(
        f"/api/v1/organisations/{organisation.id}", json={"name": "Nouveau nom", "weight": 0}
    )
    assert response.status_code == 422
    db.session.refresh(organisation)
    assert organisation.name == "Halle du Val"
    assert organisation.weight == Decimal("3")


def test_anonymous_cannot_create(client):
    assert client.post("/api/v1/organisations", json={"name": "X"}).status_code == 401


def test_weight_that_rounds_to_zero_is_a_422(app, api):
    response = api(make_coordinator()).post(
        "/api/v1/organisations", json={"name": "Minuscule", "weight": 0.00004}
    )
    assert response.status_code == 422
    assert "weight" in response.get_json()["fields"]
    assert organisation_count() == 0
