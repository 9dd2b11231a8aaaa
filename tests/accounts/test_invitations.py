"""Invitation links: a one-time link with which a new person chooses a password."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pooling.accounts import organisation_people, services
from pooling.accounts.models import Invitation, User
from pooling.accounts.passwords import verify_password
from pooling.core.db import utcnow
from pooling.extensions import db
from tests.accounts.conftest import post_login
from tests.conftest import csrf_token
from tests.factories import make_organisation, make_user

PASSWORD = "a quiet morning at the shared workshop"
GONE = "est plus valable. Demandez-en un nouveau."


def invited_person(referent=None):
    """A new person added to an organisation by its referent; returns (person, secret)."""
    if referent is None:
        referent = make_user(make_organisation(slug="ateliers"), role="org_admin")
    _name, secret = organisation_people.add_person_to_organisation(
        referent, "ateliers", services.PersonInput(email="nina@example.org", name="Nina")
    )
    db.session.commit()
    return services.find_user_by_email("nina@example.org"), secret


def choose_password(client, secret, password=PASSWORD, confirm=None):
    url = f"/invitation/{secret}"
    return client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def test_invitation_end_to_end_signs_the_person_in(client, app):
    person, secret = invited_person()
    page = client.get(f"/invitation/{secret}")
    assert page.status_code == 200
    assert "nina@example.org" in page.get_data(as_text=True)
    assert 'name="referrer" content="no-referrer"' in page.get_data(as_text=True)
    response = choose_password(client, secret)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Nina" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.get(User, person.id).password_hash, PASSWORD)
    assert post_login(app.test_client(), "nina@example.org", PASSWORD).status_code == 302


def test_used_link_is_a_clear_404(client, app):
    _person, secret = invited_person()
    choose_password(client, secret)
    other = app.test_client()
    response = other.get(f"/invitation/{secret}")
    assert response.status_code == 404
    assert GONE in response.get_data(as_text=True)
    assert other.post(f"/invitation/{secret}", data={"password": "x" * 20}).status_code in (
        400,
        404,
    )


def test_expired_link_is_a_clear_404(client, app):
    person, secret = invited_person()
    invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == person.id))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/invitation/{secret}")
    assert response.status_code == 404
    assert GONE in response.get_data(as_text=True)


def test_unknown_link_is_a_clear_404(client, app):
    response = client.get("/invitation/not-a-real-secret")
    assert response.status_code == 404
    assert GONE in response.get_data(as_text=True)


def test_weak_password_keeps_the_link_open(client, app):
    person, secret = invited_person()
    response = choose_password(client, secret, password="azertyuiop")
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).password_hash is None
    assert client.get("/").status_code == 302
    assert choose_password(client, secret).status_code == 302


def test_link_of_a_deactivated_person_no_longer_works(client, app):
    organisation = make_organisation(slug="ateliers")
    referent = make_user(organisation, role="org_admin")
    person, secret = invited_person(referent)
    services.set_active(referent, person, False)
    db.session.commit()
    assert client.get(f"/invitation/{secret}").status_code == 404
    db.session.expire_all()
    assert not db.session.get(User, person.id).active


def test_secret_is_stored_only_as_a_hash(app):
    person, secret = invited_person()
    stored = db.session.scalars(select(Invitation.token_hash)).all()
    assert secret not in stored
    assert len(stored) == 1
