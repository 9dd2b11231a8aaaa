"""Listing one resource's week through the API against a floor, on PostgreSQL.

Usage (makes and migrates its own database on the server of ``BENCH_DATABASE_URL``, named by
``BENCH_DATABASE``, default ``pooling_bench``, wiping it first)::

    .venv/bin/python bench/week.py [--runs 200] [--week 100] [--others 10000]

The resource holds ``--week`` bookings in the week listed (half of them co-organised: two
shares each) among ``--others`` bookings before and after it. Then ``--runs`` lists and
``--runs`` floor requests are timed alternately, each one request of Flask's test client with
the same Bearer token:

- list: ``GET /api/v1/bookings?resource_id=..&start=..&end=..&limit=500``: routing, token
  lookup, the query with its shares and resources, each booking's title visibility, the JSON
  of every booking.
- floor: ``GET /bench/week`` on a blueprint that reuses the API's ``authenticate`` hook: one
  plain ``SELECT`` of the same rows' columns (Core), each row as a JSON object.

It prints the statements each sends, the median of each and their ratio (target: 1.5x).
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
from decimal import Decimal
from pathlib import Path

from flask import jsonify, request
from sqlalchemy import event, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking import bench_database_url, build_app, fresh_schema, setup_pole  # noqa: E402

from pooling.bookings.models import Booking, BookingShare  # noqa: E402
from pooling.extensions import db  # noqa: E402


def add_week_floor(floor) -> None:
    """``GET /bench/week``: the week's rows by one plain SELECT, through the same stack."""
    table = Booking.__table__

    @floor.get("/week")
    def week_rows():
        start = datetime.fromisoformat(request.args["start"])
        end = datetime.fromisoformat(request.args["end"])
        rows = db.session.execute(
            select(table)
            .where(
                table.c.resource_id == int(request.args["resource_id"]),
                table.c.end_at > start,
                table.c.start_at < end,
            )
            .order_by(table.c.start_at, table.c.id)
        ).mappings()
        return jsonify(
            items=[
                {
                    key: value.isoformat() if isinstance(value, datetime) else value
                    for key, value in row.items()
                    if not isinstance(value, Decimal)
                }
                for row in rows
            ]
        )


def fill_week(resource_id, organisation_id, other_id, person_id, monday, week, others) -> None:
    """``week`` bookings in the week from ``monday``, ``others`` outside it."""
    rows = []
    for k in range(week):
        start = monday + timedelta(minutes=100 * k)
        rows.append((start, k % 2 == 0))
    for k in range(others):
        hours = (k // 2 + 1) * 2
        start = (
            monday - timedelta(hours=hours) if k % 2 else monday + timedelta(days=8, hours=hours)
        )
        rows.append((start, False))
    for first in range(0, len(rows), 5000):
        chunk = rows[first : first + 5000]
        ids = db.session.scalars(
            insert(Booking).returning(Booking.id),
            [
                {
                    "resource_id": resource_id,
                    "organisation_id": organisation_id,
                    "user_id": person_id,
                    "title": "Réunion",
                    "start_at": start,
                    "end_at": start + timedelta(minutes=90),
                    "quantity": 1,
                    "status": "confirmed",
                    "sequence": 0,
                }
                for start, _shared in chunk
            ],
        ).all()
        shares = []
        for booking_id, (_start, shared) in zip(ids, chunk, strict=True):
            if shared:
                shares += [
                    {
                        "booking_id": booking_id,
                        "organisation_id": organisation_id,
                        "share": Decimal("0.5"),
                        "status": "accepted",
                    },
                    {
                        "booking_id": booking_id,
                        "organisation_id": other_id,
                        "share": Decimal("0.5"),
                        "status": "accepted",
                    },
                ]
        if shares:
            db.session.execute(insert(BookingShare), shares)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def timed(client, url: str, headers: dict, expected: int) -> tuple[float, int]:
    """Milliseconds of one GET, and the statements it sent."""
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = time.perf_counter() - started
    event.remove(db.engine, "before_cursor_execute", count)
    if response.status_code != 200 or len(response.get_json()["items"]) != expected:
        raise SystemExit(f"{url} answered {response.status_code}: {response.get_data()[:300]}")
    return elapsed * 1000, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--week", type=int, default=100)
    parser.add_argument("--others", type=int, default=10000)
    parser.add_argument("--profile", action="store_true", help="cProfile the lists")
    args = parser.parse_args()
    url = bench_database_url()
    fresh_schema(url)
    app = build_app(url, add_week_floor)
    with app.app_context():
        from flask_migrate import upgrade

        from pooling.core.actors import SYSTEM
        from pooling.organisations import services as organisations

        upgrade()
        organisation_id, person_id, resource_id, secret = setup_pole()
        other = organisations.create_organisation(
            SYSTEM, organisations.OrganisationInput(name="Co-organisatrice", kind="association")
        )
        db.session.commit()
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        monday = today + timedelta(days=14 - today.weekday())
        fill_week(resource_id, organisation_id, other.id, person_id, monday, args.week, args.others)
        db.session.remove()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
        window = f"start={monday.isoformat()}&end={(monday + timedelta(days=7)).isoformat()}"
        window = window.replace("+", "%2B")
        list_url = f"/api/v1/bookings?resource_id={resource_id}&{window}&limit=500"
        floor_url = f"/bench/week?resource_id={resource_id}&{window}"
        lists, floors = [], []
        profiler = cProfile.Profile() if args.profile else None
        for _run in range(args.runs + 5):
            if profiler:
                profiler.enable()
            lists.append(timed(client, list_url, headers, args.week))
            if profiler:
                profiler.disable()
            floors.append(timed(client, floor_url, headers, args.week))
        lists, floors = lists[5:], floors[5:]
        list_ms = statistics.median(ms for ms, _n in lists)
        floor_ms = statistics.median(ms for ms, _n in floors)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"PostgreSQL {db.session.scalar(text('SHOW server_version'))}, {args.runs} runs, "
            f"load average {load}"
        )
        print(
            f"week of {args.week} bookings among {args.others:,}: list {list_ms:.2f} ms "
            f"({lists[-1][1]} statements), floor {floor_ms:.2f} ms ({floors[-1][1]} statements), "
            f"ratio {list_ms / floor_ms:.2f}x"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats("pooling|loading|json", 40)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
