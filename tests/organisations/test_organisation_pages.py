"""The member organisation pages: coordinators only, service errors next to the fields."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pooling.extensions import db
from pooling.organisations.models import Organisation
from tests.conftest import csrf_token
from tests.factories import add_membership, make_coordinator, make_organisation, make_user


def organisation_count() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


def form_data(token: str, **values) -> dict:
    data = {
        "csrf_token": token,
        "name": "La Ressourcerie",
        "slug": "",
        "kind": "association",
        "siret": "",
        "weight": "1",
        "active": "y",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def coordinator_client(login):
    return login(make_coordinator(locale="en"))


def error_of(html: str, field: str) -> str:
    """The text of the error paragraph shown under a field."""
    marker = f'id="{field}-error">'
    assert marker in html, f"no error shown next to {field}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/organisations/"),
        ("get", "/organisations/new"),
        ("get", "/organisations/{id}/edit"),
        ("post", "/organisations/{id}/deactivate"),
        ("post", "/organisations/{id}/reactivate"),
    ],
)
def test_anonymous_visitor_is_sent_to_sign_in(client, method, url):
    organisation = make_organisation()
    data = {"csrf_token": csrf_token(client, "/login")} if method == "post" else None
    response = getattr(client, method)(url.format(id=organisation.id), data=data)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["member", "org_admin"])
@pytest.mark.parametrize(
    "url", ["/organisations/", "/organisations/new", "/organisations/{id}/edit"]
)
def test_members_and_referents_cannot_open_organisation_pages(login, role, url):
    organisation = make_organisation()
    browser = login(make_user(organisation, role=role))
    assert browser.get(url.format(id=organisation.id)).status_code == 403


@pytest.mark.parametrize("role", ["member", "org_admin"])
def test_referent_cannot_create_or_deactivate_organisations(login, role):
    organisation = make_organisation()
    browser = login(make_user(organisation, role=role))
    token = csrf_token(browser, "/account")
    before = organisation_count()
    assert browser.post("/organisations/new", data=form_data(token)).status_code == 403
    response = browser.post(
        f"/organisations/{organisation.id}/deactivate", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert organisation_count() == before
    db.session.refresh(organisation)
    assert organisation.active is True


def test_coordinator_sees_every_organisation_with_its_details(coordinator_client):
    shop = make_organisation("Atelier Vélo", kind="business", siret="44306184100047", weight="0.5")
    make_user(shop)
    add_membership(make_user(make_organisation("Autre")), shop)
    sleeping = make_organisation("Ancienne SCOP", kind="cooperative")
    sleeping.active = False
    db.session.commit()
    html = coordinator_client.get("/organisations/").get_data(as_text=True)
    assert "Atelier Vélo" in html and "Ancienne SCOP" in html
    assert "Business (TPE, PME, craftsperson)" in html
    assert "44306184100047" in html
    row = html.split("Atelier Vélo", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">0.5</td>' in row
    assert '<td class="num">2</td>' in row or ">2</a></td>" in row
    inactive_row = html.split("Ancienne SCOP", 1)[1].split("</tr>", 1)[0]
    assert "inactive" in inactive_row


def test_coordinator_creates_an_organisation(coordinator_client):
    token = csrf_token(coordinator_client, "/organisations/new")
    response = coordinator_client.post(
        "/organisations/new",
        data=form_data(
            token,
            name="Les Jardins d'Été",
            kind="local_authority",
            siret="443 061 841 00047",
            weight="2.5",
        ),
    )
    assert response.status_code == 302
    created = db.session.scalar(
        select(Organisation).where(Organisation.name == "Les Jardins d'Été")
    )
    assert created.slug == "les-jardins-d-ete"
    assert created.kind == "local_authority"
    assert created.siret == "44306184100047"
    assert created.weight == Decimal("2.5")


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"name": ""}, "name", "A name is required."),
        ({"siret": "12345678901234"}, "siret", "This SIRET is not valid"),
        ({"weight": "0"}, "weight", "The weight must be a number greater than 0"),
        ({"slug": "taken"}, "slug", "already used by another organisation"),
        ({"slug": "Not A Slug"}, "slug", "lower-case letters"),
    ],
)
def test_bad_organisation_is_refused_next_to_the_field(coordinator_client, values, field, message):
    make_organisation("Déjà là", slug="taken")
    before = organisation_count()
    token = csrf_token(coordinator_client, "/organisations/new")
    response = coordinator_client.post("/organisations/new", data=form_data(token, **values))
    assert response.status_code == 422
    assert message in error_of(response.get_data(as_text=True), field)
    assert organisation_count() == before


def test_coordinator_edits_an_organisation(coordinator_client):
    organisation = make_organisation("Vieux nom", slug="vieux-nom", weight="100")
    url = f"/organisations/{organisation.id}/edit"
    page = coordinator_client.get(url).get_data(as_text=True)
    assert 'value="vieux-nom"' in page
    assert 'name="weight" step="any" type="number" value="100"' in page
    response = coordinator_client.post(
        url,
        data=form_data(
            csrf_token(coordinator_client, url),
            name="Nouveau nom",
            slug="nouveau-nom",
            kind="research",
            siret="73282932000074",
            weight="3",
        ),
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert (organisation.name, organisation.slug, organisation.kind) == (
        "Nouveau nom",
        "nouveau-nom",
        "research",
    )
    assert organisation.siret == "73282932000074"
    assert organisation.weight == Decimal("3")


def test_bad_edit_changes_nothing(coordinator_client):
    organisation = make_organisation("Stable", slug="stable", weight="1.5")
    make_organisation("Autre", slug="autre")
    url = f"/organisations/{organisation.id}/edit"
    response = coordinator_client.post(
        url,
        data=form_data(
            csrf_token(coordinator_client, url), name="Changé", slug="autre", weight="0"
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "already used" in error_of(html, "slug")
    assert "greater than 0" in error_of(html, "weight")
    db.session.expire_all()
    organisation = db.session.get(Organisation, organisation.id)
    assert (organisation.name, organisation.slug, organisation.weight) == (
        "Stable",
        "stable",
        Decimal("1.5"),
    )


def test_editing_an_unknown_organisation_is_not_found(coordinator_client):
    assert coordinator_client.get("/organisations/999/edit").status_code == 404


def test_coordinator_deactivates_and_reactivates_an_organisation(coordinator_client):
    organisation = make_organisation()
    token = csrf_token(coordinator_client, "/organisations/")
    response = coordinator_client.post(
        f"/organisations/{organisation.id}/deactivate", data={"csrf_token": token}
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.active is False
    coordinator_client.post(
        f"/organisations/{organisation.id}/reactivate", data={"csrf_token": token}
    )
    db.session.refresh(organisation)
    assert organisation.active is True


def test_deactivation_without_csrf_token_changes_nothing(coordinator_client):
    organisation = make_organisation()
    coordinator_client.post(f"/organisations/{organisation.id}/deactivate", data={})
    db.session.refresh(organisation)
    assert organisation.active is True
