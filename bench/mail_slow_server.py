"""Does a slow mail server slow the application down? It must not: mail leaves after the commit.

    .venv/bin/python bench/mail_slow_server.py [--runs 10] [--delay 5]

Starts an aiosmtpd server on 127.0.0.1 that answers each message after ``--delay`` seconds,
then times ``--runs`` requests that queue a mail: bookings through the API
(``--through booking``, the default: ``POST /api/v1/bookings`` by a member on a room that needs
approval, so each booking mails its approver, with its calendar invitation), or invitations
through the people page (``--through invitation``: (``POST /organisations/<slug>/people``
as a referent, through Flask's test client: CSRF, form, a new account, its one-time link, the
mail queued in the outbox, commit)), twice: without mail (no delivery at all) and with mail
configured (``MAIL_URL`` on the slow server, delivery after each commit). Prints both medians
and their ratio (the target is about 1), then how long the background delivery took to hand
every mail to the slow server, and the time of one synchronous delivery for comparison.

Runs on a migrated SQLite file of its own (``--database-url`` for another database: it is
migrated, then its tables are used as they are).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from flask import request_started
from flask_login import FlaskLoginClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import TestingConfig  # noqa: E402
from pooling import create_app  # noqa: E402
from pooling.extensions import db  # noqa: E402
from pooling.mail.delivery import deliver_due  # noqa: E402
from pooling.mail.models import OutboxMail  # noqa: E402
from tests.conftest import _fresh_request_globals, csrf_token  # noqa: E402
from tests.factories import (  # noqa: E402
    make_coordinator,
    make_organisation,
    make_resource,
    make_token,
    make_user,
)
from tests.mail.conftest import free_port  # noqa: E402
from tests.world import ALWAYS_OPEN  # noqa: E402


class SlowServer:
    """Accepts every message, ``delay`` seconds after its data arrived."""

    def __init__(self, delay: float):
        self.delay = delay
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 2.0.0 OK"


def build_app(url: str, instance: str):
    from flask_migrate import upgrade

    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=url,
        POOLING_INSTANCE_PATH=instance,
        MAIL_FILE_PATH=str(Path(instance) / "mail"),
        RATELIMIT_ENABLED=False,
        POOLING_BASE_URL="https://pole.example.org",
    )
    app.test_client_class = FlaskLoginClient
    # Each request gets a fresh ``g``, as in production (the CSRF token is cached there).
    request_started.connect(_fresh_request_globals, app, weak=False)
    with app.app_context():
        upgrade()
    return app


def time_invitations(app, referent, slug: str, runs: int, label: str) -> list[float]:
    client = app.test_client(user=referent)
    durations = []
    for number in range(runs):
        token = csrf_token(client, f"/organisations/{slug}/people")
        data = {
            "csrf_token": token,
            "add-email": f"{label}-{number}-{time.monotonic_ns()}@example.org",
            "add-name": f"Invité {number}",
            "add-role": "member",
        }
        start = time.perf_counter()
        response = client.post(f"/organisations/{slug}/people", data=data)
        durations.append(time.perf_counter() - start)
        assert response.status_code == 302, (
            response.status_code,
            response.get_data(as_text=True)[-3000:],
        )
    return durations


def time_bookings(app, token: str, resource_id: int, runs: int, label: str) -> list[float]:
    """``runs`` bookings of one hour, each on its own day from a month ahead."""
    client = app.test_client()
    offset = {"warmup": 0, "without": 10, "with": 40, "inline": 80}[label]
    first = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    durations = []
    for number in range(runs):
        start_at = first + timedelta(days=30 + offset + number)
        body = {
            "resource_id": resource_id,
            "start": start_at.isoformat(),
            "end": (start_at + timedelta(hours=1)).isoformat(),
            "title": f"Bench {label} {number}",
        }
        start = time.perf_counter()
        response = client.post(
            "/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        durations.append(time.perf_counter() - start)
        assert response.status_code == 201, (response.status_code, response.get_json())
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--database-url")
    parser.add_argument("--through", choices=("booking", "invitation"), default="booking")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="pooling-mail-bench-")
    url = args.database_url or f"sqlite:///{instance}/bench.db"
    app = build_app(url, instance)
    server = SlowServer(args.delay)
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with app.app_context():
            organisation = make_organisation("Bench")
            referent = make_user(organisation, role="org_admin")
            slug = organisation.slug
            if args.through == "booking":
                make_coordinator(email="approver@example.org")
                room = make_resource(
                    "Salle du bench", rules={"opening_hours": ALWAYS_OPEN}, requires_approval=True
                )
                token = make_token(make_user(organisation))
                room_id = room.id

                def measure(runs, label):
                    return time_bookings(app, token, room_id, runs, label)
            else:

                def measure(runs, label):
                    return time_invitations(app, referent, slug, runs, label)

            # Warm up: templates, translations, the first connection.
            measure(2, "warmup")

            app.config.update(MAIL_URL=None, MAIL_DELIVER_AFTER_COMMIT=False)
            without = measure(args.runs, "without")

            # Only the mails of the measured requests go to the slow server.
            db.session.query(OutboxMail).delete()
            db.session.commit()
            app.config.update(
                MAIL_URL=f"smtp://127.0.0.1:{controller.port}", MAIL_DELIVER_AFTER_COMMIT=True
            )
            queued_before = server.received
            started = time.perf_counter()
            with_mail = measure(args.runs, "with")
            app.extensions["pooling_mail"].wait(timeout=args.runs * (args.delay + 5) + 60)
            delivered_after = time.perf_counter() - started
            delivered = server.received - queued_before

            app.config["MAIL_DELIVER_AFTER_COMMIT"] = False
            measure(1, "inline")
            start = time.perf_counter()
            deliver_due()
            inline = time.perf_counter() - start
            db.session.expire_all()
            left = db.session.query(OutboxMail).filter(OutboxMail.status != "sent").count()
    finally:
        controller.stop()

    median_without = statistics.median(without)
    median_with = statistics.median(with_mail)
    what = "bookings (API)" if args.through == "booking" else "invitations"
    print(f"SMTP server answering after {args.delay:.1f} s; {args.runs} {what} each way")
    print(
        f"  without mail:       median {median_without * 1000:8.1f} ms, max {max(without) * 1000:8.1f} ms"
    )
    print(
        f"  with mail (MAIL_URL): median {median_with * 1000:6.1f} ms, max {max(with_mail) * 1000:8.1f} ms"
    )
    print(f"  ratio with/without: {median_with / median_without:.2f}")
    print(
        f"  background delivery: {delivered}/{args.runs} mails handed to the slow server "
        f"{delivered_after:.1f} s after the first request"
    )
    print(f"  one delivery inline (what a request would wait): {inline:.1f} s")
    print(f"  mails not sent at the end: {left}")


if __name__ == "__main__":
    main()
