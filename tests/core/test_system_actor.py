"""The application acts as an explicit SYSTEM actor; a service handed no actor refuses to run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pooling.audit.models import AuditEvent
from pooling.extensions import db
from pooling.organisations import services as organisations
from pooling.organisations.models import Organisation
from tests.factories import make_organisation, make_user


def test_the_command_line_creates_an_organisation_recorded_as_nobody(app):
    result = app.test_cli_runner().invoke(args=["organisations", "create", "--name", "Les Ruches"])

    assert result.exit_code == 0, result.output
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Les Ruches"))
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "organisation.create", AuditEvent.object_id == organisation.id
        )
    )
    assert event is not None and event.actor_id is None


def test_a_service_given_no_actor_refuses_and_creates_nothing(app):
    data = organisations.OrganisationInput(name="Sans acteur", kind="association")

    with pytest.raises(TypeError, match="SYSTEM"):
        organisations.create_organisation(None, data)

    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_the_command_line_gives_no_password_reset_link(app):
    person = make_user(make_organisation(), email="lea@example.org")

    result = app.test_cli_runner().invoke(args=["users", "invite", "--email", person.email])

    assert result.exit_code != 0
    assert "mot de passe" in result.output or "password" in result.output
