"""A small pole shared by the security tests, built once per database and restored cheaply.

Built with the tests' one builder (tests/world.py: ``World``, the ``alpha_and_beta`` people).

Two member organisations (alpha and beta), a member and a referent in each, a coordinator;
a room owned by each organisation (approval required, so bookings stay pending), a weekly
series of two bookings by each organisation's member, a cost period, a calendar feed, an
API token, a closure, a quota, a manual usage line, a proposed co-organisation share and a
qualification held by its member, of each side. ``restore()`` puts every
table back as it was, so that a test whose request wrote something leaves no trace.
"""

from __future__ import annotations

import shutil
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, request_started
from sqlalchemy import select

from config import TestingConfig
from pooling import create_app
from pooling.accounts.models import ApiToken, Membership
from pooling.bookings import purposes
from pooling.bookings.models import BookingPurpose
from pooling.core.actors import SYSTEM
from pooling.extensions import db
from pooling.mail.models import OutboxMail
from pooling.qualifications import services as qualifications
from pooling.resources import services as resources
from tests.conftest import _fresh_request_globals
from tests.world import ALWAYS_OPEN, World, alpha_and_beta

PARIS = ZoneInfo("Europe/Paris")
ACTORS = ("anonymous", "member", "other_member", "referent", "coordinator")


def next_monday_at(hour: int, weeks: int = 3) -> datetime:
    """A Monday a few weeks ahead at ``hour`` Paris time."""
    today = datetime.now(PARIS).date() + timedelta(weeks=weeks)
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    return datetime.combine(monday, time(hour), tzinfo=PARIS)


def database_for(kind: str, tmp_dir, sqlite_template, postgresql_url: str | None) -> str:
    """A migrated empty database of ``kind`` (a fresh SQLite copy, or the PostgreSQL test one)."""
    if kind == "sqlite":
        path = tmp_dir / "security.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    return postgresql_url


def security_app(database_url: str, instance_path: str) -> Flask:
    """The application of the security tests (throttling off: the matrix sends many requests)."""
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        POOLING_INSTANCE_PATH=instance_path,
        RATELIMIT_ENABLED=False,
    )
    # Requests share the test's application context, hence ``g``: give each a fresh one.
    request_started.connect(_fresh_request_globals, app, weak=False)
    return app


