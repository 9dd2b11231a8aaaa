"""Booking pages: the booking form with its preview, a booking's page, my bookings, approvals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.bookings import (
    attendance,
    booking_form,
    decisions,
    pending,
    permissions,
    purposes,
    queries,
    services,
)
from pooling.bookings import shares as co_organisation
from pooling.bookings.forms import (
    CancelForm,
    DecisionForm,
    EditBookingForm,
    MeterForm,
    MyBookingsFilterForm,
    RequestDecisionForm,
)
from pooling.bookings.models import HOLDING, STATUSES
from pooling.bookings.preview import approves_anything, past_bookings, preview_booking
from pooling.bookings.recurrence_form import (
    describe_rrule,
)
from pooling.core.confirmation import ask, is_confirmed
from pooling.core.db import utcnow
from pooling.core.errors import Conflict, DomainError, NotAllowed
from pooling.core.form_errors import place_field_errors
from pooling.core.forms import whole_number_arg
from pooling.core.templating import local_range
from pooling.core.time import local_day_bounds, pole_tz
from pooling.core.urls import is_safe_next
from pooling.extensions import db
from pooling.organisations.forms import ConfirmForm
from pooling.resources.services import CatalogueFilter, search_resources
from pooling.waitlist.forms import join_form, waitlist_slot

bp = Blueprint("bookings", __name__, url_prefix="/bookings")

# Service field names -> booking form fields.
FORM_FIELDS = {
    "start": "start_time",
    "end": "end_time",
    "shares": "co_organisation_id",
    "recurrence": "repeat",
}


@bp.app_context_processor
def approvals_badge() -> dict:
    """Whether the person has an approval queue, and how many bookings wait in it (nav badge)."""
    if not current_user or not current_user.is_authenticated:
        return {"approves_anything": False, "pending_approvals": 0, "is_staff_person": False}
    approver = approves_anything(current_user)
    return {
        "approves_anything": approver,
        "pending_approvals": pending.pending_count(current_user) if approver else 0,
        "is_staff_person": bool(queries.staff_resources(current_user)),
    }


@bp.context_processor
def booking_helpers() -> dict:
    """Permission predicates and the recurrence's plain words for the booking templates."""
    return {
        "can_change_booking": lambda b: permissions.can_change_booking(current_user, b),
        "can_decide_share": lambda organisation_id: permissions.can_decide_share(
            current_user, organisation_id
        ),
        "can_check_in": lambda b: permissions.can_check_in(current_user, b),
        "can_check_in_now": lambda b: attendance.can_check_in_now(current_user, b),
        "can_check_out_now": lambda b: attendance.can_check_out_now(current_user, b),
        "can_approve": lambda b: permissions.can_approve(current_user, b),
        "title_visible": lambda b: queries.title_visible(current_user, b),
        "purpose_label": purposes.label,
        "describe_series": lambda s: (
            describe_rrule(
                s.rrule, s.bookings[0].start_at.astimezone(pole_tz()).date(), str(get_locale())
            )
            if s and s.bookings
            else ""
        ),
    }


def _next_or(default: str) -> str:
    target = request.form.get("next") or request.args.get("next")
    return target if is_safe_next(target) else default


def _show_errors(form, error: DomainError, aliases: dict | None = None) -> None:
    """A service's field messages next to the fields; what has no field goes to a flash."""
    placed, _unplaced = place_field_errors(form, error, aliases=aliases)
    if not placed or isinstance(error, Conflict):
        flash(error.message, "error")


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _dates_of(error: DomainError) -> list[tuple[datetime, datetime]]:
    """The dates a Conflict or a series RuleViolation names, as UTC intervals."""
    rows = error.extra.get("conflicts") or error.extra.get("occurrences") or []
    dates = []
    for row in rows:
        start, end = _instant(row.get("start")), _instant(row.get("end"))
        if start and end:
            dates.append((start, end))
    return dates


