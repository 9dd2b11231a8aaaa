"""Test fixtures: a clean database per test on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

The schema is built once per session by the Alembic migrations (so every test also runs on
the migrated schema). SQLite tests each get a copy of the migrated file; PostgreSQL tests
share the migrated schema and every table is truncated after each test, so that code which
commits (and real servers started by tests) behave exactly as in production.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from flask import g, request_started
from flask_login import FlaskLoginClient
from sqlalchemy import create_engine, text

from config import TestingConfig
from pooling import create_app
from pooling.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def migrate_to_head(url: str) -> None:
    """Apply every migration to the database at ``url``."""
    from flask_migrate import upgrade

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def reset_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "template.db"
    migrate_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgresql_schema() -> str:
    reset_postgresql(TEST_DATABASE_URL)
    migrate_to_head(TEST_DATABASE_URL)
    return TEST_DATABASE_URL


def truncate_all(url: str) -> None:
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path) -> str:
    """A migrated, empty database for one test."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "pooling.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgresql_schema")
        yield url
        truncate_all(url)


def _fresh_request_globals(sender, **extra) -> None:
    for name in list(g):
        g.pop(name)


@pytest.fixture
def app(database_url, tmp_path):
    """The application bound to this test's database, inside an application context."""
    application = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        POOLING_INSTANCE_PATH=str(tmp_path),
        MAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    application.test_client_class = FlaskLoginClient
    # The requests of a test share its application context, hence ``g``; Flask-Login,
    # Flask-Babel and Flask-WTF cache the user, the language and the CSRF token in ``g``.
    # Give each request a fresh ``g``, as in production, so two clients never mix.
    request_started.connect(_fresh_request_globals, application, weak=False)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """An anonymous browser."""
    return app.test_client()


@pytest.fixture
def login(app):
    """``login(user)`` -> a test client signed in as ``user`` (Flask-Login's FlaskLoginClient)."""

    def _login(user):
        return app.test_client(user=user)

    return _login


@pytest.fixture
def api(app):
    """``api(user)`` -> a client whose requests carry a personal API token of ``user``."""
    from tests.factories import make_token

    class ApiClient:
        def __init__(self, user):
            self.client = app.test_client()
            self.token = make_token(user)

        def _call(self, method, url, **kwargs):
            headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
            return self.client.open(url, method=method, headers=headers, **kwargs)

        def get(self, url, **kwargs):
            return self._call("GET", url, **kwargs)

        def post(self, url, **kwargs):
            return self._call("POST", url, **kwargs)

        def patch(self, url, **kwargs):
            return self._call("PATCH", url, **kwargs)

        def delete(self, url, **kwargs):
            return self._call("DELETE", url, **kwargs)

    return ApiClient


@pytest.fixture
def pole_recipe() -> str:
    """The recipe of ``tests.world`` that ``pole`` builds for a folder (its conftest may override)."""
    return "bookings"


@pytest.fixture
def pole(request, app):
    """The pole of a test, built by ``tests.world.build_pole`` through the real services.

    The recipe is the closest ``pytest.mark.pole(name, **options)`` (on the test or its module),
    else the folder's ``pole_recipe`` fixture, else "bookings" (two organisations with a member
    and a referent each, a coordinator, a room, projectors and a workshop lent on approval).
    """
    from tests.world import build_pole

    mark = request.node.get_closest_marker("pole")
    if mark is None:
        return build_pole(request.getfixturevalue("pole_recipe"), app)
    return build_pole(*mark.args, app=app, **mark.kwargs)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on the page at ``url`` (as a browser would read it)."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


@pytest.fixture
def token_of():
    return csrf_token


# "Now" for the tests written against fixed calendar dates (bookings in January 2027, a summer
# booking in 2027, December's cost period): Monday 7 December 2026, 09:00 in Paris, before
# every date they book. Such a module says ``pytestmark = pytest.mark.usefixtures("pinned_clock")``.
PINNED_NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


@pytest.fixture
def pinned_clock():
    """This process's clock set to PINNED_NOW and running from there (time-machine).

    Only the test process travels: a test that starts a real server computes its dates from
    today instead.
    """
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Argon2id with minimal cost in tests: the same code path, a thousand times cheaper."""
    from argon2 import PasswordHasher

    from pooling.accounts import passwords

    production = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._hasher = production


def pytest_sessionfinish(session, exitstatus):
    """Cancel the throttling store's pending expiry timers before the interpreter exits.

    The in-memory limiter store starts short non-daemon ``threading.Timer`` threads. Under
    libfaketime (CI's shifted-clock pass) a timed wait never ends, since the kernel waits on
    the real monotonic clock, so those threads would keep the finished test run alive.
    """
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()
