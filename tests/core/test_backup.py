"""Backups: a copy taken while the application runs restores every booking."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pooling.bookings import services
from pooling.bookings.models import Booking
from pooling.core.backup import backup, restore
from pooling.core.time import parse_instant
from pooling.extensions import db
from tests.factories import make_organisation, make_resource, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027


def _book(user, resource, day):
    services.create_booking(
        user,
        services.BookingRequest(
            resource_id=resource.id,
            start=parse_instant(f"2027-01-{day:02d}T09:00:00+01:00"),
            end=parse_instant(f"2027-01-{day:02d}T10:00:00+01:00"),
            title=f"Réunion {day}",
        ),
    )
    db.session.commit()


def test_backup_then_restore_finds_every_booking(app, database_url, tmp_path):
    user = make_user(make_organisation())
    room = make_resource("Salle Jaurès", max_advance_days=800)
    for day in (11, 12, 13):
        _book(user, room, day)
    target = backup(database_url, tmp_path / "pooling.backup")
    assert target.stat().st_size > 0
    _book(user, room, 14)
    db.session.execute(Booking.__table__.delete().where(Booking.title == "Réunion 11"))
    db.session.commit()
    db.session.remove()
    db.engine.dispose()
    restore(database_url, target)
    titles = sorted(db.session.scalars(select(Booking.title)))
    assert titles == ["Réunion 11", "Réunion 12", "Réunion 13"]
    assert db.session.scalar(select(func.count(Booking.id))) == 3


def test_backup_and_restore_commands_round_trip(app, database_url, tmp_path):
    user = make_user(make_organisation())
    room = make_resource("Salle des Tilleuls", max_advance_days=800)
    _book(user, room, 12)
    runner = app.test_cli_runner()
    target = tmp_path / "copy.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists()
    _book(user, room, 13)
    db.session.remove()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert list(db.session.scalars(select(Booking.title))) == ["Réunion 12"]


def test_backup_command_refuses_an_in_memory_database(app, tmp_path):
    import pytest

    from pooling.core.backup import BackupError

    with pytest.raises(BackupError):
        backup("sqlite://", tmp_path / "x.db")
