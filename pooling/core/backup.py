"""Consistent backups while the application runs: SQLite's online backup, pg_dump for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _pg_dsn(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``target``.

    SQLite: the online backup API copies a consistent snapshot even while others write.
    PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot by design).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        return target
    if dialect == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is not installed (package postgresql-client).")
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _pg_dsn(url)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip() or "pg_dump failed")
        return target
    raise BackupError(f"No backup method for {dialect}.")


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup ``source`` (stop the application first)."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    if dialect == "postgresql":
        if shutil.which("pg_restore") is None:
            raise BackupError("pg_restore is not installed (package postgresql-client).")
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={_pg_dsn(url)}",
                str(source),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip() or "pg_restore failed")
        return
    raise BackupError(f"No restore method for {dialect}.")
