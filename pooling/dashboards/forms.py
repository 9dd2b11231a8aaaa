"""Forms of the dashboard pages: the period and filters (GET), the in-kind valuation (shape only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from pooling.core.forms import PoolingForm

PERIOD_CHOICES = [
    ("week", _l("Week")),
    ("month", _l("Month")),
    ("quarter", _l("Quarter")),
    ("year", _l("Year")),
    ("custom", _l("Custom dates")),
]


def _optional_int(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class DashboardFilterForm(PoolingForm):
    """The dashboard's period and filters, read from the query string (no CSRF: read only)."""

    class Meta:
        csrf = False

    period = SelectField(_l("Period"), choices=PERIOD_CHOICES, default="month")
    on = DateField(_l("Including the day"), validators=[Optional()])
    start = DateField(_l("First day"), validators=[Optional()])
    end = DateField(_l("Last day"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    resource = SelectField(_l("Shared resource"), coerce=_optional_int, validators=[Optional()])
    organisation = SelectField(
        _l("Member organisation"), coerce=_optional_int, validators=[Optional()]
    )

    def set_choices(self, choices) -> None:
        """Fill the selects from the service's FilterChoices."""
        self.kind.choices = [("", _l("All kinds"))] + choices.kinds
        self.resource.choices = [(None, _l("All resources"))] + choices.resources
        everyone = [] if choices.organisation_locked else [(None, _l("All organisations"))]
        self.organisation.choices = everyone + choices.organisations


class ReportPeriodForm(PoolingForm):
    """The activity report's first and last days (GET, no CSRF)."""

    class Meta:
        csrf = False

    start = DateField(_l("First day"), validators=[Optional()])
    end = DateField(_l("Last day"), validators=[Optional()])


class InKindRateForm(PoolingForm):
    """The hourly value of a kind or of a resource lent free; empty removes it."""

    subject = SelectField(_l("Kind or shared resource"), validators=[InputRequired()])
    hourly_rate = DecimalField(
        _l("Value per hour"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
