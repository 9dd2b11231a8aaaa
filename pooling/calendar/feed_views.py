"""Calendar sync pages: iCal feeds, one booking as .ics, feed management, external calendars."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.api.operations import operation
from pooling.calendar import services
from pooling.calendar.feed_forms import ActionForm, ExternalCalendarForm, FeedForm
from pooling.calendar.sync import sync_calendar
from pooling.core.confirmation import ask, is_confirmed
from pooling.core.errors import DomainError
from pooling.core.form_errors import place_field_errors
from pooling.core.time import utcnow
from pooling.core.urls import external_url, public_root
from pooling.extensions import db, limiter
from pooling.resources.services import CatalogueFilter, search_resources

bp = Blueprint("feeds", __name__)

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _actor():
    """The signed-in person as a plain object, for the services."""
    return current_user._get_current_object()


def _calendar_response(content: services.FeedContent) -> Response:
    if content.body is None:  # the client's copy is current: the calendar was not built
        response = Response(status=304)
        response.set_etag(content.etag)
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    response = Response(content.body, status=200)
    response.headers["Content-Type"] = CALENDAR_TYPE
    response.set_etag(content.etag)
    # The URL is a secret: shared caches must not keep it; clients revalidate with the ETag.
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


def feed_links(feed) -> dict | None:
    """The https and webcal:// addresses of a feed (None when they cannot be shown again)."""
    secret = services.feed_secret(feed)
    if secret is None:
        return None
    https = external_url("feeds.feed", secret=secret)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


