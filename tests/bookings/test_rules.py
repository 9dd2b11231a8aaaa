"""Every booking rule: refused with its code and a message naming it, and nothing written."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from pooling.audit.models import AuditEvent
from pooling.bookings import attendance, decisions, services
from pooling.bookings.models import Booking, BookingShare, Quota, Series
from pooling.bookings.services import BookingChange, BookingRequest
from pooling.core.actors import SYSTEM
from pooling.core.errors import Conflict, DomainError, NotAllowed, RuleViolation
from pooling.extensions import db
from pooling.notifications.models import Notification
from pooling.resources.services import create_closure
from tests.factories import add_membership, make_organisation, make_resource, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)  # Monday 4 January 2027, 08:00 in Paris


def at(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    """A local Paris time in early 2027 (January unless said)."""
    return datetime(2027, month, day, hour, minute, tzinfo=PARIS)


def utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def book(actor, resource, start, end, **extra):
    """Create through the service at the fixed ``NOW``, and commit as an adapter would."""
    extra.setdefault("title", "Réunion")
    result = services.create_booking(
        actor, BookingRequest(resource_id=resource.id, start=start, end=end, **extra), now=NOW
    )
    db.session.commit()
    return result.bookings[0] if result.series is None else result


def written() -> tuple[int, ...]:
    """Rows a booking act may write (read in the session, so unflushed adds count too)."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Booking, Series, BookingShare, AuditEvent, Notification)
    )


@contextmanager
def assert_refused(error: type[DomainError], code: str | None, *words: str):
    """The block must raise ``error`` with ``code`` and a message with ``words``, writing nothing."""
    before = written()
    with force_locale("en"), pytest.raises(error) as caught:
        yield caught
    if code is not None:
        assert caught.value.code == code
    for word in words:
        assert word.lower() in caught.value.message.lower(), caught.value.message
    assert written() == before
    db.session.rollback()
    assert written() == before


def english(api_client):
    """Send the API client's messages in English."""
    original = api_client._call

    def call(method, url, **kwargs):
        kwargs["headers"] = {"Accept-Language": "en", **kwargs.pop("headers", {})}
        return original(method, url, **kwargs)

    api_client._call = call
    return api_client


# ---------------------------------------------------------------- rules of the resource


def test_outside_opening_hours_is_refused(pole):
    with assert_refused(RuleViolation, "opening_hours", "opening hours"):
        book(pole.alice, pole.room, at(12, 18), at(12, 20))
    with assert_refused(RuleViolation, "opening_hours", "opening hours"):
        book(pole.alice, pole.room, at(16, 10), at(16, 11))  # a Saturday


def test_closure_of_the_resource_is_refused(pole):
    create_closure(SYSTEM, pole.room.id, at(12, 0), at(13, 0), "Travaux")
    db.session.commit()
    with assert_refused(RuleViolation, "closure", "closure"):
        book(pole.alice, pole.room, at(12, 10), at(12, 11))
    assert book(pole.alice, pole.projectors, at(12, 10), at(12, 11)).id


def test_pole_wide_closure_refuses_every_resource(pole):
    create_closure(SYSTEM, None, at(14, 12), at(14, 14), "Assemblée générale")
    db.session.commit()
    with assert_refused(RuleViolation, "closure", "closure"):
        book(pole.alice, pole.room, at(14, 13), at(14, 15))
    with assert_refused(RuleViolation, "closure", "closure"):
        book(pole.bob, pole.projectors, at(14, 11), at(14, 12, 15))
    assert book(pole.bob, pole.projectors, at(14, 11), at(14, 12)).id


def test_times_off_the_slot_granularity_are_refused(pole):
    room = make_resource(slot_minutes=30, max_advance_days=800)
    with assert_refused(RuleViolation, "slot", "30-minute slots"):
        book(pole.alice, room, at(12, 10, 15), at(12, 11))
    assert book(pole.alice, room, at(12, 10, 30), at(12, 11)).id


