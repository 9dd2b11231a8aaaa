"""Calendar feeds in the API: create, list and revoke the caller's secret iCal URLs."""

from __future__ import annotations

from flask import jsonify

from pooling.api import bp
from pooling.api.helpers import actor, list_response, utc_text
from pooling.api.operations import operation
from pooling.api.schemas.common import Page, Paging
from pooling.api.schemas.feeds import Feed, FeedCreate
from pooling.calendar import services
from pooling.core.urls import external_url
from pooling.extensions import db


def feed_json(feed, secret: str | None = None) -> dict:
    """The API's shape of a feed, with its absolute https and webcal:// addresses."""
    secret = secret or services.feed_secret(feed)
    url = external_url("feeds.feed", secret=secret) if secret else None
    return {
        "id": feed.id,
        "scope": feed.scope,
        "organisation_id": feed.organisation_id,
        "resource_id": feed.resource_id,
        "url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1] if url else None,
        "created_at": utc_text(feed.created_at),
        "last_used_at": utc_text(feed.last_used_at),
    }


@bp.get("/feeds")
@operation("The caller's calendar feeds", tag="feeds", query=Paging, answers={200: Page[Feed]})
def list_feeds(query: Paging):
    """The caller's feeds that are not revoked, newest first."""
    return list_response(services.list_feeds(actor()), feed_json, query)


@bp.post("/feeds")
@operation(
    "Create a calendar feed (a secret URL)",
    tag="feeds",
    body=FeedCreate,
    answers={201: Feed},
    errors=(403, 404),
)
def create_feed(body: FeedCreate):
    """The answer is the only one to give the secret URL in full: it is not cached."""
    feed, secret = services.create_feed(
        actor(),
        services.FeedInput(
            scope=body.scope,
            organisation_id=body.organisation_id,
            resource_id=body.resource_id,
        ),
    )
    db.session.commit()
    response = jsonify(feed_json(feed, secret))
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/feeds/<int:feed_id>")
@operation(
    "Revoke a calendar feed (its URL then answers 404)",
    tag="feeds",
    answers={204: "Revoked."},
    errors=(404,),
)
def revoke_feed(feed_id: int):
    services.revoke_feed(actor(), feed_id)
    db.session.commit()
    return "", 204
