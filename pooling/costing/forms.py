"""Forms of the cost-sharing pages (shape only; the services check the rules)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from pooling.core.forms import PoolingForm
from pooling.costing.allocation import RULES
from pooling.costing.models import CATEGORIES, RULE_LABELS, USAGE_UNITS
from pooling.resources.models import RESOURCE_KINDS


class NumberField(StringField):
    """A number typed as text, with a decimal point or comma ("12,50"); empty is None.

    Only the shape is checked here (a finite number); the service checks the amounts.
    """

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        if not text:
            return
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("A number is expected.")) from None
        if not number.is_finite():
            raise ValueError(_("A number is expected."))
        self.data = number

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class PeriodForm(PoolingForm):
    """A cost period: name, first and last day, provisional or final."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    first_day = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(_l("Last day (included)"), validators=[InputRequired()])
    provisional = BooleanField(_l("Provisional (billed at provisional rates, trued up later)"))


class CostForm(PoolingForm):
    """A cost line: numbers are typed with a point or a comma; the service checks the rules."""

    label = StringField(_l("Label"), validators=[InputRequired(), Length(max=200)])
    category = SelectField(_l("Category"))
    amount = NumberField(_l("Amount"), render_kw={"inputmode": "decimal"})
    subsidy = NumberField(_l("Subsidy"), render_kw={"inputmode": "decimal"})
    resource_id = SelectField(_l("Shared resource"), coerce=int)
    kind = SelectField(_l("Or every resource of a kind"))
    rule = SelectField(_l("Allocation rule"))
    fixed_share = NumberField(
        _l("Fixed share (fixed + usage rule), e.g. 0.30"), render_kw={"inputmode": "decimal"}
    )
    usage_unit = SelectField(_l("Usage measured in"))
    paid_by = SelectField(_l("Paid by"))
    loaded_hourly_cost = NumberField(
        _l("Shared staff: loaded hourly cost"), render_kw={"inputmode": "decimal"}
    )
    management_coefficient = NumberField(
        _l("Shared staff: management coefficient"), render_kw={"inputmode": "decimal"}
    )

    def __init__(self, *args, resources=(), organisations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [(k, str(v)) for k, v in CATEGORIES.items()]
        self.resource_id.choices = [(0, _l("None (the whole pole or a kind)"))] + [
            (r.id, r.name) for r in resources
        ]
        self.kind.choices = [("", _l("None"))] + [(k, str(v)) for k, v in RESOURCE_KINDS.items()]
        self.rule.choices = [(rule, str(RULE_LABELS[rule])) for rule in RULES]
        self.usage_unit.choices = [("", _l("Automatic"))] + [
            (k, str(v)) for k, v in USAGE_UNITS.items()
        ]
        self.paid_by.choices = [
            ("", _l("The resource's owner, else the pole")),
            ("pole", _l("The pole")),
        ] + [(str(o.id), o.name) for o in organisations]


class ConfirmForm(PoolingForm):
    """Only the CSRF token of a button (close a period)."""


class ReopenForm(PoolingForm):
    """Reopening a closed period needs a reason, kept in the audit trail."""

    reason = TextAreaField(_l("Why reopen it?"), validators=[Optional(), Length(max=2000)])
