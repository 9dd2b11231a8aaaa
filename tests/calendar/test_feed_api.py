"""Calendar feeds through the JSON API: create, list, revoke, and who may do what."""

from __future__ import annotations

from sqlalchemy import func, select

from pooling.calendar.models import Feed
from pooling.extensions import db
from tests.calendar.conftest import feed_path


def count_feeds() -> int:
    return db.session.scalar(select(func.count(Feed.id)))


def test_create_gives_201_with_an_absolute_secret_url(api, pole):
    response = api(pole.alice).post("/api/v1/feeds", json={"scope": "me"})
    assert response.status_code == 201
    body = response.json
    assert body["url"].startswith("http://localhost/ical/") and body["url"].endswith(".ics")
    secret = body["url"][len("http://localhost/ical/") : -len(".ics")]
    assert len(secret) >= 43
    assert body["webcal_url"] == "webcal://" + body["url"][len("http://") :]
    assert body["scope"] == "me" and isinstance(body["id"], int)
    stored = db.session.get(Feed, body["id"])
    assert secret not in (stored.secret_hash, stored.seed)
    assert len(stored.secret_hash) == 64


def test_list_shows_my_feeds_only_and_delete_revokes(api, client, pole):
    alice = api(pole.alice)
    mine = alice.post("/api/v1/feeds", json={"scope": "resource", "resource_id": pole.room.id})
    api(pole.bob).post("/api/v1/feeds", json={"scope": "me"})
    listed = alice.get("/api/v1/feeds")
    assert listed.status_code == 200
    assert [f["id"] for f in listed.json["items"]] == [mine.json["id"]]
    assert listed.json["items"][0]["url"] == mine.json["url"]
    assert listed.json["items"][0]["resource_id"] == pole.room.id
    assert listed.json["next"] is None

    assert alice.delete(f"/api/v1/feeds/{mine.json['id']}").status_code == 204
    assert alice.get("/api/v1/feeds").json["items"] == []
    assert client.get(feed_path(mine.json["url"])).status_code == 404
    assert alice.delete(f"/api/v1/feeds/{mine.json['id']}").status_code == 404


def test_anonymous_callers_get_401(client):
    assert client.get("/api/v1/feeds").status_code == 401
    assert client.post("/api/v1/feeds", json={"scope": "me"}).status_code == 401
    assert client.delete("/api/v1/feeds/1").status_code == 401
    assert count_feeds() == 0


def test_nobody_can_revoke_someone_elses_feed(api, client, pole):
    feed = api(pole.alice).post("/api/v1/feeds", json={"scope": "me"}).json
    assert api(pole.bob).delete(f"/api/v1/feeds/{feed['id']}").status_code == 404
    assert api(pole.coordinator).delete(f"/api/v1/feeds/{feed['id']}").status_code == 404
    assert client.get(feed_path(feed["url"])).status_code == 200


def test_bad_requests_write_nothing(api, pole):
    alice = api(pole.alice)
    assert alice.post("/api/v1/feeds", json={}).status_code == 422
    assert alice.post("/api/v1/feeds", json={"scope": "everything"}).status_code == 422
    assert alice.post("/api/v1/feeds", json={"scope": 3}).status_code == 422
    missing = alice.post("/api/v1/feeds", json={"scope": "resource"})
    assert missing.status_code == 422 and "resource_id" in missing.json["fields"]
    unknown = alice.post("/api/v1/feeds", json={"scope": "resource", "resource_id": 99999})
    assert unknown.status_code == 404
    other = alice.post(
        "/api/v1/feeds", json={"scope": "organisation", "organisation_id": pole.scop.id}
    )
    assert other.status_code == 403
    assert count_feeds() == 0


def test_organisation_feed_defaults_to_the_main_organisation(api, pole):
    body = api(pole.alice).post("/api/v1/feeds", json={"scope": "organisation"}).json
    assert body["organisation_id"] == pole.jardins.id
