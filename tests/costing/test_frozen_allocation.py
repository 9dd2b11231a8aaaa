"""A closed period answers exactly what it answered open: API, statements and CSV exports."""

from __future__ import annotations

import json

import pytest

from pooling.costing.document import PeriodAllocation
from pooling.costing.models import CostPeriod
from pooling.extensions import db
from tests.costing.test_worked_example import january_period, january_usage

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027


def _answers(login, api, pole, period_id: int) -> dict[str, object]:
    coordinator = login(pole.coordinator)
    referent = login(pole.referent)
    answers: dict[str, object] = {}
    for who, client in (("coordinator", api(pole.coordinator)), ("referent", api(pole.referent))):
        body = client.get(f"/api/v1/cost-periods/{period_id}/allocation").json
        body.pop("period")  # its status and closing time change, nothing else
        answers[f"allocation {who}"] = body
    for name, client, url in (
        ("statement.csv", coordinator, f"/costs/{period_id}/statement.csv"),
        ("statement.csv referent", referent, f"/costs/{period_id}/statement.csv"),
        ("accounting.csv", coordinator, f"/costs/{period_id}/accounting.csv"),
    ):
        response = client.get(url + "?lang=en")
        assert response.status_code == 200, name
        answers[name] = response.get_data()
    return answers


def test_closing_changes_no_share_total_transfer_nor_export(login, api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    before = _answers(login, api, pole, period_id)
    assert before["allocation coordinator"]["transfers"]
    assert len(before["allocation referent"]["totals"]) == 1

    response = api(pole.coordinator).post(f"/api/v1/cost-periods/{period_id}/close")
    assert response.status_code == 200, response.json

    assert _answers(login, api, pole, period_id) == before


def test_a_stored_allocation_reads_back_to_the_same_json(login, api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    assert api(pole.coordinator).post(f"/api/v1/cost-periods/{period_id}/close").status_code == 200
    period = db.session.get(CostPeriod, period_id)
    db.session.refresh(period)
    stored = period.snapshot
    read_back = PeriodAllocation.from_json(stored)
    assert json.dumps(read_back.to_json()) == json.dumps(stored)
    assert sum(total.balance_cents for total in read_back.totals) == 0
    assert read_back.owed()[pole.jardins.id] == 46869  # 468.69 EUR
