"""Two changes of one booking sent at once to a real 4-worker gunicorn: one happens after the other.

Each race is run for ROUNDS rounds, two requests released together by a barrier. The final
state must be one of the serial outcomes, and the HTTP answers must agree with it. The count
of each outcome is printed (run with ``-s`` to read it).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
import requests

from pooling.bookings import quotas
from pooling.bookings import services as bookings
from pooling.bookings.models import Booking
from pooling.core.time import pole_tz
from pooling.extensions import db
from tests.bookings.test_concurrency import next_tuesday_at
from tests.factories import make_resource, make_token
from tests.servers import live_server
from tests.world import ALWAYS_OPEN as SEVEN_DAYS

pytestmark = pytest.mark.slow

ROUNDS = 10


def fire_two(url: str, calls: list[tuple[str, str, str, dict]]) -> list[requests.Response]:
    """Send the calls ``(method, path, token, body)`` at once, one thread each, via a barrier."""
    barrier = threading.Barrier(len(calls))
    answers: list[requests.Response | BaseException | None] = [None] * len(calls)

    def send(index: int) -> None:
        method, path, token, body = calls[index]
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        with requests.Session() as session:
            try:
                barrier.wait(timeout=30)
                answers[index] = session.request(
                    method, url + path, json=body, headers=headers, timeout=60
                )
            except BaseException as error:  # reported below
                answers[index] = error

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [a for a in answers if not isinstance(a, requests.Response)]
    assert not failures, failures
    return answers  # type: ignore[return-value]


def fresh(booking_id: int) -> Booking:
    """The booking as the server committed it."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Booking, booking_id)


def book(actor, resource, start: datetime, hours: float = 1, **extra) -> Booking:
    request = bookings.BookingRequest(
        resource_id=resource.id,
        start=start,
        end=start + timedelta(hours=hours),
        title="Course",
        **extra,
    )
    booking = bookings.create_booking(actor, request).bookings[0]
    db.session.commit()
    return booking


def report(race: str, database_url: str, outcomes: Counter) -> None:
    database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    print(f"\n{race} [{database}]: {dict(outcomes)}")
    assert sum(outcomes.values()) == ROUNDS


def explain(answers, server) -> str:
    return " | ".join(f"{a.status_code} {a.text[:200]}" for a in answers) + (
        "\n--- server log ---\n" + server.log()[-2000:]
    )


def test_approve_against_cancel_never_revives_a_cancelled_booking(app, database_url, pole):
    approver, booker = make_token(pole.scop_referent), make_token(pole.bob)
    pending = [
        book(pole.bob, pole.workshop, next_tuesday_at(10, weeks=2 + n)) for n in range(ROUNDS)
    ]
    assert {b.status for b in pending} == {"pending"}
    outcomes: Counter = Counter()
    with live_server(database_url, workers=4) as server:
        for booking in pending:
            approve, cancel = fire_two(
                server.url,
                [
                    ("POST", f"/api/v1/bookings/{booking.id}/approve", approver, {}),
                    ("POST", f"/api/v1/bookings/{booking.id}/cancel", booker, {}),
                ],
            )
            answers = (approve.status_code, cancel.status_code)
            final = fresh(booking.id)
            assert final.status == "cancelled", explain([approve, cancel], server)
            assert cancel.json()["status"] == "cancelled", explain([approve, cancel], server)
            if answers == (200, 200):
                assert approve.json()["status"] == "confirmed"
                outcomes["approve won"] += 1
            else:
                assert answers == (409, 200), explain([approve, cancel], server)
                assert approve.json()["error"] == "not_pending"
                outcomes["cancel won"] += 1
    report("approve vs cancel", database_url, outcomes)


def test_approve_against_reject_decides_once(app, database_url, pole):
    approver, rejecter = make_token(pole.scop_referent), make_token(pole.coordinator)
    pending = [
        book(pole.bob, pole.workshop, next_tuesday_at(14, weeks=2 + n)) for n in range(ROUNDS)
    ]
    outcomes: Counter = Counter()
    with live_server(database_url, workers=4) as server:
        for booking in pending:
            approve, reject = fire_two(
                server.url,
                [
                    ("POST", f"/api/v1/bookings/{booking.id}/approve", approver, {}),
                    ("POST", f"/api/v1/bookings/{booking.id}/reject", rejecter, {}),
                ],
            )
            answers = (approve.status_code, reject.status_code)
            final = fresh(booking.id).status
            if answers == (200, 409):
                assert final == "confirmed", explain([approve, reject], server)
                outcomes["approve won"] += 1
            else:
                assert answers == (409, 200), explain([approve, reject], server)
                assert final == "rejected"
                outcomes["reject won"] += 1
    report("approve vs reject", database_url, outcomes)


