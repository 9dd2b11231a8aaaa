"""Forms of the usage pages (shape only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from pooling.core.forms import PoolingForm


class ManualUsageForm(PoolingForm):
    """A manual usage line: who, on what, which day, how many hours, and why."""

    organisation_id = SelectField(_l("Member organisation"), coerce=int)
    resource_id = SelectField(_l("Shared resource"), coerce=int)
    kind = SelectField(_l("Or a kind of resource"))
    used_on = DateField(_l("Day"), validators=[InputRequired()])
    hours = DecimalField(
        _l("Hours"),
        places=None,
        validators=[InputRequired(), NumberRange(min=0)],
        render_kw={"inputmode": "decimal", "step": "any"},
    )
    quantity = IntegerField(_l("Units"), default=1, validators=[Optional(), NumberRange(min=1)])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])


class NoticeForm(PoolingForm):
    """The late-cancellation notice, in hours."""

    late_cancel_hours = IntegerField(
        _l("Late-cancellation notice (hours)"), validators=[InputRequired(), NumberRange(0, 720)]
    )


class UsageFilter(PoolingForm):
    """The window and grouping of the usage page (GET, no CSRF)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To (included)"), validators=[Optional()])
    group_by = SelectField(
        _l("Group by"),
        choices=[
            ("organisation", _l("Member organisation")),
            ("resource", _l("Shared resource")),
            ("kind", _l("Kind of resource")),
        ],
        default="organisation",
    )
