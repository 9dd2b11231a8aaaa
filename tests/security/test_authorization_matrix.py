"""Authorization matrix: every route of the URL map x every actor x own/other organisation's object.

The expected answers live in ``EXPECTED`` below, one line per route (``"METHOD endpoint"``):
five statuses for (anonymous, member, member of another organisation, referent, coordinator),
the actors being seen from organisation alpha. Routes that take an id have two lines of
statuses: the first for alpha's object ("own"), the second for beta's object ("other").
A route missing from the table fails ``test_every_route_has_an_entry``.

Requests are real: pages with a session (forms carry a valid CSRF token, so the answer is
the permission one), the API with a Bearer token. Bodies are empty (``{}`` or only the
CSRF token): an allowed actor then gets the validation answer (422/400) or the act done,
a refused one 401/403/404. Anonymous pages redirect to the sign-in page (302).
"""

from __future__ import annotations

import re

import pytest

from tests.security.world import ACTORS

SAFE = {"GET"}
VARIABLE = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")


# fmt: off
# (anonymous, member, other_member, referent, coordinator) [own object] [, other's object]
EXPECTED: dict[str, tuple[str, ...]] = {
    "GET accounts.accept_invitation": ("404 404 404 404 404", "404 404 404 404 404"),
    "POST accounts.accept_invitation": ("404 404 404 404 404", "404 404 404 404 404"),
    "GET accounts.account": ("302 200 200 200 200",),
    "POST accounts.add_person": ("302 403 403 422 422", "302 403 403 403 422"),
    "POST accounts.attach_person": ("302 403 403 422 422", "302 403 403 403 422"),
    "POST accounts.change_language": ("302 422 422 422 422",),
    "POST accounts.change_password": ("302 422 422 422 422",),
    "POST accounts.change_role": ("302 403 403 422 422", "302 403 403 403 422"),
    "POST accounts.create_token": ("302 200 200 200 200",),
    "POST accounts.deactivate_person": ("302 403 403 302 302", "302 403 403 403 302"),
    "GET accounts.login": ("200 302 302 302 302",),
    "POST accounts.login": ("422 422 422 422 422",),
    "POST accounts.logout": ("302 302 302 302 302",),
    "GET accounts.people": ("302 403 403 200 200", "302 403 403 403 200"),
    "POST accounts.reactivate_person": ("302 403 403 302 302", "302 403 403 403 302"),
    "POST accounts.reinvite": ("302 403 403 302 302", "302 403 403 403 302"),
    "POST accounts.remove_person": ("302 403 403 422 422", "302 403 403 403 422"),
    "POST accounts.revoke_token": ("302 302 404 404 404", "302 404 302 404 404"),
    "GET audit.export": ("302 403 403 403 200",),
    "GET audit.index": ("302 403 403 403 200",),
    "GET bookings.approvals": ("302 403 403 200 200",),
    "POST bookings.approve": ("302 403 403 302 302", "302 403 403 403 302"),
    "POST bookings.cancel": ("302 302 403 302 302", "302 403 302 403 302"),
    "POST bookings.cancel_following": ("302 302 403 302 302", "302 403 302 403 302"),
    "POST bookings.check_in": ("302 302 403 302 302", "302 403 302 403 302"),
    "POST bookings.check_out": ("302 302 403 302 302", "302 403 302 403 302"),
    "GET bookings.detail": ("302 200 200 200 200", "302 200 200 200 200"),
    "GET bookings.edit": ("302 200 403 200 200", "302 403 200 403 200"),
    "POST bookings.edit": ("302 422 403 422 422", "302 403 422 403 422"),
    "GET bookings.mine": ("302 200 200 200 200",),
    "GET bookings.new": ("302 200 200 200 200",),
    "POST bookings.new": ("302 422 422 422 422",),
    "POST bookings.reject": ("302 403 403 302 302", "302 403 403 403 302"),
    "GET bookings.schedule": ("302 404 404 404 404",),
    "GET calendar.find": ("302 200 200 200 200",),
    "GET calendar.planning": ("302 200 200 200 200",),
    "GET calendar.resource": ("302 200 200 200 200", "302 200 200 200 200"),
    "GET costing.accounting_codes": ("302 403 403 403 200",),
    # An empty form changes no code: nothing to refuse (each code is checked when given).
    "POST costing.accounting_codes": ("302 403 403 403 302",),
    "GET costing.accounting_csv": ("302 403 403 403 200", "302 403 403 403 200"),
    "POST costing.add_cost": ("302 403 403 403 422", "302 403 403 403 422"),
    "POST costing.close": ("302 403 403 403 302", "302 403 403 403 302"),
    "GET costing.compare": ("302 403 403 403 200", "302 403 403 403 200"),
    "GET costing.index": ("302 403 403 200 200",),
    "POST costing.index": ("302 403 403 403 422",),
    "GET costing.period": ("302 403 403 302 200", "302 403 403 302 200"),
    "POST costing.reopen": ("302 403 403 403 409", "302 403 403 403 409"),
    "GET costing.statement": ("302 403 403 200 200", "302 403 403 404 200"),
    "GET costing.statement_csv": ("302 403 403 200 200", "302 403 403 200 200"),
    "GET costing.true_up": ("302 403 403 200 200", "302 403 403 200 200"),
    "GET dashboards.export": ("302 403 403 200 200", "302 403 403 200 200"),
    "GET dashboards.in_kind": ("302 403 403 403 200",),
    "POST dashboards.in_kind": ("302 403 403 403 422",),
    "GET dashboards.index": ("302 403 403 200 200",),
    "GET dashboards.report": ("302 403 403 403 200",),
    "GET dashboards.report_csv": ("302 403 403 403 200",),
    "GET feeds.booking_ics": ("302 200 200 200 200", "302 200 200 200 200"),
    "POST feeds.create": ("302 302 302 302 302",),
    "GET feeds.external_calendar": ("302 403 403 403 200", "302 403 403 403 200"),
    "GET feeds.feed": ("200 200 200 200 200", "200 200 200 200 200"),
    "GET feeds.index": ("302 200 200 200 200",),
    "POST feeds.revoke": ("302 302 404 404 404", "302 404 302 404 404"),
    "POST feeds.save_external_calendar": ("302 403 403 403 302", "302 403 403 403 302"),
    "POST feeds.sync_external_calendar": ("302 403 403 403 302", "302 403 403 403 302"),
    "GET home.index": ("302 200 200 200 200",),
    "GET notifications.inbox": ("302 200 200 200 200",),
    "POST notifications.mark_all_read": ("302 302 302 302 302",),
    "GET organisations.create": ("302 403 403 403 200",),
    "POST organisations.create": ("302 403 403 403 422",),
    "POST organisations.deactivate": ("302 403 403 403 302", "302 403 403 403 302"),
    "GET organisations.edit": ("302 403 403 403 200", "302 403 403 403 200"),
    "POST organisations.edit": ("302 403 403 403 302", "302 403 403 403 302"),
    "GET organisations.index": ("302 403 403 403 200",),
    "POST organisations.reactivate": ("302 403 403 403 302", "302 403 403 403 302"),
    "POST resources.add_closure": ("302 403 403 403 422", "302 403 403 403 422"),
    "GET resources.closures": ("302 403 403 403 200",),
    "POST resources.closures": ("302 403 403 403 422",),
    "GET resources.create": ("302 403 403 403 200",),
    "POST resources.create": ("302 403 403 403 422",),
    "POST resources.deactivate": ("302 403 403 403 302", "302 403 403 403 302"),
    "POST resources.delete_closure": ("302 403 403 403 302", "302 403 403 403 302"),
    "GET resources.detail": ("302 200 200 200 200", "302 200 200 200 200"),
    "GET resources.edit": ("302 403 403 403 200", "302 403 403 403 200"),
    "POST resources.edit": ("302 403 403 403 302", "302 403 403 403 302"),
    "GET resources.index": ("302 200 200 200 200",),
    "POST resources.reactivate": ("302 403 403 403 302", "302 403 403 403 302"),
    "POST usage.add_manual": ("302 403 403 403 422",),
    "GET usage.export": ("302 403 403 200 200",),
    "GET usage.index": ("302 403 403 200 200",),
    "POST usage.settings": ("302 403 403 403 422",),
    "POST api.approve_booking": ("401 403 403 200 200", "401 403 403 403 200"),
    "POST api.cancel_booking": ("401 200 403 200 200", "401 403 200 403 200"),
    "POST api.cancel_series": ("401 200 403 200 200", "401 403 200 403 200"),
    "POST api.check_in": ("401 409 403 409 409", "401 403 409 403 409"),
    "POST api.check_out": ("401 409 403 409 409", "401 403 409 403 409"),
    "POST api.close_cost_period": ("401 403 403 403 200", "401 403 403 403 200"),
    "POST api.create_booking": ("401 422 422 422 422",),
    "POST api.create_cost": ("401 403 403 403 422", "401 403 403 403 422"),
    "POST api.create_cost_period": ("401 403 403 403 422",),
    "POST api.create_feed": ("401 422 422 422 422",),
    "POST api.create_manual_usage": ("401 403 403 403 422",),
    "POST api.create_organisation": ("401 403 403 403 422",),
    "POST api.create_quota": ("401 403 403 403 422",),
    "POST api.create_resource": ("401 403 403 403 422",),
    "DELETE api.delete_quota": ("401 403 403 403 204", "401 403 403 403 204"),
    "GET api.get_allocation": ("401 403 403 200 200", "401 403 403 200 200"),
    "GET api.get_booking": ("401 200 200 200 200", "401 200 200 200 200"),
    "GET api.get_cost_period": ("401 403 403 200 200", "401 403 403 200 200"),
    "GET api.get_manual_usage": ("401 404 404 200 200", "401 404 404 404 200"),
    "GET api.get_organisation": ("401 200 200 200 200", "401 200 200 200 200"),
    "GET api.get_resource": ("401 200 200 200 200", "401 200 200 200 200"),
    "GET api.get_true_up": ("401 403 403 200 200", "401 403 403 200 200"),
    "GET api.get_usage": ("401 422 422 422 422",),
    "GET api.get_usage_settings": ("401 200 200 200 200",),
    "GET api.list_bookings": ("401 200 200 200 200",),
    "GET api.list_cost_periods": ("401 403 403 200 200",),
    "GET api.list_feeds": ("401 200 200 200 200",),
    "GET api.list_manual_usage": ("401 422 422 422 422",),
    "GET api.list_organisations": ("401 200 200 200 200",),
    "GET api.list_quotas": ("401 200 200 200 200",),
    "GET api.list_resources": ("401 200 200 200 200",),
    "GET api.me": ("401 200 200 200 200",),
    "GET api.openapi": ("200 200 200 200 200",),
    "GET health.healthz": ("200 200 200 200 200",),
    "POST api.reject_booking": ("401 403 403 200 200", "401 403 403 403 200"),
    "POST api.reopen_cost_period": ("401 403 403 403 409", "401 403 403 403 409"),
    "GET api.resource_availability": ("401 422 422 422 422", "401 422 422 422 422"),
    "DELETE api.revoke_feed": ("401 204 404 404 404", "401 404 204 404 404"),
    "PATCH api.update_booking": ("401 200 403 200 200", "401 403 200 403 200"),
    "PATCH api.update_organisation": ("401 403 403 403 200", "401 403 403 403 200"),
    "PATCH api.update_resource": ("401 403 403 403 200", "401 403 403 403 200"),
    "PATCH api.update_usage_settings": ("401 403 403 403 422",),
    # ---- Closures in the API (list for everybody; close and reopen for coordinators).
    "GET api.list_closures": ("401 200 200 200 200",),
    "POST api.create_closure": ("401 403 403 403 422",),
    "DELETE api.delete_closure": ("401 403 403 403 204", "401 403 403 403 204"),
}
# fmt: on