def test_too_short_and_too_long_bookings_are_refused(pole):
    room = make_resource(min_duration_minutes=60, max_duration_minutes=180, max_advance_days=800)
    with assert_refused(RuleViolation, "min_duration", "minimum duration", "at least 1 hour"):
        book(pole.alice, room, at(12, 10), at(12, 10, 45))
    with assert_refused(RuleViolation, "max_duration", "maximum duration", "at most 3 hours"):
        book(pole.alice, room, at(12, 10), at(12, 13, 15))
    assert book(pole.alice, room, at(12, 10), at(12, 13)).id


def test_minimum_notice_is_refused(pole):
    van = make_resource("Camion", kind="equipment", min_notice_minutes=24 * 60)
    with assert_refused(RuleViolation, "min_notice", "minimum notice", "at least 1 day in"):
        book(pole.alice, van, at(4, 14), at(4, 16))
    assert book(pole.alice, van, at(5, 14), at(5, 16)).id


def test_a_notice_of_a_day_is_said_in_days_in_french(pole):
    van = make_resource("Camionnette", kind="equipment", min_notice_minutes=24 * 60)
    with force_locale("fr"), pytest.raises(RuleViolation) as caught:
        book(pole.alice, van, at(4, 14), at(4, 16))
    assert "au moins 1 jour à l'avance" in caught.value.message
    assert "1440" not in caught.value.message
    db.session.rollback()


def test_booking_too_far_ahead_is_refused(pole):
    room = make_resource(max_advance_days=30)
    with assert_refused(RuleViolation, "max_advance", "30 days ahead"):
        book(pole.alice, room, at(9, 10, month=2), at(9, 11, month=2))
    assert book(pole.alice, room, at(2, 10, month=2), at(2, 11, month=2)).id


def test_booking_in_the_past_is_refused(pole):
    with assert_refused(RuleViolation, "in_past", "past"):
        book(pole.alice, pole.room, datetime(2026, 12, 29, 10, tzinfo=PARIS), at(4, 11))


def test_quantity_above_the_resource_is_refused(pole):
    with assert_refused(RuleViolation, "quantity", "only 5 unit"):
        book(pole.alice, pole.projectors, at(12, 10), at(12, 11), quantity=6)


def test_api_names_the_rule_and_writes_nothing(api, pole):
    client = english(api(pole.alice))
    before = written()
    response = client.post(
        "/api/v1/bookings",
        json={
            "resource_id": pole.room.id,
            "start": "2027-01-12T18:00:00+01:00",
            "end": "2027-01-12T20:00:00+01:00",
            "title": "Soirée",
        },
    )
    assert response.status_code == 422
    assert response.json["error"] == "opening_hours"
    assert "opening hours" in response.json["message"]
    assert written() == before


# ---------------------------------------------------------------- quotas


def test_weekly_quota_on_a_resource_is_shared_by_the_organisation(pole):
    colleague = make_user(pole.jardins, name="Zoé")
    db.session.add(
        Quota(organisation_id=pole.jardins.id, resource_id=pole.room.id, period="week", hours=3)
    )
    db.session.commit()
    book(pole.alice, pole.room, at(12, 9), at(12, 11))
    with assert_refused(RuleViolation, "quota", "quota", "Les Jardins", "3 h per week"):
        book(colleague, pole.room, at(13, 9), at(13, 11))
    assert book(colleague, pole.room, at(13, 9), at(13, 10)).id
    # Another week, another organisation: untouched by this quota.
    assert book(colleague, pole.room, at(19, 9), at(19, 11)).id
    assert book(pole.bob, pole.room, at(14, 9), at(14, 17)).id


def test_monthly_quota_on_a_kind_counts_every_resource_of_that_kind(pole):
    van = make_resource("Camion", kind="equipment", max_advance_days=800)
    db.session.add(
        Quota(organisation_id=pole.scop.id, resource_kind="equipment", period="month", hours=4)
    )
    db.session.commit()
    book(pole.bob, pole.projectors, at(12, 9), at(12, 12))
    with assert_refused(RuleViolation, "quota", "quota", "SCOP Bois", "month"):
        book(pole.scop_referent, van, at(20, 9), at(20, 11))
    assert book(pole.scop_referent, van, at(20, 9), at(20, 10)).id
    assert book(pole.bob, van, at(2, 9, month=2), at(2, 12, month=2)).id  # next month
    assert book(pole.bob, pole.room, at(21, 9), at(21, 17)).id  # premises: not counted