def build_world(app: Flask) -> World:
    """Fill the application's database with the pole (inside an application context)."""
    world = alpha_and_beta(World(app))
    alpha, beta = world.alpha, world.beta
    for actor in ("member", "referent", "other_member", "other_referent", "coordinator"):
        world.add_token(actor)
        world.sign_in(actor)
    room_alpha, room_beta = (
        world.add_resource(
            f"room_{side}",
            f"Room {name}",
            capacity=10,
            requires_approval=True,
            owner=side,
            opening_hours=ALWAYS_OPEN,
            max_advance_days=800,
        )
        for side, name in (("alpha", "Alpha"), ("beta", "Beta"))
    )
    client = app.test_client()

    def api(actor: str, url: str, body: dict) -> dict:
        response = client.post(url, json=body, headers=world.api_headers(actor))
        assert response.status_code == 201, (url, response.get_json())
        return response.get_json()

    start = next_monday_at(10)
    series = {}
    for side, actor, room in (
        ("own", "member", room_alpha),
        ("other", "other_member", room_beta),
    ):
        series[side] = api(
            actor,
            "/api/v1/bookings",
            {
                "resource_id": room.id,
                "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat(),
                "title": f"Meeting of {actor}",
                "recurrence": "FREQ=WEEKLY;COUNT=2",
            },
        )
    # Co-organisation: "own" is a share beta proposes to alpha (alpha's referent answers it),
    # "other" a share alpha proposes to beta (not alpha's to answer).
    shared = {
        side: api(
            actor,
            "/api/v1/bookings",
            {
                "resource_id": room.id,
                "start": (start + timedelta(days=1)).isoformat(),
                "end": (start + timedelta(days=1, hours=2)).isoformat(),
                "title": f"Co-organised by {actor}",
                "shares": [
                    {"organisation_id": booker.id, "share": "0.5"},
                    {"organisation_id": partner.id, "share": "0.5"},
                ],
            },
        )
        for side, actor, room, booker, partner in (
            ("own", "other_member", room_beta, beta, alpha),
            ("other", "member", room_alpha, alpha, beta),
        )
    }
    # Cost periods belong to the whole pole: "own" and "other" are two distinct periods (this
    # year and the next), so that a route reading the wrong id shows.
    periods = {
        side: api(
            "coordinator",
            "/api/v1/cost-periods",
            {"name": f"Year {year}", "start": f"{year}-01-01", "end": f"{year}-12-31"},
        )
        for side, year in (("own", start.year), ("other", start.year + 1))
    }
    feeds = {
        side: api(actor, "/api/v1/feeds", {"scope": "me"})
        for side, actor in (("own", "member"), ("other", "other_member"))
    }
    quotas = {
        side: api(
            "coordinator",
            "/api/v1/quotas",
            {"organisation_id": org.id, "hours": 10, "period": "week", "resource_id": room.id},
        )
        for side, org, room in (("own", alpha, room_alpha), ("other", beta, room_beta))
    }
    lines = {
        side: api(
            "coordinator",
            "/api/v1/usage/manual",
            {
                "organisation_id": org.id,
                "resource_id": room.id,
                "date": start.date().isoformat(),
                "hours": 2,
                "reason": "Used without booking",
            },
        )
        for side, org, room in (("own", alpha, room_alpha), ("other", beta, room_beta))
    }
    closures = {
        side: resources.create_closure(
            SYSTEM, room.id, start + timedelta(days=60), start + timedelta(days=61), "Works"
        ).id
        for side, room in (("own", room_alpha), ("other", room_beta))
    }
    # A mail the server refused, on each side: coordinators resend it.
    mails = {}
    for side, address in (
        ("own", "refused-alpha@example.org"),
        ("other", "refused-beta@example.org"),
    ):
        mail = OutboxMail(
            to_address=address,
            kind="invitation",
            language="fr",
            subject="Invitation",
            text="Bonjour",
            message_id=f"<{side}@pole.example.org>",
            status="failed",
            attempts=1,
            last_error="550 5.1.1 No such mailbox",
        )
        db.session.add(mail)
        db.session.flush()
        mails[side] = mail.id
    # Waitlist entries: alpha's member waits for beta's room, beta's member for alpha's.
    waiting = {
        side: api(
            actor,
            "/api/v1/waitlist",
            {
                "resource_id": room.id,
                "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat(),
                "title": f"Waiting {actor}",
            },
        )
        for side, actor, room in (
            ("own", "member", room_beta),
            ("other", "other_member", room_alpha),
        )
    }
    # Qualifications are the pole's: "own" and "other" are two distinct ones, each held by
    # the member of its side (alpha's referent records for alpha's member only).
    # Purposes are the pole's list too: "own" and "other" are two of the defaults.
    purposes.ensure_defaults()
    own_purpose, other_purpose = db.session.scalars(
        select(BookingPurpose.id).order_by(BookingPurpose.id).limit(2)
    )
    purpose_by_side = {"own": own_purpose, "other": other_purpose}
    qualifications_by_side = {
        side: qualifications.create_qualification(SYSTEM, name)
        for side, name in (("own", "Permis B"), ("other", "HACCP"))
    }
    holders = {"own": world["member"], "other": world["other_member"]}
    for side, qualification in qualifications_by_side.items():
        qualifications.record_holder(SYSTEM, qualification.id, holders[side].id)
    db.session.commit()

    def membership_of(actor: str) -> int:
        user_id = int(world.logins[actor].split(":")[0])
        return db.session.scalar(select(Membership.id).where(Membership.user_id == user_id))

    def token_of(actor: str) -> int:
        user_id = int(world.logins[actor].split(":")[0])
        return db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user_id))

    def pair(own, other):
        return {"own": own, "other": other}

    world.ids = {
        "booking_id": pair(series["own"]["items"][0]["id"], series["other"]["items"][0]["id"]),
        "series_id": pair(series["own"]["series_id"], series["other"]["series_id"]),
        "resource_id": pair(room_alpha.id, room_beta.id),
        "org_id": pair(alpha.id, beta.id),
        "organisation_id": pair(alpha.id, beta.id),
        "slug": pair("alpha", "beta"),
        "membership_id": pair(membership_of("member"), membership_of("other_member")),
        "token_id": pair(token_of("member"), token_of("other_member")),
        "feed_id": pair(feeds["own"]["id"], feeds["other"]["id"]),
        "feed_secret": pair(
            feeds["own"]["url"].rsplit("/", 1)[1].removesuffix(".ics"),
            feeds["other"]["url"].rsplit("/", 1)[1].removesuffix(".ics"),
        ),
        "quota_id": pair(quotas["own"]["id"], quotas["other"]["id"]),
        "line_id": pair(lines["own"]["id"], lines["other"]["id"]),
        "closure_id": pair(closures["own"], closures["other"]),
        "share_booking_id": pair(shared["own"]["id"], shared["other"]["id"]),
        "share_organisation_id": pair(alpha.id, beta.id),
        "period_id": pair(periods["own"]["id"], periods["other"]["id"]),
        "name": pair("occupancy", "kinds"),
        "secret": pair("no-such-invitation", "no-such-invitation"),
        "mail_id": pair(mails["own"], mails["other"]),
        "qualification_id": pair(
            qualifications_by_side["own"].id, qualifications_by_side["other"].id
        ),
        "user_id": pair(holders["own"].id, holders["other"].id),
        "purpose_id": pair(purpose_by_side["own"], purpose_by_side["other"]),
        "entry_id": pair(waiting["own"]["id"], waiting["other"]["id"]),
    }
    world.snapshot()
    return world
