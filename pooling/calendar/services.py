"""Calendar feeds (create, list, revoke, read by secret) and external calendars (attach, sync).

A feed's URL carries a long random secret; the database keeps its SHA-256 for the look-up
and a random seed from which, with the application's key, the owner's link can be shown
again. A feed shows what its owner may see today: titles of other organisations' bookings
are replaced by a neutral word in the owner's language.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import selectinload, subqueryload
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from pooling.accounts.models import User
from pooling.accounts.secrets import digest
from pooling.audit.models import AuditEvent
from pooling.audit.services import record
from pooling.bookings import queries as booking_queries
from pooling.bookings.models import Booking
from pooling.calendar import external
from pooling.calendar.feeds import FeedEvent, build_calendar, etag_of, event_uid, ical_status
from pooling.calendar.models import ExternalBusyTime, ExternalCalendar, Feed
from pooling.core.database import lock_resource_row
from pooling.core.db import utcnow
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.models import Resource
from pooling.resources.permissions import can_manage_resources, can_see_resource

SCOPES = ("me", "organisation", "resource")
MONTHS_BACK = 3
MONTHS_AHEAD = 18
CANCELLED_SHOWN_DAYS = 30
# A feed polled every few minutes is not written to the database on every poll.
LAST_USED_PRECISION = timedelta(hours=1)


@dataclass
class FeedInput:
    """What a person asks for: the scope, and the organisation or resource it is about."""

    scope: str
    organisation_id: int | None = None
    resource_id: int | None = None


@dataclass(frozen=True)
class FeedContent:
    """A feed's bytes and their strong ETag; no bytes when the caller's copy is current."""

    body: bytes | None
    etag: str


# ---------------------------------------------------------------- feeds


def _key() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode("utf-8")


def _derive(seed: str) -> str:
    mac = hmac.new(_key(), f"feed:{seed}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def feed_secret(feed: Feed) -> str | None:
    """The secret of the feed's URL, for its owner to copy again; None if the key has changed."""
    secret = _derive(feed.seed)
    return secret if hmac.compare_digest(digest(secret), feed.secret_hash) else None


def create_feed(actor: User, data: FeedInput) -> tuple[Feed, str]:
    """Create a feed of the actor's bookings, of one of their organisations, or of one resource.

    Returns the feed and its secret. Raises RuleViolation (unknown scope, missing resource),
    NotFound (a resource the actor cannot see), NotAllowed (an organisation not theirs).
    """
    if data.scope not in SCOPES:
        message = _("Choose what the feed shows: me, organisation or resource.")
        raise RuleViolation(message, code="invalid_scope", fields={"scope": [message]})
    organisation_id = resource_id = None
    if data.scope == "organisation":
        organisation_id = _feed_organisation(actor, data.organisation_id).id
    elif data.scope == "resource":
        if data.resource_id is None:
            message = _("Choose a resource.")
            raise RuleViolation(message, code="required", fields={"resource_id": [message]})
        resource = db.session.get(Resource, data.resource_id)
        if resource is None or not can_see_resource(actor, resource):
            raise NotFound(
                _("This resource does not exist."),
                fields={"resource_id": [_("Unknown resource.")]},
            )
        resource_id = resource.id
    seed = secrets.token_hex(32)
    secret = _derive(seed)
    feed = Feed(
        user_id=actor.id,
        scope=data.scope,
        organisation_id=organisation_id,
        resource_id=resource_id,
        secret_hash=digest(secret),
        seed=seed,
    )
    db.session.add(feed)
    db.session.flush()
    record(actor, "feed.create", feed, after={"scope": feed.scope, "resource_id": resource_id})
    return feed, secret


