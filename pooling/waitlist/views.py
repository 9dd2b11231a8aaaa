"""The waitlist pages: "My waitlist" (positions, accept, decline, leave), every resource's
list for the coordinators, and the one-click join from a taken slot."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.core.errors import DomainError, NotAllowed, NotFound
from pooling.core.time import local_to_utc, pole_tz
from pooling.extensions import db
from pooling.organisations.forms import ConfirmForm
from pooling.waitlist import services
from pooling.waitlist.forms import join_form
from pooling.waitlist.models import ACTIVE

bp = Blueprint("waitlist", __name__, url_prefix="/waitlist")


def _instant(text: str | None) -> datetime | None:
    """An instant of the form: with its offset, or a local wall time of the pole (what the
    resource calendar selects); None when it cannot be read or does not exist that day."""
    try:
        value = datetime.fromisoformat(str(text or "").replace("Z", "+00:00"))
        return value if value.tzinfo else local_to_utc(value, pole_tz())
    except (ValueError, OverflowError):
        return None


def _back(target: str | None):
    """Back to the page the form came from (a path of this site), else "My waitlist"."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return redirect(target)
    return redirect(url_for("waitlist.mine"))


@bp.get("/")
@login_required
def mine():
    entries = services.list_entries(
        current_user, services.WaitlistFilter(statuses=ACTIVE + ("accepted",)), limit=500
    )
    everyone = []
    if current_user.is_coordinator:
        everyone = services.list_entries(
            current_user,
            services.WaitlistFilter(everyone=True, statuses=ACTIVE),
            limit=500,
        )
    by_resource: dict = {}
    for entry in everyone:
        by_resource.setdefault(entry.resource, []).append(entry)
    return render_template(
        "waitlist/mine.html",
        entries=entries,
        by_resource=sorted(by_resource.items(), key=lambda item: item[0].name.lower()),
        positions=services.positions(entries + everyone),
        form=ConfirmForm(),
    )


@bp.post("/join")
@login_required
def join():
    form = join_form(current_user)
    start, end = _instant(form.start.data), _instant(form.end.data)
    if not form.validate_on_submit() or start is None or end is None:
        flash(_("This slot could not be read; choose it again."), "error")
        return _back(form.next.data)
    try:
        services.join(
            current_user,
            services.WaitlistRequest(
                resource_id=form.resource_id.data,
                start=start,
                end=end,
                title=form.title.data or "",
                quantity=form.quantity.data or 1,
                organisation_id=form.organisation_id.data,
            ),
        )
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotAllowed | NotFound):
            raise
        flash(error.message, "error")
        return _back(form.next.data)
    db.session.commit()
    flash(
        _("You are on the waitlist: if this time is freed, it is offered to you."),
        "success",
    )
    return redirect(url_for("waitlist.mine"))


def _act(entry_id: int, act, done: str):
    """Run ``act`` on the entry and commit; None (with the reason flashed) when refused."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form has expired; try again."), "error")
        return None
    try:
        result = act(current_user, entry_id)
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotAllowed | NotFound):
            raise
        flash(error.message, "error")
        return None
    db.session.commit()
    flash(done, "success")
    return result


@bp.post("/<int:entry_id>/accept")
@login_required
def accept(entry_id: int):
    booking = _act(entry_id, services.accept, _("Booked: the slot is yours."))
    if booking is None:
        return redirect(url_for("waitlist.mine"))
    return redirect(url_for("bookings.detail", booking_id=booking.id))


@bp.post("/<int:entry_id>/decline")
@login_required
def decline(entry_id: int):
    _act(entry_id, services.decline, _("Declined: the slot passes to the next person."))
    return redirect(url_for("waitlist.mine"))


@bp.post("/<int:entry_id>/leave")
@login_required
def leave(entry_id: int):
    _act(entry_id, services.leave, _("Taken off the waitlist."))
    return redirect(url_for("waitlist.mine"))
