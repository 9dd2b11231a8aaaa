"""Usage through the API and the page: grouping, units, manual lines, permissions, CSV."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import func, select

from pooling.bookings import attendance
from pooling.extensions import db
from pooling.usage.models import ManualUsage
from tests.conftest import csrf_token
from tests.costing.conftest import book, local

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027

WINDOW = "start=2027-03-01T00:00:00%2B01:00&end=2027-04-01T00:00:00%2B02:00"


def test_equipment_usage_is_in_unit_hours_grouped_by_kind(api, pole):
    book(pole.alice, pole.chairs, "2027-03-10T09:00", "2027-03-10T12:00", quantity=20)
    book(pole.bob, pole.room, "2027-03-10T09:00", "2027-03-10T11:00")
    items = api(pole.coordinator).get(f"/api/v1/usage?{WINDOW}&group_by=kind").json["items"]
    by_kind = {i["key"]: i for i in items}
    assert by_kind["equipment"]["hours"] == "3.00"
    assert by_kind["equipment"]["unit_hours"] == "60.00"
    assert by_kind["premises"]["unit_hours"] == "2.00"
    assert by_kind["equipment"]["share"] == "0.9677"


def test_check_out_before_the_booked_end_shortens_the_usage(api, pole):
    booking = book(pole.alice, pole.room, "2027-03-10T09:00", "2027-03-10T17:00")
    with time_machine.travel(local("2027-03-10T10:00")):
        attendance.check_in(pole.alice, booking.id)
    with time_machine.travel(local("2027-03-10T11:15")):
        attendance.check_out(pole.alice, booking.id)
    db.session.commit()
    items = api(pole.coordinator).get(f"/api/v1/usage?{WINDOW}").json["items"]
    assert [(i["key"], i["hours"]) for i in items] == [(pole.jardins.id, "1.25")]


def test_van_usage_in_km_from_meter_readings(api, pole):
    booking = book(pole.bob, pole.van, "2027-03-10T09:00", "2027-03-10T17:00")
    with time_machine.travel(local("2027-03-10T09:00")):
        attendance.check_in(pole.bob, booking.id, meter="12000")
    with time_machine.travel(local("2027-03-10T17:00")):
        attendance.check_out(pole.bob, booking.id, meter="12084.5")
    db.session.commit()
    items = api(pole.coordinator).get(f"/api/v1/usage?{WINDOW}&group_by=resource").json["items"]
    assert items[0]["meter"] == "84.50"


def test_coordinator_adds_a_manual_line_with_a_reason(api, pole):
    client = api(pole.coordinator)
    refused = client.post(
        "/api/v1/usage/manual",
        json={"organisation_id": pole.scop.id, "date": "2027-03-05", "hours": 6, "reason": ""},
    )
    assert refused.status_code == 422
    assert "reason" in refused.json["fields"]
    assert db.session.scalar(select(func.count(ManualUsage.id))) == 0
    created = client.post(
        "/api/v1/usage/manual",
        json={
            "organisation_id": pole.scop.id,
            "resource_id": pole.accountant.id,
            "date": "2027-03-05",
            "hours": 6,
            "reason": "Feuille de temps",
        },
    )
    assert created.status_code == 201
    items = client.get(f"/api/v1/usage?{WINDOW}").json["items"]
    assert [(i["key"], i["hours"], i["manual_lines"], i["bookings"]) for i in items] == [
        (pole.scop.id, "6.00", 1, 0)
    ]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"date": "05/03/2027"}, "date"),
        ({"hours": "six"}, "hours"),
        ({"hours": 0}, "hours"),
        ({"quantity": 0}, "quantity"),
        ({"meter": -1}, "meter"),
        ({"organisation_id": "1"}, "organisation_id"),
    ],
)
def test_manual_lines_of_wrong_values_are_refused_by_field(api, pole, change, field):
    body = {"organisation_id": pole.scop.id, "date": "2027-03-05", "hours": 6, "reason": "x"}
    response = api(pole.coordinator).post("/api/v1/usage/manual", json=body | change)
    assert response.status_code == 422, response.json
    assert list(response.json["fields"]) == [field]
    assert db.session.scalar(select(func.count(ManualUsage.id))) == 0


def test_the_notice_is_a_whole_number_of_hours_up_to_a_month(api, pole):
    client = api(pole.coordinator)
    for wrong in (721, -1, "24", 2.5):
        response = client.patch("/api/v1/usage/settings", json={"late_cancel_hours": wrong})
        assert response.status_code == 422, wrong
        assert list(response.json["fields"]) == ["late_cancel_hours"]
    assert client.patch("/api/v1/usage/settings", json={"late_cancel_hours": 720}).json == {
        "late_cancel_hours": 720
    }


def test_only_coordinators_add_manual_lines(api, pole):
    response = api(pole.referent).post(
        "/api/v1/usage/manual",
        json={"organisation_id": pole.jardins.id, "date": "2027-03-05", "hours": 6, "reason": "x"},
    )
    assert response.status_code == 403


def test_referent_reads_only_their_organisation_usage(api, pole):
    book(pole.alice, pole.room, "2027-03-10T09:00", "2027-03-10T11:00")
    book(pole.bob, pole.room, "2027-03-11T09:00", "2027-03-11T15:00")
    items = api(pole.referent).get(f"/api/v1/usage?{WINDOW}").json["items"]
    assert [(i["key"], i["hours"], i["share"]) for i in items] == [
        (pole.jardins.id, "2.00", "0.2500")
    ]


def test_usage_window_end_before_start_is_refused(api, pole):
    response = api(pole.coordinator).get(
        "/api/v1/usage?start=2027-03-02T00:00:00Z&end=2027-03-01T00:00:00Z"
    )
    assert response.status_code == 422
    assert api(pole.coordinator).get(f"/api/v1/usage?{WINDOW}&group_by=colour").status_code == 422


def test_usage_page_shows_the_figures_and_the_csv_is_formula_safe(login, pole):
    from tests.factories import make_organisation, make_user

    evil = make_organisation("=SUM(A1:A9)", slug="evil")
    person = make_user(evil)
    book(person, pole.room, "2027-03-10T09:00", "2027-03-10T11:00")
    client = login(pole.coordinator)
    page = client.get("/usage/?start=2027-03-01&end=2027-03-31")
    assert page.status_code == 200
    assert "=SUM(A1:A9)" in page.get_data(as_text=True)
    export = client.get("/usage/export.csv?start=2027-03-01&end=2027-03-31").get_data(as_text=True)
    assert "'=SUM(A1:A9)" in export
    assert ";=SUM" not in export


def test_coordinator_records_a_manual_line_from_the_page(login, pole):
    client = login(pole.coordinator)
    url = "/usage/?start=2027-03-01&end=2027-03-31"
    response = client.post(
        "/usage/manual?start=2027-03-01&end=2027-03-31",
        data={
            "csrf_token": csrf_token(client, url),
            "organisation_id": pole.jardins.id,
            "resource_id": pole.accountant.id,
            "kind": "",
            "used_on": "2027-03-04",
            "hours": "3.5",
            "quantity": "1",
            "reason": "Feuille de temps de mars",
        },
    )
    assert response.status_code == 302
    line = db.session.scalar(select(ManualUsage))
    assert line.hours == 3.5 and line.kind == "staff"
