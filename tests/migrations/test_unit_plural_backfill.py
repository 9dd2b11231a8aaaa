"""The migration that gives each resource's unit label its usual French plural."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from pooling import create_app
from pooling.extensions import db
from tests.migrations import test_longest_booking_backfill as backfill

BEFORE_PLURAL = "b8d2f4a6c913"
UNIT_PLURAL = "c4e9a2d7f315"

# An empty database of its own, on each database of the run (the fixture of the backfill tests).
fresh_database_url = backfill.empty_database_url
RESOURCE, sql = backfill.RESOURCE, backfill.sql


def test_existing_unit_labels_get_their_usual_plural(fresh_database_url, tmp_path):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=fresh_database_url,
        POOLING_INSTANCE_PATH=str(tmp_path),
    )
    now = datetime.now(UTC).replace(microsecond=0)
    units = {1: "chaise", 2: "minibus", 3: "", 4: "tableau"}
    with app.app_context():
        upgrade(revision=BEFORE_PLURAL)
        with db.engine.begin() as connection:
            for resource_id, unit in units.items():
                connection.execute(
                    sql(RESOURCE),
                    {"id": resource_id, "name": f"R{resource_id}", "longest": 0, "now": now},
                )
                connection.execute(
                    text("UPDATE resources SET unit = :unit WHERE id = :id"),
                    {"unit": unit, "id": resource_id},
                )
        upgrade(revision=UNIT_PLURAL)
        with db.engine.connect() as connection:
            plurals = dict(connection.execute(text("SELECT id, unit_plural FROM resources")).all())
        db.engine.dispose()
    assert plurals == {1: "chaises", 2: "minibus", 3: "", 4: "tableaux"}
