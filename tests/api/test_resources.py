"""Resources in the API: catalogue search, visibility of inactive ones, create and edit rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from pooling.extensions import db
from pooling.resources.models import Resource
from tests.factories import make_coordinator, make_organisation, make_resource, make_user

PARIS = ZoneInfo("Europe/Paris")


def resource_count() -> int:
    return db.session.scalar(select(func.count(Resource.id)))


def caller(role: str):
    if role == "coordinator":
        return make_coordinator()
    return make_user(role="org_admin" if role == "referent" else "member")


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [r["name"] for r in response.get_json()["items"]]


def next_weekday(weekday: int) -> date:
    """A date of that weekday (0 = Monday) between one and two weeks from today."""
    day = date.today() + timedelta(days=7)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def local(day: date, hour: int) -> str:
    return quote(datetime.combine(day, time(hour), tzinfo=PARIS).isoformat())


@pytest.mark.parametrize("role", ["member", "referent", "coordinator"])
def test_every_signed_in_role_reads_the_catalogue(app, api, role):
    make_resource("Salle Jaurès", capacity=12, location="1er étage")
    response = api(caller(role)).get("/api/v1/resources")
    assert response.status_code == 200
    item = response.get_json()["items"][0]
    expected = {
        "id": item["id"],
        "name": "Salle Jaurès",
        "kind": "premises",
        "description": "",
        "location": "1er étage",
        "capacity": 12,
        "quantity": 1,
        "unit": "",
        "meter_unit": "",
        "requires_approval": False,
        "owner_organisation_id": None,
        "active": True,
        "rules": {
            "opening_hours": {d: [["08:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
            "slot_minutes": 15,
            "min_duration_minutes": None,
            "max_duration_minutes": None,
            "min_notice_minutes": 0,
            "max_advance_days": 365,
            "closed_on_public_holidays": True,
        },
    }
    # The contract's fields, exactly; more fields may be added.
    assert {key: item.get(key) for key in expected} == expected
    assert response.get_json()["next"] is None


def test_anonymous_cannot_read_the_catalogue(client):
    assert client.get("/api/v1/resources").status_code == 401


def test_catalogue_filters_by_kind_text_and_capacity(app, api):
    make_resource("Salle Jaurès", capacity=12)
    make_resource("Salle des Tilleuls", capacity=25, description="Grande salle modulable")
    make_resource("Camionnette Kangoo", kind="equipment", capacity=2)
    client = api(make_user())
    assert names(client.get("/api/v1/resources?kind=equipment")) == ["Camionnette Kangoo"]
    assert names(client.get("/api/v1/resources?q=MODULABLE")) == ["Salle des Tilleuls"]
    assert sorted(names(client.get("/api/v1/resources?capacity_min=10"))) == [
        "Salle Jaurès",
        "Salle des Tilleuls",
    ]
    assert names(client.get("/api/v1/resources?kind=premises&capacity_min=20")) == [
        "Salle des Tilleuls"
    ]


@pytest.mark.parametrize(
    "query, field",
    [
        ("kind=vehicle", "kind"),
        ("capacity_min=-1", "capacity_min"),
        ("capacity_min=beaucoup", "capacity_min"),
        ("capacity_min=99999999999999999999999", "capacity_min"),
    ],
)
def test_bad_catalogue_filter_is_a_422(app, api, query, field):
    response = api(make_user()).get(f"/api/v1/resources?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_text_search_ignores_nul_characters(app, api):
    make_resource("Salle Jaurès")
    client = api(make_user())
    assert names(client.get("/api/v1/resources?q=Jau%00r")) == ["Salle Jaurès"]
    assert names(client.get("/api/v1/resources?q=%00")) == ["Salle Jaurès"]


def test_available_filter_needs_both_bounds(app, api):
    day = next_weekday(0)
    response = api(make_user()).get(f"/api/v1/resources?available_start={local(day, 10)}")
    assert response.status_code == 422
    assert "available_end" in response.get_json()["fields"]


def test_available_filter_refuses_naive_times(app, api):
    response = api(make_user()).get(
        "/api/v1/resources?available_start=2030-12-02T09:00:00&available_end=2030-12-02T10:00:00Z"
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "naive_time"
    assert "décalage horaire" in body["fields"]["available_start"][0]


def test_available_filter_refuses_an_end_before_the_start(app, api):
    day = next_weekday(0)
    response = api(make_user()).get(
        f"/api/v1/resources?available_start={local(day, 11)}&available_end={local(day, 10)}"
    )
    assert response.status_code == 422
    assert "available_end" in response.get_json()["fields"]


def test_available_filter_keeps_what_is_open_over_the_whole_interval(app, api):
    make_resource("Salle Jaurès")
    make_resource("Halle du Val", opening_hours={d: [["08:00", "23:00"]] for d in ("sat", "sun")})
    client = api(make_user())
    monday, sunday = next_weekday(0), next_weekday(6)
    during_week = f"available_start={local(monday, 10)}&available_end={local(monday, 11)}"
    weekend = f"available_start={local(sunday, 10)}&available_end={local(sunday, 11)}"
    assert names(client.get(f"/api/v1/resources?{during_week}")) == ["Salle Jaurès"]
    assert names(client.get(f"/api/v1/resources?{weekend}")) == ["Halle du Val"]


def test_inactive_resource_is_hidden_from_members(app, api):
    resource = make_resource("Ancienne salle", active=False)
    client = api(make_user(role="org_admin"))
    assert names(client.get("/api/v1/resources?include_inactive=1")) == []
    response = client.get(f"/api/v1/resources/{resource.id}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_coordinator_sees_inactive_resources_on_request(app, api):
    resource = make_resource("Ancienne salle", active=False)
    client = api(make_coordinator())
    assert names(client.get("/api/v1/resources")) == []
    assert names(client.get("/api/v1/resources?include_inactive=true")) == ["Ancienne salle"]
    assert client.get(f"/api/v1/resources/{resource.id}").get_json()["active"] is False


def test_unknown_resource_is_a_404(app, api):
    assert api(make_user()).get("/api/v1/resources/4242").status_code == 404


def test_next_link_leads_to_the_rest_of_the_catalogue(app, api):
    for n in range(3):
        make_resource(f"Salle {n}")
    client = api(make_user())
    first = client.get("/api/v1/resources?limit=2").get_json()
    assert len(first["items"]) == 2
    rest = client.get(first["next"]).get_json()
    assert [r["name"] for r in rest["items"]] == ["Salle 2"]
    assert rest["next"] is None


def test_coordinator_creates_a_resource_with_the_default_rules(app, api):
    owner = make_organisation("Communauté de communes du Val")
    response = api(make_coordinator()).post(
        "/api/v1/resources",
        json={"name": "Chaises pliantes", "kind": "equipment", "owner_organisation_id": owner.id},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/resources/{body['id']}")
    assert body["quantity"] == 1
    assert body["owner_organisation_id"] == owner.id
    assert body["rules"]["opening_hours"]["mon"] == [["08:00", "19:00"]]
    assert "sat" not in body["rules"]["opening_hours"]
    assert body["rules"]["slot_minutes"] == 15
    assert body["rules"]["min_notice_minutes"] == 0
    assert body["rules"]["max_advance_days"] == 365
    assert db.session.get(Resource, body["id"]).name == "Chaises pliantes"


def test_coordinator_creates_a_resource_with_its_own_rules(app, api):
    response = api(make_coordinator()).post(
        "/api/v1/resources",
        json={
            "name": "Comptable partagée",
            "kind": "staff",
            "quantity": 1,
            "requires_approval": True,
            "rules": {
                "opening_hours": {"mon": [["13:30", "17:00"], ["09:00", "12:30"]], "tue": []},
                "slot_minutes": 30,
                "min_duration_minutes": 60,
            },
        },
    )
    assert response.status_code == 201
    rules = response.get_json()["rules"]
    assert rules["opening_hours"] == {"mon": [["09:00", "12:30"], ["13:30", "17:00"]]}
    assert rules["slot_minutes"] == 30
    assert rules["min_duration_minutes"] == 60
    assert response.get_json()["requires_approval"] is True


@pytest.mark.parametrize("role", ["member", "referent"])
def test_member_and_referent_cannot_create_a_resource(app, api, role):
    before = resource_count()
    response = api(caller(role)).post("/api/v1/resources", json={"name": "X", "kind": "premises"})
    assert response.status_code == 403
    assert resource_count() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "Salle", "kind": "room"}, "kind"),
        ({"name": "Salle", "kind": ["premises"]}, "kind"),
        ({"name": "", "kind": "premises"}, "name"),
        ({"name": "Chaises", "kind": "equipment", "quantity": -3}, "quantity"),
        ({"name": "Chaises", "kind": "equipment", "quantity": 0}, "quantity"),
        ({"name": "Chaises", "kind": "equipment", "quantity": 1.5}, "quantity"),
        ({"name": "Salle", "kind": "premises", "capacity": "douze"}, "capacity"),
        (
            {
                "name": "Salle",
                "kind": "premises",
                "rules": {"opening_hours": {"mon": [["19:00", "08:00"]]}},
            },
            "opening_hours",
        ),
        (
            {"name": "Salle", "kind": "premises", "rules": {"opening_hours": {"lundi": []}}},
            "opening_hours",
        ),
        (
            {
                "name": "Salle",
                "kind": "premises",
                "rules": {"opening_hours": {"mon": [["8h", "12h"]]}},
            },
            "opening_hours",
        ),
        ({"name": "Salle", "kind": "premises", "rules": {"colour": "blue"}}, "rules"),
        ({"name": "Salle", "kind": "premises", "rules": []}, "rules"),
        ({"name": "Salle", "kind": "premises", "rules": {"slot_minutes": 7}}, "slot_minutes"),
        (
            {"name": "Salle", "kind": "premises", "owner_organisation_id": 999},
            "owner_organisation_id",
        ),
        (
            {"name": "Salle", "kind": "premises", "owner_organisation_id": 10**30},
            "owner_organisation_id",
        ),
        ({"name": "Salle", "kind": "premises", "requires_approval": "yes"}, "requires_approval"),
        (
            {
                "name": "Salle",
                "kind": "premises",
                "rules": {"min_duration_minutes": 120, "max_duration_minutes": 60},
            },
            "max_duration_minutes",
        ),
    ],
)
def test_invalid_resource_is_a_422_naming_the_field_and_writes_nothing(app, api, body, field):
    before = resource_count()
    response = api(make_coordinator()).post("/api/v1/resources", json=body)
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["error"] == "validation_error"
    assert field in payload["fields"], payload
    assert resource_count() == before


def test_coordinator_edits_rules_and_keeps_the_others(app, api):
    resource = make_resource("Atelier bois", slot_minutes=60)
    response = api(make_coordinator()).patch(
        f"/api/v1/resources/{resource.id}",
        json={"capacity": 8, "rules": {"min_notice_minutes": 1440}},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["capacity"] == 8
    assert body["rules"]["min_notice_minutes"] == 1440
    assert body["rules"]["slot_minutes"] == 60


def test_coordinator_deactivates_a_resource(app, api):
    resource = make_resource("Remorque")
    response = api(make_coordinator()).patch(
        f"/api/v1/resources/{resource.id}", json={"active": False}
    )
    assert response.status_code == 200
    db.session.refresh(resource)
    assert resource.active is False


@pytest.mark.parametrize("role", ["member", "referent"])
def test_member_and_referent_cannot_edit_a_resource(app, api, role):
    resource = make_resource("Salle Jaurès")
    response = api(caller(role)).patch(f"/api/v1/resources/{resource.id}", json={"name": "X"})
    assert response.status_code == 403
    db.session.refresh(resource)
    assert resource.name == "Salle Jaurès"


def test_editing_an_unknown_resource_is_a_404(app, api):
    response = api(make_coordinator()).patch("/api/v1/resources/4242", json={"name": "X"})
    assert response.status_code == 404


def test_invalid_edit_of_a_resource_changes_nothing(app, api):
    resource = make_resource("Vidéoprojecteur", kind="equipment", quantity=3)
    response = api(make_coordinator()).patch(
        f"/api/v1/resources/{resource.id}",
        json={"name": "Nouveau nom", "quantity": -1, "rules": {"unknown": 1}},
    )
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) >= {"quantity", "rules"}
    db.session.refresh(resource)
    assert resource.name == "Vidéoprojecteur" and resource.quantity == 3
