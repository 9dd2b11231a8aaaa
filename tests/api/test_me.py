"""GET /api/v1/me: who the caller is, their main organisation, highest role and memberships."""

from __future__ import annotations

from tests.factories import add_membership, make_coordinator, make_organisation, make_user


def test_member_sees_their_main_organisation_and_every_membership(app, api):
    main = make_organisation("Ressourcerie La Trouvaille")
    second = make_organisation("SCIC Énergies Citoyennes")
    person = make_user(main, name="Yanis Mi-temps", email="yanis@example.org")
    add_membership(person, second, "org_admin")
    response = api(person).get("/api/v1/me")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == person.id
    assert body["email"] == "yanis@example.org"
    assert body["name"] == "Yanis Mi-temps"
    assert body["role"] == "org_admin"
    assert body["organisation"] == {"id": main.id, "slug": main.slug, "name": main.name}
    assert body["organisations"] == [
        {"id": main.id, "slug": main.slug, "name": main.name, "role": "member"},
        {"id": second.id, "slug": second.slug, "name": second.name, "role": "org_admin"},
    ]


def test_referent_is_shown_as_org_admin(app, api):
    referent = make_user(role="org_admin")
    assert api(referent).get("/api/v1/me").get_json()["role"] == "org_admin"


def test_plain_member_is_shown_as_member(app, api):
    assert api(make_user()).get("/api/v1/me").get_json()["role"] == "member"


def test_coordinator_without_organisation_has_none(app, api):
    body = api(make_coordinator()).get("/api/v1/me").get_json()
    assert body["role"] == "coordinator"
    assert body["organisation"] is None
    assert body["organisations"] == []


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/me").status_code == 401
