""" "My notifications": each person chooses which booking mails they receive."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from pooling.core.forms import PoolingForm
from pooling.extensions import db
from pooling.mail import preferences
from pooling.mail.digests import DIGEST_HOUR

bp = Blueprint("mail_preferences", __name__, url_prefix="/account/notifications")


def _delay_choices() -> list[tuple[str, str]]:
    choices = [("none", _("No reminder"))]
    for hours in preferences.REMINDER_HOURS:
        if hours is not None:
            label = _("%(num)s hour before", num=hours) if hours == 1 else None
            choices.append((str(hours), label or _("%(num)s hours before", num=hours)))
    return choices


class PreferencesForm(PoolingForm):
    """One box per kind of booking mail, and the reminder delay."""

    reminder = SelectField(_l("Reminder of my bookings"), validators=[InputRequired()])
    # Absent from the form of someone who approves nothing: their choice is kept.
    pending_mode = SelectField(
        _l("Bookings awaiting my approval"),
        choices=[
            ("each", _l("Each request as it comes")),
            ("digest", _l("One daily digest")),
        ],
    )


for _column, _label, _kinds in preferences.GROUPS:
    setattr(PreferencesForm, _column, BooleanField(_label))


def _form(submitted: bool = False) -> PreferencesForm:
    """The form as posted, or filled with the person's current choices."""
    user = current_user._get_current_object()
    mode = "digest" if user.pending_digest else "each"
    if submitted:
        form = PreferencesForm(pending_mode=mode)
    else:
        values = {column: getattr(user, column) for column, _label, _k in preferences.GROUPS}
        hours = user.reminder_hours
        values["reminder"] = "none" if hours is None else str(hours)
        form = PreferencesForm(formdata=None, pending_mode=mode, **values)
    form.reminder.choices = _delay_choices()
    return form


def _page(form: PreferencesForm, status: int = 200):
    rows = [(form[column], kinds) for column, _label, kinds in preferences.GROUPS]
    hour = f"{DIGEST_HOUR:02d}:00"
    return render_template(
        "accounts/notifications.html", form=form, rows=rows, digest_hour=hour
    ), status


@bp.get("/")
@login_required
def edit():
    return _page(_form())


@bp.post("/")
@login_required
def save():
    form = _form(submitted=True)
    if not form.validate_on_submit():
        return _page(form, 422)
    choice = form.reminder.data
    preferences.save(
        current_user._get_current_object(),
        {column: form[column].data for column, _label, _k in preferences.GROUPS},
        None if choice == "none" else int(choice),
        pending_digest=form.pending_mode.data == "digest",
    )
    db.session.commit()
    flash(_("Your notification choices are saved."), "success")
    return redirect(url_for("mail_preferences.edit"))
