"""Approvals by request: one card per series with its dates, clashing dates marked, the whole
series or chosen dates decided in one go with one reason, and requests whose start has
passed flagged, never accepted, and expired by ``pooling jobs run``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from pooling.bookings import decisions
from pooling.bookings.models import Booking
from pooling.core.actors import SYSTEM
from pooling.core.errors import RuleViolation
from pooling.extensions import db
from pooling.notifications.models import Notification
from pooling.resources.services import create_closure
from tests.bookings.conftest import local

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("booking_pages"),
]


@pytest.fixture
def series(pole, book):
    """Alice asks for the workshop (lent by SCOP Bois) four Tuesdays from 12 January 2027."""
    result = book(
        pole.alice,
        pole.workshop,
        "2027-01-12T14:00",
        "2027-01-12T16:00",
        recurrence="FREQ=WEEKLY;COUNT=4",
        title="Bacs à compost",
    )
    return [b.id for b in result.bookings]


def _statuses(ids: list[int]) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Booking, i).status for i in ids]


def _notices(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def test_a_series_is_one_card_with_its_dates(pole, login, series):
    html = login(pole.scop_referent).get("/bookings/approvals").get_data(as_text=True)
    assert html.count('<li class="card"') == 1
    card = html.split('<li class="card"')[1]
    for day in ("12", "19", "26"):
        assert f"mardi {day} janvier 2027, 14:00 – 16:00" in card
    assert "mardi 2 février 2027, 14:00 – 16:00" in card
    assert "4 dates attendent une décision" in card
    assert card.count('name="booking_ids"') == 4
    assert "Accepter les dates choisies" in card


def test_approving_the_whole_series_is_one_action(pole, login, post_form, series):
    client = login(pole.scop_referent)
    response = post_form(
        client,
        "/bookings/approvals",
        {"booking_ids": [str(i) for i in series], "decision": "approve", "decision_reason": "OK"},
    )
    assert response.status_code == 302
    assert _statuses(series) == ["confirmed"] * 4
    assert "4 dates acceptées" in client.get("/bookings/approvals").get_data(as_text=True)
    (notice,) = [n for n in _notices(pole.alice) if n.kind == "booking_approved"]
    inbox = login(pole.alice).get("/inbox/").get_data(as_text=True)
    assert "à partir du mardi 12 janvier 2027, 14:00 (4 dates) est acceptée" in inbox
    assert notice.params["count"] == 4


def test_refusing_chosen_dates_with_one_reason_leaves_the_others(pole, login, post_form, series):
    client = login(pole.scop_referent)
    client.get("/?lang=en")
    response = post_form(
        client,
        "/bookings/approvals",
        {
            "booking_ids": [str(series[1]), str(series[2])],
            "decision": "refuse",
            "decision_reason": "Atelier en travaux",
        },
        follow_redirects=True,
    )
    assert "2 dates are refused; the person who booked is told." in response.get_data(as_text=True)
    assert _statuses(series) == ["pending", "rejected", "rejected", "pending"]
    db.session.expire_all()
    assert {db.session.get(Booking, i).decision_reason for i in series[1:3]} == {
        "Atelier en travaux"
    }


def test_a_date_that_clashes_is_marked(pole, login, series):
    create_closure(
        SYSTEM, pole.workshop.id, local("2027-01-19T00:00"), local("2027-01-20T00:00"), "Inventaire"
    )
    db.session.commit()
    html = login(pole.scop_referent).get("/bookings/approvals").get_data(as_text=True)
    marked = html.split('class="field checkbox clash"')
    assert len(marked) == 2
    assert "mardi 19 janvier 2027" in marked[1].split("</li>")[0]
    assert "Inventaire" in marked[1].split("</li>")[0]


def test_a_request_whose_start_has_passed_is_flagged_and_cannot_be_accepted(
    pole, login, post_form, series, pinned_clock
):
    pinned_clock.move_to(local("2027-01-12T15:00"))
    client = login(pole.scop_referent)
    html = client.get("/bookings/approvals").get_data(as_text=True)
    assert "expirée\u00a0: son début est passé" in html
    assert html.count('name="booking_ids"') == 3
    response = post_form(
        client,
        "/bookings/approvals",
        {"booking_ids": [str(i) for i in series], "decision": "approve"},
        follow_redirects=True,
    )
    assert "Cette demande a expiré" in response.get_data(as_text=True)
    assert _statuses(series) == ["pending"] * 4


def test_the_service_refuses_to_accept_an_expired_request_in_english(pole, series, app):
    with app.test_request_context("/"), force_locale("en"):
        with pytest.raises(RuleViolation) as refused:
            decisions.decide_many(pole.scop_referent, series, True, now=local("2027-01-19T15:00"))
    assert refused.value.code == "expired"
    assert "This request has expired" in refused.value.message
    db.session.rollback()
    assert _statuses(series) == ["pending"] * 4


def test_jobs_run_expires_requests_past_their_start_and_tells_the_booker(
    pole, app, series, login, pinned_clock
):
    pinned_clock.move_to(local("2027-01-19T15:00"))
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert "requests: 2 expired" in result.output
    assert _statuses(series) == ["rejected", "rejected", "pending", "pending"]
    (notice,) = [n for n in _notices(pole.alice) if n.kind == "booking_expired"]
    assert notice.params["count"] == 2
    inbox = login(pole.alice).get("/inbox/").get_data(as_text=True)
    assert "(2 dates) a expiré" in inbox
    page = login(pole.alice).get(f"/bookings/{series[0]}").get_data(as_text=True)
    assert "Expirée\u00a0: personne n'a décidé avant son début." in page
    # Run again: nothing more expires, nobody is told twice.
    again = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert "requests: 0 expired" in again.output


def test_expiry_notice_in_english(pole, app, series, login, pinned_clock):
    pinned_clock.move_to(local("2027-01-12T15:00") + timedelta(minutes=1))
    decisions.expire_requests()
    db.session.commit()
    client = login(pole.alice)
    client.get("/?lang=en")
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert "has expired: nobody decided before its start." in inbox


def test_someone_who_does_not_lend_cannot_decide_a_series(pole, login, post_form, series):
    client = login(pole.referent)
    response = post_form(
        client,
        "/bookings/",
        {"booking_ids": [str(i) for i in series], "decision": "approve"},
        url="/bookings/approvals",
    )
    assert response.status_code == 403
    assert _statuses(series) == ["pending"] * 4


def test_no_date_chosen_changes_nothing(pole, login, post_form, series):
    client = login(pole.scop_referent)
    response = post_form(
        client, "/bookings/approvals", {"decision": "approve"}, follow_redirects=True
    )
    assert "Choisissez au moins une date." in response.get_data(as_text=True)
    assert _statuses(series) == ["pending"] * 4