def routes(app) -> list[tuple[str, str, str]]:
    """(method, endpoint, rule) of every route but static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.endpoint, rule.rule))
    return sorted(found, key=lambda item: (item[1], item[0]))


def _route_ids() -> list[tuple[str, str, str]]:
    from config import TestingConfig
    from pooling import create_app

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    return routes(app)


ROUTES = _route_ids()


def url_for_rule(world, rule: str, side: str, endpoint: str) -> str:
    """The rule with its variables replaced by the ids of ``side``'s objects."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "secret" and endpoint == "feeds.feed":
            name = "feed_secret"
        return str(world.ids[name][side])

    return VARIABLE.sub(value, rule)


def call(world, method: str, endpoint: str, rule: str, actor: str, side: str) -> int:
    """The status of one request by ``actor`` on ``side``'s object; what it wrote is undone."""
    url = url_for_rule(world, rule, side, endpoint)
    if rule.startswith("/api/"):
        client = world.app.test_client()
        kwargs = {"json": {}} if method not in SAFE else {}
        response = client.open(url, method=method, headers=world.api_headers(actor), **kwargs)
    else:
        client = world.client(actor)
        data = {"csrf_token": world.csrf_token()} if method not in SAFE else None
        response = client.open(url, method=method, data=data)
    if method not in SAFE:
        world.restore()
    return response.status_code


