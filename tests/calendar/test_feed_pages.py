"""The calendar feeds page: create a feed, copy its https and webcal links, revoke it."""

from __future__ import annotations

from sqlalchemy import func, select

from pooling.calendar.models import Feed
from pooling.extensions import db
from tests.conftest import csrf_token

PAGE = "/calendar/feeds"


def test_person_creates_a_resource_feed_and_sees_its_links(login, pole):
    client = login(pole.alice)
    response = client.post(
        PAGE,
        data={
            "scope": "resource",
            "organisation_id": str(pole.jardins.id),
            "resource_id": str(pole.room.id),
            "csrf_token": csrf_token(client, PAGE),
        },
    )
    assert response.status_code == 302
    feed = db.session.scalar(select(Feed))
    assert (feed.user_id, feed.scope, feed.resource_id) == (pole.alice.id, "resource", pole.room.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="webcal://localhost/ical/' in page
    assert 'value="http://localhost/ical/' in page
    assert "Salle Jaurès" in page


def test_person_creates_a_feed_of_their_bookings_with_the_defaults(login, pole):
    client = login(pole.alice)
    response = client.post(
        PAGE,
        data={
            "scope": "me",
            "organisation_id": str(pole.jardins.id),
            "resource_id": "",
            "csrf_token": csrf_token(client, PAGE),
        },
    )
    assert response.status_code == 302
    feed = db.session.scalar(select(Feed))
    assert (feed.scope, feed.organisation_id, feed.resource_id) == ("me", None, None)


def test_coordinator_without_organisation_is_told_why_no_organisation_feed(login, pole):
    client = login(pole.coordinator)
    response = client.post(
        PAGE, data={"scope": "organisation", "csrf_token": csrf_token(client, PAGE)}
    )
    assert response.status_code == 422
    assert "à aucune structure membre." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Feed.id))) == 0


def test_resource_feed_without_a_resource_is_refused_and_nothing_written(login, pole):
    client = login(pole.alice)
    response = client.post(
        PAGE,
        data={"scope": "resource", "resource_id": "", "csrf_token": csrf_token(client, PAGE)},
    )
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Feed.id))) == 0


def test_feed_creation_without_csrf_is_refused(login, pole):
    response = login(pole.alice).post(PAGE, data={"scope": "me"})
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(func.count(Feed.id))) == 0


def test_person_revokes_a_feed_from_the_page(login, client, api, pole):
    feed = api(pole.alice).post("/api/v1/feeds", json={"scope": "me"}).json
    browser = login(pole.alice)
    response = browser.post(
        f"{PAGE}/{feed['id']}/revoke",
        data={"csrf_token": csrf_token(browser, PAGE), "confirmed": "1"},
    )
    assert response.status_code == 302
    assert db.session.get(Feed, feed["id"]).revoked_at is not None
    assert client.get("/" + feed["url"].split("/", 3)[3]).status_code == 404
    assert feed["url"] not in browser.get(PAGE).get_data(as_text=True)


def test_nobody_revokes_someone_elses_feed_from_the_page(login, api, pole):
    feed = api(pole.alice).post("/api/v1/feeds", json={"scope": "me"}).json
    browser = login(pole.bob)
    response = browser.post(
        f"{PAGE}/{feed['id']}/revoke",
        data={"csrf_token": csrf_token(browser, PAGE), "confirmed": "1"},
    )
    assert response.status_code == 404
    assert db.session.get(Feed, feed["id"]).revoked_at is None


def test_page_needs_a_signed_in_person(client):
    assert client.get(PAGE).status_code == 302
