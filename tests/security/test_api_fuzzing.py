"""Schemathesis against the OpenAPI document: every operation, random input, no 5xx, every
answer as documented.

Randomised on each run (set ``FUZZ_SEED`` to replay one), with both kinds of input: values the
document allows (date-times from year 0 to 9999 with any offset, texts with any character)
and values it forbids (integers above the documented maximum, strings where numbers are
expected, missing fields). ``FUZZ_EXAMPLES`` sets the number of examples per operation: the
default keeps the run short enough for every commit; a nightly run says e.g.
``FUZZ_EXAMPLES=300``.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_jsonschema._from_schema import rfc3339
from schemathesis import DataGenerationMethod
from schemathesis.specs.openapi.formats import STRING_FORMATS

from pooling.api.openapi import build_document
from pooling.bookings import services as bookings
from pooling.extensions import db
from tests.factories import (
    make_coordinator,
    make_organisation,
    make_resource,
    make_token,
    make_user,
)
from tests.world import ALWAYS_OPEN as ALWAYS

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Overriding standard format"),
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
SEED = os.environ.get("FUZZ_SEED")
UNSAFE = ("POST", "PATCH", "PUT", "DELETE")
CHECKS = (
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
)


# Instants at the edges of what Python and the databases hold, reached by an offset or not.
EDGE_INSTANTS = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T10:00:00+01:00",
    "0001-01-01T00:00:00+14:00",
    "0490-03-19T07:53:15Z",
    "1899-12-31T23:59:59Z",
    "1900-01-01T00:00:00+14:00",
    "2200-12-31T23:59:59-12:00",
    "2201-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:00:00-12:00",
    "9999-12-31T10:00:00+01:00",
]
OFFSETS = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=14))]
OFFSETS += [timezone(timedelta(hours=-12)), timezone(timedelta(hours=5, minutes=45))]


def instants() -> st.SearchStrategy[str]:
    """Date-times for the fuzzer: near today on quarter hours (so that bookings can succeed),
    at the edges of the calendar, and anywhere from year 0 to 9999."""
    today = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    near = st.builds(
        lambda hours, quarter, offset: (
            (today + timedelta(hours=hours, minutes=15 * quarter)).replace(tzinfo=offset)
        ).isoformat(),
        st.integers(-24 * 30, 24 * 400),
        st.integers(0, 3),
        st.sampled_from(OFFSETS),
    )
    edges = st.sampled_from(EDGE_INSTANTS)
    return st.one_of(edges, near, edges, rfc3339("date-time"))  # edges half of the time


@pytest.fixture
def interesting_instants():
    """The fuzzer's date-time strategy while the test runs."""
    previous = STRING_FORMATS.get("date-time")
    schemathesis.openapi.format("date-time", instants())
    yield
    if previous is None:
        STRING_FORMATS.pop("date-time", None)
    else:
        STRING_FORMATS["date-time"] = previous


@pytest.fixture
def coordinator_token(app):
    """A pole with something to read and write on, and a coordinator's token."""
    app.config["API_RATE_LIMIT"] = "1000000 per minute"
    organisation = make_organisation("Les Jardins")
    make_organisation("SCOP Bois")
    make_user(organisation, role="org_admin")
    make_resource("Salle Jaurès", capacity=12, opening_hours=ALWAYS, max_advance_days=800)
    make_resource("Chaises", kind="equipment", quantity=40, opening_hours=ALWAYS)
    coordinator = make_coordinator()
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    # Bookings to move, cancel and check in: one starting within the hour, two later.
    for resource_id, start in ((1, hour + timedelta(hours=1)), (2, hour + timedelta(days=2))):
        for offset in (timedelta(0), timedelta(days=7)):
            bookings.create_booking(
                coordinator,
                bookings.BookingRequest(
                    resource_id=resource_id,
                    start=start + offset,
                    end=start + offset + timedelta(hours=1),
                    title="Réunion",
                    organisation_id=organisation.id,
                ),
            )
    db.session.commit()
    return make_token(coordinator)


def aim_at_existing_objects(case, data) -> None:
    """Replace some of the case's random ids by small ones, which name the world's objects.

    Random ids almost never exist, so the call would stop at a 404 before reading the rest.
    """
    for container in (case.path_parameters, case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name in list(container):
            if (name == "id" or name.endswith("_id")) and data.draw(st.integers(0, 3)):
                container[name] = data.draw(st.integers(1, 3))  # three times out of four


def operations(app):
    """Every operation of the document, fuzzed with allowed and with forbidden input."""
    schemathesis.experimental.OPEN_API_3_1.enable()
    schema = schemathesis.from_dict(
        build_document(),
        app=app,
        data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative],
    )
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(operation, headers: dict, answered: Counter) -> None:
    """Call ``operation`` with EXAMPLES random inputs; raises at the first undocumented answer."""

    @given(case=operation.as_strategy(), data=st.data())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    def call(case, data):
        aim_at_existing_objects(case, data)
        response = case.call(headers=headers)
        answered[(case.method.upper(), response.status_code)] += 1
        case.validate_response(response, checks=CHECKS)

    if SEED is not None:
        call = seed(int(SEED))(call)
    call()


def test_every_operation_of_the_api_answers_as_documented(
    app, coordinator_token, interesting_instants
):
    found = operations(app)
    assert len(found) >= 40
    headers = {"Authorization": f"Bearer {coordinator_token}"}
    failures = []
    answered: Counter = Counter()
    for operation in found:
        try:
            fuzz(operation, headers, answered)
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.verbose_name}: {str(error)[:2000]}")
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
    # The generated calls reach the services: reads and writes succeed, bad input is refused.
    assert sum(answered.values()) >= EXAMPLES * len(found) // 2
    statuses = {status for _method, status in answered}
    assert 200 in statuses and 422 in statuses, sorted(answered.items())
    assert any(method in UNSAFE and status in (200, 201) for method, status in answered), sorted(
        answered.items()
    )
