"""Schemathesis against the OpenAPI document on the writes too: no 5xx, every answer as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from pooling.api.openapi import build_document
from tests.factories import (
    make_coordinator,
    make_organisation,
    make_resource,
    make_token,
    make_user,
)
from tests.security.world import ALWAYS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

UNSAFE = ("POST", "PATCH", "PUT", "DELETE")
CHECKS = (
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
)


@pytest.fixture
def coordinator_token(app):
    """A pole with something to write on, and a coordinator's token."""
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    organisation = make_organisation("Les Jardins")
    make_organisation("SCOP Bois")
    make_user(organisation, role="org_admin")
    make_resource("Salle Jaurès", capacity=12, opening_hours=ALWAYS, max_advance_days=800)
    make_resource("Chaises", kind="equipment", quantity=40, opening_hours=ALWAYS)
    return make_token(make_coordinator())


def unsafe_operations(app):
    schemathesis.experimental.OPEN_API_3_1.enable()
    schema = schemathesis.from_dict(build_document(), app=app).include(method=list(UNSAFE))
    return [result.ok() for result in schema.get_all_operations()]


def test_every_write_of_the_api_answers_as_documented(app, coordinator_token):
    operations = unsafe_operations(app)
    assert len(operations) >= 20
    headers = {"Authorization": f"Bearer {coordinator_token}"}
    failures = []
    answered: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            response = case.call(headers=headers)
            answered.append(response.status_code)
            case.validate_response(response, checks=CHECKS)

        try:
            call()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.verbose_name}: {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)
    # The generated calls reach the services: some writes are accepted, not only refused.
    assert len(answered) >= 10 * len(operations)
    assert {200, 201} & set(answered), sorted(set(answered))
    assert 422 in answered
