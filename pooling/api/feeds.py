"""Calendar feeds in the API: create, list and revoke the caller's secret iCal URLs."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _

from pooling.api import bp
from pooling.api.helpers import actor, check_shape, json_body, list_response, utc_text
from pooling.calendar import services
from pooling.core.errors import RuleViolation
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
def list_feeds():
    return list_response(services.list_feeds(actor()), feed_json)


@bp.post("/feeds")
def create_feed():
    body = json_body()
    check_shape(body, {"scope": "text", "resource_id": "integer?", "organisation_id": "integer?"})
    if not body.get("scope"):
        message = _("This field is required.")
        raise RuleViolation(message, code="required", fields={"scope": [message]})
    feed, secret = services.create_feed(
        actor(),
        services.FeedInput(
            scope=body["scope"],
            organisation_id=body.get("organisation_id"),
            resource_id=body.get("resource_id"),
        ),
    )
    db.session.commit()
    response = jsonify(feed_json(feed, secret))
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/feeds/<int:feed_id>")
def revoke_feed(feed_id: int):
    services.revoke_feed(actor(), feed_id)
    db.session.commit()
    return "", 204