def _free_time(start: datetime, end: datetime) -> dict:
    """A free time proposed after a clash, as the form's local date and times."""
    tz = pole_tz()
    first, last = start.astimezone(tz), end.astimezone(tz)
    several_days = last.date() != first.date() and last.time() != datetime.min.time()
    return {
        "start": start,
        "end": end,
        "date": first.date().isoformat(),
        "start_time": first.strftime("%H:%M"),
        "end_time": last.strftime("%H:%M"),
        "end_date": last.date().isoformat() if several_days else "",
        "local_start": first.replace(tzinfo=None).isoformat(timespec="minutes"),
        "local_end": last.replace(tzinfo=None).isoformat(timespec="minutes"),
    }


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = booking_form.booking_form()
    if request.method == "GET":
        booking_form.prefill(form)
    status = 200
    preview = None
    refused_dates: list[tuple[datetime, datetime]] = []
    free_times: list[dict] = []
    waitlist = None
    description = ""
    action = request.form.get("action", "confirm")
    if form.is_submitted():
        status = 422
        booking_request = booking_form.request_from(form) if form.validate() else None
        if booking_request is not None:
            description = describe_rrule(
                booking_request.recurrence, form.date.data, str(get_locale())
            )
            try:
                if action == "preview":
                    preview = preview_booking(current_user, booking_request)
                    status = 200
                else:
                    result = services.create_booking(current_user, booking_request)
            except DomainError as error:
                db.session.rollback()
                if isinstance(error, NotAllowed):
                    raise
                _show_errors(form, error, FORM_FIELDS)
                refused_dates = _dates_of(error)
                status = error.status
                if isinstance(error, Conflict) and booking_request.recurrence is None:
                    clash = queries.clash_help(
                        current_user,
                        booking_request.resource_id,
                        booking_request.start,
                        booking_request.end,
                        booking_request.quantity,
                    )
                    free_times = [_free_time(start, end) for start, end in clash.free_times]
                    waitlist = join_form(current_user, waitlist_slot(booking_request))
            else:
                if action != "preview":
                    db.session.commit()
                    flash(booking_form.booked_message(result, description), "success")
                    if result.series is not None:
                        return redirect(url_for("bookings.mine"))
                    return redirect(url_for("bookings.detail", booking_id=result.bookings[0].id))
    return render_template(
        "bookings/new.html",
        form=form,
        missing_qualifications=form.missing_qualifications,
        preview=preview,
        description=description,
        refused_dates=refused_dates,
        free_times=free_times,
        waitlist=waitlist,
        repeating=(form.repeat.data or "none") != "none",
    ), status


# ---------------------------------------------------------------- one booking


def _render_detail(booking_id: int, status: int = 200, **forms):
    booking = queries.get_booking(current_user, booking_id)
    occurrences = []
    if booking.series_id is not None:
        occurrences = queries.list_bookings(
            current_user, queries.BookingFilter(series_id=booking.series_id), limit=600
        )
    return render_template(
        "bookings/detail.html",
        booking=booking,
        occurrences=occurrences,
        now=utcnow(),
        cancel_form=forms.get("cancel_form") or CancelForm(),
        meter_form=forms.get("meter_form") or MeterForm(),
        decision_form=forms.get("decision_form") or DecisionForm(),
    ), status


@bp.get("/<int:booking_id>")
@login_required
def detail(booking_id: int):
    return _render_detail(booking_id)


@bp.route("/<int:booking_id>/edit", methods=["GET", "POST"])
@login_required
def edit(booking_id: int):
    booking = queries.get_booking(current_user, booking_id)
    if not permissions.can_change_booking(current_user, booking):
        raise NotAllowed(_("You cannot change this booking."))
    form = EditBookingForm()
    form.purpose.choices = booking_form.purpose_choices(booking.purpose)
    tz = pole_tz()
    if request.method == "GET":
        start, end = booking.start_at.astimezone(tz), booking.end_at.astimezone(tz)
        form.date.data, form.start_time.data = start.date(), start.time()
        form.end_time.data = end.time()
        form.end_date.data = end.date() if end.date() != start.date() else None
        form.quantity.data = booking.quantity
        form.title.data = booking.title
        form.purpose.data = booking.purpose.code if booking.purpose is not None else ""
        form.attendance.data = booking.attendance
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            start = booking_form.local_instant(
                form, form.date.data, form.start_time.data, form.start_time
            )
            end_day = form.end_date.data or form.date.data
            end = booking_form.local_instant(form, end_day, form.end_time.data, form.end_time)
            if start is not None and end is not None:
                change = services.BookingChange(
                    start=start,
                    end=end,
                    title=form.title.data or "",
                    quantity=form.quantity.data,
                    purpose=form.purpose.data or "",
                    attendance=form.attendance.data,
                )
                try:
                    services.move_booking(current_user, booking_id, change)
                except DomainError as error:
                    db.session.rollback()
                    if isinstance(error, NotAllowed):
                        raise
                    _show_errors(form, error, FORM_FIELDS)
                    status = error.status
                else:
                    db.session.commit()
                    flash(_("The booking is changed."), "success")
                    return redirect(url_for("bookings.detail", booking_id=booking_id))
    return render_template("bookings/edit.html", form=form, booking=booking), status


