"""The coordinators' page of mails: the last ones with their status, the failed ones to resend."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.core.errors import RuleViolation
from pooling.core.forms import PoolingForm
from pooling.extensions import db
from pooling.mail import outbox

bp = Blueprint("mail", __name__, url_prefix="/admin/mails")


def _actor():
    return current_user._get_current_object()


@bp.get("/")
@login_required
def index():
    recent, failed = outbox.recent_mails(_actor())
    return render_template(
        "admin/mails.html", recent=recent, failed=failed, action_form=PoolingForm(formdata=None)
    )


@bp.post("/<int:mail_id>/resend")
@login_required
def resend(mail_id: int):
    PoolingForm()  # the CSRF token is checked for every POST by CSRFProtect
    try:
        sent_again = outbox.resend(_actor(), mail_id)
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("mail.index"))
    db.session.commit()
    flash(_("The mail to %(address)s is queued again.", address=sent_again.to_address), "success")
    return redirect(url_for("mail.index"))
