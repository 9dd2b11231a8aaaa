"""Sign-in, sign-out, invitations, a person's own account, and the people of an organisation."""

from __future__ import annotations

import hashlib

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
from werkzeug.exceptions import TooManyRequests

from pooling.accounts import invitations, organisation_people, profile, services
from pooling.accounts.forms import (
    ActionForm,
    AttachPersonForm,
    ChangePasswordForm,
    ForgottenPasswordForm,
    LanguageForm,
    LoginForm,
    PersonForm,
    RoleForm,
    SetPasswordForm,
    TokenForm,
)
from pooling.accounts.permissions import can_manage_account
from pooling.core.confirmation import ask, is_confirmed
from pooling.core.errors import DomainError, RuleViolation
from pooling.core.form_errors import place_field_errors
from pooling.core.urls import is_safe_next
from pooling.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_key() -> str:
    """Sign-in attempts are also counted per account, wherever they come from."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _too_many_attempts() -> str:
    return _("Too many sign-in attempts; please wait a minute.")


def _actor():
    """The signed-in person as a plain object, for the services."""
    return current_user._get_current_object()


def _start_session(user) -> None:
    """Sign in with a fresh session: nothing planted in the session before survives."""
    lang = session.get("lang")
    session.clear()
    login_user(user)
    if lang:
        session["lang"] = lang


def _put_errors(form, error: DomainError, default_field: str | None = None) -> None:
    """Show a service's field messages next to the form's fields (or flash its message)."""
    shown, _unplaced = place_field_errors(form, error, default_field=default_field)
    if not shown:
        flash(error.message, "error")


@bp.errorhandler(TooManyRequests)
def too_many_requests(error: TooManyRequests):
    """The throttled sign-in page: a translated message, status 429."""
    db.session.rollback()
    message = error.description if isinstance(error.description, str) else None
    return render_template(
        "errors/error.html", status=429, message=message or _too_many_attempts()
    ), 429


# Sign-in and sign-out


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message=_too_many_attempts)
@limiter.limit(
    _login_limit, methods=["POST"], key_func=_login_account_key, error_message=_too_many_attempts
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
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # A copy of the old session cookie must not work any more: rotate the session token,
    # which signs the person out in every browser.
    profile.end_sessions(_actor())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


# Forgotten password


def _too_many_requests() -> str:
    return _("Too many requests; please wait a minute.")


@bp.route("/password/forgotten", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message=_too_many_requests)
@limiter.limit(
    _login_limit, methods=["POST"], key_func=_login_account_key, error_message=_too_many_requests
)
def forgotten_password():
    """Ask for a link to set a new password; the answer never tells whether the address exists."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        invitations.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _(
                "If an account has the address %(email)s, a link to choose a new password has "
                "just been sent to it. It is valid for one hour.",
                email=form.email.data.strip(),
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/forgotten_password.html", form=form), status


@bp.route("/password/reset/<secret>", methods=["GET", "POST"])
def reset_password(secret: str):
    """The page of a forgotten-password link: a new password, then signed in."""
    try:
        invitation = invitations.invitation_for(secret)
    except DomainError as error:
        return render_template("errors/error.html", status=404, message=error.message), 404
    return _password_from_link(
        secret,
        invitation,
        "accounts/reset_password.html",
        lambda _user: _("Your password is changed; your other sessions are signed out."),
    )


def _password_from_link(secret: str, invitation, template: str, welcome):
    """The form of a one-time link: set the password, sign in, flash ``welcome(user)``."""
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(secret, form.password.data)
        except DomainError as error:
            db.session.rollback()
            _put_errors(form, error, "password")
        else:
            db.session.commit()
            _start_session(user)
            flash(welcome(user), "success")
            return redirect(url_for("home.index"))
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, invitation=invitation), status


# Invitations


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
def accept_invitation(secret: str):
    try:
        invitation = invitations.open_invitation(secret)
    except DomainError as error:
        return render_template("errors/error.html", status=404, message=error.message), 404
    if invitation.organisation_id is not None:
        return _join_organisation(secret, invitation)
    return _password_from_link(
        secret,
        invitation,
        "accounts/invitation.html",
        lambda user: _("Welcome, %(name)s! Your password is set.", name=user.name),
    )


