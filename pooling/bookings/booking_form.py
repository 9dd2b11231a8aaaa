"""The booking form page's helpers: its choices, its prefill from a calendar link, the
service's request it makes, and the message once booked."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from pooling.bookings import purposes, services
from pooling.bookings.forms import BookingForm
from pooling.bookings.messages import recurrence_choice_message
from pooling.bookings.models import BookingPurpose
from pooling.bookings.recurrence_form import RecurrenceChoice, RecurrenceChoiceError, build_rrule
from pooling.core.templating import local_range
from pooling.core.time import NonexistentLocalTime, local_to_utc, pole_tz
from pooling.organisations.services import list_organisations
from pooling.qualifications.services import missing_by_resource
from pooling.resources.describe import weekday_names
from pooling.resources.models import RESOURCE_KINDS
from pooling.resources.services import CatalogueFilter, search_resources


def booking_form() -> BookingForm:
    """The form with the resources grouped by kind and the organisations one may book for."""
    form = BookingForm(weekday_names=weekday_names())
    groups: dict[str, list[tuple[int, str]]] = {}
    resources = search_resources(current_user, CatalogueFilter())
    for resource in resources:
        label = str(RESOURCE_KINDS.get(resource.kind, resource.kind))
        groups.setdefault(label, []).append((resource.id, resource.name))
    form.resource_id.choices = groups
    # Said before submitting: the resources the person cannot book for want of a qualification.
    form.missing_qualifications = missing_by_resource(current_user, [r.id for r in resources])
    if current_user.is_coordinator:
        organisations = list_organisations(include_inactive=False)
    else:
        organisations = sorted(
            (m.organisation for m in current_user.memberships if m.organisation.active),
            key=lambda o: o.name.lower(),
        )
    form.organisation_id.choices = [("", _("Choose…"))] + [(o.id, o.name) for o in organisations]
    form.purpose.choices = purpose_choices()
    form.show_organisation = current_user.is_coordinator or len(organisations) > 1
    # Co-organisers are other organisations: one's own organisation keeps the rest.
    own = {o.id for o in organisations} if not form.show_organisation else set()
    form.co_organisation_id.choices = [("", _("Nobody"))] + [
        (o.id, o.name) for o in list_organisations(include_inactive=False) if o.id not in own
    ]
    return form


def purpose_choices(current: BookingPurpose | None = None) -> list[tuple[str, str]]:
    """The active purposes (and the booking's own, even if deactivated since), by their code."""
    choices = purposes.all_purposes(active_only=True)
    if current is not None and current not in choices:
        choices.append(current)
    return [("", _("Not said"))] + [(p.code, purposes.label(p)) for p in choices]


def prefill(form: BookingForm) -> None:
    """Values from the query string (the calendar links here with local wall times)."""
    args = request.args
    if args.get("resource_id", "").isdigit():
        form.resource_id.data = int(args["resource_id"])
    if args.get("quantity", "").isdigit() and int(args["quantity"]) > 0:
        form.quantity.data = int(args["quantity"])
    start = end = None
    try:
        if args.get("start"):
            start = datetime.fromisoformat(args["start"]).replace(tzinfo=None)
        if args.get("end"):
            end = datetime.fromisoformat(args["end"]).replace(tzinfo=None)
    except ValueError:
        start = end = None
    if start is not None:
        form.date.data = start.date()
        form.start_time.data = start.time()
    if end is not None:
        form.end_time.data = end.time()
        if (
            start is not None
            and end.date() != start.date()
            and end.time().isoformat() != "00:00:00"
        ):
            form.end_date.data = end.date()


def local_instant(form, day: date, clock, field) -> datetime | None:
    """A local wall time to UTC; a time skipped by the clocks going forward is an error."""
    try:
        return local_to_utc(datetime.combine(day, clock), pole_tz(), strict=True)
    except NonexistentLocalTime:
        field.errors = [
            *field.errors,
            _(
                "This local time does not exist: the clocks skip an hour that night "
                "(daylight-saving change)."
            ),
        ]
        return None


def request_from(form: BookingForm) -> services.BookingRequest | None:
    """The service's request from a valid form; None (with errors on the form) if it cannot be."""
    start = local_instant(form, form.date.data, form.start_time.data, form.start_time)
    end_day = form.end_date.data or form.date.data
    if form.end_date.data is None and form.end_time.data == datetime.min.time():
        end_day = form.date.data + timedelta(days=1)  # "until midnight" ends the same day
    end = local_instant(form, end_day, form.end_time.data, form.end_time)
    recurrence = None
    try:
        recurrence = build_rrule(
            RecurrenceChoice(
                frequency=form.repeat.data or "none",
                start=form.date.data,
                interval=form.interval.data or 1,
                weekdays=list(form.weekdays.data or []),
                ending=form.ending.data or "count",
                count=form.count.data,
                until=form.until.data,
            )
        )
    except RecurrenceChoiceError as error:
        field = getattr(form, error.field)
        field.errors = [*field.errors, recurrence_choice_message(error.code)]
        return None
    if start is None or end is None:
        return None
    shares = None
    if form.co_organisation_id.data:
        own = form.organisation_id.data or getattr(current_user.organisation, "id", None)
        other_share = Decimal(form.co_share.data or 50) / 100
        shares = [(own, 1 - other_share), (form.co_organisation_id.data, other_share)]
    return services.BookingRequest(
        resource_id=form.resource_id.data,
        start=start,
        end=end,
        title=form.title.data or "",
        quantity=form.quantity.data or 1,
        organisation_id=form.organisation_id.data,
        shares=shares,
        recurrence=recurrence,
        on_conflict=form.on_conflict.data or "fail",
        purpose=form.purpose.data or None,
        attendance=form.attendance.data,
    )


def booked_message(result: services.BookingResult, description: str) -> str:
    first = result.bookings[0]
    if result.series is None:
        text = _(
            "Booked: %(resource)s, %(when)s.",
            resource=first.resource.name,
            when=local_range(first.start_at, first.end_at),
        )
    else:
        text = ngettext(
            "Booked: %(resource)s, %(num)s date (%(rule)s).",
            "Booked: %(resource)s, %(num)s dates (%(rule)s).",
            len(result.bookings),
            resource=first.resource.name,
            rule=description,
        )
    if first.status == "pending":
        text += " " + _("It awaits approval by the organisation that lends this resource.")
    if result.skipped:
        skipped = "; ".join(local_range(s["start"], s["end"]) for s in result.skipped)
        text += " " + _("Not booked (taken or refused): %(dates)s.", dates=skipped)
    return text
