"""Sign-in, sign-out, invitations, and a person's own account settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from pooling.accounts import services
from pooling.accounts.forms import ChangePasswordForm, LanguageForm, LoginForm, SetPasswordForm
from pooling.core.errors import DomainError
from pooling.core.urls import is_safe_next
from pooling.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _start_session(user) -> None:
    """Sign in with a fresh session: nothing planted in the session before survives."""
    lang = session.get("lang")
    session.clear()
    login_user(user)
    if lang:
        session["lang"] = lang


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    methods=["POST"],
    error_message=lambda: _("Too many sign-in attempts; please wait a minute."),
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if current_user.is_authenticated:
            return redirect(url_for("home.index"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("home.index"))
        flash(_("Wrong e-mail address or password."), "error")
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
def accept_invitation(secret: str):
    try:
        invitation = services.invitation_for(secret)
    except DomainError as error:
        return render_template("errors/error.html", status=404, message=error.message), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(secret, form.password.data)
        except DomainError as error:
            db.session.rollback()
            for message in error.fields.get("password", [error.message]):
                form.password.errors.append(message)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Welcome, %(name)s! Your password is set.", name=user.name), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/invitation.html", form=form, invitation=invitation)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = ChangePasswordForm(prefix="pw")
    language_form = LanguageForm(prefix="lang", locale=current_user.locale)
    return render_template(
        "accounts/account.html", password_form=password_form, language_form=language_form
    )


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    language_form = LanguageForm(prefix="lang", locale=current_user.locale)
    if form.validate_on_submit():
        try:
            services.set_password(
                current_user, form.password.data, current_password=form.current_password.data
            )
        except DomainError as error:
            db.session.rollback()
            for name, messages in error.fields.items():
                getattr(form, name, form.password).errors.extend(messages)
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())
            flash(_("Your password is changed; your other sessions are signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/account.html", password_form=form, language_form=language_form
    ), 422


@bp.post("/account/language")
@login_required
def change_language():
    form = LanguageForm(prefix="lang")
    if form.validate_on_submit():
        services.set_locale(current_user, form.locale.data)
        db.session.commit()
        session.pop("lang", None)
        flash(_("Language saved."), "success")
    return redirect(url_for("accounts.account"))