def test_two_moves_into_one_free_slot_give_it_once(app, database_url, pole):
    alice, bob = make_token(pole.alice), make_token(pole.bob)
    rounds = []
    for n in range(ROUNDS):
        first = book(pole.alice, pole.room, next_tuesday_at(9, weeks=2 + n))
        second = book(pole.bob, pole.room, next_tuesday_at(11, weeks=2 + n))
        rounds.append((first, second, next_tuesday_at(15, weeks=2 + n)))
    outcomes: Counter = Counter()
    with live_server(database_url, workers=4) as server:
        for first, second, target in rounds:
            body = {"start": target.isoformat(), "end": (target + timedelta(hours=1)).isoformat()}
            answers = fire_two(
                server.url,
                [
                    ("PATCH", f"/api/v1/bookings/{first.id}", alice, body),
                    ("PATCH", f"/api/v1/bookings/{second.id}", bob, body),
                ],
            )
            codes = [a.status_code for a in answers]
            assert sorted(codes) == [200, 409], explain(answers, server)
            starts = [fresh(b.id).start_at for b in (first, second)]
            winner = codes.index(200)
            loser = 1 - winner
            assert starts[winner] == target
            assert starts[loser] == (first, second)[loser].start_at
            outcomes["first move won" if winner == 0 else "second move won"] += 1
    report("move vs move", database_url, outcomes)


def test_move_against_cancel_never_revives_a_cancelled_booking(app, database_url, pole):
    booker, referent = make_token(pole.alice), make_token(pole.referent)
    booked = [book(pole.alice, pole.room, next_tuesday_at(9, weeks=2 + n)) for n in range(ROUNDS)]
    outcomes: Counter = Counter()
    with live_server(database_url, workers=4) as server:
        for booking in booked:
            target = booking.start_at + timedelta(hours=5)
            body = {"start": target.isoformat(), "end": (target + timedelta(hours=1)).isoformat()}
            move, cancel = fire_two(
                server.url,
                [
                    ("PATCH", f"/api/v1/bookings/{booking.id}", booker, body),
                    ("POST", f"/api/v1/bookings/{booking.id}/cancel", referent, {}),
                ],
            )
            final = fresh(booking.id)
            assert final.status == "cancelled", explain([move, cancel], server)
            assert cancel.status_code == 200, explain([move, cancel], server)
            if move.status_code == 200:
                assert final.start_at == target
                outcomes["move then cancel"] += 1
            else:
                assert move.status_code == 409, explain([move, cancel], server)
                assert final.start_at == booking.start_at
                outcomes["cancel won"] += 1
    report("move vs cancel", database_url, outcomes)


def soon() -> datetime:
    """The next quarter hour after the next one, local time: a check-in is possible now."""
    now = datetime.now(pole_tz())
    minutes = math.ceil((now.minute + now.second / 60 + 1) / 15) * 15 + 15
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=minutes)


def test_check_in_against_cancel_gives_one_of_them(app, database_url, pole):
    vans = make_resource(
        "Camionnettes",
        kind="equipment",
        quantity=ROUNDS,
        meter_unit="km",
        opening_hours=SEVEN_DAYS,
    )
    booker, referent = make_token(pole.alice), make_token(pole.referent)
    start = soon()
    booked = [book(pole.alice, vans, start) for _n in range(ROUNDS)]
    outcomes: Counter = Counter()
    with live_server(database_url, workers=4) as server:
        for booking in booked:
            check_in, cancel = fire_two(
                server.url,
                [
                    ("POST", f"/api/v1/bookings/{booking.id}/check-in", booker, {"meter": 100}),
                    ("POST", f"/api/v1/bookings/{booking.id}/cancel", referent, {}),
                ],
            )
            final = fresh(booking.id)
            answers = (check_in.status_code, cancel.status_code)
            if answers == (200, 409):
                assert cancel.json()["error"] == "checked_in"
                assert (final.status, final.checked_in_at is not None) == ("confirmed", True)
                outcomes["check-in won"] += 1
            else:
                assert answers == (409, 200), explain([check_in, cancel], server)
                assert (final.status, final.checked_in_at) == ("cancelled", None)
                outcomes["cancel won"] += 1
    report("check-in vs cancel", database_url, outcomes)


def test_two_rooms_of_one_kind_at_once_pass_a_kind_quota_once(app, database_url, pole):
    quotas.set_quota(pole.coordinator, pole.jardins.id, 2, "week", resource_kind="premises")
    db.session.commit()
    other_room = make_resource("Salle Louise Michel", capacity=20, max_advance_days=800)
    alice, referent = make_token(pole.alice), make_token(pole.referent)
    outcomes: Counter = Counter()
    with live_server(database_url, workers=4) as server:
        for n in range(ROUNDS):
            start = next_tuesday_at(10, weeks=2 + n)
            end = start + timedelta(hours=2)
            answers = fire_two(
                server.url,
                [
                    (
                        "POST",
                        "/api/v1/bookings",
                        token,
                        {
                            "resource_id": room.id,
                            "start": start.isoformat(),
                            "end": end.isoformat(),
                            "title": "Atelier",
                        },
                    )
                    for token, room in ((alice, pole.room), (referent, other_room))
                ],
            )
            codes = [a.status_code for a in answers]
            assert sorted(codes) == [201, 422], explain(answers, server)
            refused = answers[codes.index(422)].json()
            assert refused["error"] == "quota", refused
            db.session.rollback()
            held = db.session.scalars(
                db.select(Booking).where(
                    Booking.organisation_id == pole.jardins.id,
                    Booking.start_at == start,
                    Booking.status == "confirmed",
                )
            ).all()
            assert len(held) == 1
            outcomes["first room won" if codes[0] == 201 else "second room won"] += 1
    report("two rooms vs one kind quota", database_url, outcomes)
