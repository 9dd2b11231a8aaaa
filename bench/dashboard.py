"""Time the dashboard's aggregate queries on one year of a large pole, against a plain GROUP BY.

Builds (once) 50 member organisations, 200 resources and 200,000 bookings of 2025 in its own
PostgreSQL database ``pooling_dashboard_bench`` (created if missing, migrated with Alembic),
then prints the median of 5 runs of the full dashboard, of each of its queries and of the
activity report, and their ratio to the floor: one
``SELECT organisation_id, count(*), sum(extract(epoch from end_at - start_at)) ... GROUP BY``
over the same rows. The dashboard reads the day rollup (``day_rollups``), which the build
fills once after its COPY, as the migration does. Targets: the year's dashboard and report
at most 2x the floor, a month at most 1x.

    .venv/bin/python bench/dashboard.py [--rebuild]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pooling_dashboard_bench"
)
ORGANISATIONS, RESOURCES, BOOKINGS, RUNS = 50, 200, 200_000, 5
YEAR = 2025
PARIS = ZoneInfo("Europe/Paris")
OPENING_PATTERNS = [
    {d: [["08:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    {d: [["09:00", "12:30"], ["13:30", "17:30"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    {d: [["07:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
    {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
]


def ensure_database() -> None:
    """Create the bench database if it does not exist (never touches the test database)."""
    url = make_url(URL)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{url.database}"')


def build(db) -> None:
    """Fill the database: organisations, resources, people, 200,000 bookings (COPY)."""
    rng = random.Random(2025)
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()
    from pooling.accounts import services as accounts
    from pooling.core.actors import SYSTEM
    from pooling.organisations.models import Organisation
    from pooling.resources.models import Closure, Resource

    for n in range(ORGANISATIONS):
        db.session.add(Organisation(name=f"Organisation {n + 1:02d}", slug=f"org-{n + 1}"))
    db.session.flush()
    accounts.create_person(
        SYSTEM,
        accounts.PersonInput(
            email="coordination@bench.example", name="Coordination", is_coordinator=True
        ),
    )
    users = []
    for n in range(ORGANISATIONS):
        user = accounts.create_person(
            SYSTEM,
            accounts.PersonInput(
                email=f"p{n}@bench.example", name=f"Person {n}", organisation_id=n + 1
            ),
        )
        users.append(user.id)
    kinds = ["premises"] * 120 + ["equipment"] * 60 + ["staff"] * 20
    resources = []
    for n in range(RESOURCES):
        kind = kinds[n]
        resource = Resource(
            name=f"{kind} {n + 1:03d}",
            kind=kind,
            quantity=40 if n % 50 == 7 else 1,
            opening_hours=OPENING_PATTERNS[n % len(OPENING_PATTERNS)],
            owner_organisation_id=(n % ORGANISATIONS) + 1 if n % 3 == 0 else None,
            longest_booking_minutes=600,
        )
        db.session.add(resource)
        resources.append(resource)
    db.session.flush()
    for month in range(1, 13):
        db.session.add(
            Closure(
                resource_id=resources[month * 7].id,
                start_at=datetime(YEAR, month, 10, tzinfo=PARIS).astimezone(UTC),
                end_at=datetime(YEAR, month, 17, tzinfo=PARIS).astimezone(UTC),
            )
        )
    db.session.add(
        Closure(
            start_at=datetime(YEAR, 8, 1, tzinfo=PARIS).astimezone(UTC),
            end_at=datetime(YEAR, 8, 16, tzinfo=PARIS).astimezone(UTC),
            reason="summer",
        )
    )
    db.session.commit()

    first = date(YEAR, 1, 1)
    weekdays = [first + timedelta(days=d) for d in range(365)]
    weekdays = [d for d in weekdays if d.weekday() < 5]
    resource_ids = [r.id for r in resources]
    quantities = {r.id: r.quantity for r in resources}
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        columns = (
            "resource_id, organisation_id, user_id, title, start_at, end_at, quantity, status, "
            "sequence, cancelled_at, checked_in_at, meter_start, meter_end, created_at, updated_at"
        )
        shares = []
        with cursor.copy(f"COPY bookings ({columns}) FROM STDIN") as copy:
            for n in range(BOOKINGS):
                resource_id = rng.choice(resource_ids)
                organisation = rng.randint(1, ORGANISATIONS)
                day = rng.choice(weekdays)
                start_local = datetime(day.year, day.month, day.day, rng.randint(8, 16), 0)
                start_local += timedelta(minutes=rng.choice((0, 15, 30, 45)))
                start = start_local.replace(tzinfo=PARIS).astimezone(UTC)
                end = start + timedelta(minutes=rng.choice((60, 90, 120, 180, 240, 480)))
                roll = rng.random()
                status = "cancelled" if roll < 0.08 else "pending" if roll < 0.10 else "confirmed"
                cancelled = start - timedelta(hours=rng.randint(1, 200)) if roll < 0.08 else None
                checked = start if rng.random() < 0.6 and resource_id % 4 == 1 else None
                meter = rng.randint(1000, 90000) if resource_id % 10 == 3 else None
                copy.write_row(
                    (
                        resource_id,
                        organisation,
                        users[organisation - 1],
                        "",
                        start,
                        end,
                        rng.randint(1, 40) if quantities[resource_id] > 1 else 1,
                        status,
                        0,
                        cancelled,
                        checked,
                        meter,
                        meter + rng.randint(5, 300) if meter else None,
                        start - timedelta(days=3),
                        start - timedelta(days=3),
                    )
                )
                if n % 50 == 0:
                    other = organisation % ORGANISATIONS + 1
                    shares.append((n + 1, organisation, "0.5"))
                    shares.append((n + 1, other, "0.5"))
        with cursor.copy(
            "COPY booking_shares (booking_id, organisation_id, share) FROM STDIN"
        ) as copy:
            for row in shares:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    # COPY bypasses the flush listener: fill the day rollup as the migration does.
    from pooling.dashboards.rollup_sync import rebuild

    rebuild(db.session.connection())
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def median_ms(run, runs: int = RUNS) -> float:
    """Median wall time of ``runs`` calls, after one warm-up call."""
    run()
    timings = []
    for _n in range(runs):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    ensure_database()
    from flask_migrate import upgrade

    from config import TestingConfig
    from pooling import create_app
    from pooling.accounts.models import User
    from pooling.bookings.models import Booking
    from pooling.core.time import pole_tz
    from pooling.dashboards import periods, queries, report, rollup_queries, services
    from pooling.dashboards.queries import Scope
    from pooling.extensions import db

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=URL, POOLING_TIMEZONE="Europe/Paris")
    with app.app_context():
        upgrade()
        count = db.session.scalar(text("SELECT count(*) FROM bookings"))
        if "--rebuild" in sys.argv or count != BOOKINGS:
            started = time.perf_counter()
            build(db)
            print(f"built {BOOKINGS} bookings in {time.perf_counter() - started:.1f} s")
        coordinator = db.session.scalar(
            db.select(User).where(User.is_coordinator.is_(True)).limit(1)
        )
        now = datetime(YEAR, 12, 31, 12, tzinfo=UTC)
        year = periods.make_period("year", date(YEAR, 6, 1))
        month = periods.make_period("month", date(YEAR, 10, 1))
        rows = db.session.scalar(
            db.select(db.func.count())
            .select_from(Booking)
            .where(Booking.start_at >= year.start, Booking.start_at < year.end)
        )
        floor_sql = text(
            "SELECT organisation_id, count(*), sum(extract(epoch from end_at - start_at)) "
            "FROM bookings WHERE start_at >= :start AND start_at < :end GROUP BY organisation_id"
        )

        def floor() -> None:
            db.session.execute(floor_sql, {"start": year.start, "end": year.end}).all()

        def dashboard(period=year, asked=None):
            asked = asked or services.DashboardFilter()
            return lambda: services.build_dashboard(coordinator, period, asked, now=now)

        scope = Scope()
        floor_ms = median_ms(floor)
        print(
            f"PostgreSQL, {rows} bookings in {YEAR}, {RESOURCES} resources, {ORGANISATIONS} organisations"
        )
        print(f"floor (plain GROUP BY organisation over the year): {floor_ms:8.1f} ms")
        measures = [
            ("full dashboard, year", dashboard()),
            ("full dashboard, October", dashboard(month)),
            (
                "full dashboard, year, one organisation",
                dashboard(year, services.DashboardFilter(organisation_id=7)),
            ),
            ("activity report, year", lambda: report.build_report(coordinator, year, now=now)),
            (
                "  rollup per resource, per purpose x organisation",
                lambda: rollup_queries.groups(year.first, year.last, scope),
            ),
            (
                "  rollup per day (trend, heatmap)",
                lambda: rollup_queries.days(year.first, year.last, scope),
            ),
            (
                "  open hours (opening hours - closures)",
                lambda: services.open_seconds(queries.resources_in_scope(scope), year, pole_tz()),
            ),
        ]
        for label, run in measures:
            elapsed = median_ms(run)
            print(f"{label:42s} {elapsed:8.1f} ms  {elapsed / floor_ms:5.2f}x floor")
            db.session.rollback()


if __name__ == "__main__":
    main()
