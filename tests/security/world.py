"""A small pole shared by the security tests, built once per database and restored cheaply.

Two member organisations (alpha and beta), a member and a referent in each, a coordinator;
a room owned by each organisation (approval required, so bookings stay pending), a weekly
series of two bookings by each organisation's member, a cost period, a calendar feed, an
API token, a closure, a quota, a manual usage line and a proposed co-organisation share of
each side. ``restore()`` puts every
table back as it was, so that a test whose request wrote something leaves no trace.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, request_started
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from config import TestingConfig
from pooling import create_app
from pooling.accounts.models import ApiToken, Membership
from pooling.core.actors import SYSTEM
from pooling.extensions import db
from pooling.resources import services as resources
from tests.conftest import _fresh_request_globals
from tests.factories import (
    make_coordinator,
    make_organisation,
    make_resource,
    make_token,
    make_user,
)

PARIS = ZoneInfo("Europe/Paris")
ALWAYS = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
ACTORS = ("anonymous", "member", "other_member", "referent", "coordinator")
CSRF_RAW = "security-tests-csrf-seed"


@dataclass
class World:
    """The pole of the security tests: ids, tokens and sign-in identities of each actor."""

    app: Flask
    ids: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict]] = field(default_factory=dict)

    def client(self, actor: str, *, csrf: bool = True):
        """A test client signed in as ``actor`` (a session, as a browser), with a CSRF seed."""
        client = self.app.test_client()
        with client.session_transaction() as session:
            if actor != "anonymous":
                session["_user_id"] = self.logins[actor]
                session["_fresh"] = True
            if csrf:
                session["csrf_token"] = CSRF_RAW
        return client

    def csrf_token(self) -> str:
        """The form token that matches the seed put in each client's session."""
        return URLSafeTimedSerializer(self.app.secret_key, salt="wtf-csrf-token").dumps(CSRF_RAW)

    def api_headers(self, actor: str) -> dict[str, str]:
        """Bearer header of ``actor`` (none for the anonymous caller)."""
        if actor == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[actor]}"}

    def snapshot(self) -> None:
        """Remember every row of every table."""
        db.session.commit()
        self.rows = {
            table.name: [dict(row._mapping) for row in db.session.execute(table.select())]
            for table in db.metadata.sorted_tables
        }

    def restore(self) -> None:
        """Put every table back to the snapshot (sequences keep growing on PostgreSQL)."""
        db.session.remove()
        tables = db.metadata.sorted_tables
        with db.engine.begin() as connection:
            # DELETE, not TRUNCATE: on a few rows it is many times faster on PostgreSQL.
            for table in reversed(tables):
                connection.execute(table.delete())
            for table in tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])

    def changed(self) -> list[str]:
        """The tables whose rows differ from the snapshot (what a request wrote)."""
        db.session.remove()
        differ = []
        for table in db.metadata.sorted_tables:
            rows = [dict(row._mapping) for row in db.session.execute(table.select())]
            key = lambda row: repr(sorted(row.items()))  # noqa: E731
            if sorted(rows, key=key) != sorted(self.rows[table.name], key=key):
                differ.append(table.name)
        db.session.remove()
        return differ

    def counts(self) -> dict[str, int]:
        """Rows per table, to tell that a refused request wrote nothing."""
        from sqlalchemy import func

        db.session.remove()
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


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
    world = World(app)
    alpha = make_organisation("Alpha", slug="alpha")
    beta = make_organisation("Beta", slug="beta")
    people = {
        "member": make_user(alpha, name="Member Alpha"),
        "referent": make_user(alpha, role="org_admin", name="Referent Alpha"),
        "other_member": make_user(beta, name="Member Beta"),
        "other_referent": make_user(beta, role="org_admin", name="Referent Beta"),
        "coordinator": make_coordinator(name="Coordinator"),
    }
    for actor, person in people.items():
        world.tokens[actor] = make_token(person)
        world.logins[actor] = person.get_id()
    room_alpha = make_resource(
        "Room Alpha",
        capacity=10,
        requires_approval=True,
        owner_organisation_id=alpha.id,
        opening_hours=ALWAYS,
        max_advance_days=800,
    )
    room_beta = make_resource(
        "Room Beta",
        capacity=10,
        requires_approval=True,
        owner_organisation_id=beta.id,
        opening_hours=ALWAYS,
        max_advance_days=800,
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
    }
    world.snapshot()
    return world
