"""Costs of the parts of a composite resource: a hall made of room A and room B.

In January 2027 Les Jardins books the hall 12 Jan 09:00-11:00 (2 h) and SCOP Bois books room A
13 Jan 09:00-12:00 (3 h). Usage counts the hall's booking once, on the hall: 2 h of hall, 3 h
of room A, 5 h in all. Room A's rent of 100.00 is shared by room A's usage, its share of the
hall's booking included: Les Jardins 2 h and SCOP Bois 3 h of 5 h, so 40.00 and 60.00; the
statement's basis says the hall's bookings count. The hall's own cost follows the hall's
bookings only.
"""

from __future__ import annotations

import pytest

from tests.costing.conftest import book
from tests.world import ALWAYS_OPEN

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027

WINDOW = "start=2027-01-01T00:00:00%2B01:00&end=2027-02-01T00:00:00%2B01:00"


@pytest.fixture
def pole(pole, app):
    pole.add_resource("room_a", "Salle A", max_advance_days=800, opening_hours=ALWAYS_OPEN)
    pole.add_resource("room_b", "Salle B", max_advance_days=800, opening_hours=ALWAYS_OPEN)
    pole.add_resource(
        "hall",
        "Grande salle",
        max_advance_days=800,
        opening_hours=ALWAYS_OPEN,
        parts=(pole.room_a.id, pole.room_b.id),
    )
    book(pole.alice, pole.hall, "2027-01-12T09:00", "2027-01-12T11:00")
    book(pole.bob, pole.room_a, "2027-01-13T09:00", "2027-01-13T12:00")
    return pole


def period_with_costs(api, pole) -> tuple[int, dict[str, int]]:
    client = api(pole.coordinator)
    period = client.post(
        "/api/v1/cost-periods",
        json={"name": "Janvier 2027", "start": "2027-01-01", "end": "2027-01-31"},
    )
    assert period.status_code == 201, period.json
    ids = {}
    for key, resource in (("room_a", pole.room_a), ("hall", pole.hall)):
        cost = client.post(
            f"/api/v1/cost-periods/{period.json['id']}/costs",
            json={
                "label": f"Loyer {resource.name}",
                "category": "rent",
                "amount": "100.00",
                "resource_id": resource.id,
                "rule": "usage",
            },
        )
        assert cost.status_code == 201, cost.json
        ids[key] = cost.json["id"]
    return period.json["id"], ids


def test_usage_counts_the_hall_booking_once_on_the_hall(api, pole):
    response = api(pole.coordinator).get(f"/api/v1/usage?{WINDOW}&group_by=resource")
    assert response.status_code == 200, response.json
    hours = {item["key"]: item["hours"] for item in response.json["items"]}
    assert hours[pole.hall.id] == "2.00"
    assert hours[pole.room_a.id] == "3.00"
    assert hours.get(pole.room_b.id, "0.00") == "0.00"
    assert sum(float(h) for h in hours.values()) == 5


def test_a_parts_cost_is_shared_by_its_usage_with_its_share_of_the_hall(api, pole):
    period_id, costs = period_with_costs(api, pole)
    body = (
        api(pole.coordinator)
        .get(f"/api/v1/cost-periods/{period_id}/allocation", headers={"Accept-Language": "en"})
        .json
    )
    room_a = {
        line["organisation_id"]: line
        for line in body["lines"]
        if line["cost_id"] == costs["room_a"]
    }
    assert room_a[pole.jardins.id]["amount"] == "40.00"
    assert room_a[pole.scop.id]["amount"] == "60.00"
    assert room_a[pole.jardins.id]["explanation"].startswith(
        "2 h of 5 h of the Salle A, with its share of the bookings of Grande salle, usage rule: "
        "40.00 % of 100.00 EUR"
    )
    hall = {
        line["organisation_id"]: line["amount"]
        for line in body["lines"]
        if line["cost_id"] == costs["hall"]
    }
    assert hall[pole.jardins.id] == "100.00"
    assert hall.get(pole.scop.id, "0.00") == "0.00"


def test_the_statement_basis_says_in_french_that_the_hall_counts(api, pole):
    period_id, costs = period_with_costs(api, pole)
    body = (
        api(pole.coordinator)
        .get(f"/api/v1/cost-periods/{period_id}/allocation", headers={"Accept-Language": "fr"})
        .json
    )
    line = next(
        x
        for x in body["lines"]
        if x["cost_id"] == costs["room_a"] and x["organisation_id"] == pole.scop.id
    )
    assert (
        "avec sa part des réservations des ensembles dont elle fait partie (Grande salle)"
        in line["explanation"]
    )
    assert line["basis"]["composites"] == ["Grande salle"]
