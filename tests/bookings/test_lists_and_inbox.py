"""My bookings, the approval queue, the inbox and the home page, for each role."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pooling.bookings.models import Booking
from pooling.extensions import db
from pooling.notifications.models import Notification

pytestmark = [
    pytest.mark.usefixtures("pinned_clock"),  # dates fixed in 2027
    pytest.mark.pole("booking_pages"),
]

PAGES = ["/", "/bookings/", "/bookings/new", "/inbox/", "/bookings/approvals"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("who", "approvals"),
    [("alice", 403), ("referent", 403), ("scop_referent", 200), ("coordinator", 200)],
)
def test_every_page_answers_each_role(pole, login, who, approvals):
    client = login(getattr(pole, who))
    for url in PAGES[:-1]:
        assert client.get(url).status_code == 200, url
    assert client.get("/bookings/approvals").status_code == approvals


def test_approvals_link_is_shown_only_to_approvers(pole, login):
    assert "/bookings/approvals" not in login(pole.alice).get("/").get_data(as_text=True)
    assert "/bookings/approvals" in login(pole.scop_referent).get("/").get_data(as_text=True)


def _badge(html: str, href: str) -> str | None:
    """The number on the badge of the menu link to ``href``, whatever the language."""
    match = re.search(r'<a href="' + re.escape(href) + r'">[^<]+ <span class="badge">(\d+)', html)
    return match.group(1) if match else None


def test_approve_from_the_queue_notifies_the_booker(pole, login, book, post_form):
    booking = book(pole.alice, pole.workshop, "2027-01-12T14:00", "2027-01-12T16:00")
    referent = login(pole.scop_referent)
    queue = referent.get("/bookings/approvals").get_data(as_text=True)
    assert "Atelier bois" in queue and "mardi 12 janvier 2027, 14:00 – 16:00" in queue
    assert _badge(queue, "/bookings/approvals") == "1"
    response = post_form(
        referent,
        "/bookings/approvals",
        {"decision_reason": "", "next": "/bookings/approvals"},
        url=f"/bookings/{booking.id}/approve",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bookings/approvals")
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "confirmed"
    alice = login(pole.alice)
    home = alice.get("/").get_data(as_text=True)
    assert _badge(home, "/inbox/") == "1"
    inbox = alice.get("/inbox/").get_data(as_text=True)
    assert "Atelier bois" in inbox
    assert "mardi 12 janvier 2027, 14:00" in inbox
    assert f'href="/bookings/{booking.id}"' in inbox


def test_reject_with_a_reason_tells_the_booker_why(pole, login, book, post_form):
    booking = book(pole.alice, pole.workshop, "2027-01-12T14:00", "2027-01-12T16:00")
    referent = login(pole.scop_referent)
    post_form(
        referent,
        "/bookings/approvals",
        {"decision_reason": "Atelier en travaux"},
        url=f"/bookings/{booking.id}/reject",
    )
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "rejected"
    assert "Atelier en travaux" in login(pole.alice).get("/inbox/").get_data(as_text=True)


def test_referent_of_another_organisation_cannot_approve(pole, login, book, post_form):
    booking = book(pole.alice, pole.workshop, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.referent)
    response = post_form(client, "/bookings/", {}, url=f"/bookings/{booking.id}/approve")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "pending"


def test_mark_all_as_read_clears_the_badge(pole, login, book, post_form):
    booking = book(pole.alice, pole.workshop, "2027-01-12T14:00", "2027-01-12T16:00")
    post_form(
        login(pole.scop_referent), "/bookings/approvals", {}, url=f"/bookings/{booking.id}/approve"
    )
    alice = login(pole.alice)
    response = post_form(alice, "/inbox/", {}, url="/inbox/read")
    assert response.status_code == 302
    unread = db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == pole.alice.id, Notification.read_at.is_(None)
        )
    )
    assert unread == 0
    assert _badge(alice.get("/").get_data(as_text=True), "/inbox/") is None


def test_my_bookings_has_upcoming_and_past_tabs(pole, login, book):
    from datetime import timedelta

    from pooling.core.db import utcnow

    future = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    past = Booking(
        resource_id=pole.room.id,
        organisation_id=pole.jardins.id,
        user_id=pole.alice.id,
        start_at=utcnow() - timedelta(days=3),
        end_at=utcnow() - timedelta(days=3) + timedelta(hours=1),
    )
    db.session.add(past)
    db.session.commit()
    client = login(pole.alice)
    upcoming = client.get("/bookings/?when=upcoming").get_data(as_text=True)
    assert f'href="/bookings/{future.id}"' in upcoming
    assert f'href="/bookings/{past.id}"' not in upcoming
    assert f"/bookings/{future.id}/cancel" in upcoming
    earlier = client.get("/bookings/?when=past").get_data(as_text=True)
    assert f'href="/bookings/{past.id}"' in earlier
    assert f'href="/bookings/{future.id}"' not in earlier


def test_my_bookings_filters_by_resource_status_and_organisation(pole, login, book):
    mine = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    colleague = book(pole.referent, pole.van, "2027-01-13T14:00", "2027-01-13T16:00")
    other = book(pole.bob, pole.room, "2027-01-14T14:00", "2027-01-14T16:00")
    client = login(pole.alice)
    own = client.get("/bookings/").get_data(as_text=True)
    assert f'href="/bookings/{mine.id}"' in own
    assert f'href="/bookings/{colleague.id}"' not in own
    team = client.get(f"/bookings/?scope={pole.jardins.id}").get_data(as_text=True)
    assert f'href="/bookings/{colleague.id}"' in team
    assert f'href="/bookings/{other.id}"' not in team
    vans = client.get(f"/bookings/?scope={pole.jardins.id}&resource_id={pole.van.id}")
    assert f'href="/bookings/{mine.id}"' not in vans.get_data(as_text=True)
    cancelled = client.get("/bookings/?status=cancelled").get_data(as_text=True)
    assert f'href="/bookings/{mine.id}"' not in cancelled


def test_quick_cancel_from_my_bookings_comes_back_to_the_list(pole, login, book, post_form):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.alice)
    response = post_form(
        client,
        "/bookings/",
        {"next": "/bookings/?when=upcoming", "confirmed": "1"},
        url=f"/bookings/{booking.id}/cancel",
    )
    assert response.headers["Location"].endswith("/bookings/?when=upcoming")
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "cancelled"


def test_unsafe_next_is_ignored(pole, login, book, post_form):
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    client = login(pole.alice)
    response = post_form(
        client,
        "/bookings/",
        {"next": "https://evil.example/", "confirmed": "1"},
        url=f"/bookings/{booking.id}/cancel",
    )
    assert response.headers["Location"].endswith(f"/bookings/{booking.id}")


def test_home_lists_my_organisation_today_and_this_week(pole, login, app):
    from datetime import timedelta

    from pooling.core.db import utcnow
    from pooling.core.time import pole_tz

    now = utcnow()
    soon = Booking(
        resource_id=pole.room.id,
        organisation_id=pole.jardins.id,
        user_id=pole.referent.id,
        title="Réunion",
        start_at=now + timedelta(minutes=1),
        end_at=now + timedelta(minutes=2),
    )
    other = Booking(
        resource_id=pole.van.id,
        organisation_id=pole.scop.id,
        user_id=pole.bob.id,
        start_at=now + timedelta(minutes=1),
        end_at=now + timedelta(minutes=2),
    )
    db.session.add_all([soon, other])
    db.session.commit()
    html = login(pole.alice).get("/").get_data(as_text=True)
    mine = html.split('id="mine-title"')[1].split("</section>")[0]
    assert f'href="/bookings/{soon.id}"' not in mine  # Inès booked it, not Alice
    same_day = soon.start_at.astimezone(pole_tz()).date() == now.astimezone(pole_tz()).date()
    if same_day:
        today = html.split('id="organisation-today"')[1].split("</ul>")[0]
        assert f'href="/bookings/{soon.id}"' in today
    assert f'href="/bookings/{soon.id}"' in html
    assert f'href="/bookings/{other.id}"' not in html
    assert 'href="/bookings/new"' in html


def test_english_interface_on_every_page(pole, login, book):
    client = login(pole.coordinator)
    client.get("/?lang=en")
    html = client.get("/bookings/").get_data(as_text=True)
    assert '<html lang="en">' in html and "My bookings" in html and "Upcoming" in html
    booking = book(pole.alice, pole.room, "2027-01-12T14:00", "2027-01-12T16:00")
    page = client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Tuesday, January 12, 2027, 14:00 – 16:00" in page