def test_cancelled_bookings_give_their_quota_back(pole):
    db.session.add(
        Quota(organisation_id=pole.jardins.id, resource_id=pole.room.id, period="week", hours=2)
    )
    db.session.commit()
    first = book(pole.alice, pole.room, at(12, 9), at(12, 11))
    services.cancel_booking(pole.alice, first.id)
    db.session.commit()
    assert book(pole.alice, pole.room, at(13, 9), at(13, 11)).id


# ---------------------------------------------------------------- on whose behalf


def test_person_of_two_organisations_must_choose_one(pole):
    add_membership(pole.alice, pole.scop)
    with assert_refused(RuleViolation, "organisation_required", "on behalf of"):
        book(pole.alice, pole.room, at(12, 9), at(12, 10))
    booking = book(pole.alice, pole.room, at(12, 9), at(12, 10), organisation_id=pole.scop.id)
    assert booking.organisation_id == pole.scop.id


def test_booking_on_behalf_of_an_organisation_not_yours_is_forbidden(api, pole):
    with assert_refused(NotAllowed, "forbidden", "your own organisations"):
        book(pole.alice, pole.room, at(12, 9), at(12, 10), organisation_id=pole.scop.id)
    response = api(pole.alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": pole.room.id,
            "start": "2027-01-12T09:00:00+01:00",
            "end": "2027-01-12T10:00:00+01:00",
            "organisation_id": pole.scop.id,
        },
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Booking.id))) == 0


def test_coordinator_books_on_behalf_of_any_organisation(pole):
    booking = book(pole.coordinator, pole.room, at(12, 9), at(12, 10), organisation_id=pole.scop.id)
    assert booking.organisation_id == pole.scop.id
    with assert_refused(RuleViolation, "organisation_required", "on behalf of"):
        book(pole.coordinator, pole.room, at(12, 11), at(12, 12))


def test_co_organised_shares_must_add_up_to_one(pole):
    with assert_refused(RuleViolation, "invalid_shares", "add up to 1"):
        book(
            pole.alice,
            pole.room,
            at(12, 9),
            at(12, 10),
            shares=[(pole.jardins.id, "0.5"), (pole.scop.id, "0.4")],
        )
    booking = book(
        pole.alice,
        pole.room,
        at(12, 9),
        at(12, 10),
        shares=[(pole.jardins.id, "0.5"), (pole.scop.id, "0.5")],
    )
    assert sorted((s.organisation_id, s.share) for s in booking.shares) == sorted(
        [(pole.jardins.id, Decimal("0.5")), (pole.scop.id, Decimal("0.5"))]
    )


# ---------------------------------------------------------------- coordinator override


def test_coordinator_override_bypasses_rules_and_is_recorded(pole):
    booking = book(
        pole.coordinator,
        pole.room,
        at(16, 10),
        at(16, 12),  # a Saturday: outside opening hours
        organisation_id=pole.jardins.id,
        override_rules=True,
    )
    assert booking.rules_overridden == ["opening_hours"]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "booking", AuditEvent.object_id == booking.id
        )
    )
    assert event.action == "booking.override"
    assert event.note == "opening_hours"
    assert event.actor_id == pole.coordinator.id


def test_override_never_exceeds_capacity(pole):
    book(pole.alice, pole.room, at(12, 9), at(12, 11))
    with assert_refused(Conflict, "conflict", "already taken"):
        book(
            pole.coordinator,
            pole.room,
            at(12, 10),
            at(12, 12),
            organisation_id=pole.scop.id,
            override_rules=True,
        )
    with assert_refused(RuleViolation, "quantity", "unit"):
        book(
            pole.coordinator,
            pole.projectors,
            at(12, 10),
            at(12, 12),
            organisation_id=pole.scop.id,
            quantity=6,
            override_rules=True,
        )


