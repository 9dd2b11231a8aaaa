"""The worked example of January 2027, checked by hand to the cent, through the JSON API.

Usage of the Salle Jaurès (lent by Les Jardins) in January 2027, Paris time:
- Les Jardins books 12 Jan 09:00-13:00 but checks in at 09:30 and out at 12:00: 2.5 h;
- SCOP Bois books 13 Jan 14:00-19:00: 5 h;
- both co-organise 14 Jan 09:00-11:00 at 50/50 (SCOP Bois's referent accepts): 1 h each;
- SCOP Bois cancels 15 Jan 09:00-11:00 a day before: a late cancellation, 2 h used;
- Les Jardins cancels 16 Jan 09:00-11:00 ten days before: not counted;
- SCOP Bois books 31 Jan 19:30 to 1 Feb 01:30: 4.5 h inside January.
So Les Jardins 3.5 h and SCOP Bois 12.5 h, of 16 h.

Costs: rent 1 200.00 minus a 400.00 subsidy, usage rule, paid by the owner Les Jardins:
800.00 x 3.5/16 = 175.00 and 625.00. Insurance 300.00, equal: 150.00 each. Energy 100.01,
weighted 1:3: 25.0025 and 75.0075, the odd cent to the larger remainder: 25.00 and 75.01.
Shared accountant (employed by SCOP Bois) at 31.40 an hour x 1.08: Les Jardins 3.5 h booked
= 118.692 -> 118.69; SCOP Bois 12.5 h from a timesheet line = 423.90; 542.59 in all.

Les Jardins owes 468.69, paid 800.00: balance +331.31. SCOP Bois owes 1 273.91, paid 542.59:
balance -731.32. The pole paid insurance and energy, 400.01: balance +400.01. Settlement:
SCOP Bois pays 331.31 to Les Jardins and 400.01 to the pole.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select

from pooling.bookings import attendance
from pooling.bookings import services as bookings
from pooling.bookings import shares as co_organisation
from pooling.costing.models import Cost, CostPeriod
from pooling.extensions import db
from tests.costing.conftest import book, local

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027

START, END = "2027-01-01", "2027-01-31"


def cancel_at(user, booking, when):
    """Cancel through the engine, then date the cancellation (the clock of the example)."""
    bookings.cancel_booking(user, booking.id)
    booking.cancelled_at = when
    db.session.commit()


def january_usage(pole):
    first = book(pole.alice, pole.room, "2027-01-12T09:00", "2027-01-12T13:00")
    # Checked in and out as it happens (the clock goes to each moment).
    with time_machine.travel(local("2027-01-12T09:30")):
        attendance.check_in(pole.alice, first.id)
    with time_machine.travel(local("2027-01-12T12:00")):
        attendance.check_out(pole.alice, first.id)
    db.session.commit()
    book(pole.bob, pole.room, "2027-01-13T14:00", "2027-01-13T19:00")
    shared = book(
        pole.alice,
        pole.room,
        "2027-01-14T09:00",
        "2027-01-14T11:00",
        shares=[(pole.jardins.id, Decimal("0.5")), (pole.scop.id, Decimal("0.5"))],
    )
    co_organisation.decide_share(pole.scop_referent, shared.id, pole.scop.id, True)
    db.session.commit()
    late = book(pole.bob, pole.room, "2027-01-15T09:00", "2027-01-15T11:00")
    cancel_at(pole.bob, late, local("2027-01-14T09:00"))
    early = book(pole.alice, pole.room, "2027-01-16T09:00", "2027-01-16T11:00")
    cancel_at(pole.alice, early, local("2027-01-06T09:00"))
    book(pole.bob, pole.room, "2027-01-31T19:30", "2027-02-01T01:30")
    book(pole.alice, pole.accountant, "2027-01-12T09:00", "2027-01-12T12:30")


def january_period(api, pole):
    client = api(pole.coordinator)
    response = client.post(
        "/api/v1/cost-periods", json={"name": "Janvier 2027", "start": START, "end": END}
    )
    assert response.status_code == 201, response.json
    period_id = response.json["id"]
    assert response.json["start"] == "2026-12-31T23:00:00Z"
    assert response.json["end"] == "2027-01-31T23:00:00Z"
    manual = client.post(
        "/api/v1/usage/manual",
        json={
            "organisation_id": pole.scop.id,
            "resource_id": pole.accountant.id,
            "date": "2027-01-20",
            "hours": "12.5",
            "reason": "Feuille de temps de janvier",
        },
    )
    assert manual.status_code == 201, manual.json
    costs = [
        {
            "label": "Loyer Salle Jaurès",
            "category": "rent",
            "amount": "1200.00",
            "subsidy": "400.00",
            "resource_id": pole.room.id,
            "rule": "usage",
        },
        {"label": "Assurance", "category": "insurance", "amount": "300.00", "rule": "equal"},
        {"label": "Énergie", "category": "energy", "amount": "100.01", "rule": "weighted"},
        {
            "label": "Comptable partagée",
            "category": "salary",
            "resource_id": pole.accountant.id,
            "rule": "usage",
            "loaded_hourly_cost": "31.40",
            "management_coefficient": "1.08",
            "paid_by_organisation_id": pole.scop.id,
            "planned_hours": [
                {"organisation_id": pole.jardins.id, "hours": 4},
                {"organisation_id": pole.scop.id, "hours": 10},
            ],
        },
    ]
    ids = []
    for cost in costs:
        response = client.post(f"/api/v1/cost-periods/{period_id}/costs", json=cost)
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    return period_id, ids


def shares_of(body, cost_id):
    return {
        line["organisation_id"]: line["amount"]
        for line in body["lines"]
        if line["cost_id"] == cost_id
    }


def test_january_usage_per_organisation_is_measured_as_checked_by_hand(api, pole):
    january_usage(pole)
    response = api(pole.coordinator).get(
        "/api/v1/usage?start=2027-01-01T00:00:00%2B01:00&end=2027-02-01T00:00:00%2B01:00&group_by=resource"
    )
    assert response.status_code == 200, response.json
    room = next(item for item in response.json["items"] if item["key"] == pole.room.id)
    assert room["hours"] == "16.00"
    assert room["bookings"] == 5
    response = api(pole.coordinator).get(
        "/api/v1/usage?start=2027-01-01T00:00:00%2B01:00&end=2027-02-01T00:00:00%2B01:00"
    )
    by_org = {item["key"]: item for item in response.json["items"]}
    assert by_org[pole.jardins.id]["hours"] == "7.00"  # 3.5 h of room + 3.5 h of accountant
    assert by_org[pole.scop.id]["hours"] == "12.50"
    assert by_org[pole.scop.id]["late_cancellations"] == 1
    assert Decimal(by_org[pole.jardins.id]["share"]) + Decimal(by_org[pole.scop.id]["share"]) == 1


def test_january_allocation_matches_the_hand_computed_figures(api, pole):
    january_usage(pole)
    period_id, (rent, insurance, energy, staff) = january_period(api, pole)
    response = api(pole.coordinator).get(f"/api/v1/cost-periods/{period_id}/allocation")
    assert response.status_code == 200, response.json
    body = response.json
    j, s = pole.jardins.id, pole.scop.id
    assert shares_of(body, rent) == {j: "175.00", s: "625.00"}
    assert shares_of(body, insurance) == {j: "150.00", s: "150.00"}
    assert shares_of(body, energy) == {j: "25.00", s: "75.01"}
    assert shares_of(body, staff) == {j: "118.69", s: "423.90"}
    totals = {t["organisation_id"]: t for t in body["totals"]}
    assert totals[j] == {
        "organisation_id": j,
        "owed": "468.69",
        "paid": "800.00",
        "balance": "331.31",
    }
    assert totals[s] == {
        "organisation_id": s,
        "owed": "1273.91",
        "paid": "542.59",
        "balance": "-731.32",
    }
    assert totals[None]["balance"] == "400.01"
    assert sorted(body["transfers"], key=lambda t: t["amount"]) == [
        {"from": s, "to": j, "amount": "331.31"},
        {"from": s, "to": None, "amount": "400.01"},
    ]
    rent_line = next(x for x in body["lines"] if x["cost_id"] == rent and x["organisation_id"] == j)
    assert rent_line["basis"]["quantity"] == "3.5"
    assert rent_line["basis"]["total_quantity"] == "16"
    assert rent_line["basis"]["percentage"] == "21.88"


def test_shares_of_each_cost_add_up_to_the_cost_minus_its_subsidy(api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    body = api(pole.coordinator).get(f"/api/v1/cost-periods/{period_id}/allocation").json
    for cost in body["costs"]:
        total = sum(Decimal(x["amount"]) for x in body["lines"] if x["cost_id"] == cost["id"])
        assert total == Decimal(cost["amount"]) - Decimal(cost["subsidy"])


def test_the_basis_is_written_in_words_in_english(api, pole):
    january_usage(pole)
    period_id, (rent, *_rest) = january_period(api, pole)
    body = (
        api(pole.coordinator)
        .get(f"/api/v1/cost-periods/{period_id}/allocation", headers={"Accept-Language": "en"})
        .json
    )
    line = next(
        x for x in body["lines"] if x["cost_id"] == rent and x["organisation_id"] == pole.jardins.id
    )
    assert line["explanation"].startswith(
        "3.5 h of 16 h of the Salle Jaurès, usage rule: 21.88 % of 800.00 EUR"
    )
    assert "subsidy of 400.00 EUR" in line["explanation"]


def test_closed_period_ignores_later_bookings_and_refuses_new_costs(api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    client = api(pole.coordinator)
    before = client.get(f"/api/v1/cost-periods/{period_id}/allocation").json
    closed = client.post(f"/api/v1/cost-periods/{period_id}/close")
    assert closed.status_code == 200
    assert closed.json["status"] == "closed"
    book(pole.alice, pole.room, "2027-01-20T09:00", "2027-01-20T18:00")
    after = client.get(f"/api/v1/cost-periods/{period_id}/allocation").json
    assert after["lines"] == before["lines"]
    assert after["totals"] == before["totals"]
    refused = client.post(
        f"/api/v1/cost-periods/{period_id}/costs",
        json={"label": "Ménage", "amount": "50.00", "rule": "equal"},
    )
    assert refused.status_code == 409
    assert db.session.scalar(select(func.count(Cost.id)).where(Cost.period_id == period_id)) == 4


def test_reopening_is_recorded_and_lets_usage_count_again(api, pole):
    from pooling.audit.models import AuditEvent

    january_usage(pole)
    period_id, (rent, *_rest) = january_period(api, pole)
    client = api(pole.coordinator)
    client.post(f"/api/v1/cost-periods/{period_id}/close")
    book(pole.alice, pole.room, "2027-01-20T09:00", "2027-01-20T13:00")
    assert client.post(f"/api/v1/cost-periods/{period_id}/reopen", json={}).status_code == 422
    reopened = client.post(
        f"/api/v1/cost-periods/{period_id}/reopen", json={"reason": "Facture rectifiée"}
    )
    assert reopened.status_code == 200
    assert reopened.json["status"] == "open"
    body = client.get(f"/api/v1/cost-periods/{period_id}/allocation").json
    assert shares_of(body, rent) == {
        pole.jardins.id: "300.00",
        pole.scop.id: "500.00",
    }  # 7.5 h of 20 h
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cost_period.reopen"))
    assert event.note == "Facture rectifiée"


def test_a_cost_of_a_resource_nobody_used_falls_back_to_weights_and_says_so(api, pole):
    client = api(pole.coordinator)
    period_id = client.post(
        "/api/v1/cost-periods", json={"name": "Février", "start": "2027-02-01", "end": "2027-02-28"}
    ).json["id"]
    cost_id = client.post(
        f"/api/v1/cost-periods/{period_id}/costs",
        json={
            "label": "Entretien camionnette",
            "category": "maintenance",
            "amount": "200.00",
            "resource_id": pole.van.id,
            "rule": "usage",
        },
    ).json["id"]
    body = client.get(
        f"/api/v1/cost-periods/{period_id}/allocation", headers={"Accept-Language": "en"}
    ).json
    assert shares_of(body, cost_id) == {pole.jardins.id: "50.00", pole.scop.id: "150.00"}
    line = body["lines"][0]
    assert line["basis"]["fallback"] == "weighted"
    assert "Nobody used the Camionnette" in line["explanation"]


@pytest.mark.parametrize(
    "cost, field",
    [
        ({"label": "Loyer", "amount": "-10.00", "rule": "equal"}, "amount"),
        ({"label": "Loyer", "amount": "100.00", "subsidy": "150.00", "rule": "equal"}, "subsidy"),
        ({"label": "Loyer", "amount": "100.00", "rule": "by_size"}, "rule"),
        ({"label": "Loyer", "amount": "100.001", "rule": "equal"}, "amount"),
        ({"label": "Loyer", "amount": "100.00", "rule": "fixed_plus_usage"}, "fixed_share"),
        (
            {"label": "Loyer", "amount": "100.00", "rule": "fixed_plus_usage", "fixed_share": 1.5},
            "fixed_share",
        ),
        ({"label": "", "amount": "100.00", "rule": "equal"}, "label"),
        (
            {"label": "Loyer", "amount": "100.00", "rule": "equal", "resource_id": 999999},
            "resource_id",
        ),
    ],
)
def test_bad_costs_are_refused_per_field_and_nothing_is_written(api, pole, cost, field):
    client = api(pole.coordinator)
    period_id = client.post(
        "/api/v1/cost-periods", json={"name": "Mars", "start": START, "end": END}
    ).json["id"]
    response = client.post(f"/api/v1/cost-periods/{period_id}/costs", json=cost)
    assert response.status_code == 422, response.json
    assert field in response.json["fields"]
    assert db.session.scalar(select(func.count(Cost.id))) == 0


@pytest.mark.parametrize(
    "cost, field",
    [
        ({"label": "Loyer", "amount": True, "rule": "equal"}, "amount"),
        ({"label": "Loyer", "amount": "cent", "rule": "equal"}, "amount"),
        ({"label": 12, "amount": "100.00", "rule": "equal"}, "label"),
        (
            {"label": "Loyer", "amount": "100.00", "rule": "equal", "resource_id": "3"},
            "resource_id",
        ),
        ({"label": "Loyer", "amount": "100.00", "rule": "equal", "kind": "boat"}, "kind"),
        (
            {"label": "Loyer", "amount": "100.00", "rule": "equal", "planned_hours": {"1": 3}},
            "planned_hours",
        ),
        ({"label": "Loyer", "amount": "100.00", "rule": "equal", "fixed_share": []}, "fixed_share"),
    ],
)
def test_costs_of_the_wrong_json_types_are_refused_by_field(api, pole, cost, field):
    client = api(pole.coordinator)
    period_id = client.post(
        "/api/v1/cost-periods", json={"name": "Mars", "start": START, "end": END}
    ).json["id"]
    response = client.post(f"/api/v1/cost-periods/{period_id}/costs", json=cost)
    assert response.status_code == 422, response.json
    assert list(response.json["fields"]) == [field]
    assert db.session.scalar(select(func.count(Cost.id))) == 0


def test_a_cost_on_an_unknown_period_is_not_found_whatever_its_body(api, pole):
    response = api(pole.coordinator).post(
        "/api/v1/cost-periods/999999/costs", json={"label": 12, "amount": True}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "Q1", "start": "2027-03-31", "end": "2027-01-01"}, "end"),
        ({"name": "Q1", "start": "2027-01-01T00:00:00", "end": "2027-03-31"}, "start"),
        ({"name": "", "start": "2027-01-01", "end": "2027-03-31"}, "name"),
        ({"name": "Q1", "start": "janvier", "end": "2027-03-31"}, "start"),
    ],
)
def test_bad_periods_are_refused_and_nothing_is_written(api, pole, body, field):
    response = api(pole.coordinator).post("/api/v1/cost-periods", json=body)
    assert response.status_code == 422
    assert field in response.json["fields"]
    assert db.session.scalar(select(func.count(CostPeriod.id))) == 0


def test_members_cannot_read_or_write_costs(api, pole):
    period_id = (
        api(pole.coordinator)
        .post("/api/v1/cost-periods", json={"name": "Q1", "start": START, "end": END})
        .json["id"]
    )
    member = api(pole.alice)
    assert member.get(f"/api/v1/cost-periods/{period_id}/allocation").status_code == 403
    assert member.get("/api/v1/cost-periods").status_code == 403
    assert (
        member.post(
            "/api/v1/cost-periods", json={"name": "X", "start": START, "end": END}
        ).status_code
        == 403
    )
    assert (
        member.get("/api/v1/usage?start=2027-01-01T00:00:00Z&end=2027-02-01T00:00:00Z").status_code
        == 403
    )


def test_referents_read_only_their_organisation_and_cannot_write(api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    referent = api(pole.referent)
    body = referent.get(f"/api/v1/cost-periods/{period_id}/allocation").json
    assert {line["organisation_id"] for line in body["lines"]} == {pole.jardins.id}
    assert [t["organisation_id"] for t in body["totals"]] == [pole.jardins.id]
    assert body["transfers"] == [{"from": pole.scop.id, "to": pole.jardins.id, "amount": "331.31"}]
    refused = referent.post(
        f"/api/v1/cost-periods/{period_id}/costs",
        json={"label": "X", "amount": "1.00", "rule": "equal"},
    )
    assert refused.status_code == 403
    assert referent.post(f"/api/v1/cost-periods/{period_id}/close").status_code == 403
    assert db.session.get(CostPeriod, period_id).status == "open"


def test_true_up_compares_provisional_charges_with_the_final_share(api, pole):
    january_usage(pole)
    client = api(pole.coordinator)
    provisional = client.post(
        "/api/v1/cost-periods",
        json={"name": "Janvier provisoire", "start": START, "end": END, "provisional": True},
    ).json["id"]
    client.post(
        f"/api/v1/cost-periods/{provisional}/costs",
        json={"label": "Provision", "amount": "400.00", "rule": "equal"},
    )
    client.post(f"/api/v1/cost-periods/{provisional}/close")
    final_id, _ids = january_period(api, pole)
    body = client.get(f"/api/v1/cost-periods/{final_id}/true-up").json
    lines = {line["organisation_id"]: line for line in body["lines"]}
    assert lines[pole.jardins.id]["provisional"] == "200.00"
    assert lines[pole.jardins.id]["final"] == "468.69"
    assert lines[pole.jardins.id]["difference"] == "268.69"
    assert lines[pole.scop.id]["difference"] == "1073.91"


def test_late_cancellation_counts_only_inside_the_notice(api, pole):
    from pooling.core.db import utcnow

    start = (utcnow() + timedelta(hours=30)).replace(minute=0, second=0, microsecond=0)
    booking = bookings.create_booking(
        pole.bob,
        bookings.BookingRequest(
            resource_id=pole.room.id, start=start, end=start + timedelta(hours=2)
        ),
    ).bookings[0]
    db.session.commit()
    bookings.cancel_booking(pole.bob, booking.id)
    db.session.commit()
    window = f"start={(start - timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')}&end={(start + timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')}"
    client = api(pole.coordinator)
    items = client.get(f"/api/v1/usage?{window}").json["items"]
    assert [(i["key"], i["hours"], i["late_cancellations"]) for i in items] == [
        (pole.scop.id, "2.00", 1)
    ]
    assert client.patch("/api/v1/usage/settings", json={"late_cancel_hours": 24}).status_code == 200
    assert client.get(f"/api/v1/usage?{window}").json["items"] == []
