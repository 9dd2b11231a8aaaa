"""A gunicorn worker killed in the middle of booking requests leaves the database consistent."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

from bench.load import Pole, check_consistency, run_load
from pooling.accounts import services as accounts
from pooling.extensions import db
from tests.factories import make_organisation, make_resource, make_user
from tests.servers import live_server
from tests.world import ALWAYS_OPEN as ALWAYS


def worker_pids(master_pid: int) -> list[int]:
    """The pids of gunicorn's workers: the children of its master process."""
    found = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in found.stdout.split()]


def test_killing_a_worker_mid_booking_leaves_the_database_consistent(app, database_url):
    tokens = []
    for _organisation in range(2):
        organisation = make_organisation()
        for _ in range(3):
            tokens.append(accounts.create_token(make_user(organisation), "load")[1])
    resources = [
        make_resource(quantity=1 + n, kind="equipment", opening_hours=ALWAYS, max_advance_days=800)
        for n in range(2)
    ]
    db.session.commit()
    week = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    # Twelve hours to book from: clashes (409) happen even when a busy machine answers slowly.
    pole = Pole(tokens, [r.id for r in resources], week + timedelta(days=21), slot_hours=12)

    with live_server(database_url, workers=4) as server:
        master = server.process.pid
        before = worker_pids(master)
        assert len(before) == 4
        killed = []

        def kill_one_worker():
            time.sleep(1.5)
            victim = before[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        killer = threading.Thread(target=kill_one_worker)
        killer.start()
        answers = run_load(server.url, pole, users=12, duration=5)
        killer.join()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            after = worker_pids(master)
            if len(after) == 4 and killed[0] not in after:
                break
            time.sleep(0.2)
        assert killed[0] not in after and len(after) == 4, "gunicorn did not replace the worker"

    statuses = {answer.status for answer in answers}
    assert 201 in statuses and 409 in statuses
    assert not {status for status in statuses if status >= 500}
    db.session.remove()
    result = check_consistency(database_url, answers)
    assert result.ok, result
