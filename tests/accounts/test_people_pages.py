"""The people page of an organisation: who may see it, and what its referents can do there."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pooling.accounts.models import Invitation, Membership, User
from pooling.audit.models import AuditEvent
from pooling.extensions import db
from tests.conftest import csrf_token
from tests.factories import add_membership, make_user

pytestmark = pytest.mark.pole("ateliers")

LINK_RE = re.compile(r"(http://localhost/invitation/[A-Za-z0-9_\-]+)")


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Membership.id))),
        db.session.scalar(select(func.count(Invitation.id))),
    )


def membership_of(user, organisation) -> Membership:
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def post(client, url: str, data: dict | None = None):
    """POST a button of the people page, its confirmation accepted."""
    token = csrf_token(client, "/account")
    return client.post(url, data={"csrf_token": token, "confirmed": "1", **(data or {})})


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 403), ("referent", 200), ("other_referent", 403), ("coordinator", 200)],
)
def test_people_page_is_for_referents_of_this_organisation_and_coordinators(
    login, pole, who, status
):
    response = login(pole[who]).get("/organisations/ateliers/people")
    assert response.status_code == status


def test_people_page_sends_anonymous_visitors_to_sign_in(client, pole):
    response = client.get("/organisations/ateliers/people")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_organisation_is_404(login, pole):
    assert login(pole["referent"]).get("/organisations/nowhere/people").status_code == 404
    assert login(pole["coordinator"]).get("/organisations/nowhere/people").status_code == 404


def test_people_page_lists_people_with_role_and_state(login, pole):
    page = login(pole["referent"]).get("/organisations/ateliers/people").get_data(as_text=True)
    assert "Rita Référente" in page
    assert "Marc Membre" in page
    assert pole["member"].email in page
    assert "Odile Autre" not in page
    assert "<td>référent·e</td>" in page and "<td>membre</td>" in page


def test_referent_sees_my_organisation_in_the_menu(login, pole):
    page = login(pole["referent"]).get("/").get_data(as_text=True)
    assert 'href="/organisations/ateliers/people"' in page
    assert "Ma structure" in page
    assert "Ma structure" not in login(pole["member"]).get("/").get_data(as_text=True)


def test_referent_adds_a_person_and_gets_a_working_one_time_link(login, pole, app):
    client = login(pole["referent"])
    response = post(
        client,
        "/organisations/ateliers/people",
        {"add-name": "Nina Nouvelle", "add-email": "Nina@Example.org", "add-role": "member"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = LINK_RE.search(page).group(1)
    assert "Nina Nouvelle" in page
    person = db.session.scalar(select(User).where(User.email == "nina@example.org"))
    assert person.password_hash is None
    assert membership_of(person, pole["ateliers"]).role == "member"
    assert client.get("/organisations/ateliers/people").get_data(as_text=True).count(link) == 0
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"add-name": "Nina", "add-email": "not-an-email"}, "add-email", "adresse e-mail valide"),
        ({"add-name": "", "add-email": "nina@example.org"}, "add-name", "Le nom est obligatoire."),
        (
            {"add-name": "   ", "add-email": "nina@example.org"},
            "add-name",
            "Le nom est obligatoire.",
        ),
        (
            {"add-name": "Nina", "add-email": "nina@example.org", "add-role": "coordinator"},
            "add-role",
            "",
        ),
    ],
)
def test_bad_new_person_is_refused_next_to_the_field(login, pole, data, field, message):
    before = counts()
    response = post(
        login(pole["referent"]), "/organisations/ateliers/people", {"add-role": "member", **data}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert counts() == before


def test_coordinator_adding_an_existing_email_is_told_to_attach_them(login, pole):
    before = counts()
    response = post(
        login(pole["coordinator"]),
        "/organisations/ateliers/people",
        {
            "add-name": "Odile",
            "add-email": pole["other_referent"].email.upper(),
            "add-role": "member",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="add-email-error"' in page
    assert "existe déjà" in page
    assert counts() == before


def test_referent_cannot_add_people_to_another_organisation(login, pole):
    before = counts()
    response = post(
        login(pole["other_referent"]),
        "/organisations/ateliers/people",
        {"add-name": "Intrus", "add-email": "intrus@example.org", "add-role": "org_admin"},
    )
    assert response.status_code == 403
    assert counts() == before


def test_referent_makes_a_member_referent_and_back(login, pole):
    client = login(pole["referent"])
    membership = membership_of(pole["member"], pole["ateliers"])
    url = f"/organisations/ateliers/people/{membership.id}/role"
    assert post(client, url, {"role": "org_admin"}).status_code == 302
    assert membership_of(pole["member"], pole["ateliers"]).role == "org_admin"
    assert post(client, url, {"role": "member"}).status_code == 302
    assert membership_of(pole["member"], pole["ateliers"]).role == "member"


def test_nobody_is_made_coordinator_from_the_people_page(login, pole):
    membership = membership_of(pole["member"], pole["ateliers"])
    url = f"/organisations/ateliers/people/{membership.id}/role"
    response = post(login(pole["referent"]), url, {"role": "coordinator"})
    assert response.status_code == 422
    db.session.expire_all()
    assert not db.session.get(User, pole["member"].id).is_coordinator
    assert membership_of(pole["member"], pole["ateliers"]).role == "member"


def test_referent_of_another_organisation_cannot_change_roles(login, pole):
    membership = membership_of(pole["member"], pole["ateliers"])
    for slug in ("ateliers", "fabrique"):
        url = f"/organisations/{slug}/people/{membership.id}/role"
        response = post(login(pole["other_referent"]), url, {"role": "org_admin"})
        assert response.status_code in (403, 404)
    assert membership_of(pole["member"], pole["ateliers"]).role == "member"


def test_referent_removes_a_part_time_worker_from_their_organisation(login, pole):
    worker = make_user(pole["fabrique"], name="Paul Partagé")
    add_membership(worker, pole["ateliers"])
    membership = membership_of(worker, pole["ateliers"])
    url = f"/organisations/ateliers/people/{membership.id}/remove"
    assert post(login(pole["referent"]), url).status_code == 302
    assert membership_of(worker, pole["ateliers"]) is None
    assert membership_of(worker, pole["fabrique"]) is not None


def test_only_organisation_of_a_person_is_not_removed_deactivate_instead(login, pole):
    membership = membership_of(pole["member"], pole["ateliers"])
    url = f"/organisations/ateliers/people/{membership.id}/remove"
    response = post(login(pole["referent"]), url)
    assert response.status_code == 422
    assert "deactivate" in response.get_data(as_text=True)
    assert membership_of(pole["member"], pole["ateliers"]) is not None


def test_referent_deactivates_and_reactivates_a_member(login, pole, app):
    from tests.accounts.conftest import post_login

    referent = login(pole["referent"])
    membership = membership_of(pole["member"], pole["ateliers"])
    base = f"/organisations/ateliers/people/{membership.id}"
    member_client = login(pole["member"])
    assert member_client.get("/").status_code == 200
    assert post(referent, f"{base}/deactivate").status_code == 302
    assert member_client.get("/").status_code == 302
    assert post_login(app.test_client(), pole["member"].email).status_code == 401
    assert post(referent, f"{base}/reactivate").status_code == 302
    assert post_login(app.test_client(), pole["member"].email).status_code == 302


def test_referent_cannot_deactivate_someone_who_also_works_elsewhere(login, pole):
    worker = make_user(pole["fabrique"])
    add_membership(worker, pole["ateliers"])
    membership = membership_of(worker, pole["ateliers"])
    response = post(
        login(pole["referent"]), f"/organisations/ateliers/people/{membership.id}/deactivate"
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, worker.id).active


def test_referent_cannot_take_over_a_coordinator_of_their_organisation(login, pole):
    coordinator = pole["coordinator"]
    add_membership(coordinator, pole["ateliers"])
    membership = membership_of(coordinator, pole["ateliers"])
    client = login(pole["referent"])
    before = counts()
    assert post(client, f"/organisations/ateliers/people/{membership.id}/invite").status_code == 403
    assert (
        post(client, f"/organisations/ateliers/people/{membership.id}/deactivate").status_code
        == 403
    )
    assert counts() == before
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).active


def test_new_invitation_link_replaces_the_previous_one(login, pole, app):
    client = login(pole["referent"])
    newcomer = make_user(pole["ateliers"], name="Nina Nouvelle", password=None)
    membership = membership_of(newcomer, pole["ateliers"])
    url = f"/organisations/ateliers/people/{membership.id}/invite"
    first = LINK_RE.search(client.get(post(client, url).headers["Location"]).get_data(as_text=True))
    second = LINK_RE.search(
        client.get(post(client, url).headers["Location"]).get_data(as_text=True)
    )
    anonymous = app.test_client()
    assert anonymous.get(first.group(1).removeprefix("http://localhost")).status_code == 404
    assert anonymous.get(second.group(1).removeprefix("http://localhost")).status_code == 200
    page = client.get("/organisations/ateliers/people").get_data(as_text=True)
    assert "envoyée, valable jusqu" in page


def test_membership_of_another_organisation_is_not_found_through_this_page(login, pole):
    other = membership_of(pole["other_referent"], pole["fabrique"])
    response = post(login(pole["coordinator"]), f"/organisations/ateliers/people/{other.id}/remove")
    assert response.status_code == 404
    assert membership_of(pole["other_referent"], pole["fabrique"]) is not None


def test_coordinator_attaches_an_existing_person_as_second_membership(login, pole):
    worker = make_user(pole["fabrique"], name="Paul Partagé")
    client = login(pole["coordinator"])
    assert 'id="attach-email"' in client.get("/organisations/ateliers/people").get_data(
        as_text=True
    )
    response = post(
        client,
        "/organisations/ateliers/people/attach",
        {"attach-email": worker.email.upper(), "attach-role": "member"},
    )
    assert response.status_code == 302
    assert membership_of(worker, pole["ateliers"]).role == "member"
    assert membership_of(worker, pole["fabrique"]).is_main


def test_attaching_twice_or_an_unknown_email_is_refused(login, pole):
    client = login(pole["coordinator"])
    before = counts()
    for email, message in [
        (pole["member"].email, "Déjà membre de cette structure."),
        ("ghost@example.org", "ajoutez plutôt une nouvelle personne"),
    ]:
        response = post(
            client,
            "/organisations/ateliers/people/attach",
            {"attach-email": email, "attach-role": "member"},
        )
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert 'id="attach-email-error"' in page
        assert message in page
    assert counts() == before


def test_referent_cannot_attach_people_of_other_organisations(login, pole):
    client = login(pole["referent"])
    assert 'id="attach-email"' not in client.get("/organisations/ateliers/people").get_data(
        as_text=True
    )
    before = counts()
    response = post(
        client,
        "/organisations/ateliers/people/attach",
        {"attach-email": pole["other_referent"].email, "attach-role": "member"},
    )
    assert response.status_code == 403
    assert counts() == before


def test_coordinator_adding_an_existing_email_is_pointed_to_attach(login, pole):
    before = counts()
    response = post(
        login(pole["coordinator"]),
        "/organisations/ateliers/people",
        {"add-name": "Odile", "add-email": pole["other_referent"].email, "add-role": "member"},
    )
    assert response.status_code == 422
    assert "rattachez-la plutôt à cette structure" in response.get_data(as_text=True)
    assert counts() == before


def test_people_actions_are_audited(login, pole):
    client = login(pole["referent"])
    membership = membership_of(pole["member"], pole["ateliers"])
    post(client, f"/organisations/ateliers/people/{membership.id}/role", {"role": "org_admin"})
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == pole["referent"].id)
    ).all()
    assert "membership.role" in actions


def test_making_a_referent_member_asks_first_and_changes_nothing_until_confirmed(login, pole):
    second = membership_of(pole["member"], pole["ateliers"])
    client = login(pole["referent"])
    url = f"/organisations/ateliers/people/{second.id}/role"
    assert post(client, url, {"role": "org_admin"}).status_code == 302
    token = csrf_token(client, "/account")
    asked = client.post(url, data={"csrf_token": token, "role": "member"})
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert f"Nommer {pole['member'].name} membre au lieu de référent·e" in text
    assert 'name="role" value="member"' in text and 'name="confirmed" value="1"' in text
    assert membership_of(pole["member"], pole["ateliers"]).role == "org_admin"
    asked = client.post(
        f"/organisations/ateliers/people/{second.id}/deactivate", data={"csrf_token": token}
    )
    assert asked.status_code == 200
    assert "ne pourra plus se connecter" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, pole["member"].id).active


def test_someone_who_may_not_deactivate_is_refused_without_being_asked(login, pole):
    worker = make_user(pole["fabrique"])
    add_membership(worker, pole["ateliers"])
    membership = membership_of(worker, pole["ateliers"])
    client = login(pole["referent"])
    response = client.post(
        f"/organisations/ateliers/people/{membership.id}/deactivate",
        data={"csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, worker.id).active
