"""The dashboard and the usage page give the same figures for one organisation and one month.

December 2026 for SCOP Bois, the clock pinned on Monday 7 December and moved forward to
record what happened:
- the van, Monday 14 09:00-12:00, checked in at 12 000 km and out at 12 080 km: 3 h, 80 km;
- the van, Wednesday 16 09:00-11:00, cancelled the day before: a late-cancelled trip, 2 h;
- the workshop (lent by SCOP Bois, needs approval): its referent's own booking is confirmed
  at once, Thursday 17 14:00-16:00, and cancelled that morning: a late cancellation, 2 h;
- the workshop again, Friday 18 09:00-10:00, confirmed at once and kept: 1 h.
So 8 h, 80 km, 2 late cancellations; Les Jardins' van trip on Tuesday 15 counts for them.
"""

from __future__ import annotations

import csv
import io

import pytest

from pooling.bookings import attendance, decisions
from pooling.bookings import services as bookings
from pooling.extensions import db
from tests.costing.conftest import book, local
from tests.factories import make_resource
from tests.world import ALWAYS_OPEN as ALWAYS

pytestmark = pytest.mark.usefixtures("pinned_clock")


def rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def december(pole, pinned_clock):
    workshop = make_resource(
        "Atelier bois",
        requires_approval=True,
        owner_organisation_id=pole.scop.id,
        opening_hours=ALWAYS,
        max_advance_days=800,
    )
    trip = book(pole.bob, pole.van, "2026-12-14T09:00", "2026-12-14T12:00")
    cancelled_trip = book(pole.bob, pole.van, "2026-12-16T09:00", "2026-12-16T11:00")
    book(pole.alice, pole.van, "2026-12-15T09:00", "2026-12-15T10:00")
    own = book(pole.scop_referent, workshop, "2026-12-17T14:00", "2026-12-17T16:00")
    kept = book(pole.scop_referent, workshop, "2026-12-18T09:00", "2026-12-18T10:00")
    assert own.status == kept.status == "confirmed" and own.decided_at is None

    pinned_clock.move_to(local("2026-12-14T09:00"))
    attendance.check_in(pole.bob, trip.id, "12000")
    pinned_clock.move_to(local("2026-12-14T12:00"))
    attendance.check_out(pole.bob, trip.id, "12080")
    pinned_clock.move_to(local("2026-12-15T12:00"))
    bookings.cancel_booking(pole.bob, cancelled_trip.id, "Panne")
    pinned_clock.move_to(local("2026-12-17T10:00"))
    bookings.cancel_booking(pole.scop_referent, own.id, "Imprévu")
    db.session.commit()
    pinned_clock.move_to(local("2026-12-21T09:00"))
    return pole


def test_dashboard_and_usage_page_agree_on_hours_km_and_late_cancellations(december, login):
    pole = december
    client = login(pole.coordinator)
    usage = {
        row[1]: row
        for row in rows(client.get("/usage/export.csv?start=2026-12-01&end=2026-12-31"))[1:]
    }
    dashboard = {
        row[0]: row
        for row in rows(client.get("/dashboard/export/usage.csv?period=month&on=2026-12-15"))[1:]
    }
    # Usage page: key, label, hours, unit-hours, km, bookings, share, late cancellations, ...
    assert usage["SCOP Bois"][2:6] == ["8,00", "8,00", "80,00", "4"]
    assert usage["SCOP Bois"][7] == "2"
    # Dashboard: organisation, hours, unit-hours, km, bookings, late cancellations charged, share
    assert dashboard["SCOP Bois"][1:6] == ["8,00", "8,00", "80,00", "4", "2"]
    assert usage["Les Jardins"][2] == dashboard["Les Jardins"][1] == "1,00"


def test_the_dashboard_page_says_which_figures_are_booked_time(december, login):
    client = login(december.coordinator)
    page = client.get(f"/dashboard/?period=month&on=2026-12-15&organisation={december.scop.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Temps réservé\u00a0: occupation des ressources" in html
    assert "Annulations tardives facturées" in html
    # The attendance table counts the same two late cancellations as the usage table.
    late = html.split("Annulations tardives (moins de", 1)[1].split("</tr>", 1)[0]
    assert ">2<" in late


def test_statement_bills_the_same_usage(december, api):
    client = api(december.coordinator)
    period = client.post(
        "/api/v1/cost-periods",
        json={"name": "Décembre", "start": "2026-12-01", "end": "2026-12-31"},
    )
    assert period.status_code == 201, period.json
    cost = client.post(
        f"/api/v1/cost-periods/{period.json['id']}/costs",
        json={
            "label": "Carburant",
            "category": "energy",
            "amount": "90.00",
            "resource_id": december.van.id,
            "rule": "usage",
            "usage_unit": "meter",
        },
    )
    assert cost.status_code == 201, cost.json
    body = client.get(f"/api/v1/cost-periods/{period.json['id']}/allocation").json
    owed = {t["organisation_id"]: t["owed"] for t in body["totals"] if t["organisation_id"]}
    # Only SCOP Bois recorded kilometres: the 80 km of its trip carry the whole fuel cost.
    assert owed[december.scop.id] == "90.00"


def test_only_a_booking_confirmed_when_cancelled_is_charged_for_a_late_cancellation(
    pole, pinned_clock, login
):
    workshop = make_resource(
        "Atelier bois",
        requires_approval=True,
        owner_organisation_id=pole.scop.id,
        opening_hours=ALWAYS,
        max_advance_days=800,
    )
    # Alice's booking is approved, then moved: it waits for approval again.
    moved = book(pole.alice, workshop, "2026-12-17T14:00", "2026-12-17T16:00")
    decisions.decide(pole.scop_referent, moved.id, True)
    bookings.move_booking(
        pole.alice, moved.id, bookings.BookingChange(end=local("2026-12-17T17:00"))
    )
    # Another is approved and stays confirmed.
    approved = book(pole.alice, workshop, "2026-12-18T14:00", "2026-12-18T16:00")
    decisions.decide(pole.scop_referent, approved.id, True)
    db.session.commit()
    assert moved.status == "pending"
    pinned_clock.move_to(local("2026-12-17T10:00"))
    bookings.cancel_booking(pole.alice, moved.id)
    bookings.cancel_booking(pole.alice, approved.id)
    db.session.commit()
    usage = rows(login(pole.coordinator).get("/usage/export.csv?start=2026-12-01&end=2026-12-31"))
    [jardins] = [row for row in usage[1:] if row[1] == "Les Jardins"]
    # Only the approved one, cancelled the day before, is charged: 2 h, 1 late cancellation.
    assert (jardins[2], jardins[7]) == ("2,00", "1")
