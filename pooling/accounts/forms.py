"""Forms of the account and people pages (shape only; the services check the rules)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from pooling.core.forms import PoolingForm

EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _required(message: str | None = None) -> DataRequired:
    return DataRequired(message=message if message is not None else _l("This field is required."))


def _role_choices() -> list[tuple[str, str]]:
    return [("member", _l("Member")), ("org_admin", _l("Referent"))]


class LoginForm(PoolingForm):
    """E-mail and password; ``next`` is the page to go back to, if it is on this site."""

    email = EmailField(_l("E-mail address"), validators=[_required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required(), Length(max=1024)])
    next = HiddenField()


class ForgottenPasswordForm(PoolingForm):
    """The address of the account whose password was forgotten."""

    email = EmailField(_l("E-mail address"), validators=[_required(), Length(max=254)])


class SetPasswordForm(PoolingForm):
    """A new password, typed twice."""

    # Length and strength are the service's rules (passwords.password_problem).
    password = PasswordField(_l("New password"), validators=[_required()])
    confirm = PasswordField(
        _l("Confirm the new password"),
        validators=[_required(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ChangePasswordForm(SetPasswordForm):
    """A person changing their own password: the current one first."""

    current_password = PasswordField(_l("Current password"), validators=[_required()])


class LanguageForm(PoolingForm):
    """The interface language of a person."""

    locale = SelectField(_l("Language"), choices=[("fr", "Français"), ("en", "English")])


class TokenForm(PoolingForm):
    """A label for a new personal API token."""

    name = StringField(_l("Token name"), validators=[Length(max=100)])


class PersonForm(PoolingForm):
    """A new person of an organisation."""

    name = StringField(
        _l("Name"), validators=[_required(_l("A name is required.")), Length(max=200)]
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            _required(),
            Length(max=254),
            Regexp(EMAIL_SHAPE, message=_l("Enter a valid e-mail address.")),
        ],
    )
    role = SelectField(_l("Role"), choices=_role_choices)


class AttachPersonForm(PoolingForm):
    """An existing person, by e-mail, to attach to one more organisation."""

    email = EmailField(
        _l("E-mail address of the person"),
        validators=[
            _required(),
            Length(max=254),
            Regexp(EMAIL_SHAPE, message=_l("Enter a valid e-mail address.")),
        ],
    )
    role = SelectField(_l("Role"), choices=_role_choices)


class RoleForm(PoolingForm):
    """The new role of a person in an organisation."""

    role = SelectField(_l("Role"), choices=_role_choices, validate_choice=True)


class ActionForm(PoolingForm):
    """A button that only needs the CSRF token (revoke, remove, deactivate...)."""
