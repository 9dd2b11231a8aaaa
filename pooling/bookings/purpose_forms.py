"""The form of the coordinators' list of booking purposes (shape only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from pooling.core.forms import PoolingForm


class PurposeForm(PoolingForm):
    """A purpose's French and English labels."""

    name_fr = StringField(_l("Name in French"), validators=[InputRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[InputRequired(), Length(max=120)])