def test_only_coordinators_may_override(pole):
    with assert_refused(NotAllowed, "forbidden", "outside the rules"):
        book(pole.referent, pole.room, at(16, 10), at(16, 12), override_rules=True)


# ---------------------------------------------------------------- move, cancel, series


def test_move_applies_the_same_checks(pole):
    mine = book(pole.alice, pole.room, at(12, 9), at(12, 10))
    book(pole.bob, pole.room, at(12, 14), at(12, 15))
    with assert_refused(RuleViolation, "opening_hours", "opening hours"):
        services.move_booking(
            pole.alice, mine.id, BookingChange(start=at(12, 18), end=at(12, 20)), now=NOW
        )
    with assert_refused(Conflict, "conflict", "already taken"):
        services.move_booking(
            pole.alice, mine.id, BookingChange(start=at(12, 14, 30), end=at(12, 15, 30)), now=NOW
        )
    with assert_refused(NotAllowed, "forbidden"):
        services.move_booking(
            pole.bob, mine.id, BookingChange(start=at(12, 11), end=at(12, 12)), now=NOW
        )
    moved = services.move_booking(
        pole.alice, mine.id, BookingChange(start=at(12, 15), end=at(12, 16)), now=NOW
    )
    db.session.commit()
    assert (moved.start_at, moved.end_at) == (at(12, 15), at(12, 16))
    assert moved.sequence == 1


def test_move_respects_the_quota_without_counting_the_booking_itself(pole):
    db.session.add(
        Quota(organisation_id=pole.jardins.id, resource_id=pole.room.id, period="week", hours=2)
    )
    db.session.commit()
    mine = book(pole.alice, pole.room, at(12, 9), at(12, 11))
    services.move_booking(
        pole.alice, mine.id, BookingChange(start=at(13, 9), end=at(13, 11)), now=NOW
    )
    db.session.commit()
    with assert_refused(RuleViolation, "quota", "quota"):
        services.move_booking(pole.alice, mine.id, BookingChange(end=at(13, 12)), now=NOW)


def test_cancel_is_idempotent(pole):
    mine = book(pole.alice, pole.room, at(12, 9), at(12, 10))
    services.cancel_booking(pole.alice, mine.id, "Plus besoin")
    db.session.commit()
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    again = services.cancel_booking(pole.alice, mine.id, "Encore")
    db.session.commit()
    assert again.status == "cancelled"
    assert again.cancel_reason == "Plus besoin"
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert book(pole.bob, pole.room, at(12, 9), at(12, 10)).id


def test_cancel_series_from_a_date_keeps_the_earlier_occurrences(pole):
    series = book(
        pole.alice, pole.room, at(12, 9), at(12, 10), recurrence="FREQ=WEEKLY;COUNT=4"
    ).series
    cancelled = services.cancel_series(pole.alice, series.id, from_=at(26, 0))
    db.session.commit()
    assert [b.start_at for b in cancelled] == [at(26, 9), at(2, 9, month=2)]
    statuses = db.session.scalars(
        select(Booking.status).where(Booking.series_id == series.id).order_by(Booking.start_at)
    ).all()
    assert statuses == ["confirmed", "confirmed", "cancelled", "cancelled"]
    with assert_refused(NotAllowed, "forbidden"):
        services.cancel_series(pole.bob, series.id)
    assert services.cancel_series(pole.alice, series.id, from_=at(26, 0)) == []


# ---------------------------------------------------------------- approval


def test_referent_of_another_organisation_cannot_decide(pole):
    pending = book(pole.alice, pole.workshop, at(12, 9), at(12, 10))
    assert pending.status == "pending"
    for stranger in (pole.referent, pole.bob):
        with assert_refused(NotAllowed, "forbidden", "referent"):
            decisions.decide(stranger, pending.id, True)


