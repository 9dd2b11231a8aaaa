"""Qualifications through the API: coordinators define them, coordinators and referents record
holders, resources require them, and bookings are refused to whoever lacks one on the day."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from pooling.audit.models import AuditEvent
from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.qualifications.models import Qualification, QualificationHolder
from tests.qualifications.helpers import booking_body, hold, slot, today

# ---------------------------------------------------------------- defining


def test_coordinator_defines_a_qualification_that_everybody_then_reads(api, pole):
    created = api(pole.coordinator).post(
        "/api/v1/qualifications",
        json={"name": "Hygiène alimentaire (HACCP) niveau 2", "validity_months": 36},
    )
    assert created.status_code == 201, created.json
    assert created.json["validity_months"] == 36
    assert created.headers["Location"].endswith(f"/api/v1/qualifications/{created.json['id']}")
    names = [q["name"] for q in api(pole.alice).get("/api/v1/qualifications").json["items"]]
    assert "Hygiène alimentaire (HACCP) niveau 2" in names
    one = api(pole.bob).get(f"/api/v1/qualifications/{created.json['id']}")
    assert one.status_code == 200
    assert one.json["name"] == "Hygiène alimentaire (HACCP) niveau 2"


def test_members_and_referents_cannot_define_a_qualification(api, pole):
    for person in (pole.alice, pole.referent):
        answer = api(person).post("/api/v1/qualifications", json={"name": "CACES"})
        assert answer.status_code == 403
    assert db.session.scalar(select(Qualification).where(Qualification.name == "CACES")) is None


def test_a_second_qualification_of_the_same_name_is_refused(api, pole):
    answer = api(pole.coordinator).post("/api/v1/qualifications", json={"name": "permis b"})
    assert answer.status_code == 422
    assert "name" in answer.json["fields"]
    zero = api(pole.coordinator).post(
        "/api/v1/qualifications", json={"name": "CACES", "validity_months": 0}
    )
    assert zero.status_code == 422
    assert "validity_months" in zero.json["fields"]


def test_a_name_with_accented_capitals_given_twice_is_refused_not_a_server_error(api, pole):
    coordinator = api(pole.coordinator)
    assert (
        coordinator.post("/api/v1/qualifications", json={"name": "Élagage |Þ"}).status_code == 201
    )
    again = coordinator.post("/api/v1/qualifications", json={"name": "Élagage |Þ"})
    assert again.status_code == 422
    assert "name" in again.json["fields"]
    names = [q["name"] for q in coordinator.get("/api/v1/qualifications").json["items"]]
    assert names.count("Élagage |Þ") == 1


# ---------------------------------------------------------------- holders


def test_a_holder_without_a_date_gets_the_qualification_s_validity(api, pole):
    coordinator = api(pole.coordinator)
    answer = coordinator.post(
        f"/api/v1/qualifications/{pole.haccp.id}/holders", json={"user_id": pole.bob.id}
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["valid_until"] == (today() + relativedelta(months=24)).isoformat()
    assert answer.json["valid"] is True
    forever = coordinator.post(
        f"/api/v1/qualifications/{pole.permis.id}/holders", json={"user_id": pole.bob.id}
    )
    assert forever.status_code == 201
    assert forever.json["valid_until"] is None


def test_recording_a_holder_again_renews_the_date(api, pole):
    coordinator = api(pole.coordinator)
    url = f"/api/v1/qualifications/{pole.permis.id}/holders"
    first = today() + timedelta(days=10)
    later = today() + timedelta(days=400)
    assert (
        coordinator.post(url, json={"user_id": pole.alice.id, "valid_until": first.isoformat()})
    ).status_code == 201
    renewed = coordinator.post(
        url, json={"user_id": pole.alice.id, "valid_until": later.isoformat()}
    )
    assert renewed.status_code == 200
    assert renewed.json["valid_until"] == later.isoformat()
    rows = db.session.scalars(
        select(QualificationHolder).where(QualificationHolder.user_id == pole.alice.id)
    ).all()
    assert [row.valid_until for row in rows] == [later]


def test_a_referent_records_their_own_people_only(api, pole):
    referent = api(pole.referent)
    url = f"/api/v1/qualifications/{pole.permis.id}/holders"
    assert referent.post(url, json={"user_id": pole.alice.id}).status_code == 201
    other = referent.post(url, json={"user_id": pole.bob.id})
    assert other.status_code == 422
    assert other.json["error"] == "unknown_person"
    assert "user_id" in other.json["fields"]
    unknown = referent.post(url, json={"user_id": 999999})
    assert unknown.json == other.json  # nothing tells an unknown person from another's
    assert api(pole.alice).post(url, json={"user_id": pole.alice.id}).status_code == 403


def test_referents_list_the_holders_among_their_people(api, pole):
    hold(pole.permis, pole.alice)
    hold(pole.permis, pole.bob)
    url = f"/api/v1/qualifications/{pole.permis.id}/holders"
    seen_by_referent = api(pole.referent).get(url)
    assert [h["user_id"] for h in seen_by_referent.json["items"]] == [pole.alice.id]
    seen_by_coordinator = api(pole.coordinator).get(url)
    assert {h["user_id"] for h in seen_by_coordinator.json["items"]} == {
        pole.alice.id,
        pole.bob.id,
    }
    assert api(pole.alice).get(url).status_code == 403
    assert api(pole.coordinator).get("/api/v1/qualifications/999999/holders").status_code == 404


def test_a_holder_is_removed_by_a_referent_of_theirs(api, pole):
    hold(pole.permis, pole.alice)
    hold(pole.permis, pole.bob)
    referent = api(pole.referent)
    assert (
        referent.delete(f"/api/v1/qualifications/{pole.permis.id}/holders/{pole.bob.id}")
    ).status_code == 404
    url = f"/api/v1/qualifications/{pole.permis.id}/holders/{pole.alice.id}"
    assert referent.delete(url).status_code == 204
    assert referent.delete(url).status_code == 404
    holders = db.session.scalars(select(QualificationHolder.user_id)).all()
    assert holders == [pole.bob.id]
    assert db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "qualification.holder_remove")
    )


def test_bad_dates_are_refused_and_nothing_is_recorded(api, pole):
    url = f"/api/v1/qualifications/{pole.permis.id}/holders"
    coordinator = api(pole.coordinator)
    past = coordinator.post(
        url,
        json={"user_id": pole.alice.id, "valid_until": (today() - timedelta(days=1)).isoformat()},
    )
    assert past.status_code == 422
    assert "valid_until" in past.json["fields"]
    for bad in ("31/01/2027", "2027-02-30", 20270131, "yesterday"):
        answer = coordinator.post(url, json={"user_id": pole.alice.id, "valid_until": bad})
        assert answer.status_code == 422, bad
        assert "valid_until" in answer.json["fields"]
    assert db.session.scalar(select(QualificationHolder.id)) is None


# ---------------------------------------------------------------- resources


def test_a_resource_says_which_qualifications_it_requires_on_read_and_write(api, pole):
    coordinator = api(pole.coordinator)
    van = coordinator.get(f"/api/v1/resources/{pole.van.id}")
    assert van.json["required_qualifications"] == [pole.permis.id]
    changed = coordinator.patch(
        f"/api/v1/resources/{pole.room.id}",
        json={"required_qualifications": [pole.haccp.id, pole.permis.id]},
    )
    assert changed.status_code == 200, changed.json
    assert sorted(changed.json["required_qualifications"]) == sorted(
        [pole.haccp.id, pole.permis.id]
    )
    created = coordinator.post(
        "/api/v1/resources",
        json={"name": "Cuisine", "kind": "premises", "required_qualifications": [pole.haccp.id]},
    )
    assert created.status_code == 201
    assert created.json["required_qualifications"] == [pole.haccp.id]
    cleared = coordinator.patch(
        f"/api/v1/resources/{pole.room.id}", json={"required_qualifications": []}
    )
    assert cleared.json["required_qualifications"] == []
    unknown = coordinator.patch(
        f"/api/v1/resources/{pole.van.id}", json={"required_qualifications": [999999]}
    )
    assert unknown.status_code == 422
    assert "required_qualifications" in unknown.json["fields"]
    assert coordinator.get(f"/api/v1/resources/{pole.van.id}").json["required_qualifications"] == [
        pole.permis.id
    ]


# ---------------------------------------------------------------- booking


def test_a_booker_without_the_qualification_is_refused_naming_it(api, pole):
    answer = api(pole.alice).post("/api/v1/bookings", json=booking_body(pole.van.id, 7))
    assert answer.status_code == 422
    assert answer.json["error"] == "qualification_required"
    assert "Permis B" in answer.json["message"]
    assert answer.json["message"].startswith("Habilitation manquante")
    assert "Permis B" in answer.json["fields"]["resource_id"][0]
    english = api(pole.alice).post(
        "/api/v1/bookings",
        json=booking_body(pole.van.id, 7),
        headers={"Accept-Language": "en"},
    )
    assert english.json["message"].startswith("Missing qualification: Permis B")
    assert db.session.scalar(select(Booking.id)) is None


def test_a_holder_books_the_van_and_others_still_book_the_room(api, pole):
    hold(pole.permis, pole.alice)
    assert (
        api(pole.alice).post("/api/v1/bookings", json=booking_body(pole.van.id, 7)).status_code
        == 201
    )
    # The room requires nothing: Bob books it without any qualification.
    assert (
        api(pole.bob).post("/api/v1/bookings", json=booking_body(pole.room.id, 7)).status_code
        == 201
    )


def test_a_qualification_ending_before_the_booking_s_date_is_not_enough(api, pole):
    hold(pole.permis, pole.alice, today() + timedelta(days=5))
    alice = api(pole.alice)
    before = alice.post("/api/v1/bookings", json=booking_body(pole.van.id, 5))
    assert before.status_code == 201, before.json
    after = alice.post("/api/v1/bookings", json=booking_body(pole.van.id, 6))
    assert after.status_code == 422
    assert after.json["error"] == "qualification_required"
    assert "Permis B" in after.json["message"]


def test_a_booking_over_several_days_needs_the_qualification_on_its_last_day(api, pole):
    hold(pole.permis, pole.alice, today() + timedelta(days=5))
    start, _end = slot(4)
    end = start + timedelta(days=2)
    answer = api(pole.alice).post(
        "/api/v1/bookings",
        json={
            "resource_id": pole.van.id,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "title": "Week-end",
        },
    )
    assert answer.status_code == 422
    assert answer.json["error"] == "qualification_required"


def test_moving_a_booking_past_the_expiry_is_refused(api, pole):
    hold(pole.permis, pole.alice, today() + timedelta(days=5))
    alice = api(pole.alice)
    booking = alice.post("/api/v1/bookings", json=booking_body(pole.van.id, 3)).json
    start, end = slot(9)
    moved = alice.patch(
        f"/api/v1/bookings/{booking['id']}",
        json={"start": start.isoformat(), "end": end.isoformat()},
    )
    assert moved.status_code == 422
    assert moved.json["error"] == "qualification_required"
    assert db.session.get(Booking, booking["id"]).start_at == slot(3)[0]


def test_a_series_books_the_dates_the_qualification_covers_and_skips_the_others(api, pole):
    hold(pole.permis, pole.alice, today() + timedelta(days=9))
    body = booking_body(pole.van.id, 2, recurrence="FREQ=WEEKLY;COUNT=3", on_conflict="skip")
    answer = api(pole.alice).post("/api/v1/bookings", json=body)
    assert answer.status_code == 201, answer.json
    assert len(answer.json["items"]) == 2
    assert [s["reason"] for s in answer.json["skipped"]] == ["qualification_required"]
    refused = api(pole.alice).post(
        "/api/v1/bookings",
        json=booking_body(pole.van.id, 3, recurrence="FREQ=WEEKLY;COUNT=3"),
    )
    assert refused.status_code == 422
    assert refused.json["error"] == "qualification_required"


def test_a_coordinator_overrides_the_requirement_and_the_audit_trail_records_it(api, pole):
    coordinator = api(pole.coordinator)
    body = booking_body(pole.van.id, 7, organisation_id=pole.jardins.id)
    refused = coordinator.post("/api/v1/bookings", json=body)
    assert refused.status_code == 422
    assert refused.json["error"] == "qualification_required"
    booked = coordinator.post("/api/v1/bookings", json={**body, "override_rules": True})
    assert booked.status_code == 201, booked.json
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "booking", AuditEvent.object_id == booked.json["id"]
        )
    )
    assert event.action == "booking.override"
    assert "qualification_required" in event.note
    # Nobody else may override.
    assert (
        api(pole.alice)
        .post("/api/v1/bookings", json={**booking_body(pole.van.id, 8), "override_rules": True})
        .status_code
        == 403
    )


# ---------------------------------------------------------------- me


def test_me_lists_the_caller_s_qualifications_with_their_last_day(api, pole):
    until = today() + timedelta(days=30)
    hold(pole.permis, pole.alice, until)
    hold(pole.haccp, pole.bob)
    me = api(pole.alice).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json["qualifications"] == [
        {"id": pole.permis.id, "name": "Permis B", "valid_until": until.isoformat(), "valid": True}
    ]
    assert api(pole.referent).get("/api/v1/me").json["qualifications"] == []