def _act(booking_id: int, form, act: Callable[[], Any], done: Callable[[Any], str]):
    """Run one action on a booking from a button; rule errors come back as a flash."""
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(_next_or(url_for("bookings.detail", booking_id=booking_id)))
    try:
        result = act()
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotAllowed) or error.status == 404:
            raise
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done(result), "success")
    return redirect(_next_or(url_for("bookings.detail", booking_id=booking_id)))


def _asks_first(booking) -> bool:
    """Whether cancelling this booking needs a confirmation not yet given (a refusal doesn't)."""
    return (
        not is_confirmed()
        and booking.status in ("pending", "confirmed")
        and permissions.can_change_booking(current_user, booking)
    )


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    form = CancelForm()
    booking = queries.get_booking(current_user, booking_id)
    if _asks_first(booking):
        return ask(
            _(
                "Cancel the booking of %(resource)s, %(when)s?",
                resource=booking.resource.name,
                when=local_range(booking.start_at, booking.end_at),
            ),
            button=_("Cancel this booking"),
            back=url_for("bookings.detail", booking_id=booking_id),
        )
    return _act(
        booking_id,
        form,
        lambda: services.cancel_booking(current_user, booking_id, form.cancel_reason.data),
        lambda _booking: _("The booking is cancelled."),
    )


@bp.post("/<int:booking_id>/cancel-following")
@login_required
def cancel_following(booking_id: int):
    form = CancelForm()
    booking = queries.get_booking(current_user, booking_id)
    if booking.series_id is None:
        return cancel(booking_id)
    if _asks_first(booking):
        return ask(
            _(
                "Cancel the booking of %(resource)s, %(when)s, and every later date of its series?",
                resource=booking.resource.name,
                when=local_range(booking.start_at, booking.end_at),
            ),
            button=_("Cancel this and the following occurrences"),
            back=url_for("bookings.detail", booking_id=booking_id),
        )
    return _act(
        booking_id,
        form,
        lambda: services.cancel_series(
            current_user, booking.series_id, booking.start_at, form.cancel_reason.data
        ),
        lambda cancelled: ngettext(
            "%(num)s occurrence is cancelled.",
            "%(num)s occurrences are cancelled.",
            len(cancelled),
        ),
    )


@bp.post("/<int:booking_id>/check-in")
@login_required
def check_in(booking_id: int):
    form = MeterForm()
    return _act(
        booking_id,
        form,
        lambda: attendance.check_in(current_user, booking_id, form.meter.data),
        lambda _booking: _("Check-in recorded."),
    )


@bp.post("/<int:booking_id>/check-out")
@login_required
def check_out(booking_id: int):
    form = MeterForm()
    return _act(
        booking_id,
        form,
        lambda: attendance.check_out(current_user, booking_id, form.meter.data),
        lambda _booking: _("Check-out recorded."),
    )


@bp.post("/<int:booking_id>/approve")
@login_required
def approve(booking_id: int):
    form = DecisionForm()
    return _act(
        booking_id,
        form,
        lambda: decisions.decide(current_user, booking_id, True, form.decision_reason.data),
        lambda _booking: _("The booking is approved; the person who booked is told."),
    )


@bp.post("/<int:booking_id>/reject")
@login_required
def reject(booking_id: int):
    form = DecisionForm()
    return _act(
        booking_id,
        form,
        lambda: decisions.decide(current_user, booking_id, False, form.decision_reason.data),
        lambda _booking: _("The booking is refused; the person who booked is told."),
    )


@bp.post("/<int:booking_id>/shares/<int:organisation_id>/accept")
@login_required
def accept_share(booking_id: int, organisation_id: int):
    return _act(
        booking_id,
        ConfirmForm(),
        lambda: co_organisation.decide_share(current_user, booking_id, organisation_id, True),
        lambda _booking: _("The share is accepted: it now counts for your organisation."),
    )