def _feed_organisation(actor: User, organisation_id: int | None) -> Organisation:
    """The organisation of an organisation feed: the given one, else the actor's main one."""
    if organisation_id is None:
        organisation = actor.organisation
        if organisation is None:
            message = _("You belong to no member organisation.")
            raise RuleViolation(
                message, code="organisation_required", fields={"organisation_id": [message]}
            )
        return organisation
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(
            _("This organisation does not exist."),
            fields={"organisation_id": [_("Unknown organisation.")]},
        )
    if not actor.is_coordinator and organisation.id not in actor.organisation_ids():
        raise NotAllowed(_("You can only follow the bookings of your own organisations."))
    return organisation


def list_feeds(actor: User) -> list[Feed]:
    """The actor's feeds that are not revoked, newest first."""
    return list(
        db.session.scalars(
            select(Feed)
            .where(Feed.user_id == actor.id, Feed.revoked_at.is_(None))
            .order_by(Feed.created_at.desc(), Feed.id.desc())
        )
    )


def revoke_feed(actor: User, feed_id: int) -> Feed:
    """Revoke one of the actor's feeds: its URL then answers 404. Raises NotFound."""
    feed = db.session.get(Feed, feed_id)
    if feed is None or feed.user_id != actor.id or feed.revoked_at is not None:
        raise NotFound(_("This calendar feed does not exist."))
    feed.revoked_at = utcnow()
    record(actor, "feed.revoke", feed)
    db.session.flush()
    return feed


def _active_feed(secret: str) -> Feed:
    feed = db.session.scalar(select(Feed).where(Feed.secret_hash == digest(secret or "")))
    if feed is None or feed.revoked_at is not None or not feed.user.active:
        raise NotFound(_("This calendar feed does not exist."))
    user = feed.user
    if feed.scope == "organisation" and not (
        user.is_coordinator or feed.organisation_id in user.organisation_ids()
    ):
        raise NotFound(_("This calendar feed does not exist."))
    if feed.scope == "resource" and (
        feed.resource is None or not can_see_resource(user, feed.resource)
    ):
        raise NotFound(_("This calendar feed does not exist."))
    return feed


def _booking_link(base_url: str):
    """``booking id -> absolute URL`` of the booking's page, or the site root if there is none."""
    root = base_url.rstrip("/") + "/"
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match("/bookings/1", method="GET")
        exists = True
    except RequestRedirect:
        exists = True
    except HTTPException:
        exists = False
    if not exists:
        return lambda booking_id: root
    return lambda booking_id: f"{root}bookings/{booking_id}"


def _event_for(viewer: User, booking: Booking, link) -> FeedEvent:
    """The calendar event of one booking as ``viewer`` may see it (call under their locale)."""
    visible = booking_queries.title_visible(viewer, booking)
    resource = booking.resource
    if visible:
        summary = booking.title or resource.name
    else:
        summary = _("Booked")
    location = resource.name + (f", {resource.location}" if resource.location else "")
    url = link(booking.id)
    lines = [_("Shared resource: %(name)s", name=resource.name)]
    if visible:
        lines.append(_("Member organisation: %(name)s", name=booking.organisation.name))
    lines.append(_("Status: %(status)s", status=booking.status_label))
    lines.append(url)
    return FeedEvent(
        uid=event_uid(booking.id, _key()),
        start=booking.start_at,
        end=booking.end_at,
        summary=summary,
        status=ical_status(booking.status),
        sequence=booking.sequence,
        stamp=booking.updated_at or booking.created_at,
        created=booking.created_at,
        location=location,
        description="\n".join(lines),
        url=url,
    )


def _feed_name(feed: Feed) -> str:
    pole = current_app.config["POOLING_NAME"]
    if feed.scope == "organisation":
        label = feed.organisation.name
    elif feed.scope == "resource":
        label = feed.resource.name
    else:
        label = _("My bookings")
    return f"{pole} · {label}"


def feed_window(now: datetime) -> tuple[datetime, datetime]:
    """The period a feed covers: 3 months back to 18 months ahead."""
    return now - relativedelta(months=MONTHS_BACK), now + relativedelta(months=MONTHS_AHEAD)