@pytest.mark.parametrize("approver", ["coordinator", "scop_referent"])
def test_approval_by_coordinator_or_owner_referent_notifies_the_booker(pole, approver):
    pending = book(pole.alice, pole.workshop, at(12, 9), at(12, 10))
    decided = decisions.decide(getattr(pole, approver), pending.id, True, "OK")
    db.session.commit()
    assert decided.status == "confirmed"
    notice = db.session.scalar(
        select(Notification).where(
            Notification.user_id == pole.alice.id, Notification.kind == "booking_approved"
        )
    )
    assert notice is not None and notice.booking_id == pending.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "booking.approve"))
    assert event.before["status"] == "pending" and event.after["status"] == "confirmed"


def test_rejection_frees_the_slot_and_notifies_the_booker(pole):
    pending = book(pole.alice, pole.workshop, at(12, 9), at(12, 10))
    with assert_refused(Conflict, "conflict"):
        book(pole.bob, pole.workshop, at(12, 9), at(12, 10))
    decisions.decide(pole.scop_referent, pending.id, False, "Atelier en maintenance")
    db.session.commit()
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == pole.alice.id, Notification.kind == "booking_rejected"
        )
    )
    with assert_refused(Conflict, "not_pending"):
        decisions.decide(pole.coordinator, pending.id, True)
    assert book(pole.bob, pole.workshop, at(12, 9), at(12, 10)).status == "pending"


# ---------------------------------------------------------------- check-in / check-out


def test_check_in_and_out_with_meter_readings(pole, pinned_clock):
    van = make_resource("Camion", kind="equipment", max_advance_days=800)
    trip = book(pole.alice, van, at(12, 9), at(12, 12))
    pinned_clock.move_to(at(12, 9, 5))
    attendance.check_in(pole.alice, trip.id, 12000)
    db.session.commit()
    pinned_clock.move_to(at(12, 11, 5))
    with assert_refused(RuleViolation, "invalid_meter", "lower"):
        attendance.check_out(pole.alice, trip.id, 11999, at=at(12, 11))
    with assert_refused(RuleViolation, "check_out_before_check_in"):
        attendance.check_out(pole.alice, trip.id, 12100, at=at(12, 9))
    with assert_refused(NotAllowed, "forbidden"):
        attendance.check_out(pole.bob, trip.id, 12100, at=at(12, 11))
    pinned_clock.move_to(at(12, 11, 50))
    done = attendance.check_out(pole.alice, trip.id, "12150.5", at=at(12, 11, 50))
    db.session.commit()
    assert (done.meter_start, done.meter_end) == (Decimal("12000.00"), Decimal("12150.50"))
    assert done.checked_out_at == at(12, 11, 50)


# ---------------------------------------------------------------- audit trail


def test_audit_trail_keeps_before_and_after_of_every_act(pole):
    booking = book(pole.alice, pole.room, at(12, 9), at(12, 10))
    services.move_booking(
        pole.alice,
        booking.id,
        BookingChange(start=at(12, 10), end=at(12, 11), title="Bureau"),
        now=NOW,
    )
    services.cancel_booking(pole.referent, booking.id, "Annulé")
    db.session.commit()
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "booking", AuditEvent.object_id == booking.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["booking.create", "booking.update", "booking.cancel"]
    created, updated, cancelled = events
    assert created.before is None and created.after["start"] == utc_text(at(12, 9))
    assert updated.before["start"] == utc_text(at(12, 9))
    assert updated.after["start"] == utc_text(at(12, 10))
    assert updated.after["title"] == "Bureau"
    assert cancelled.before["status"] == "confirmed" and cancelled.after["status"] == "cancelled"
    assert cancelled.actor_id == pole.referent.id
    assert [e.actor_id for e in events[:2]] == [pole.alice.id, pole.alice.id]


def test_zero_hour_quota_blocks_only_its_organisation(pole):
    newcomer = make_user(make_organisation("Ressourcerie"), name="Yann")
    db.session.add(
        Quota(organisation_id=pole.jardins.id, resource_id=pole.room.id, period="week", hours=0)
    )
    db.session.commit()
    with assert_refused(RuleViolation, "quota", "quota"):
        book(pole.alice, pole.room, at(12, 9), at(12, 10))
    assert book(newcomer, pole.room, at(12, 9), at(12, 10)).id
