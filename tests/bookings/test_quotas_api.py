"""Quotas per organisation through the API: coordinators set them, bookings respect them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Quota
from pooling.extensions import db

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027


def test_coordinator_sets_a_weekly_quota_and_the_organisation_is_held_to_it(api, pole):
    created = api(pole.coordinator).post(
        "/api/v1/quotas",
        json={
            "organisation_id": pole.jardins.id,
            "resource_id": pole.room.id,
            "hours": 3,
            "period": "week",
        },
    )
    assert created.status_code == 201, created.json
    alice, referent = api(pole.alice), api(pole.referent)
    first = alice.post(
        "/api/v1/bookings",
        json={
            "resource_id": pole.room.id,
            "start": "2027-01-12T09:00:00+01:00",
            "end": "2027-01-12T11:00:00+01:00",
        },
    )
    assert first.status_code == 201
    # A colleague of the same organisation shares the quota: 2 h + 2 h > 3 h.
    second = referent.post(
        "/api/v1/bookings",
        json={
            "resource_id": pole.room.id,
            "start": "2027-01-14T09:00:00+01:00",
            "end": "2027-01-14T11:00:00+01:00",
        },
    )
    assert second.status_code == 422
    assert second.json["error"] == "quota"
    # The next week starts a new count.
    assert (
        referent.post(
            "/api/v1/bookings",
            json={
                "resource_id": pole.room.id,
                "start": "2027-01-19T09:00:00+01:00",
                "end": "2027-01-19T11:00:00+01:00",
            },
        ).status_code
        == 201
    )
    # Another organisation is not limited.
    assert (
        api(pole.bob)
        .post(
            "/api/v1/bookings",
            json={
                "resource_id": pole.room.id,
                "start": "2027-01-14T09:00:00+01:00",
                "end": "2027-01-14T12:00:00+01:00",
            },
        )
        .status_code
        == 201
    )


def test_members_cannot_set_quotas_and_bad_input_writes_nothing(api, pole):
    forbidden = api(pole.referent).post(
        "/api/v1/quotas",
        json={"organisation_id": pole.jardins.id, "resource_kind": "premises", "hours": 10},
    )
    assert forbidden.status_code == 403
    invalid = api(pole.coordinator).post(
        "/api/v1/quotas", json={"organisation_id": pole.jardins.id, "hours": -1, "period": "year"}
    )
    assert invalid.status_code == 422
    assert {"hours", "period", "resource_id"} <= set(invalid.json["fields"])
    assert db.session.scalar(select(func.count(Quota.id))) == 0


def test_members_see_only_their_organisations_quotas(api, pole):
    coordinator = api(pole.coordinator)
    coordinator.post(
        "/api/v1/quotas",
        json={"organisation_id": pole.jardins.id, "resource_kind": "premises", "hours": 10},
    )
    coordinator.post(
        "/api/v1/quotas",
        json={"organisation_id": pole.scop.id, "resource_kind": "premises", "hours": 5},
    )
    seen = api(pole.alice).get("/api/v1/quotas").json["items"]
    assert [q["organisation_id"] for q in seen] == [pole.jardins.id]
    assert len(coordinator.get("/api/v1/quotas").json["items"]) == 2