def observed(world, method: str, endpoint: str, rule: str) -> tuple[str, ...]:
    """Every actor's answer, in the table's shape (used to propose an entry for a new route)."""
    sides = ("own", "other") if VARIABLE.search(rule) else ("own",)
    lines = []
    for side in sides:
        statuses = []
        for actor in ACTORS:
            statuses.append(str(call(world, method, endpoint, rule, actor, side)))
        lines.append(" ".join(statuses))
    return tuple(lines)


def test_every_route_has_an_entry():
    keys = {f"{method} {endpoint}" for method, endpoint, _rule in ROUTES}
    missing = sorted(keys - set(EXPECTED))
    assert not missing, f"add these routes to EXPECTED in {__file__}: {missing}"
    stale = sorted(set(EXPECTED) - keys)
    assert not stale, f"these entries name no route any more: {stale}"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("method", "endpoint", "rule"),
    ROUTES,
    ids=[f"{method}-{endpoint}" for method, endpoint, _rule in ROUTES],
)
def test_route_answers_each_actor_as_expected(world, method, endpoint, rule, actor):
    key = f"{method} {endpoint}"
    if key not in EXPECTED:
        pytest.fail(f"{key} has no entry in EXPECTED")
    index = ACTORS.index(actor)
    sides = ("own", "other") if VARIABLE.search(rule) else ("own",)
    expected = EXPECTED[key]
    assert len(expected) == len(sides), f"{key}: give one line per object side {sides}"
    got = {}
    for side, line in zip(sides, expected, strict=True):
        got[side] = (int(line.split()[index]), call(world, method, endpoint, rule, actor, side))
    wrong = {side: pair for side, pair in got.items() if pair[0] != pair[1]}
    assert not wrong, f"{key} as {actor}: (expected, got) per object {wrong}"


