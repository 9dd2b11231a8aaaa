"""Serving a calendar feed of 5,000 events against ``icalendar`` serialising the same events.

Usage (makes and migrates its own database on the server of ``BENCH_DATABASE_URL``, named by
``BENCH_DATABASE``, default ``pooling_bench``, wiping it first)::

    .venv/bin/python bench/feed.py [--runs 20] [--events 5000]

A resource holds ``--events`` bookings in the feed's window (one in three co-organised), and
its owner reads the resource's feed. ``--runs`` times each, alternately:

- feed: ``GET /ical/<secret>.ics`` through Flask's test client: the secret's lookup, the
  bookings with their resources, organisations and shares, each event's words in the
  reader's language, the calendar's bytes, the ETag.
- floor: ``build_calendar`` (``icalendar``) on the same events made beforehand as plain
  values: only the serialisation.
- revalidation: the same GET with ``If-None-Match``: a 304 without building the calendar.

It prints the medians, the ratio feed/floor (target: 2x) and the 304's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking import bench_database_url, build_app, fresh_schema, setup_pole  # noqa: E402

from pooling.bookings.models import Booking, BookingShare  # noqa: E402
from pooling.extensions import db  # noqa: E402


def fill(resource_id, organisation_id, other_id, person_id, first_day, events) -> None:
    """``events`` bookings of 90 minutes, two hours apart from ``first_day`` on."""
    for first in range(0, events, 5000):
        count = min(5000, events - first)
        starts = [first_day + timedelta(hours=2 * (first + k)) for k in range(count)]
        ids = db.session.scalars(
            insert(Booking).returning(Booking.id),
            [
                {
                    "resource_id": resource_id,
                    "organisation_id": organisation_id,
                    "user_id": person_id,
                    "title": f"Atelier {first + k}",
                    "start_at": start,
                    "end_at": start + timedelta(minutes=90),
                    "quantity": 1,
                    "status": "confirmed",
                    "sequence": 0,
                }
                for k, start in enumerate(starts)
            ],
        ).all()
        shares = [
            {"booking_id": booking_id, "organisation_id": org, "share": Decimal("0.5")}
            for k, booking_id in enumerate(ids)
            if k % 3 == 0
            for org in (organisation_id, other_id)
        ]
        db.session.execute(insert(BookingShare), [{**s, "status": "accepted"} for s in shares])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def floor_events(secret: str):
    """The feed's events as plain values, made the way the feed makes them."""
    from pooling.calendar import services

    now = datetime.now(UTC)
    feed = services._active_feed(secret)
    viewer = feed.user
    link = services._booking_link("http://localhost/")
    query = services._feed_query(feed, viewer, now)
    with force_locale(viewer.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        events = [services._event_for(viewer, b, link) for b in db.session.scalars(query)]
        name = services._feed_name(feed)
    return events, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    url = bench_database_url()
    fresh_schema(url)
    app = build_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        from pooling.accounts.models import User
        from pooling.calendar import services as calendars
        from pooling.calendar.feeds import build_calendar
        from pooling.core.actors import SYSTEM
        from pooling.organisations import services as organisations

        upgrade()
        organisation_id, person_id, resource_id, _secret = setup_pole()
        other = organisations.create_organisation(
            SYSTEM, organisations.OrganisationInput(name="Co-organisatrice", kind="association")
        )
        db.session.commit()
        first_day = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        fill(resource_id, organisation_id, other.id, person_id, first_day, args.events)
        person = db.session.scalar(select(User).where(User.id == person_id))
        _feed, secret = calendars.create_feed(
            person, calendars.FeedInput(scope="resource", resource_id=resource_id)
        )
        db.session.commit()
        events, name = floor_events(secret)
        db.session.remove()
        timezone = app.config["POOLING_TIMEZONE"]
        client = app.test_client()
        path = f"/ical/{secret}.ics"
        feeds, floors, revalidations = [], [], []
        etag = None
        for _run in range(args.runs + 2):
            started = time.perf_counter()
            response = client.get(path)
            feeds.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            served = response.get_data().count(b"BEGIN:VEVENT")
            etag = response.headers["ETag"]
            started = time.perf_counter()
            body = build_calendar(events, name=name, timezone=timezone)
            floors.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            response = client.get(path, headers={"If-None-Match": etag})
            revalidations.append((time.perf_counter() - started) * 1000)
            if response.status_code != 304:
                raise SystemExit(f"revalidation answered {response.status_code}")
        if served != args.events or body.count(b"BEGIN:VEVENT") != args.events:
            raise SystemExit(f"{served} events served, {args.events} expected")
        feeds, floors, revalidations = feeds[2:], floors[2:], revalidations[2:]
        feed_ms, floor_ms = statistics.median(feeds), statistics.median(floors)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"PostgreSQL {db.session.scalar(text('SHOW server_version'))}, {args.runs} runs, "
            f"load average {load}"
        )
        print(
            f"feed of {args.events:,} events: {feed_ms:.1f} ms, icalendar alone {floor_ms:.1f} ms, "
            f"ratio {feed_ms / floor_ms:.2f}x; 304 revalidation "
            f"{statistics.median(revalidations):.1f} ms"
        )
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
