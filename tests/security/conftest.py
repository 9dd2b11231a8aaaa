"""The security tests share one small pole per database and per module (see world.py)."""

from __future__ import annotations

import pytest

from tests.conftest import DATABASES, TEST_DATABASE_URL, truncate_all
from tests.security.world import build_world, database_for, security_app


@pytest.fixture(scope="module", params=DATABASES)
def world(request, tmp_path_factory):
    """The security pole on one database, built once for the module."""
    from pooling.extensions import db

    template = request.getfixturevalue("sqlite_template") if request.param == "sqlite" else None
    url = request.getfixturevalue("postgresql_schema") if request.param == "postgresql" else None
    folder = tmp_path_factory.mktemp("security")
    app = security_app(database_for(request.param, folder, template, url), str(folder))
    with app.app_context():
        yield build_world(app)
        db.session.remove()
        if request.param == "postgresql":
            truncate_all(TEST_DATABASE_URL)
        db.engine.dispose()