def _feed_query(feed: Feed, viewer: User, now: datetime):
    """The bookings of the feed: its scope in the window, refused ones left out, cancelled
    ones for 30 days after their cancellation."""
    start, end = feed_window(now)
    filters = booking_queries.BookingFilter(
        start=start,
        end=end,
        statuses=("pending", "confirmed", "cancelled"),
        user_id=viewer.id if feed.scope == "me" else None,
        organisation_id=feed.organisation_id if feed.scope == "organisation" else None,
        resource_id=feed.resource_id if feed.scope == "resource" else None,
    )
    return booking_queries.bookings_query(viewer, filters).where(
        or_(
            Booking.status != "cancelled",
            Booking.cancelled_at >= now - timedelta(days=CANCELLED_SHOWN_DAYS),
        )
    )


def _feed_etag(feed: Feed, viewer: User, base_url: str, now: datetime) -> str:
    """The feed's ETag, read in one statement without building the calendar.

    It changes with what the calendar is made of: which bookings are in it and their last
    change (count, ids, sequences, last update), any audited change in the pole since (a
    resource or an organisation renamed, a share answered), and the viewer's language and
    organisations. The same inputs give the same calendar bytes (``build_calendar``).
    """
    rows = (
        _feed_query(feed, viewer, now)
        .with_only_columns(Booking.id, Booking.sequence, Booking.updated_at)
        .order_by(None)
        .subquery()
    )
    version = db.session.execute(
        select(
            func.count(rows.c.id),
            func.sum(rows.c.id),
            func.sum(rows.c.sequence),
            func.max(rows.c.updated_at),
            select(func.max(AuditEvent.id)).scalar_subquery(),
        )
    ).one()
    config = current_app.config
    parts = [
        feed.id,
        feed.scope,
        viewer.id,
        viewer.locale,
        viewer.is_coordinator,
        sorted(viewer.organisation_ids()),
        sorted(viewer.admin_organisation_ids()),
        config["POOLING_NAME"],
        config["POOLING_TIMEZONE"],
        config["POOLING_PUBLIC_TITLES"],
        config["BABEL_DEFAULT_LOCALE"],
        base_url,
        *(str(value) for value in version),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def feed_content(
    secret: str,
    *,
    base_url: str,
    now: datetime | None = None,
    if_none_match: Container[str] = (),
) -> FeedContent:
    """The calendar of the feed with this secret, as its owner may see it today.

    One event per occurrence in the window; refused bookings are left out, cancelled ones
    are kept for 30 days after their cancellation (so that clients remove them). When the
    ETag is in ``if_none_match`` the calendar is not built (no body). Notes when the feed was
    last read. Raises NotFound for an unknown or revoked secret.
    """
    now = now or utcnow()
    feed = _active_feed(secret)
    viewer = feed.user
    etag = _feed_etag(feed, viewer, base_url, now)
    body = None
    if etag not in if_none_match:
        query = _feed_query(feed, viewer, now).options(
            selectinload(Booking.resource),
            selectinload(Booking.organisation),
            subqueryload(Booking.shares),
        )
        link = _booking_link(base_url)
        with force_locale(viewer.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            events = [_event_for(viewer, booking, link) for booking in db.session.scalars(query)]
            body = build_calendar(
                events, name=_feed_name(feed), timezone=current_app.config["POOLING_TIMEZONE"]
            )
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_PRECISION:
        feed.last_used_at = now
        db.session.flush()
    return FeedContent(body=body, etag=etag)


def booking_calendar(actor: User, booking_id: int, *, base_url: str) -> FeedContent:
    """One booking as a calendar file, for "add to my calendar". Raises NotFound."""
    booking = booking_queries.get_booking(actor, booking_id)
    with force_locale(actor.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        event = _event_for(actor, booking, _booking_link(base_url))
        body = build_calendar(
            [event],
            name=f"{current_app.config['POOLING_NAME']} · {event.summary}",
            timezone=current_app.config["POOLING_TIMEZONE"],
        )
    return FeedContent(body=body, etag=etag_of(body))


# ---------------------------------------------------------------- external calendars


@dataclass(frozen=True)
class SyncOutcome:
    """What one sync did: ``status`` is updated, unchanged or failed."""

    calendar_id: int
    resource_id: int
    status: str
    busy_count: int = 0
    error_code: str | None = None
    error_detail: str | None = None


def external_error_message(code: str | None, detail: str | None = None) -> str:
    """The translated explanation of a sync error code, with the technical detail if any."""
    messages = {
        "invalid_url": _("The address is not an http or https URL."),
        "timeout": _("The calendar server did not answer in time."),
        "unreachable": _("The calendar server could not be reached."),
        "http_status": _("The calendar server answered with an error."),
        "too_large": _("The calendar is too large."),
        "invalid": _("The answer is not a valid iCalendar file."),
        "internal": _("The calendar could not be read."),
    }
    text = messages.get(code or "", _("The calendar could not be read."))
    return f"{text} ({detail})" if detail else text


def _require_coordinator(actor: User) -> None:
    if not can_manage_resources(actor):
        raise NotAllowed(_("Only the pole's coordinators can manage resources."))


def external_calendar_of(actor: User, resource_id: int) -> tuple[Resource, ExternalCalendar | None]:
    """A resource and its external calendar (if any), for a coordinator. Raises NotAllowed, NotFound."""
    _require_coordinator(actor)
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(_("This resource does not exist."))
    calendar = db.session.scalar(
        select(ExternalCalendar).where(ExternalCalendar.resource_id == resource.id)
    )
    return resource, calendar


def attach_external_calendar(
    actor: User, resource_id: int, url: str | None
) -> ExternalCalendar | None:
    """Set (or, with an empty URL, remove) the ICS URL whose events block the resource.

    A new address forgets the busy times read from the previous one. ``webcal://`` is
    read as https. Raises NotAllowed, NotFound, RuleViolation (not an http(s) URL).
    """
    resource, calendar = external_calendar_of(actor, resource_id)
    url = (url or "").strip()
    if not url:
        if calendar is not None:
            record(actor, "external_calendar.remove", calendar, before={"url": calendar.url})
            db.session.delete(calendar)
            db.session.flush()
        return None
    try:
        external.normalise_url(url)
    except external.ExternalCalendarError as error:
        message = external_error_message(error.code)
        raise RuleViolation(message, code="invalid_url", fields={"url": [message]}) from error
    if calendar is None:
        calendar = ExternalCalendar(resource_id=resource.id, url=url, created_by_id=actor.id)
        db.session.add(calendar)
        db.session.flush()
        record(actor, "external_calendar.attach", calendar, after={"url": url})
    elif calendar.url != url:
        before = {"url": calendar.url}
        db.session.execute(
            delete(ExternalBusyTime).where(ExternalBusyTime.calendar_id == calendar.id)
        )
        calendar.url = url
        calendar.etag = calendar.last_modified = None
        calendar.last_error_code = calendar.last_error = None
        calendar.last_success_at = None
        calendar.busy_count = 0
        record(actor, "external_calendar.update", calendar, before=before, after={"url": url})
    db.session.flush()
    return calendar


def external_calendar_ids() -> list[int]:
    """Every external calendar, in a stable order, for the periodic sync."""
    return list(db.session.scalars(select(ExternalCalendar.id).order_by(ExternalCalendar.id)))


def _failed(calendar: ExternalCalendar, now: datetime, code: str, detail: str) -> SyncOutcome:
    calendar.last_attempt_at = now
    calendar.last_error_code = code
    calendar.last_error = detail[:1000] or None
    db.session.flush()
    return SyncOutcome(
        calendar.id, calendar.resource_id, "failed", calendar.busy_count, code, detail
    )


@dataclass(frozen=True)
class SyncTarget:
    """What a sync needs to know of a calendar, read before the fetch (plain values)."""

    calendar_id: int
    resource_id: int
    url: str
    etag: str | None
    last_modified: str | None


def sync_target(calendar_id: int) -> SyncTarget:
    """The URL and the validators to send for one calendar. Raises NotFound."""
    calendar = db.session.get(ExternalCalendar, calendar_id)
    if calendar is None:
        raise NotFound(_("This external calendar does not exist."))
    known = calendar.last_success_at is not None
    return SyncTarget(
        calendar.id,
        calendar.resource_id,
        calendar.url,
        calendar.etag if known else None,
        calendar.last_modified if known else None,
    )


def due_calendar_ids(now: datetime, every: timedelta) -> list[int]:
    """The calendars not tried for ``every`` (or never), oldest attempt first."""
    return list(
        db.session.scalars(
            select(ExternalCalendar.id)
            .where(
                or_(
                    ExternalCalendar.last_attempt_at.is_(None),
                    ExternalCalendar.last_attempt_at <= now - every,
                )
            )
            .order_by(ExternalCalendar.last_attempt_at.is_not(None), ExternalCalendar.id)
        )
    )


def store_sync_result(
    calendar_id: int, result: external.ReadResult, *, now: datetime | None = None
) -> SyncOutcome:
    """Record what the fetch of one calendar gave: its busy times replaced, or the failure.

    A failure keeps the busy times already known. Raises NotFound for an unknown id (a
    calendar removed while it was being read).
    """
    now = now or utcnow()
    calendar = db.session.get(ExternalCalendar, calendar_id)
    if calendar is None:
        raise NotFound(_("This external calendar does not exist."))
    if result.error_code:
        return _failed(calendar, now, result.error_code, result.error_detail or "")
    if result.spans is None:
        calendar.last_attempt_at = calendar.last_success_at = now
        calendar.last_error_code = calendar.last_error = None
        db.session.flush()
        return SyncOutcome(calendar.id, calendar.resource_id, "unchanged", calendar.busy_count)
    # Busy times change what is free: writers of this resource wait (as bookings do).
    lock_resource_row(calendar.resource_id)
    db.session.execute(delete(ExternalBusyTime).where(ExternalBusyTime.calendar_id == calendar.id))
    db.session.add_all(
        ExternalBusyTime(
            calendar_id=calendar.id, resource_id=calendar.resource_id, start_at=s, end_at=e
        )
        for s, e in result.spans
    )
    calendar.etag = result.etag
    calendar.last_modified = result.last_modified
    calendar.last_attempt_at = calendar.last_success_at = now
    calendar.last_error_code = calendar.last_error = None
    calendar.busy_count = len(result.spans)
    db.session.flush()
    return SyncOutcome(calendar.id, calendar.resource_id, "updated", len(result.spans))


def record_sync_crash(calendar_id: int, detail: str, *, now: datetime | None = None) -> None:
    """Note an unexpected failure of one calendar's sync (after a rollback), so it shows."""
    calendar = db.session.get(ExternalCalendar, calendar_id)
    if calendar is not None:
        _failed(calendar, now or utcnow(), "internal", detail)


def upcoming_busy_times(resource_id: int, now: datetime, limit: int = 20) -> list[ExternalBusyTime]:
    """The next busy times of a resource read from its external calendar."""
    return list(
        db.session.scalars(
            select(ExternalBusyTime)
            .where(ExternalBusyTime.resource_id == resource_id, ExternalBusyTime.end_at > now)
            .order_by(ExternalBusyTime.start_at)
            .limit(limit)
        )
    )


def external_calendar_for(resource_id: int) -> ExternalCalendar | None:
    """The external calendar attached to a resource, if any (its sync status for the resource page)."""
    return db.session.scalar(
        select(ExternalCalendar).where(ExternalCalendar.resource_id == resource_id)
    )
