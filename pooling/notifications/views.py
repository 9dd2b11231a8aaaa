"""The notification inbox page, and the unread count shown in the navigation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.bookings import shares as co_organisation
from pooling.extensions import db
from pooling.notifications import services
from pooling.organisations.forms import ConfirmForm

bp = Blueprint("notifications", __name__, url_prefix="/inbox")


@bp.app_context_processor
def unread_badge() -> dict:
    """The number of unread notifications, for the "Inbox" link of every page."""
    if not current_user or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": services.unread_count(current_user)}


@bp.get("/")
@login_required
def inbox():
    notifications = services.inbox(current_user)
    return render_template(
        "notifications/inbox.html",
        rows=[(n, services.message(n)) for n in notifications],
        proposed=co_organisation.proposed_to(current_user),
        form=ConfirmForm(),
    )


@bp.post("/read")
@login_required
def mark_all_read():
    form = ConfirmForm()
    if form.validate_on_submit():
        count = services.mark_all_read(current_user)
        db.session.commit()
        if count:
            flash(_("Every notification is marked as read."), "success")
    return redirect(url_for("notifications.inbox"))
