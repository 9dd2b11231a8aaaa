"""Co-organised bookings wait for the other organisation's consent before its usage and costs move.

Les Jardins (Alice, referent Inès) and SCOP Bois (Bob, referent Paul) share the Salle Jaurès,
whose rent is split by usage. Dates in January 2027, with the clock pinned before them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Booking, BookingShare
from pooling.extensions import db
from pooling.notifications.models import Notification
from tests.costing.conftest import book
from tests.factories import make_organisation

pytestmark = pytest.mark.usefixtures("pinned_clock")

START, END = "2027-01-12T09:00:00+01:00", "2027-01-12T13:00:00+01:00"


def create(api, user, resource, shares, **more):
    return api(user).post(
        "/api/v1/bookings",
        json={
            "resource_id": resource.id,
            "start": START,
            "end": END,
            "title": "Forum de l'emploi",
            "shares": shares,
            **more,
        },
    )


def bookings_count() -> int:
    return db.session.scalar(select(func.count(Booking.id)))


def refused_on_shares(response) -> str:
    assert response.status_code == 422, response.json
    assert list(response.json["fields"]) == ["shares"], response.json
    assert bookings_count() == 0
    return response.json["fields"]["shares"][0]


# ---------------------------------------------------------------- what may be proposed


def test_the_booking_organisation_must_keep_a_share(api, pole):
    response = create(api, pole.alice, pole.room, [{"organisation_id": pole.scop.id, "share": 1}])
    assert refused_on_shares(response)
    # Nor may it keep nothing.
    response = create(
        api,
        pole.alice,
        pole.room,
        [
            {"organisation_id": pole.jardins.id, "share": 0},
            {"organisation_id": pole.scop.id, "share": 1},
        ],
    )
    assert refused_on_shares(response)


def test_shares_must_add_up_to_one(api, pole):
    response = create(
        api,
        pole.alice,
        pole.room,
        [
            {"organisation_id": pole.jardins.id, "share": "0.5"},
            {"organisation_id": pole.scop.id, "share": "0.4"},
        ],
    )
    assert refused_on_shares(response)


@pytest.mark.parametrize("tiny", ["1e-30", 1e-30, "0.0000004"])
def test_a_share_that_rounds_to_zero_is_refused_not_a_server_error(api, pole, tiny):
    response = create(
        api,
        pole.alice,
        pole.room,
        [
            {"organisation_id": pole.scop.id, "share": tiny},
            {"organisation_id": pole.jardins.id, "share": "1"},
        ],
    )
    assert refused_on_shares(response)


@pytest.mark.parametrize("organisation_id", [99999999999, 2**31, 10**30, -1, 0, 424242])
def test_an_unknown_organisation_is_refused_whatever_the_size_of_its_id(api, pole, organisation_id):
    response = create(
        api,
        pole.alice,
        pole.room,
        [
            {"organisation_id": pole.jardins.id, "share": "0.5"},
            {"organisation_id": organisation_id, "share": "0.5"},
        ],
    )
    assert refused_on_shares(response)


def test_an_inactive_organisation_is_refused(api, pole):
    closed = make_organisation("Association dissoute")
    closed.active = False
    db.session.commit()
    response = create(
        api,
        pole.alice,
        pole.room,
        [
            {"organisation_id": pole.jardins.id, "share": "0.5"},
            {"organisation_id": closed.id, "share": "0.5"},
        ],
    )
    assert refused_on_shares(response)


def test_shares_are_rounded_to_six_decimals_before_they_are_checked(api, pole):
    response = create(
        api,
        pole.alice,
        pole.room,
        [
            {"organisation_id": pole.jardins.id, "share": "0.2500004"},
            {"organisation_id": pole.scop.id, "share": "0.7499996"},
        ],
    )
    assert response.status_code == 201, response.json
    assert {s["organisation_id"]: s["share"] for s in response.json["shares"]} == {
        pole.jardins.id: "0.25",
        pole.scop.id: "0.75",
    }


# ---------------------------------------------------------------- proposed, then answered


def co_organised(api, pole, own="0.5", other="0.5") -> dict:
    response = create(
        api,
        pole.alice,
        pole.room,
        [
            {"organisation_id": pole.jardins.id, "share": own},
            {"organisation_id": pole.scop.id, "share": other},
        ],
    )
    assert response.status_code == 201, response.json
    return response.json


def test_the_other_share_starts_proposed_and_its_referents_are_told(api, pole):
    booking = co_organised(api, pole)
    assert booking["shares"] == [
        {"organisation_id": pole.jardins.id, "share": "0.5", "status": "accepted"},
        {"organisation_id": pole.scop.id, "share": "0.5", "status": "proposed"},
    ]
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "share_proposed")
    ).all()
    assert told == [pole.scop_referent.id]
    listed = api(pole.alice).get("/api/v1/bookings?start=2027-01-12T00:00:00Z").json
    [item] = [b for b in listed["items"] if b["id"] == booking["id"]]
    assert item["shares"][1]["status"] == "proposed"


def test_a_member_of_the_other_organisation_cannot_accept_its_referent_can(api, pole):
    booking = co_organised(api, pole)
    url = f"/api/v1/bookings/{booking['id']}/shares/{pole.scop.id}"
    assert api(pole.bob).post(url + "/accept").status_code == 403
    # Nor can the organisation that booked, even its referent.
    assert api(pole.alice).post(url + "/accept").status_code == 403
    assert api(pole.referent).post(url + "/accept").status_code == 403
    share = db.session.scalar(
        select(BookingShare).where(BookingShare.organisation_id == pole.scop.id)
    )
    assert share.status == "proposed"

    accepted = api(pole.scop_referent).post(url + "/accept")
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["shares"][1]["status"] == "accepted"
    # Idempotent.
    again = api(pole.scop_referent).post(url + "/accept")
    assert again.status_code == 200 and again.json["shares"][1]["status"] == "accepted"
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.kind == "share_accepted")
        )
        == 1
    )


def test_a_coordinator_may_decline_for_the_organisation(api, pole):
    booking = co_organised(api, pole)
    url = f"/api/v1/bookings/{booking['id']}/shares/{pole.scop.id}/decline"
    response = api(pole.coordinator).post(url)
    assert response.status_code == 200
    assert response.json["shares"][1]["status"] == "declined"
    assert api(pole.coordinator).post(url).json["shares"][1]["status"] == "declined"


def test_an_organisation_without_a_share_has_nothing_to_decide(api, pole):
    booking = co_organised(api, pole)
    third = make_organisation("Ressourcerie")
    base = f"/api/v1/bookings/{booking['id']}/shares"
    assert api(pole.coordinator).post(f"{base}/{third.id}/accept").status_code == 404
    # The booking's own share is not for anybody to accept or decline.
    assert api(pole.coordinator).post(f"{base}/{pole.jardins.id}/decline").status_code == 404
    assert (
        api(pole.coordinator).post("/api/v1/bookings/99999999999/shares/1/accept").status_code
        == 404
    )


# ---------------------------------------------------------------- the bill follows consent


def rent_period(api, pole) -> int:
    client = api(pole.coordinator)
    period = client.post(
        "/api/v1/cost-periods",
        json={"name": "Janvier 2027", "start": "2027-01-01", "end": "2027-01-31"},
    )
    assert period.status_code == 201, period.json
    cost = client.post(
        f"/api/v1/cost-periods/{period.json['id']}/costs",
        json={
            "label": "Loyer Salle Jaurès",
            "category": "rent",
            "amount": "800.00",
            "resource_id": pole.room.id,
            "rule": "usage",
        },
    )
    assert cost.status_code == 201, cost.json
    return period.json["id"]


def owed(api, pole, period_id) -> dict[int, str]:
    body = api(pole.coordinator).get(f"/api/v1/cost-periods/{period_id}/allocation").json
    return {t["organisation_id"]: t["owed"] for t in body["totals"] if t["organisation_id"]}


def test_the_other_organisation_bill_changes_only_once_it_accepts(api, pole):
    # 2 h each, then a 4 h booking that Alice puts (almost) entirely on SCOP Bois.
    book(pole.alice, pole.room, "2027-01-05T09:00", "2027-01-05T11:00")
    book(pole.bob, pole.room, "2027-01-06T09:00", "2027-01-06T11:00")
    period_id = rent_period(api, pole)
    booking = co_organised(api, pole, own="0.000001", other="0.999999")
    # Proposed: the 4 h are Les Jardins' own, 6 h of 8 (600.00), SCOP Bois 2 h (200.00),
    # exactly as if Alice had booked alone.
    before = owed(api, pole, period_id)
    assert before == {pole.jardins.id: "600.00", pole.scop.id: "200.00"}
    usage = (
        api(pole.coordinator)
        .get("/api/v1/usage?start=2027-01-01T00:00:00%2B01:00&end=2027-02-01T00:00:00%2B01:00")
        .json
    )
    assert {r["key"]: r["hours"] for r in usage["items"]} == {
        pole.jardins.id: "6.00",
        pole.scop.id: "2.00",
    }

    url = f"/api/v1/bookings/{booking['id']}/shares/{pole.scop.id}"
    assert api(pole.bob).post(url + "/accept").status_code == 403
    assert owed(api, pole, period_id) == before

    assert api(pole.scop_referent).post(url + "/accept").status_code == 200
    # Accepted: SCOP Bois carries 3.999996 h more: 5.999996 h of 8 = 599.9996 -> 600.00.
    assert owed(api, pole, period_id) == {pole.jardins.id: "200.00", pole.scop.id: "600.00"}


def test_a_declined_share_stays_with_the_organisation_that_booked(api, pole):
    book(pole.bob, pole.room, "2027-01-06T09:00", "2027-01-06T11:00")
    period_id = rent_period(api, pole)
    booking = co_organised(api, pole, own="0.25", other="0.75")
    url = f"/api/v1/bookings/{booking['id']}/shares/{pole.scop.id}/decline"
    assert api(pole.scop_referent).post(url).status_code == 200
    # Les Jardins 4 h, SCOP Bois 2 h, of 6 h.
    assert owed(api, pole, period_id) == {pole.jardins.id: "533.33", pole.scop.id: "266.67"}


# ---------------------------------------------------------------- pages


def test_the_referent_sees_the_proposal_in_the_inbox_and_accepts_it(api, pole, login, token_of):
    booking = co_organised(api, pole, own="0.01", other="0.99")
    client = login(pole.scop_referent)
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Co-organisations proposées" in page
    assert "99 %" in page and "Salle Jaurès" in page
    # The notification says who proposes what.
    assert (
        "Les Jardins propose que votre structure porte 99 % de la réservation (Salle Jaurès" in page
    )
    accept = f"/bookings/{booking['id']}/shares/{pole.scop.id}/accept"
    assert accept in page
    # Without the CSRF token nothing changes.
    client.post(accept, data={})
    share = db.session.scalar(
        select(BookingShare).where(BookingShare.organisation_id == pole.scop.id)
    )
    assert share.status == "proposed"
    response = client.post(accept, data={"csrf_token": token_of(client, "/inbox/")})
    assert response.status_code == 302
    db.session.expire_all()
    share = db.session.scalar(
        select(BookingShare).where(BookingShare.organisation_id == pole.scop.id)
    )
    assert share.status == "accepted"
    assert "Co-organisations proposées" not in client.get("/inbox/").get_data(as_text=True)


def test_the_booking_page_shows_each_share_status_and_lets_the_referent_decline(
    api, pole, login, token_of
):
    booking = co_organised(api, pole, own="0.25", other="0.75")
    page = f"/bookings/{booking['id']}"
    html = login(pole.alice).get(page).get_data(as_text=True)
    assert "75 %" in html and "proposée" in html
    assert "/decline" not in html  # Alice cannot answer for SCOP Bois.
    client = login(pole.scop_referent)
    html = client.get(page).get_data(as_text=True)
    decline = f"/bookings/{booking['id']}/shares/{pole.scop.id}/decline"
    assert decline in html
    response = client.post(decline, data={"csrf_token": token_of(client, page)})
    assert response.status_code == 302
    assert "refusée" in client.get(page).get_data(as_text=True)


def test_a_member_sees_no_proposal_and_cannot_decline_from_a_page(api, pole, login, token_of):
    booking = co_organised(api, pole)
    client = login(pole.bob)
    assert "Co-organisations proposées" not in client.get("/inbox/").get_data(as_text=True)
    response = client.post(
        f"/bookings/{booking['id']}/shares/{pole.scop.id}/decline",
        data={"csrf_token": token_of(client, "/inbox/")},
    )
    assert response.status_code == 403


def test_the_booking_form_offers_only_other_organisations_to_co_organise(pole, login):
    page = login(pole.alice).get("/bookings/new").get_data(as_text=True)
    select_html = page.split('name="co_organisation_id"', 1)[1].split("</select>", 1)[0]
    assert "SCOP Bois" in select_html
    assert "Les Jardins" not in select_html


def test_a_99_percent_co_organisation_from_the_form_waits_for_consent(pole, login, token_of):
    client = login(pole.alice)
    response = client.post(
        "/bookings/new",
        data={
            "csrf_token": token_of(client, "/bookings/new"),
            "resource_id": str(pole.room.id),
            "date": "2027-01-12",
            "start_time": "14:00",
            "end_time": "16:00",
            "quantity": "1",
            "title": "Atelier",
            "repeat": "none",
            "interval": "1",
            "ending": "count",
            "count": "4",
            "on_conflict": "fail",
            "co_organisation_id": str(pole.scop.id),
            "co_share": "99",
            "action": "confirm",
        },
    )
    assert response.status_code == 302
    shares = {
        s.organisation_id: (s.share, s.status) for s in db.session.scalars(select(BookingShare))
    }
    assert shares == {
        pole.jardins.id: (Decimal("0.01"), "accepted"),
        pole.scop.id: (Decimal("0.99"), "proposed"),
    }


def test_pooling_check_names_a_co_organised_booking_without_its_own_share(api, pole):
    from pooling.checks.invariants import share_sums

    booking = co_organised(api, pole)
    assert share_sums() == []
    own = db.session.scalar(
        select(BookingShare).where(BookingShare.organisation_id == pole.jardins.id)
    )
    own.organisation_id = make_organisation("Ressourcerie").id
    db.session.commit()
    [violation] = share_sums()
    assert violation.code == "own_share_missing"
    assert f"Booking {booking['id']}" in violation.message
