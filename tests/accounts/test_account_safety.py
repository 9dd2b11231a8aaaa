"""Nobody takes over somebody else's account, and nobody locks an organisation or the pole out."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pooling.accounts import services
from pooling.accounts.models import Invitation, Membership, User
from pooling.audit.models import AuditEvent
from pooling.core.errors import RuleViolation
from pooling.extensions import db
from tests.accounts.conftest import post_login
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_organisation, make_user

pytestmark = pytest.mark.pole("ateliers", fabrique=False)

LINK_RE = re.compile(r"http://localhost(/invitation/[A-Za-z0-9_\-]+)")


def post(client, url: str, data: dict | None = None):
    """POST a button, its confirmation accepted."""
    token = csrf_token(client, "/account")
    return client.post(url, data={"csrf_token": token, "confirmed": "1", **(data or {})})


def membership_of(user, organisation) -> Membership:
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def invitations_of(user) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Invitation.id)).where(Invitation.user_id == user.id))


def test_referent_cannot_get_a_link_for_a_member_who_has_a_password(login, pole):
    referent = login(pole["referent"])
    membership = membership_of(pole["member"], pole["ateliers"])
    response = post(referent, f"/organisations/ateliers/people/{membership.id}/invite")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "a déjà un mot de passe" in page
    assert not LINK_RE.search(page)
    assert invitations_of(pole["member"]) == 0
    people = referent.get("/organisations/ateliers/people").get_data(as_text=True)
    assert f"/people/{membership.id}/invite" not in people


def test_member_keeps_their_password_after_a_referent_tried(login, pole, app):
    membership = membership_of(pole["member"], pole["ateliers"])
    post(login(pole["referent"]), f"/organisations/ateliers/people/{membership.id}/invite")
    assert post_login(app.test_client(), pole["member"].email).status_code == 302


def test_referent_still_invites_a_person_who_has_no_password_yet(login, pole, app):
    newcomer = make_user(pole["ateliers"], name="Nina Nouvelle", password=None)
    membership = membership_of(newcomer, pole["ateliers"])
    referent = login(pole["referent"])
    response = post(referent, f"/organisations/ateliers/people/{membership.id}/invite")
    assert response.status_code == 302
    link = LINK_RE.search(referent.get(response.headers["Location"]).get_data(as_text=True))
    assert app.test_client().get(link.group(1)).status_code == 200


def test_coordinator_gives_a_reset_link_the_owner_is_told_and_it_is_audited(login, pole, app):
    membership = membership_of(pole["member"], pole["ateliers"])
    coordinator = login(pole["coordinator"])
    people = coordinator.get("/organisations/ateliers/people").get_data(as_text=True)
    assert "Lien de réinitialisation du mot de passe" in people
    response = post(coordinator, f"/organisations/ateliers/people/{membership.id}/invite")
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    link = LINK_RE.search(page).group(1)
    assert "réinitialiser le mot de passe de cette personne (Marc Membre)" in page
    # Until the link is used, the current password still works.
    assert post_login(app.test_client(), pole["member"].email).status_code == 302
    inbox = login(pole["member"]).get("/inbox/").get_data(as_text=True)
    assert "Claire Coordination" in inbox and "réinitialiser votre mot de passe" in inbox
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == pole["member"].id)
    ).all()
    assert "user.password_reset_link" in actions
    assert app.test_client().get(link).status_code == 200


def test_reset_link_lasts_one_day_at_most(login, pole):
    membership = membership_of(pole["member"], pole["ateliers"])
    post(login(pole["coordinator"]), f"/organisations/ateliers/people/{membership.id}/invite")
    db.session.expire_all()
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.user_id == pole["member"].id)
    )
    lifetime = invitation.expires_at - invitation.created_at
    assert lifetime.total_seconds() <= 24 * 3600 + 5


def test_only_referent_cannot_make_themselves_member(login, pole):
    membership = membership_of(pole["referent"], pole["ateliers"])
    response = post(
        login(pole["referent"]),
        f"/organisations/ateliers/people/{membership.id}/role",
        {"role": "member"},
    )
    assert response.status_code == 422
    assert "seul·e référent·e" in response.get_data(as_text=True)
    assert membership_of(pole["referent"], pole["ateliers"]).role == "org_admin"


def test_referent_steps_down_once_someone_else_is_referent(login, pole):
    second = membership_of(pole["member"], pole["ateliers"])
    referent = login(pole["referent"])
    url = "/organisations/ateliers/people/{}/role"
    assert post(referent, url.format(second.id), {"role": "org_admin"}).status_code == 302
    own = membership_of(pole["referent"], pole["ateliers"])
    assert post(referent, url.format(own.id), {"role": "member"}).status_code == 302
    assert membership_of(pole["referent"], pole["ateliers"]).role == "member"


def test_deactivated_referent_does_not_count_as_another_referent(login, pole):
    other = make_user(pole["ateliers"], role="org_admin", name="Olga Ancienne")
    other.active = False
    db.session.commit()
    membership = membership_of(pole["referent"], pole["ateliers"])
    response = post(
        login(pole["referent"]),
        f"/organisations/ateliers/people/{membership.id}/role",
        {"role": "member"},
    )
    assert response.status_code == 422
    assert membership_of(pole["referent"], pole["ateliers"]).role == "org_admin"


def test_coordinator_does_not_demote_the_only_referent_either(login, pole):
    membership = membership_of(pole["referent"], pole["ateliers"])
    response = post(
        login(pole["coordinator"]),
        f"/organisations/ateliers/people/{membership.id}/role",
        {"role": "member"},
    )
    assert response.status_code == 422
    assert "seul·e référent·e" in response.get_data(as_text=True)
    assert membership_of(pole["referent"], pole["ateliers"]).role == "org_admin"


def test_coordinator_demotes_a_referent_once_another_is_named(login, pole):
    coordinator = login(pole["coordinator"])
    url = "/organisations/ateliers/people/{}/role"
    second = membership_of(pole["member"], pole["ateliers"])
    assert post(coordinator, url.format(second.id), {"role": "org_admin"}).status_code == 302
    first = membership_of(pole["referent"], pole["ateliers"])
    assert post(coordinator, url.format(first.id), {"role": "member"}).status_code == 302
    assert membership_of(pole["referent"], pole["ateliers"]).role == "member"


def test_coordinator_may_still_deactivate_the_only_referent(login, pole):
    membership = membership_of(pole["referent"], pole["ateliers"])
    response = post(
        login(pole["coordinator"]), f"/organisations/ateliers/people/{membership.id}/deactivate"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, pole["referent"].id).active


def test_pole_keeps_its_last_active_coordinator(app, pole):
    # Two coordinators deactivating each other at once: the second finds itself the actor of
    # a pole whose only other coordinator is gone, and is refused.
    second = make_coordinator(name="Sam Second")
    first = db.session.get(User, pole["coordinator"].id)
    first.active = False
    db.session.commit()
    with pytest.raises(RuleViolation) as refused:
        services.set_active(first, second, False)
    assert refused.value.code == "last_coordinator"
    assert "dernier" in refused.value.message or "last" in refused.value.message
    db.session.rollback()
    assert db.session.get(User, second.id).active


def test_coordinator_deactivates_another_coordinator(login, pole):
    second = make_coordinator(name="Sam Second")
    services.set_active(db.session.get(User, pole["coordinator"].id), second, False)
    db.session.commit()
    assert not db.session.get(User, second.id).active


# Adding a person by e-mail says nothing about accounts outside the organisation.


def add(client, name: str, email: str, role: str = "member"):
    return post(
        client,
        "/organisations/ateliers/people",
        {"add-name": name, "add-email": email, "add-role": role},
    )


def shown(client, response) -> str:
    """The page the referent lands on after adding, with the link itself blanked."""
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return LINK_RE.sub("LINK", page)


@pytest.fixture
def elsewhere(pole):
    fabrique = make_organisation("La Fabrique", slug="fabrique")
    return make_user(fabrique, name="Fanny Fabrique", email="fanny@example.org")


def test_adding_an_address_answers_alike_whether_it_has_an_account_elsewhere(
    login, pole, elsewhere
):
    referent = login(pole["referent"])
    new = shown(referent, add(referent, "Personne Un", "nouvelle@example.org"))
    new = new.replace("Personne Un", "NAME").replace("nouvelle@example.org", "EMAIL")
    db.session.rollback()
    # The same page, given the same kind of name and address, for an existing account.
    fresh = login(pole["referent"])
    old = shown(fresh, add(fresh, "Personne Un", "FANNY@example.org"))
    old = old.replace("Personne Un", "NAME").replace("fanny@example.org", "EMAIL")
    # The first page also lists the first invitation: compare what the second adds.
    assert "NAME est invité·e" in new and "NAME est invité·e" in old
    assert "Fanny Fabrique" not in old
    assert old.count("EMAIL") == new.count("EMAIL")


def test_existing_account_is_not_made_a_member_without_its_consent(login, pole, elsewhere):
    referent = login(pole["referent"])
    add(referent, "Fanny", "fanny@example.org", "org_admin")
    assert membership_of(elsewhere, pole["ateliers"]) is None
    people = referent.get("/organisations/ateliers/people").get_data(as_text=True)
    assert "Invité·es, pas encore arrivé·es" in people
    assert "Fanny Fabrique" not in people


def test_owner_accepts_the_proposal_signed_in_and_joins(login, pole, elsewhere, app):
    referent = login(pole["referent"])
    response = add(referent, "Fanny", "fanny@example.org", "org_admin")
    link = LINK_RE.search(referent.get(response.headers["Location"]).get_data(as_text=True))
    url = link.group(1)
    anonymous = app.test_client()
    page = anonymous.get(url).get_data(as_text=True)
    assert "Se connecter pour accepter" in page
    assert "fanny@example.org" not in page and "Fanny Fabrique" not in page
    # The referent who holds the link cannot use it.
    refused = post(referent, url)
    assert refused.status_code == 403
    assert membership_of(elsewhere, pole["ateliers"]) is None
    owner = login(elsewhere)
    inbox = owner.get("/inbox/").get_data(as_text=True)
    assert "Les Ateliers vous invite" in inbox
    assert post(owner, url).status_code == 302
    joined = membership_of(elsewhere, pole["ateliers"])
    assert joined.role == "org_admin" and not joined.is_main
    accepted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.accept"))
    assert accepted.actor_id == elsewhere.id
    assert app.test_client().get(url).status_code == 404


def test_proposal_link_never_sets_a_password(login, pole, elsewhere, app):
    referent = login(pole["referent"])
    response = add(referent, "Fanny", "fanny@example.org")
    url = LINK_RE.search(referent.get(response.headers["Location"]).get_data(as_text=True))
    anonymous = app.test_client()
    token = csrf_token(anonymous, "/login")
    answer = anonymous.post(
        url.group(1),
        data={"csrf_token": token, "password": "une phrase assez longue", "confirm": "x"},
    )
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert post_login(app.test_client(), "fanny@example.org").status_code == 302


def test_adding_someone_not_joined_yet_again_gives_a_fresh_link(login, pole, app):
    referent = login(pole["referent"])
    first = referent.get(add(referent, "Nina", "nina@example.org").headers["Location"])
    second = referent.get(add(referent, "Nina", "nina@example.org").headers["Location"])
    first_link = LINK_RE.search(first.get_data(as_text=True)).group(1)
    second_link = LINK_RE.search(second.get_data(as_text=True)).group(1)
    assert app.test_client().get(first_link).status_code == 404
    assert app.test_client().get(second_link).status_code == 200


def test_adding_a_person_who_already_belongs_here_is_refused(login, pole):
    response = add(login(pole["referent"]), "Marc", pole["member"].email)
    assert response.status_code == 422
    assert "appartient déjà" in response.get_data(as_text=True)


def test_command_line_gives_no_link_for_an_account_with_a_password(app, pole):
    result = app.test_cli_runner().invoke(args=["users", "invite", "--email", pole["member"].email])
    assert result.exit_code != 0
    assert "http" not in result.output
    assert "mot de passe" in result.output or "password" in result.output
    assert invitations_of(pole["member"]) == 0
