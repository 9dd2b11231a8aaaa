"""Forms of the calendar feed and external calendar pages (shape only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from pooling.core.forms import PoolingForm


def _optional_int(value):
    """The chosen id, or None for the empty choice."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class FeedForm(PoolingForm):
    """What a new feed shows: my bookings, one of my organisations' or one resource's."""

    scope = RadioField(
        _l("What the feed shows"),
        choices=[
            ("me", _l("My bookings")),
            ("organisation", _l("My organisation's bookings")),
            ("resource", _l("The bookings of one shared resource")),
        ],
        default="me",
        validators=[DataRequired(message=_l("Choose what the feed shows."))],
    )
    # Whether the organisation or resource may be followed is the service's question.
    organisation_id = SelectField(
        _l("Member organisation"), coerce=_optional_int, validate_choice=False
    )
    resource_id = SelectField(_l("Shared resource"), coerce=_optional_int, validate_choice=False)

    def __init__(self, *args, organisations=(), resources=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]
        self.resource_id.choices = [("", _l("Choose a resource"))] + [
            (r.id, r.name) for r in resources
        ]


class ExternalCalendarForm(PoolingForm):
    """The ICS address whose events make the resource unavailable (empty to remove it)."""

    url = StringField(
        _l("Address of the calendar (ICS)"),
        validators=[Length(max=2000)],
        render_kw={"inputmode": "url", "spellcheck": "false", "autocomplete": "off"},
    )


class ActionForm(PoolingForm):
    """An empty form that carries the CSRF token of a button (revoke, sync now)."""