@pytest.mark.parametrize(
    ("method", "endpoint", "rule"),
    [route for route in ROUTES if route[2].count("<int:") == 1],
    ids=[f"{m}-{e}" for m, e, r in ROUTES if r.count("<int:") == 1],
)
def test_unknown_id_is_not_found_for_a_coordinator(world, method, endpoint, rule):
    # Well-formed input where the route checks its shape before looking the object up.
    form = {"accounts.change_role": {"role": "member"}}.get(endpoint, {})
    query = {"api.resource_availability": "?start=2030-01-07T09:00:00Z&end=2030-01-07T10:00:00Z"}
    url = VARIABLE.sub(
        lambda match: (
            "999999" if "<int:" + match.group(1) in rule else str(world.ids[match.group(1)]["own"])
        ),
        rule,
    ) + query.get(endpoint, "")
    if rule.startswith("/api/"):
        kwargs = {"json": {}} if method not in SAFE else {}
        response = world.app.test_client().open(
            url, method=method, headers=world.api_headers("coordinator"), **kwargs
        )
    else:
        data = {"csrf_token": world.csrf_token(), **form} if method not in SAFE else None
        response = world.client("coordinator").open(url, method=method, data=data)
    if method not in SAFE:
        world.restore()
    assert response.status_code == 404, (url, response.status_code)