# What the document says of the calendar files: read by calendar programs and people, not API
# clients, so their "not found" and "too many" answers are the site's pages.
HTML_NOT_FOUND = {
    "description": "No such object, not visible to the caller, or a revoked feed (a web page).",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
HTML_TOO_MANY = {
    "description": "Too many calls; wait and retry (a web page).",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag already read.",
}


@bp.get("/ical/<secret>.ics")
@operation(
    "A calendar feed (RFC 5545)",
    tag="feeds",
    answers={
        200: {
            "description": "The calendar.",
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        },
        304: "Not modified since the ETag sent in If-None-Match.",
        404: HTML_NOT_FOUND,
        429: HTML_TOO_MANY,
    },
    headers=(IF_NONE_MATCH,),
    public=True,
)
@limiter.limit("120 per minute")
def feed(secret: str):
    content = services.feed_content(
        secret, base_url=public_root(), if_none_match=request.if_none_match
    )
    db.session.commit()
    return _calendar_response(content)


@bp.get("/bookings/<int:booking_id>.ics")
@operation(
    "One booking as an .ics file (signed in)",
    tag="feeds",
    answers={
        200: {
            "description": "The booking as a calendar.",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        },
        302: {
            "description": "Not signed in: a redirection to the sign-in page.",
            "headers": {"Location": {"schema": {"type": "string"}}},
        },
        404: HTML_NOT_FOUND,
        429: HTML_TOO_MANY,
    },
    security=[{"sessionCookie": []}],
)
@login_required
def booking_ics(booking_id: int):
    content = services.booking_calendar(_actor(), booking_id, base_url=public_root())
    response = _calendar_response(content)
    response.headers["Content-Disposition"] = f'attachment; filename="booking-{booking_id}.ics"'
    return response


# Managing one's feeds


def _feed_form(formdata=None) -> FeedForm:
    user = _actor()
    organisations = [m.organisation for m in user.memberships if m.organisation.active]
    form = FeedForm(
        formdata=formdata,
        organisations=organisations,
        resources=search_resources(user, CatalogueFilter()),
    )
    if formdata is None and user.organisation is not None:
        form.organisation_id.data = user.organisation.id
    return form


def _feeds_page(form: FeedForm, status: int = 200, created_id: int | None = None):
    feeds = [(f, feed_links(f)) for f in services.list_feeds(_actor())]
    return render_template(
        "calendar/feeds.html",
        form=form,
        feeds=feeds,
        created_id=created_id,
        action_form=ActionForm(formdata=None),
    ), status


@bp.get("/calendar/feeds")
@login_required
def index():
    created = request.args.get("created", type=int)
    return _feeds_page(_feed_form(), created_id=created)


@bp.post("/calendar/feeds")
@login_required
def create():
    form = _feed_form(request.form)
    if form.validate_on_submit():
        try:
            new_feed, _secret = services.create_feed(
                _actor(),
                services.FeedInput(
                    scope=form.scope.data,
                    organisation_id=form.organisation_id.data,
                    resource_id=form.resource_id.data,
                ),
            )
        except DomainError as error:
            db.session.rollback()
            _put_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your calendar feed is ready: copy its address into your calendar."), "success")
            return redirect(url_for("feeds.index", created=new_feed.id) + f"#feed-{new_feed.id}")
    return _feeds_page(form, 422)


@bp.post("/calendar/feeds/<int:feed_id>/revoke")
@login_required
def revoke(feed_id: int):
    ActionForm()  # the CSRF token is checked for every POST by CSRFProtect
    if not is_confirmed():
        return ask(
            _("Revoke this calendar feed?"),
            warning=_("Its address will stop working in every calendar app that follows it."),
            button=_("Revoke this feed"),
            back=url_for("feeds.index"),
        )
    services.revoke_feed(_actor(), feed_id)
    db.session.commit()
    flash(_("The calendar feed is revoked; its address no longer works."), "success")
    return redirect(url_for("feeds.index"))


def _put_errors(form, error: DomainError) -> None:
    """A service's field messages next to the form's fields; the others flashed."""
    shown, _unplaced = place_field_errors(form, error)
    if not shown:
        flash(error.message, "error")


# The external calendar of a resource (coordinators)


def _external_page(resource_id: int, form: ExternalCalendarForm | None = None, status: int = 200):
    resource, calendar = services.external_calendar_of(_actor(), resource_id)
    if form is None:
        form = ExternalCalendarForm(formdata=None, url=calendar.url if calendar else "")
    error = (
        services.external_error_message(calendar.last_error_code, calendar.last_error)
        if calendar is not None and calendar.last_error_code
        else None
    )
    return render_template(
        "calendar/external_calendar.html",
        resource=resource,
        calendar=calendar,
        form=form,
        error=error,
        busy_times=services.upcoming_busy_times(resource.id, utcnow()) if calendar else [],
        action_form=ActionForm(formdata=None),
    ), status


@bp.get("/resources/<int:resource_id>/external-calendar")
@login_required
def external_calendar(resource_id: int):
    return _external_page(resource_id)


@bp.post("/resources/<int:resource_id>/external-calendar")
@login_required
def save_external_calendar(resource_id: int):
    form = ExternalCalendarForm()
    if form.validate_on_submit():
        try:
            calendar = services.attach_external_calendar(_actor(), resource_id, form.url.data)
        except DomainError as error:
            db.session.rollback()
            _put_errors(form, error)
        else:
            db.session.commit()
            flash(
                _("The external calendar is saved; it is read at the next sync.")
                if calendar is not None
                else _("The external calendar is removed."),
                "success",
            )
            return redirect(url_for("feeds.external_calendar", resource_id=resource_id))
    return _external_page(resource_id, form, 422)


@bp.post("/resources/<int:resource_id>/external-calendar/sync")
@login_required
def sync_external_calendar(resource_id: int):
    ActionForm()
    _resource, calendar = services.external_calendar_of(_actor(), resource_id)
    if calendar is None:
        flash(_("This resource has no external calendar."), "error")
        return redirect(url_for("feeds.external_calendar", resource_id=resource_id))
    outcome = sync_calendar(calendar.id)
    if outcome.status == "failed":
        flash(services.external_error_message(outcome.error_code, outcome.error_detail), "error")
    else:
        flash(_("Calendar read: %(count)s busy times.", count=outcome.busy_count), "success")
    return redirect(url_for("feeds.external_calendar", resource_id=resource_id))


@bp.app_template_global()
def external_calendar_status(resource_id: int):
    """The external calendar attached to a resource (for its page's sync status), if any."""
    return services.external_calendar_for(resource_id)
