"""A bounded load test against gunicorn on PostgreSQL, then a consistency check of the database.

Usage (the target is always 127.0.0.1; the bench makes and migrates its own ``pooling_load``
database on the server of ``LOAD_DATABASE_URL``, wiping it first, never the test one)::

    .venv/bin/python bench/load.py [--users 20,50] [--duration 20] [--workers 4]

For each number of ``--users``, threads (each a simulated person with a keep-alive
``requests.Session`` and the API token of a member of one of five organisations) send
requests back to back for ``--duration`` seconds, in four runs on the same gunicorn:

- mixed: 70% reads (a page of bookings, a resource's availability, the resource list), 20%
  bookings of one hour on eight shared resources over one week (so many collide: 409), 10%
  cancellations of one of the person's own bookings;
- bare, the floor: ``GET /api/v1/me``, token authentication and one SELECT (the caller's
  qualifications), a small JSON answer;
- week: the week's planning of a resource, ``GET /api/v1/bookings?resource_id=..&start=..
  &end=..`` (the week the mixed run filled);
- book: bookings of one hour spread over two years (few collide), each answered 201 or 409.

It prints requests/s, p50 and p95 of each run and the ratios of week and book to bare
(target for book: 0.5x and more).

Afterwards, over the database: no instant where holding bookings of a resource exceed its
quantity, every 201 answered is in the database, every 409 wrote nothing, every cancellation
answered 200 is cancelled, every booking has its audit event. It prints requests per second,
p50 and p95 latency per kind, error counts and the consistency result.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOAD_DATABASE = os.environ.get("LOAD_DATABASE", "pooling_load")
ALL_DAY = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
HOLDING = ("pending", "confirmed")


@dataclass
class Answer:
    """One request and what the server said (status 0: no answer, the connection failed)."""

    kind: str
    status: int
    seconds: float
    title: str | None = None
    booking_id: int | None = None


@dataclass
class Pole:
    """What the load needs to know about the pole it runs against."""

    tokens: list[str]
    resource_ids: list[int]
    week_start: datetime
    # Bookings start at one of the first ``slot_hours`` hours of the week (fewer: more clashes).
    slot_hours: int = 7 * 24


@dataclass
class Consistency:
    """Problems found in the database after the load (all empty: consistent)."""

    over_capacity: list = field(default_factory=list)
    missing_201: list = field(default_factory=list)
    written_409: list = field(default_factory=list)
    not_cancelled: list = field(default_factory=list)
    without_audit: list = field(default_factory=list)
    unanswered_writes: int = 0
    bookings: int = 0

    @property
    def ok(self) -> bool:
        """Whether every guarantee holds."""
        return not (
            self.over_capacity
            or self.missing_201
            or self.written_409
            or self.not_cancelled
            or self.without_audit
        )


def load_database_url() -> str:
    """The URL of ``pooling_load`` on 127.0.0.1, created if missing and emptied."""
    import psycopg

    url = make_url(os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    if url.host not in ("127.0.0.1", "localhost"):
        raise SystemExit("the load test only runs against 127.0.0.1")
    server = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (LOAD_DATABASE,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{LOAD_DATABASE}"')
    target = url.set(database=LOAD_DATABASE).render_as_string(hide_password=False)
    engine = create_engine(target)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return target


def make_pole(app, *, organisations: int = 5, people: int = 8, resources: int = 8) -> Pole:
    """Organisations with members (one API token each) and shared resources open all week."""
    from pooling.accounts import services as accounts
    from pooling.core.actors import SYSTEM
    from pooling.extensions import db
    from pooling.organisations import services as orgs
    from pooling.resources import services as catalogue

    with app.app_context():
        tokens = []
        for n in range(organisations):
            organisation = orgs.create_organisation(
                SYSTEM, orgs.OrganisationInput(name=f"Load organisation {n}", kind="association")
            )
            for p in range(people):
                person = accounts.create_person(
                    SYSTEM,
                    accounts.PersonInput(
                        email=f"load{n}-{p}@example.org",
                        name=f"Load person {n}-{p}",
                        organisation_id=organisation.id,
                        role="member",
                        password="correct horse battery staple",
                    ),
                )
                tokens.append(accounts.create_token(person, "load")[1])
        resource_ids = []
        for n in range(resources):
            resource = catalogue.create_resource(
                SYSTEM,
                catalogue.ResourceValues(
                    name=f"Load resource {n}",
                    kind="equipment" if n % 2 else "premises",
                    quantity=1 + n % 3,
                    opening_hours=ALL_DAY,
                    max_advance_days=800,
                ),
            )
            resource_ids.append(resource.id)
        db.session.commit()
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return Pole(tokens, resource_ids, today + timedelta(days=21))


def _z(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def person(base: str, token: str, pole: Pole, deadline: float, seed: int, answers: list) -> None:
    """One simulated person: requests back to back until the deadline."""
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    mine: list[int] = []
    n = 0
    while time.monotonic() < deadline:
        n += 1
        draw = rng.random()
        resource_id = rng.choice(pole.resource_ids)
        slot = pole.week_start + timedelta(hours=rng.randrange(pole.slot_hours))
        title = None
        if draw < 0.7:
            kind = "read"
            choice = rng.randrange(3)
            if choice == 0:
                method, url, body = "GET", f"/api/v1/bookings?resource_id={resource_id}", None
            elif choice == 1:
                end = slot + timedelta(hours=6)
                url = f"/api/v1/resources/{resource_id}/availability?start={_z(slot)}&end={_z(end)}"
                method, body = "GET", None
            else:
                method, url, body = "GET", "/api/v1/resources", None
        elif draw < 0.9 or not mine:
            kind = "book"
            title = f"load-{seed}-{n}"
            method, url = "POST", "/api/v1/bookings"
            body = {
                "resource_id": resource_id,
                "start": _z(slot),
                "end": _z(slot + timedelta(hours=1)),
                "title": title,
            }
        else:
            kind = "cancel"
            booking_id = mine.pop(rng.randrange(len(mine)))
            method, url, body = "POST", f"/api/v1/bookings/{booking_id}/cancel", {}
        started = time.perf_counter()
        try:
            response = session.request(method, base + url, json=body, timeout=30)
            status = response.status_code
        except requests.RequestException:
            status = 0
        seconds = time.perf_counter() - started
        answer = Answer(kind, status, seconds, title)
        if kind == "book" and status == 201:
            answer.booking_id = response.json()["id"]
            mine.append(answer.booking_id)
        if kind == "cancel":
            answer.booking_id = booking_id
        answers.append(answer)


def focused(base: str, token: str, pole: Pole, kind: str, deadline: float, seed: int, answers):
    """One simulated person sending one kind of request back to back until the deadline:
    ``bare`` (the floor), ``week`` (a resource's week) or ``book`` (a booking over two years)."""
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    n = 0
    week = f"start={_z(pole.week_start)}&end={_z(pole.week_start + timedelta(days=7))}"
    while time.monotonic() < deadline:
        n += 1
        resource_id = rng.choice(pole.resource_ids)
        title, body, method = None, None, "GET"
        if kind == "bare":
            url = "/api/v1/me"
        elif kind == "week":
            url = f"/api/v1/bookings?resource_id={resource_id}&{week}&limit=500"
        else:
            slot = pole.week_start + timedelta(days=8, hours=rng.randrange(700 * 24))
            title = f"{kind}-{seed}-{n}"
            method, url = "POST", "/api/v1/bookings"
            body = {
                "resource_id": resource_id,
                "start": _z(slot),
                "end": _z(slot + timedelta(hours=1)),
                "title": title,
            }
        started = time.perf_counter()
        try:
            response = session.request(method, base + url, json=body, timeout=30)
            status = response.status_code
        except requests.RequestException:
            status = 0
        answer = Answer(kind, status, time.perf_counter() - started, title)
        if kind == "book" and status == 201:
            answer.booking_id = response.json()["id"]
        answers.append(answer)


def run_load(
    base: str, pole: Pole, *, users: int, duration: float, seed: int = 1, kind: str = "mixed"
) -> list[Answer]:
    """``users`` people hitting ``base`` for ``duration`` seconds; every answer, in no order."""
    answers: list[Answer] = []
    deadline = time.monotonic() + duration
    threads = [
        threading.Thread(
            target=person if kind == "mixed" else focused,
            args=(
                (base, pole.tokens[i % len(pole.tokens)], pole, deadline, seed * 10000 + i, answers)
                if kind == "mixed"
                else (
                    base,
                    pole.tokens[i % len(pole.tokens)],
                    pole,
                    kind,
                    deadline,
                    seed * 10000 + i,
                    answers,
                )
            ),
        )
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def check_consistency(database_url: str, answers: list[Answer]) -> Consistency:
    """Compare the database with what the clients were told (see the module docstring)."""
    from pooling.audit.models import AuditEvent
    from pooling.bookings.models import Booking
    from pooling.resources.models import Resource

    engine = create_engine(database_url)
    bookings_table, events = Booking.__table__, AuditEvent.__table__
    with engine.connect() as connection:
        resources = Resource.__table__
        quantity = {
            row.id: row.quantity
            for row in connection.execute(select(resources.c.id, resources.c.quantity))
        }
        rows = connection.execute(
            select(
                bookings_table.c.id,
                bookings_table.c.resource_id,
                bookings_table.c.title,
                bookings_table.c.start_at,
                bookings_table.c.end_at,
                bookings_table.c.quantity,
                bookings_table.c.status,
            )
        ).all()
        audited = set(
            connection.execute(
                select(events.c.object_id).where(
                    events.c.object_type == "booking", events.c.action.like("booking.%")
                )
            ).scalars()
        )
    engine.dispose()
    result = Consistency(bookings=len(rows))
    holding = defaultdict(list)
    for row in rows:
        if row.status in HOLDING:
            holding[row.resource_id].append(row)
    for resource_id, held in holding.items():
        for row in held:  # the most ever held is reached at the start of some booking
            taken = sum(o.quantity for o in held if o.start_at <= row.start_at < o.end_at)
            if taken > quantity[resource_id]:
                result.over_capacity.append((resource_id, row.start_at, taken))
    by_id = {row.id: row for row in rows}
    titles = {row.title for row in rows}
    for answer in answers:
        if answer.kind == "book" and answer.title is not None:
            if answer.status == 201:
                row = by_id.get(answer.booking_id)
                if row is None or row.title != answer.title:
                    result.missing_201.append(answer.booking_id)
            elif answer.status == 409 and answer.title in titles:
                result.written_409.append(answer.title)
        elif answer.kind == "cancel" and answer.status == 200:
            if by_id[answer.booking_id].status != "cancelled":
                result.not_cancelled.append(answer.booking_id)
    told = {a.title for a in answers if a.kind == "book" and a.status != 0}
    result.unanswered_writes = sum(1 for row in rows if row.title not in told)
    result.without_audit = [row.id for row in rows if row.id not in audited]
    return result


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Run:
    """One run of the load: its kind, number of users, answers and seconds taken."""

    kind: str
    users: int
    answers: list[Answer]
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.answers) / self.seconds

    def line(self, floor: Run | None = None) -> str:
        times = [a.seconds * 1000 for a in self.answers]
        statuses = Counter(a.status for a in self.answers)
        ratio = f" = {self.per_second / floor.per_second:.2f}x bare" if floor else ""
        return (
            f"  {self.kind:<6} {self.users:>3} users: {self.per_second:7.1f} requests/s{ratio}, "
            f"p50 {statistics.median(times):6.1f} ms, p95 {percentile(times, 0.95):6.1f} ms, "
            f"statuses {dict(sorted(statuses.items()))}"
        )


def report(runs: list[Run], consistency: Consistency) -> str:
    """The closing note: each run's throughput and latency, ratios to bare, consistency."""
    lines = []
    for users in sorted({r.users for r in runs}):
        of_users = [r for r in runs if r.users == users]
        floor = next(r for r in of_users if r.kind == "bare")
        for run in of_users:
            lines.append(run.line(None if run is floor else floor))
    errors = Counter(a.status for r in runs for a in r.answers if a.status == 0 or a.status >= 500)
    lines.append(f"errors (no answer or 5xx): {dict(errors) or 0}")
    c = consistency
    lines.append(
        f"consistency: {'OK' if c.ok else 'BROKEN'} - bookings in database {c.bookings}, "
        f"over capacity {len(c.over_capacity)}, 201 missing {len(c.missing_201)}, "
        f"409 written {len(c.written_409)}, cancel not applied {len(c.not_cancelled)}, "
        f"without audit event {len(c.without_audit)}, written without an answer "
        f"{c.unanswered_writes}"
    )
    return "\n".join(lines)


def main() -> int:
    """Parse the arguments, prepare the database, run gunicorn and the loads, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="20,50", help="numbers of users, one run each")
    parser.add_argument("--duration", type=float, default=20, help="seconds of each run")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from config import TestingConfig
    from pooling import create_app
    from tests.servers import live_server

    url = load_database_url()
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
    pole = make_pole(app)
    env = {"API_RATE_LIMIT": "1000000 per minute"}
    counts = [int(n) for n in args.users.split(",")]
    print(
        f"gunicorn {args.workers} workers, {args.users} users, {args.duration:.0f} s a run, "
        f"database {make_url(url).database} on 127.0.0.1, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    runs: list[Run] = []
    with live_server(url, workers=args.workers, env=env, timeout=60) as server:
        for seed, users in enumerate(counts, start=1):
            for kind in ("mixed", "bare", "week", "book"):
                started = time.monotonic()
                answers = run_load(
                    server.url, pole, users=users, duration=args.duration, seed=seed, kind=kind
                )
                runs.append(Run(kind, users, answers, time.monotonic() - started))
                print(runs[-1].line(), flush=True)
    consistency = check_consistency(url, [a for run in runs for a in run.answers])
    print(report(runs, consistency))
    return 0 if consistency.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
