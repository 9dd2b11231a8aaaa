"""Booking creation time against a floor, on a resource holding 1,000 to 100,000 bookings.

Usage (PostgreSQL; the bench makes and migrates its own database, ``BENCH_DATABASE`` or
``pooling_bench``, on the server of ``BENCH_DATABASE_URL``, wiping it first; with a
``sqlite:///path`` URL, that file, wiped first)::

    .venv/bin/python bench/booking.py [--runs 200] [--sizes 1000,10000,100000] [--profile]

For each size the resource is filled by bulk INSERTs (30-minute bookings, one per hour,
around a point a month ahead), then ``--runs`` creations and ``--runs`` floor requests are
timed alternately, each one request of Flask's test client:

- create: ``POST /api/v1/bookings`` with a Bearer token, into a free half hour between
  stored bookings: routing, token lookup, JSON parsing, the full engine (rules, lock,
  conflict read, quotas, audit), INSERT, commit, JSON answer.
- floor: ``POST /bench/floor`` with the same token, on a blueprint that reuses the API's
  ``authenticate`` hook and ``json_body``: routing, token lookup, JSON parsing, one bare
  ``INSERT INTO bookings`` (Core, same table and indexes), commit, a small JSON answer.

It prints the median of each and their ratio (target: under 2x, flat as bookings grow).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Blueprint, jsonify
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestingConfig  # noqa: E402
from pooling import create_app  # noqa: E402
from pooling.bookings.models import Booking  # noqa: E402
from pooling.extensions import csrf, db  # noqa: E402
from pooling.resources.models import Resource  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "pooling_bench")
ALL_DAY = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def bench_database_url() -> str:
    """The URL of ``pooling_bench`` on the server of BENCH_DATABASE_URL, created if missing."""
    import psycopg

    url = make_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    if url.get_backend_name() == "sqlite":
        return url.render_as_string(hide_password=False)
    server = url.set(drivername="postgresql", database="postgres")
    conninfo = server.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DATABASE,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return url.set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def fresh_schema(url: str) -> None:
    if make_url(url).get_backend_name() == "sqlite":
        Path(make_url(url).database).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build_app(url: str, routes=None):
    """The application on the bench database, with the floor route on its own blueprint
    (``routes(blueprint)`` adds other benches' floors to it)."""
    from pooling.api.auth import authenticate
    from pooling.api.helpers import json_body

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
    floor = Blueprint("bench", __name__, url_prefix="/bench")
    floor.before_request(authenticate)
    csrf.exempt(floor)  # as the API: Bearer calls carry no cookie

    @floor.post("/floor")
    def bare_insert():
        body = json_body()
        start = datetime.fromisoformat(body["start"])
        new_id = db.session.execute(
            insert(Booking)
            .values(
                resource_id=body["resource_id"],
                organisation_id=body["organisation_id"],
                user_id=body["user_id"],
                title=body["title"],
                start_at=start,
                end_at=start + timedelta(minutes=30),
            )
            .returning(Booking.id)
        ).scalar_one()
        db.session.commit()
        return jsonify(id=new_id), 201

    if routes is not None:
        routes(floor)
    app.register_blueprint(floor)
    return app


def setup_pole():
    """One organisation, one person with an API token, one resource open day and night."""
    from pooling.accounts import services as accounts
    from pooling.core.actors import SYSTEM
    from pooling.organisations import services as organisations
    from pooling.resources import services as resources

    organisation = organisations.create_organisation(
        SYSTEM, organisations.OrganisationInput(name="Banc d'essai", slug=None, kind="association")
    )
    db.session.flush()
    person = accounts.create_person(
        SYSTEM,
        accounts.PersonInput(
            email="bench@example.org",
            name="Bench",
            organisation_id=organisation.id,
            role="member",
            is_coordinator=False,
            password="correct horse battery staple",
            locale="en",
        ),
    )
    resource = resources.create_resource(
        SYSTEM,
        resources.ResourceValues(name="Salle du banc", kind="premises", opening_hours=ALL_DAY),
    )
    db.session.flush()
    _token, secret = accounts.create_token(person, "bench")
    db.session.commit()
    return organisation.id, person.id, resource.id, secret


def fill(resource_id: int, organisation_id: int, person_id: int, middle, first: int, last: int):
    """Store bookings number ``first`` to ``last - 1``, alternately after and before ``middle``.

    Booking k (k even) starts k/2 hours after ``middle``; (k odd) (k+1)/2 hours before it; each
    lasts 30 minutes, so every hour after ``middle`` keeps a free half hour at :30.
    """
    batch = []
    for k in range(first, last):
        hours = k // 2 if k % 2 == 0 else -(k + 1) // 2
        start = middle + timedelta(hours=hours)
        batch.append(
            {
                "resource_id": resource_id,
                "organisation_id": organisation_id,
                "user_id": person_id,
                "title": "Existant",
                "start_at": start,
                "end_at": start + timedelta(minutes=30),
                "quantity": 1,
                "status": "confirmed",
                "sequence": 0,
            }
        )
        if len(batch) == 5000:
            db.session.execute(insert(Booking), batch)
            batch = []
    if batch:
        db.session.execute(insert(Booking), batch)
    # What the engine would have noted: how far back a conflicting booking can start.
    sqlite = db.engine.dialect.name == "sqlite"
    larger = func.max if sqlite else func.greatest
    db.session.execute(
        update(Resource)
        .where(Resource.id == resource_id)
        .values(longest_booking_minutes=larger(Resource.longest_booking_minutes, 31))
    )
    db.session.commit()
    db.session.execute(text("ANALYZE" if sqlite else "ANALYZE bookings"))
    db.session.commit()


def timed(client, url: str, body: dict, headers: dict) -> float:
    started = time.perf_counter()
    response = client.post(url, json=body, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(
            f"{url} answered {response.status_code}: {response.get_data(as_text=True)}"
        )
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--profile", action="store_true", help="cProfile the creations")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    url = bench_database_url()
    fresh_schema(url)
    app = build_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        organisation_id, person_id, resource_id, secret = setup_pole()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
        middle = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
        floor_origin = datetime(2045, 1, 1, tzinfo=UTC)
        stored = 0
        hour = 0  # next free half hour after ``middle`` for a creation
        server = (
            f"SQLite {db.session.scalar(text('SELECT sqlite_version()'))}"
            if db.engine.dialect.name == "sqlite"
            else f"PostgreSQL {db.session.scalar(text('SHOW server_version'))}"
        )
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{server}, {args.runs} runs, load average {load}")
        print(f"{'bookings':>9} {'create ms':>10} {'floor ms':>9} {'ratio':>6}")
        profiler = cProfile.Profile() if args.profile else None
        for size in sizes:
            fill(resource_id, organisation_id, person_id, middle, stored, size)
            stored = size
            creates, floors = [], []
            for _run in range(args.runs + 5):
                start = middle + timedelta(hours=hour, minutes=30)
                hour += 1
                body = {
                    "resource_id": resource_id,
                    "start": start.isoformat(),
                    "end": (start + timedelta(minutes=30)).isoformat(),
                    "title": "Nouvelle",
                }
                if profiler:
                    profiler.enable()
                creates.append(timed(client, "/api/v1/bookings", body, headers))
                if profiler:
                    profiler.disable()
                floor_body = {
                    "resource_id": resource_id,
                    "organisation_id": organisation_id,
                    "user_id": person_id,
                    "title": "Plancher",
                    "start": (floor_origin + timedelta(hours=len(floors) + hour)).isoformat(),
                }
                floors.append(timed(client, "/bench/floor", floor_body, headers))
            creates, floors = creates[5:], floors[5:]  # the first requests warm caches up
            create_ms, floor_ms = statistics.median(creates), statistics.median(floors)
            count = db.session.scalar(
                select(func.count(Booking.id)).where(Booking.resource_id == resource_id)
            )
            print(f"{count:>9,} {create_ms:>10.2f} {floor_ms:>9.2f} {create_ms / floor_ms:>5.2f}x")
            db.session.remove()
        if profiler:
            pstats.Stats(profiler).sort_stats(
                os.environ.get("BENCH_PROFILE_SORT", "cumulative")
            ).print_stats(os.environ.get("BENCH_PROFILE_FILTER", ""), 45)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