def _join_organisation(secret: str, invitation):
    """The page of a proposal to join an organisation: its owner, signed in, accepts it."""
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        ActionForm()  # the CSRF token is checked for every POST by CSRFProtect
        membership = invitations.accept_proposal(_actor(), secret)
        db.session.commit()
        flash(_("You now also belong to %(org)s.", org=membership.organisation.name), "success")
        return redirect(url_for("home.index"))
    owner = current_user.is_authenticated and current_user.id == invitation.user_id
    return render_template(
        "accounts/join.html",
        invitation=invitation,
        owner=owner,
        action_form=ActionForm(formdata=None),
    )


# A person's own account


def _account_page(status: int = 200, **forms):
    """The account page, with the given forms (for their errors) or fresh ones."""
    user = _actor()
    forms.setdefault("password_form", ChangePasswordForm(prefix="pw", formdata=None))
    forms.setdefault(
        "language_form", LanguageForm(prefix="lang", formdata=None, locale=user.locale)
    )
    forms.setdefault("token_form", TokenForm(prefix="token", formdata=None))
    forms.setdefault("new_token", None)
    return render_template(
        "accounts/account.html",
        tokens=services.tokens_of(user),
        action_form=ActionForm(formdata=None),
        **forms,
    ), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            profile.set_password(
                _actor(), form.password.data, current_password=form.current_password.data
            )
        except DomainError as error:
            db.session.rollback()
            _put_errors(form, error, "password")
        else:
            db.session.commit()
            _start_session(_actor())
            flash(_("Your password is changed; your other sessions are signed out."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(422, password_form=form)


@bp.post("/account/language")
@login_required
def change_language():
    form = LanguageForm(prefix="lang")
    if form.validate_on_submit():
        try:
            profile.set_locale(_actor(), form.locale.data)
        except DomainError as error:
            db.session.rollback()
            _put_errors(form, error, "locale")
        else:
            db.session.commit()
            session.pop("lang", None)
            flash(_("Language saved."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(422, language_form=form)


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return _account_page(422, token_form=form)
    token, secret = services.create_token(_actor(), form.name.data or "")
    db.session.commit()
    # The secret is in this response only: never in a cookie, a flash or a log.
    response, status = _account_page(200, new_token={"token": token, "secret": secret})
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    ActionForm()  # the CSRF token is checked for every POST by CSRFProtect
    token = services.revoke_token(_actor(), token_id)
    db.session.commit()
    flash(_("The token %(prefix)s… is revoked.", prefix=token.prefix), "success")
    return redirect(url_for("accounts.account"))


# The people of an organisation


def _people_page(slug: str, status: int = 200, **forms):
    overview = organisation_people.people_overview(_actor(), slug)
    forms.setdefault("person_form", PersonForm(prefix="add", formdata=None))
    forms.setdefault("attach_form", AttachPersonForm(prefix="attach", formdata=None))
    return render_template(
        "accounts/people.html",
        overview=overview,
        organisation=overview.organisation,
        action_form=ActionForm(formdata=None),
        **forms,
    ), status


def _invitation_flash(user, secret: str) -> None:
    link = url_for("accounts.accept_invitation", secret=secret, _external=True)
    flash(
        _(
            "Send this one-time link to %(name)s so they can choose a password (it will not be "
            "shown again): %(link)s",
            name=user.name,
            link=link,
        ),
        "success",
    )
    _mailed_flash(user.email)


def _mailed_flash(email: str) -> None:
    flash(_("The link was also sent by e-mail to %(email)s.", email=email), "info")


@bp.get("/organisations/<slug>/people")
@login_required
def people(slug: str):
    return _people_page(slug)


@bp.post("/organisations/<slug>/people")
@login_required
def add_person(slug: str):
    form = PersonForm(prefix="add")
    if form.validate_on_submit():
        try:
            name, secret = organisation_people.add_person_to_organisation(
                _actor(),
                slug,
                services.PersonInput(
                    email=form.email.data, name=form.name.data, role=form.role.data
                ),
            )
        except RuleViolation as error:
            db.session.rollback()
            _put_errors(form, error)
        else:
            # The same words whether the address is new or has an account elsewhere.
            db.session.commit()
            link = url_for("accounts.accept_invitation", secret=secret, _external=True)
            flash(
                _(
                    "%(name)s is invited. Send them this one-time link to join the "
                    "organisation (it will not be shown again): %(link)s",
                    name=name,
                    link=link,
                ),
                "success",
            )
            _mailed_flash(services.normalise_email(form.email.data))
            return redirect(url_for("accounts.people", slug=slug))
    return _people_page(slug, 422, person_form=form)


@bp.post("/organisations/<slug>/people/attach")
@login_required
def attach_person(slug: str):
    organisation_people.require_attacher(
        _actor(), slug
    )  # a referent is refused before any validation
    form = AttachPersonForm(prefix="attach")
    if form.validate_on_submit():
        try:
            membership = organisation_people.attach_person(
                _actor(), slug, form.email.data, form.role.data
            )
        except RuleViolation as error:
            db.session.rollback()
            _put_errors(form, error, "email")
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s now also belongs to %(org)s.",
                    name=membership.user.name,
                    org=membership.organisation.name,
                ),
                "success",
            )
            return redirect(url_for("accounts.people", slug=slug))
    return _people_page(slug, 422, attach_form=form)


def _person_action(slug: str, act, message):
    """Run one action on a person of the page, then come back to the page (or explain why not).

    ``act`` returns the person acted on; ``message(person)`` says what was done.
    """
    try:
        user = act()
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
        return _people_page(slug, 422)
    db.session.commit()
    flash(message(user), "success")
    return redirect(url_for("accounts.people", slug=slug))


@bp.post("/organisations/<slug>/people/<int:membership_id>/invite")
@login_required
def reinvite(slug: str, membership_id: int):
    try:
        user, secret, resetting = organisation_people.reinvite_person(_actor(), slug, membership_id)
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
        return _people_page(slug, 422)
    db.session.commit()
    if resetting:
        flash(
            _(
                "One-time link to reset the password of %(name)s (it will not be shown again, "
                "and lasts %(hours)s hours). Their current password keeps working until the "
                "link is used, and they are told in their inbox. %(link)s",
                name=user.name,
                hours=invitations.RESET_LINK_HOURS,
                link=url_for("accounts.accept_invitation", secret=secret, _external=True),
            ),
            "success",
        )
        _mailed_flash(user.email)
    else:
        _invitation_flash(user, secret)
    return redirect(url_for("accounts.people", slug=slug))


@bp.post("/organisations/<slug>/people/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("The role must be member or referent."), "error")
        return _people_page(slug, 422)
    if form.role.data == "member" and not is_confirmed():
        person = organisation_people.get_person(_actor(), slug, membership_id)
        if person.role == "org_admin":
            return ask(
                _("Make %(name)s a member instead of a referent?", name=person.user.name),
                warning=_(
                    "A member no longer manages the people of the organisation, nor approves "
                    "the bookings of its lent resources."
                ),
                button=_("Make member"),
                back=url_for("accounts.people", slug=slug),
            )
    return _person_action(
        slug,
        lambda: (
            organisation_people.set_person_role(_actor(), slug, membership_id, form.role.data).user
        ),
        lambda user: _("The role of %(name)s is changed.", name=user.name),
    )


@bp.post("/organisations/<slug>/people/<int:membership_id>/remove")
@login_required
def remove_person(slug: str, membership_id: int):
    if not is_confirmed():
        person = organisation_people.get_person(_actor(), slug, membership_id)
        return ask(
            _("Remove %(name)s from this organisation?", name=person.user.name),
            button=_("Remove from the organisation"),
            back=url_for("accounts.people", slug=slug),
        )
    return _person_action(
        slug,
        lambda: organisation_people.remove_person(_actor(), slug, membership_id),
        lambda user: _("%(name)s no longer belongs to this organisation.", name=user.name),
    )


@bp.post("/organisations/<slug>/people/<int:membership_id>/deactivate")
@login_required
def deactivate_person(slug: str, membership_id: int):
    person = organisation_people.get_person(_actor(), slug, membership_id)
    if not is_confirmed() and can_manage_account(_actor(), person.user):
        return ask(
            _("Deactivate the account of %(name)s?", name=person.user.name),
            warning=_("This person will no longer be able to sign in, until reactivated."),
            button=_("Deactivate"),
            back=url_for("accounts.people", slug=slug),
        )
    return _person_action(
        slug,
        lambda: organisation_people.set_person_active(_actor(), slug, membership_id, False),
        lambda user: _("%(name)s can no longer sign in.", name=user.name),
    )


@bp.post("/organisations/<slug>/people/<int:membership_id>/reactivate")
@login_required
def reactivate_person(slug: str, membership_id: int):
    return _person_action(
        slug,
        lambda: organisation_people.set_person_active(_actor(), slug, membership_id, True),
        lambda user: _("%(name)s can sign in again.", name=user.name),
    )
