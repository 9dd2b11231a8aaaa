"""Composite resources in the API and on the coordinator's form: a hall made of two rooms,
its parts read and written, and no resource that contains itself."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pooling.audit.models import AuditEvent
from pooling.extensions import db
from pooling.resources.models import Resource, resource_parts
from tests.conftest import csrf_token
from tests.resources.test_resource_management import resource_data

pytestmark = pytest.mark.pole("halls")


def parts_of(resource_id: int) -> list[int]:
    db.session.expire_all()
    return sorted(
        db.session.scalars(
            select(resource_parts.c.part_id).where(resource_parts.c.composite_id == resource_id)
        )
    )


def test_a_coordinator_creates_a_hall_from_two_rooms_and_reads_its_parts(api, pole):
    client = api(pole.coordinator)
    created = client.post(
        "/api/v1/resources",
        json={
            "name": "Salle des fêtes",
            "kind": "premises",
            "parts": [pole.room.id, pole.room_a.id],
        },
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["parts"] == sorted([pole.room.id, pole.room_a.id])
    read = client.get(f"/api/v1/resources/{created.get_json()['id']}").get_json()
    assert sorted(read["parts"]) == sorted([pole.room.id, pole.room_a.id])
    assert client.get(f"/api/v1/resources/{pole.room.id}").get_json()["parts"] == []


def test_patching_the_parts_replaces_them_and_an_empty_list_clears_them(api, pole):
    client = api(pole.coordinator)
    changed = client.patch(f"/api/v1/resources/{pole.hall.id}", json={"parts": [pole.room_a.id]})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["parts"] == [pole.room_a.id]
    assert parts_of(pole.hall.id) == [pole.room_a.id]
    cleared = client.patch(f"/api/v1/resources/{pole.hall.id}", json={"parts": []})
    assert cleared.get_json()["parts"] == []
    assert parts_of(pole.hall.id) == []


def test_a_patch_without_parts_keeps_them(api, pole):
    client = api(pole.coordinator)
    assert (
        client.patch(f"/api/v1/resources/{pole.hall.id}", json={"capacity": 45}).status_code == 200
    )
    assert parts_of(pole.hall.id) == sorted([pole.room_a.id, pole.room_b.id])


@pytest.mark.parametrize(
    "case",
    ["itself", "its composite", "its composite's composite", "unknown"],
)
def test_a_resource_cannot_contain_itself_nor_an_unknown_one(api, pole, case):
    client = api(pole.coordinator)
    wing = client.post(
        "/api/v1/resources",
        json={"name": "Aile nord", "kind": "premises", "parts": [pole.hall.id]},
    ).get_json()
    target, parts = {
        "itself": (pole.hall.id, [pole.hall.id]),
        "its composite": (pole.room_a.id, [pole.hall.id]),
        "its composite's composite": (pole.room_a.id, [wing["id"]]),
        "unknown": (pole.room_a.id, [999999]),
    }[case]
    before = {rid: parts_of(rid) for rid in (pole.hall.id, pole.room_a.id, wing["id"])}
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    refused = client.patch(
        f"/api/v1/resources/{target}",
        json={"parts": parts, "capacity": 99},
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 422, refused.get_json()
    body = refused.get_json()
    assert list(body["fields"]) == ["parts"]
    assert body["fields"]["parts"] == [
        {
            "itself": "Une ressource ne peut pas être l'une de ses propres parties.",
            "its composite": "Une partie ne peut pas contenir cette ressource, ni directement "
            "ni par ses propres parties.",
            "its composite's composite": "Une partie ne peut pas contenir cette ressource, ni "
            "directement ni par ses propres parties.",
            "unknown": "Cette ressource n'existe pas.",
        }[case]
    ]
    # Nothing written: neither the parts nor the capacity, no audit line.
    assert {rid: parts_of(rid) for rid in before} == before
    assert db.session.get(Resource, target).capacity != 99
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_a_new_resource_with_an_unknown_part_is_not_created(api, pole):
    client = api(pole.coordinator)
    count = db.session.scalar(select(func.count(Resource.id)))
    refused = client.post(
        "/api/v1/resources", json={"name": "Salle X", "kind": "premises", "parts": [424242]}
    )
    assert refused.status_code == 422
    assert "parts" in refused.get_json()["fields"]
    assert db.session.scalar(select(func.count(Resource.id))) == count


def test_only_coordinators_set_parts(api, pole):
    refused = api(pole.alice).patch(f"/api/v1/resources/{pole.hall.id}", json={"parts": []})
    assert refused.status_code == 403
    assert parts_of(pole.hall.id) == sorted([pole.room_a.id, pole.room_b.id])


def test_the_coordinator_makes_a_hall_of_two_rooms_on_the_resource_form(pole):
    pole.sign_in("coordinator")
    client = pole.client("coordinator")
    page = f"/resources/{pole.room.id}/edit"
    form = client.get(page).get_data(as_text=True)
    assert 'id="parts"' in form and "Salle A" in form
    assert f'value="{pole.room.id}"' not in form.split('id="parts"')[1].split("</fieldset>")[0]
    data = resource_data(
        csrf_token(client, page),
        hours={"mon_1": ("08:00", "19:00")},
        name="Salle Jaurès",
        max_advance_days="800",
        parts=[str(pole.room_a.id), str(pole.room_b.id)],
    )
    response = client.post(page, data=data, follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert parts_of(pole.room.id) == sorted([pole.room_a.id, pole.room_b.id])
    assert "Salle A, Salle B" in client.get(f"/resources/{pole.room.id}").get_data(as_text=True)
    room_a = client.get(f"/resources/{pole.room_a.id}", headers={"Accept-Language": "fr"})
    assert "Fait partie de" in room_a.get_data(as_text=True)
    assert "Grande salle, Salle Jaurès" in room_a.get_data(as_text=True)


def test_the_form_refuses_a_loop_and_says_why_next_to_the_parts(pole):
    pole.sign_in("coordinator")
    client = pole.client("coordinator")
    page = f"/resources/{pole.room_a.id}/edit"
    data = resource_data(
        csrf_token(client, page),
        hours={"mon_1": ("08:00", "19:00")},
        name="Salle A",
        max_advance_days="800",
        parts=[str(pole.hall.id)],
    )
    response = client.post(page, data=data, headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    page_text = response.get_data(as_text=True)
    fieldset = page_text.split('id="parts"')[1].split("</fieldset>")[0]
    assert "ni directement ni par ses propres parties" in fieldset
    assert parts_of(pole.room_a.id) == []
