"""The authorization policy, written down: who may do what, on their own organisation's objects
and on another's. Every route of the URL map has its line; the test checks the application
against it.

The table is the expectation, written by hand from the roles of the product (PRODUCT.md,
"The people" and "Trust") and reviewed line by line; it is never copied from the
application's answers. A route missing from the table fails ``test_every_route_has_an_entry``.

Actors, seen from organisation alpha (see world.py): anonymous; a member of alpha; a member of
beta ("other_member"); a referent of alpha, who is also the approver of alpha's room (the
resource alpha lends); a coordinator of the pole. Each line reads
``"anonymous member other_member referent coordinator"``. Routes that take an id have two
lines: the first on alpha's object ("own"), the second on beta's ("other"). Pole-wide objects
(cost periods) have two distinct objects on the two lines too, with the same expectation.

Each answer is a status, and for a request that may write (POST, PATCH, DELETE) what it did to
the database: ``302*`` (or ``200*``...) says the act was done and rows changed; a plain
``302`` (or any 4xx) says nothing changed: a refusal with a flashed message, or an empty form
that had nothing to do. Both are checked against a snapshot of every table.

Requests are real: pages with a session (forms carry a valid CSRF token, so the answer is the
permission one), the API with a Bearer token. Bodies are empty (``{}`` or only the CSRF
token) unless ``BODIES`` gives the least an allowed actor needs for the act to be done:
an allowed actor then gets the validation answer (422/400) or the act done, a refused one
401/403/404. Anonymous pages redirect to the sign-in page (302).

Other features append their routes at the end of ``EXPECTED``, in a block of their own.
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
    # -- Anybody: sign-in, invitations (the secret is the credential), health, the API's map.
    "GET accounts.login": ("200 302 302 302 302",),
    "POST accounts.login": ("422 422 422 422 422",),
    "GET accounts.accept_invitation": ("404 404 404 404 404", "404 404 404 404 404"),
    "POST accounts.accept_invitation": ("404 404 404 404 404", "404 404 404 404 404"),
    "GET health.healthz": ("200 200 200 200 200",),
    "GET api.openapi": ("200 200 200 200 200",),
    # A feed's secret is its owner's credential for calendar apps: no sign-in.
    "GET feeds.feed": ("200 200 200 200 200", "200 200 200 200 200"),

    # -- Every signed-in person: their own account, language, password, tokens, inbox, feeds.
    "GET home.index": ("302 200 200 200 200",),
    "GET accounts.account": ("302 200 200 200 200",),
    "POST accounts.change_language": ("302 422 422 422 422",),
    "POST accounts.change_password": ("302 422 422 422 422",),
    "POST accounts.create_token": ("302 200* 200* 200* 200*",),
    "POST accounts.logout": ("302 302* 302* 302* 302*",),
    # A token or a feed is its owner's alone: anybody else (a coordinator too) gets 404.
    "POST accounts.revoke_token": ("302 302* 404 404 404", "302 404 302* 404 404"),
    "GET notifications.inbox": ("302 200 200 200 200",),
    # The members here have nothing unread (nothing to mark); approvers have a pending booking.
    "POST notifications.mark_all_read": ("302 302 302 302* 302*",),
    "GET feeds.index": ("302 200 200 200 200",),
    "POST feeds.create": ("302 302* 302* 302* 302*",),
    "POST feeds.revoke": ("302 302* 404 404 404", "302 404 302* 404 404"),
    "GET api.me": ("401 200 200 200 200",),
    "GET api.list_feeds": ("401 200 200 200 200",),
    "POST api.create_feed": ("401 422 422 422 422",),
    "DELETE api.revoke_feed": ("401 204* 404 404 404", "401 404 204* 404 404"),

    # -- The people of an organisation: its referents and the coordinators.
    "GET accounts.people": ("302 403 403 200 200", "302 403 403 403 200"),
    "POST accounts.add_person": ("302 403 403 422 422", "302 403 403 403 422"),
    # Attaching someone who works elsewhere is the coordinators' act.
    "POST accounts.attach_person": ("302 403 403 403 422", "302 403 403 403 422"),
    "POST accounts.change_role": ("302 403 403 422 422", "302 403 403 403 422"),
    # The member has a password: a link would take the account over, so only a coordinator
    # issues one (a reset link, the owner told).
    "POST accounts.reinvite": ("302 403 403 403 302*", "302 403 403 403 302*"),
    "POST accounts.deactivate_person": ("302 403 403 302* 302*", "302 403 403 403 302*"),
    "POST accounts.reactivate_person": ("302 403 403 302* 302*", "302 403 403 403 302*"),
    # The member belongs to one organisation only: removing is refused, deactivate instead.
    "POST accounts.remove_person": ("302 403 403 422 422", "302 403 403 403 422"),

    # -- Organisations and resources: coordinators manage; everybody sees the shared resources.
    "GET organisations.index": ("302 403 403 403 200",),
    "GET organisations.create": ("302 403 403 403 200",),
    "POST organisations.create": ("302 403 403 403 422",),
    "GET organisations.edit": ("302 403 403 403 200", "302 403 403 403 200"),
    # A form without its boxes ticked says "inactive": the coordinator's edit is done.
    "POST organisations.edit": ("302 403 403 403 302*", "302 403 403 403 302*"),
    "POST organisations.deactivate": ("302 403 403 403 302*", "302 403 403 403 302*"),
    # Reactivating an active organisation or resource is recorded in the audit trail.
    "POST organisations.reactivate": ("302 403 403 403 302*", "302 403 403 403 302*"),
    "GET api.list_organisations": ("401 200 200 200 200",),
    "GET api.get_organisation": ("401 200 200 200 200", "401 200 200 200 200"),
    "POST api.create_organisation": ("401 403 403 403 422",),
    # An empty change is still recorded in the audit trail.
    "PATCH api.update_organisation": ("401 403 403 403 200*", "401 403 403 403 200*"),
    "GET resources.index": ("302 200 200 200 200",),
    "GET resources.detail": ("302 200 200 200 200", "302 200 200 200 200"),
    "GET resources.create": ("302 403 403 403 200",),
    "POST resources.create": ("302 403 403 403 422",),
    "GET resources.edit": ("302 403 403 403 200", "302 403 403 403 200"),
    "POST resources.edit": ("302 403 403 403 302*", "302 403 403 403 302*"),
    "POST resources.deactivate": ("302 403 403 403 302*", "302 403 403 403 302*"),
    "POST resources.reactivate": ("302 403 403 403 302*", "302 403 403 403 302*"),
    "GET closures.pole": ("302 403 403 403 200",),
    "POST closures.pole": ("302 403 403 403 422",),
    "POST closures.add": ("302 403 403 403 422", "302 403 403 403 422"),
    "POST closures.delete": ("302 403 403 403 302*", "302 403 403 403 302*"),
    "GET feeds.external_calendar": ("302 403 403 403 200", "302 403 403 403 200"),
    # An empty address is refused with a flashed message.
    "POST feeds.save_external_calendar": ("302 403 403 403 302", "302 403 403 403 302"),
    "POST feeds.sync_external_calendar": ("302 403 403 403 302", "302 403 403 403 302"),
    "GET api.list_resources": ("401 200 200 200 200",),
    "GET api.get_resource": ("401 200 200 200 200", "401 200 200 200 200"),
    "POST api.create_resource": ("401 403 403 403 422",),
    "PATCH api.update_resource": ("401 403 403 403 200*", "401 403 403 403 200*"),
    "GET api.resource_availability": ("401 422 422 422 422", "401 422 422 422 422"),
    # Quotas are the pole's rules: everybody reads them, coordinators set them.
    "GET api.list_quotas": ("401 200 200 200 200",),
    "POST api.create_quota": ("401 403 403 403 422",),
    "DELETE api.delete_quota": ("401 403 403 403 204*", "401 403 403 403 204*"),

    # -- Bookings. Everybody sees every booking of the shared resources (another
    # organisation's title hidden); a booking is changed by its booker, a referent of its
    # organisation or a coordinator; approved or refused by a referent of the organisation
    # that lends the resource (alpha's referent for alpha's room) or a coordinator.
    "GET bookings.mine": ("302 200 200 200 200",),
    "GET bookings.new": ("302 200 200 200 200",),
    "POST bookings.new": ("302 422 422 422 422",),
    "GET bookings.detail": ("302 200 200 200 200", "302 200 200 200 200"),
    "GET feeds.booking_ics": ("302 200 200 200 200", "302 200 200 200 200"),
    "GET bookings.edit": ("302 200 403 200 200", "302 403 200 403 200"),
    "POST bookings.edit": ("302 422 403 422 422", "302 403 422 403 422"),
    "POST bookings.cancel": ("302 302* 403 302* 302*", "302 403 302* 403 302*"),
    "POST bookings.cancel_following": ("302 302* 403 302* 302*", "302 403 302* 403 302*"),
    # Allowed, but three weeks early: the time rule refuses (flash), nothing changes.
    "POST bookings.check_in": ("302 302 403 302 302", "302 403 302 403 302"),
    "POST bookings.check_out": ("302 302 403 302 302", "302 403 302 403 302"),
    "GET bookings.approvals": ("302 403 403 200 200",),
    # Nothing chosen: refused with a flashed message, nothing changes.
    "POST bookings.decide_request": ("302 403 403 302 302",),
    "POST bookings.approve": ("302 403 403 302* 302*", "302 403 403 403 302*"),
    "POST bookings.reject": ("302 403 403 302* 302*", "302 403 403 403 302*"),
    # The week of a shared staff person, for that person: nobody here is one.
    "GET bookings.schedule": ("302 404 404 404 404",),
    "GET calendar.find": ("302 200 200 200 200",),
    "GET calendar.planning": ("302 200 200 200 200",),
    "GET calendar.resource": ("302 200 200 200 200", "302 200 200 200 200"),
    "GET api.list_bookings": ("401 200 200 200 200",),
    "GET api.get_booking": ("401 200 200 200 200", "401 200 200 200 200"),
    "POST api.create_booking": ("401 422 422 422 422",),
    "PATCH api.update_booking": ("401 200 403 200 200", "401 403 200 403 200"),
    "POST api.cancel_booking": ("401 200* 403 200* 200*", "401 403 200* 403 200*"),
    "POST api.cancel_series": ("401 200* 403 200* 200*", "401 403 200* 403 200*"),
    "POST api.check_in": ("401 409 403 409 409", "401 403 409 403 409"),
    "POST api.check_out": ("401 409 403 409 409", "401 403 409 403 409"),
    "POST api.approve_booking": ("401 403 403 200* 200*", "401 403 403 403 200*"),
    "POST api.reject_booking": ("401 403 403 200* 200*", "401 403 403 403 200*"),

    # -- Usage: referents read their organisation's, coordinators the pole's and record it.
    "GET usage.index": ("302 403 403 200 200",),
    "GET usage.export": ("302 403 403 200 200",),
    "POST usage.add_manual": ("302 403 403 403 422",),
    "POST usage.settings": ("302 403 403 403 422",),
    "GET api.get_usage": ("401 403 403 422 422",),
    "GET api.list_manual_usage": ("401 403 403 422 422",),
    "GET api.get_manual_usage": ("401 403 403 200 200", "401 403 403 404 200"),
    "POST api.create_manual_usage": ("401 403 403 403 422",),
    # The late-cancellation notice concerns every booker: all read it, coordinators set it.
    "GET api.get_usage_settings": ("401 200 200 200 200",),
    "PATCH api.update_usage_settings": ("401 403 403 403 422",),

    # -- Costs: coordinators run the split; referents read their organisation's statement.
    "GET costing.index": ("302 403 403 200 200",),
    "POST costing.index": ("302 403 403 403 422",),
    # A referent is taken to their own organisation's statement.
    "GET costing.period": ("302 403 403 302 200", "302 403 403 302 200"),
    "POST costing.add_cost": ("302 403 403 403 422", "302 403 403 403 422"),
    "POST costing.close": ("302 403 403 403 302*", "302 403 403 403 302*"),
    # Reopening asks for a reason, and an open period is not reopened.
    "POST costing.reopen": ("302 403 403 403 409", "302 403 403 403 409"),
    # Statements: alpha's for alpha's referent; beta's is not theirs to see.
    "GET costing.statement": ("302 403 403 200 200", "302 403 403 404 200"),
    "GET costing.statement_csv": ("302 403 403 200 200", "302 403 403 404 200"),
    "GET costing.true_up": ("302 403 403 200 200", "302 403 403 200 200"),
    "GET costing.compare": ("302 403 403 403 200", "302 403 403 403 200"),
    "GET costing.accounting_csv": ("302 403 403 403 200", "302 403 403 403 200"),
    "GET costing.accounting_codes": ("302 403 403 403 200",),
    "POST costing.accounting_codes": ("302 403 403 403 302*",),
    "GET api.list_cost_periods": ("401 403 403 200 200",),
    "GET api.get_cost_period": ("401 403 403 200 200", "401 403 403 200 200"),
    "GET api.get_allocation": ("401 403 403 200 200", "401 403 403 200 200"),
    "GET api.get_true_up": ("401 403 403 200 200", "401 403 403 200 200"),
    "POST api.create_cost_period": ("401 403 403 403 422",),
    "POST api.create_cost": ("401 403 403 403 422", "401 403 403 403 422"),
    "POST api.close_cost_period": ("401 403 403 403 200*", "401 403 403 403 200*"),
    "POST api.reopen_cost_period": ("401 403 403 403 409", "401 403 403 403 409"),

    # -- Dashboards and the activity report: referents see their organisation's dashboard;
    # the pole's figures, the report and the in-kind rates are the coordinators'.
    "GET dashboards.index": ("302 403 403 200 200",),
    "GET dashboards.export": ("302 403 403 200 200", "302 403 403 200 200"),
    "GET dashboards.report": ("302 403 403 403 200",),
    "GET dashboards.report_csv": ("302 403 403 403 200",),
    "GET dashboards.in_kind": ("302 403 403 403 200",),
    "POST dashboards.in_kind": ("302 403 403 403 422",),

    # -- The audit trail: coordinators.
    "GET audit.index": ("302 403 403 403 200",),
    "GET audit.export": ("302 403 403 403 200",),

    # -- Routes added by other features: append their block here.
    # -- Co-organisation consent: a share proposed to an organisation is answered by its
    # referents or a coordinator; own = beta's booking proposing a share to alpha, other =
    # alpha's booking proposing one to beta (the booker's side cannot answer for its partner).
    "POST api.accept_share": ("401 403 403 200* 200*", "401 403 403 403 200*"),
    "POST api.decline_share": ("401 403 403 200* 200*", "401 403 403 403 200*"),
    "POST bookings.accept_share": ("302 403 403 302* 302*", "302 403 403 403 302*"),
    "POST bookings.decline_share": ("302 403 403 302* 302*", "302 403 403 403 302*"),
    # ---- Closures in the API (list for everybody; close and reopen for coordinators).
    "GET api.list_closures": ("401 200 200 200 200",),
    "POST api.create_closure": ("401 403 403 403 422",),
    "DELETE api.delete_closure": ("401 403 403 403 204*", "401 403 403 403 204*"),
    # ---- Mail: a forgotten password is asked for by anybody (an empty form is a 422); its
    # link's secret is the credential. The mails page and its resend are the coordinators'.
    "GET accounts.forgotten_password": ("200 200 200 200 200",),
    "POST accounts.forgotten_password": ("422 422 422 422 422",),
    "GET accounts.reset_password": ("404 404 404 404 404", "404 404 404 404 404"),
    "POST accounts.reset_password": ("404 404 404 404 404", "404 404 404 404 404"),
    "GET mail.index": ("302 403 403 403 200",),
    "POST mail.resend": ("302 403 403 403 302*", "302 403 403 403 302*"),

    # -- "My notifications": each signed-in person chooses their own mails (an empty form
    # lacks the reminder delay: nothing is saved).
    "GET mail_preferences.edit": ("302 200 200 200 200",),
    "POST mail_preferences.save": ("302 422 422 422 422",),

    # -- Qualifications: everybody reads the list; coordinators define them; coordinators, and
    # referents for the people of their organisation, record and remove holders. Own = a
    # qualification held by alpha's member, other = one held by beta's member (the body names
    # that side's member).
    "GET qualifications.index": ("302 200 200 200 200",),
    "POST qualifications.create": ("302 403 403 403 422",),
    "GET qualifications.detail": ("302 403 403 200 200", "302 403 403 200 200"),
    "POST qualifications.record_holder": ("302 403 403 302* 302*", "302 403 403 422 302*"),
    "POST qualifications.remove_holder": ("302 403 403 302* 302*", "302 403 403 404 302*"),
    "GET api.list_qualifications": ("401 200 200 200 200",),
    "POST api.create_qualification": ("401 403 403 403 422",),
    "GET api.get_qualification": ("401 200 200 200 200", "401 200 200 200 200"),
    "GET api.list_holders": ("401 403 403 200 200", "401 403 403 200 200"),
    "POST api.record_holder": ("401 403 403 200* 200*", "401 403 403 422 200*"),
    "DELETE api.remove_holder": ("401 403 403 204* 204*", "401 403 403 404 204*"),

    # -- Purposes of bookings: the pole's list, kept by coordinators only (an empty form is
    # refused on the page; a toggle with its token deactivates or offers again).
    "GET purposes.index": ("302 403 403 403 200",),
    "POST purposes.create": ("302 403 403 403 422",),
    "POST purposes.rename": ("302 403 403 403 302", "302 403 403 403 302"),
    "POST purposes.toggle": ("302 403 403 403 302*", "302 403 403 403 302*"),

    # -- The waitlist: an entry is its person's (the coordinators see and remove every one).
    # Own = alpha's member waiting for beta's room, other = beta's member waiting for alpha's;
    # both are waiting, not offered, so accepting or declining is refused (a flashed message,
    # 409 in the API). An empty join form or body is refused.
    "GET waitlist.mine": ("302 200 200 200 200",),
    "POST waitlist.join": ("302 302 302 302 302",),
    "POST waitlist.accept": ("302 302 404 404 404", "302 404 302 404 404"),
    "POST waitlist.decline": ("302 302 404 404 404", "302 404 302 404 404"),
    "POST waitlist.leave": ("302 302* 404 404 302*", "302 404 302* 404 302*"),
    "GET api.list_waitlist": ("401 200 200 200 200",),
    "POST api.join_waitlist": ("401 422 422 422 422",),
    "GET api.get_waitlist_entry": ("401 200 404 404 200", "401 404 200 404 200"),
    "POST api.accept_waitlist_offer": ("401 409 404 404 404", "401 404 409 404 404"),
    "POST api.decline_waitlist_offer": ("401 409 404 404 404", "401 404 409 404 404"),
    "DELETE api.leave_waitlist": ("401 200* 404 404 200*", "401 404 200* 404 200*"),
}
# fmt: on


# What an allowed actor sends for the act to be done (the refused ones send the same).
BODIES = {
    "POST costing.accounting_codes": lambda world, side: {
        f"res-{world.ids['resource_id'][side]}": "ANA-ROOM"
    },
    "POST feeds.create": lambda world, side: {"scope": "me"},
    "POST qualifications.record_holder": lambda world, side: {
        "user_id": world.ids["user_id"][side]
    },
    "POST api.record_holder": lambda world, side: {"user_id": world.ids["user_id"][side]},
    # Destructive buttons, their confirmation accepted (without it an allowed actor is only
    # asked the question, tested with each page).
    **{
        f"POST {endpoint}": (lambda world, side: {"confirmed": "1"})
        for endpoint in (
            "accounts.deactivate_person",
            "accounts.remove_person",
            "bookings.cancel",
            "bookings.cancel_following",
            "costing.close",
            "feeds.revoke",
        )
    },
}
# Query strings that name the side's organisation where a route reads one from the query.
QUERIES = {
    "GET costing.statement_csv": lambda world, side: (
        f"?organisation_id={world.ids['organisation_id'][side]}"
    ),
}


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
        if endpoint.endswith(("accept_share", "decline_share")):
            name = f"share_{name}"
        return str(world.ids[name][side])

    return VARIABLE.sub(value, rule)


def call(world, method: str, endpoint: str, rule: str, actor: str, side: str) -> str:
    """One request by ``actor`` on ``side``'s object, as the table says it: the status, with
    ``*`` when it changed the database; what it wrote is then undone."""
    key = f"{method} {endpoint}"
    url = url_for_rule(world, rule, side, endpoint)
    url += QUERIES.get(key, lambda *_: "")(world, side)
    body = BODIES.get(key, lambda *_: {})(world, side)
    if rule.startswith("/api/"):
        client = world.app.test_client()
        kwargs = {"json": body} if method not in SAFE else {}
        response = client.open(url, method=method, headers=world.api_headers(actor), **kwargs)
    else:
        client = world.client(actor)
        data = {"csrf_token": world.csrf_token(), **body} if method not in SAFE else None
        response = client.open(url, method=method, data=data)
    answer = str(response.status_code)
    # A read may note something (a feed's last fetch): it is undone too, unmarked.
    if world.changed():
        answer += "*" if method not in SAFE else ""
        world.restore()
    return answer


def test_every_route_has_an_entry():
    keys = {f"{method} {endpoint}" for method, endpoint, _rule in ROUTES}
    missing = sorted(keys - set(EXPECTED))
    assert not missing, f"add these routes to EXPECTED in {__file__}: {missing}"
    stale = sorted(set(EXPECTED) - keys)
    assert not stale, f"these entries name no route any more: {stale}"


def test_no_read_is_marked_as_a_write():
    reads = [key for key, lines in EXPECTED.items() if key.startswith("GET ")]
    assert not [key for key in reads if "*" in " ".join(EXPECTED[key])]


def test_refusals_never_write():
    # A 4xx answer that says it changed something would be a contradiction in the table.
    for key, lines in EXPECTED.items():
        for line in lines:
            assert not re.search(r"\b4\d\d\*", line), key


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
        got[side] = (line.split()[index], call(world, method, endpoint, rule, actor, side))
    wrong = {side: pair for side, pair in got.items() if pair[0] != pair[1]}
    assert not wrong, f"{key} as {actor}: (expected, got) per object {wrong}"


def test_own_and_other_objects_are_distinct(world):
    # Each route's two lines are about two different objects (the unknown invitation secret
    # is the same on both lines: no invitation is anybody's here).
    shared = {"secret"}
    for name, sides in world.ids.items():
        if name not in shared:
            assert sides["own"] != sides["other"], name


@pytest.mark.parametrize(
    ("method", "endpoint", "rule"),
    [route for route in ROUTES if route[2].count("<int:") == 1],
    ids=[f"{m}-{e}" for m, e, r in ROUTES if r.count("<int:") == 1],
)
def test_unknown_id_is_not_found_for_a_coordinator(world, method, endpoint, rule):
    # Well-formed input where the route checks its shape before looking the object up.
    form = {"accounts.change_role": {"role": "member"}}.get(endpoint, {"confirmed": "1"})
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
