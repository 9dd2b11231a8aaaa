"""Forms of the qualifications pages (shape only; the rules are the services')."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from pooling.core.forms import PoolingForm


class QualificationForm(PoolingForm):
    """A new qualification: its name and an optional validity in months."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    validity_months = IntegerField(_l("Validity (months)"), validators=[Optional()])


class HolderForm(PoolingForm):
    """A person who holds the qualification, until an optional date."""

    user_id = SelectField(_l("Person"), coerce=int, validators=[InputRequired()])
    valid_until = DateField(_l("Valid until (included)"), validators=[Optional()])

    def __init__(self, *args, people=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(p.id, f"{p.name} <{p.email}>") for p in people]
