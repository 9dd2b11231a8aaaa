"""A real gunicorn server for tests that need real HTTP and several processes.

Use it as a context manager, with the test's database URL (the ``database_url`` fixture
gives a migrated SQLite file or the PostgreSQL test database)::

    from tests.servers import live_server

    def test_something(app, database_url):
        make_user(...)                      # data made in the test process is committed
        with live_server(database_url, workers=4) as server:
            response = requests.get(server.url + "/api/v1/me", headers=...)

``live_server`` starts ``gunicorn -w N wsgi:app`` on a free port of 127.0.0.1 with
``POOLING_ENV=production`` (so what is tested is what is served), waits until every worker
has loaded the application (``--preload`` by default: the application is imported once and
the workers are forked from it, several times faster to start on a busy machine; pass
``preload=False`` for the exact production command), yields a :class:`LiveServer` (``url``, ``log()``) and stops the
server at the end. ``env`` adds or overrides environment variables (for browser tests over
plain http, e.g. ``{"POOLING_ENV": "testing"}`` lifts the secure-cookie flag, or a lower
``API_RATE_LIMIT``). If the server does not start, the error carries the tail of its log.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each worker leaves a file named after its pid once the application is loaded, so that
# the server counts as started only when all of them can answer. With --preload the
# application is built once before forking: each worker then drops the pooled connections
# it inherited (SQLAlchemy's advice for forking servers) and opens its own.
_HOOKS = """
import os
from pathlib import Path

def post_fork(server, worker):
    if server.cfg.preload_app:
        from pooling.extensions import db
        from wsgi import app

        with app.app_context():
            db.engine.dispose(close=False)

def post_worker_init(worker):
    Path(os.environ["TEST_SERVER_READY_DIR"], str(worker.pid)).touch()
"""


@dataclass
class LiveServer:
    """A started server: its base URL (no trailing slash) and the path of its log."""

    url: str
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        """The server's output so far (gunicorn and application logs)."""
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def redis_answers(url: str = REDIS_TEST_URL) -> bool:
    """Whether the Redis at ``url`` answers a ping."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def throttling_env() -> dict[str, str]:
    """A shared throttling store for a server of several workers, as production requires.

    Redis with a key prefix of its own, so servers of different tests never share counts;
    without Redis, one process's memory (the operator's explicit single-process choice).
    """
    if redis_answers():
        return {"REDIS_URL": REDIS_TEST_URL, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    return {"POOLING_SINGLE_PROCESS": "1"}


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def live_server(
    database_url: str,
    *,
    workers: int = 4,
    env: dict[str, str] | None = None,
    preload: bool = True,
    timeout: float = 30.0,
) -> Iterator[LiveServer]:
    """Run ``gunicorn -w workers wsgi:app`` on the database at ``database_url`` during the block."""
    with tempfile.TemporaryDirectory(prefix="pooling-server-") as folder:
        folder_path = Path(folder)
        ready = folder_path / "ready"
        ready.mkdir()
        hooks = folder_path / "gunicorn_hooks.py"
        hooks.write_text(_HOOKS)
        log_path = folder_path / "server.log"
        port = free_port()
        server_env = {
            **os.environ,
            "POOLING_ENV": "production",
            "SECRET_KEY": "live-server-test-secret",
            "DATABASE_URL": database_url,
            "POOLING_INSTANCE_PATH": str(folder_path / "instance"),
            "TEST_SERVER_READY_DIR": str(ready),
            # Dates computed from today must not fall on a public holiday by chance.
            "POOLING_HOLIDAYS": "none",
            **throttling_env(),
            **(env or {}),
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--config",
            str(hooks),
            "--timeout",
            "60",
            # The master waits this long for its workers on shutdown; tests have none to wait for.
            "--graceful-timeout",
            "1",
            *(["--preload"] if preload else []),
            "wsgi:app",
        ]
        with open(log_path, "wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=server_env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = LiveServer(url=f"http://127.0.0.1:{port}", log_path=log_path, process=process)
        try:
            deadline = time.monotonic() + timeout
            while len(list(ready.iterdir())) < workers or not _answers(port):
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn stopped at start:\n{server.log()[-4000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not start in {timeout}s:\n{server.log()[-4000:]}"
                    )
                time.sleep(0.05)
            yield server
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)  # quick shutdown: every answer is already read
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