@bp.post("/<int:booking_id>/shares/<int:organisation_id>/decline")
@login_required
def decline_share(booking_id: int, organisation_id: int):
    return _act(
        booking_id,
        ConfirmForm(),
        lambda: co_organisation.decide_share(current_user, booking_id, organisation_id, False),
        lambda _booking: _("The share is declined: it stays with the organisation that booked."),
    )


# ---------------------------------------------------------------- lists

MINE_LIMIT = 200
# Requests shown per page of the approvals, oldest first.
APPROVALS_PAGE_SIZE = 30


@bp.get("/")
@login_required
def mine():
    when = "past" if request.args.get("when") == "past" else "upcoming"
    form = MyBookingsFilterForm(request.args)
    form.resource_id.choices = [("", _("All"))] + [
        (r.id, r.name) for r in search_resources(current_user, CatalogueFilter())
    ]
    form.status.choices = [("", _("All"))] + [(k, str(v)) for k, v in STATUSES.items()]
    organisations = sorted(
        (m.organisation for m in current_user.memberships), key=lambda o: o.name.lower()
    )
    form.scope.choices = [("mine", _("My bookings"))] + [
        (str(o.id), _("%(organisation)s's bookings", organisation=o.name)) for o in organisations
    ]
    scope = form.scope.data if form.scope.data in {c[0] for c in form.scope.choices} else "mine"
    form.scope.data = scope
    status = form.status.data if form.status.data in STATUSES else None
    now = utcnow()
    filters = queries.BookingFilter(
        resource_id=form.resource_id.data if isinstance(form.resource_id.data, int) else None,
        user_id=current_user.id if scope == "mine" else None,
        organisation_id=int(scope) if scope != "mine" else None,
        statuses=(status,) if status else None,
    )
    if when == "upcoming":
        filters.start = now
        rows = queries.list_bookings(current_user, filters, limit=MINE_LIMIT)
    else:
        rows = past_bookings(current_user, filters, now, limit=MINE_LIMIT)
    return render_template(
        "bookings/mine.html",
        form=form,
        rows=rows,
        when=when,
        now=now,
        holding=HOLDING,
        cancel_form=CancelForm(),
        meter_form=MeterForm(),
        tab_args={k: v for k, v in request.args.items() if k not in ("when", "lang")},
    )


@bp.get("/approvals")
@login_required
def approvals():
    if not approves_anything(current_user):
        raise NotAllowed(
            _("Only coordinators and referents of an organisation that lends a resource approve.")
        )
    page = whole_number_arg("page") or 1
    requests, more = pending.pending_requests_page(
        current_user, page=page, size=APPROVALS_PAGE_SIZE
    )
    return render_template(
        "bookings/approvals.html",
        requests=requests,
        decision_form=RequestDecisionForm(),
        earlier_url=url_for("bookings.approvals", page=page - 1) if page > 1 else None,
        later_url=url_for("bookings.approvals", page=page + 1) if more else None,
    )


@bp.post("/approvals")
@login_required
def decide_request():
    """Approve or refuse the chosen dates of one request in one go, with one reason."""
    if not approves_anything(current_user):
        raise NotAllowed(
            _("Only coordinators and referents of an organisation that lends a resource approve.")
        )
    form = RequestDecisionForm()
    back = url_for("bookings.approvals")
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    approve = form.decision.data == "approve"
    try:
        decided = decisions.decide_many(
            current_user, list(form.booking_ids.data or []), approve, form.decision_reason.data
        )
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotAllowed) or error.status == 404:
            raise
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    if approve:
        message = ngettext(
            "%(num)s date is approved; the person who booked is told.",
            "%(num)s dates are approved; the person who booked is told.",
            len(decided),
        )
    else:
        message = ngettext(
            "%(num)s date is refused; the person who booked is told.",
            "%(num)s dates are refused; the person who booked is told.",
            len(decided),
        )
    flash(message, "success")
    return redirect(back)


@bp.get("/schedule")
@login_required
def schedule():
    """A shared staff member's own schedule: who booked their time, for the coming weeks."""
    resources = queries.staff_resources(current_user)
    if not resources:
        abort(404)
    today = datetime.now(pole_tz()).date()
    start, _end = local_day_bounds(today)
    end = local_day_bounds(today + timedelta(weeks=8))[1]
    bookings = queries.staff_schedule(current_user, start, end)
    days: dict[date, list] = {}
    for booking in bookings:
        days.setdefault(booking.start_at.astimezone(pole_tz()).date(), []).append(booking)
    return render_template("bookings/schedule.html", resources=resources, days=days)
