"""Forms of the booking pages (shape only: whether a slot is free is the service's question)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from pooling.bookings.recurrence_form import WEEKDAY_CODES
from pooling.core.forms import DayField, PoolingForm


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (the weekdays of a weekly booking)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_int(value):
    """ "" or None -> None, else an int (select fields whose first choice is "none")."""
    if value in (None, "", "None"):
        return None
    return int(value)


class BookingForm(PoolingForm):
    """Resource, on whose behalf, local date and times, quantity, title, co-organisation, recurrence."""

    resource_id = SelectField(_l("Shared resource"), coerce=int, validators=[InputRequired()])
    organisation_id = SelectField(
        _l("On behalf of which member organisation"), coerce=_optional_int, validate_choice=False
    )
    date = DayField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[InputRequired()])
    end_date = DayField(_l("End date (if not the same day)"), validators=[Optional()])
    quantity = IntegerField(
        _l("Quantity"), default=1, validators=[InputRequired(), NumberRange(min=1)]
    )
    title = StringField(_l("Title"), validators=[Length(max=200)])
    purpose = SelectField(_l("Purpose (optional)"), validate_choice=False)
    attendance = IntegerField(
        _l("Expected attendance (optional)"),
        validators=[Optional(), NumberRange(min=0, max=100_000)],
    )
    co_organisation_id = SelectField(
        _l("Co-organised with (optional)"), coerce=_optional_int, validate_choice=False
    )
    co_share = IntegerField(
        _l("Share of the other organisation (%)"),
        default=50,
        validators=[Optional(), NumberRange(min=1, max=99)],
    )
    repeat = RadioField(
        _l("Repeat"),
        default="none",
        choices=[
            ("none", _l("Does not repeat")),
            ("daily", _l("Every day")),
            ("weekly", _l("Every week, on the days ticked below")),
            ("monthly_date", _l("Every month on the same date")),
            ("monthly_weekday", _l("Every month on the same weekday (e.g. 2nd Tuesday)")),
        ],
    )
    interval = IntegerField(
        _l("Every how many days, weeks or months"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=52)],
    )
    weekdays = MultiCheckboxField(_l("On these days"), choices=[])
    ending = RadioField(
        _l("Ending"),
        default="count",
        choices=[("count", _l("After a number of times")), ("until", _l("Until a date"))],
    )
    count = IntegerField(
        _l("Number of times"), default=4, validators=[Optional(), NumberRange(min=1, max=520)]
    )
    until = DayField(_l("Last date"), validators=[Optional()])
    on_conflict = RadioField(
        _l("If some dates are taken"),
        default="fail",
        choices=[("fail", _l("Cancel everything")), ("skip", _l("Book the free dates"))],
    )

    def __init__(self, *args, weekday_names: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = weekday_names or list(WEEKDAY_CODES)
        self.weekdays.choices = list(zip(WEEKDAY_CODES, names, strict=True))

    def validate(self, extra_validators=None) -> bool:
        """Shape checks across fields: the end after the start, a recurrence that can end."""
        valid = super().validate(extra_validators)
        if self.repeat.data != "none":
            if self.ending.data == "until" and self.until.data is None:
                self.until.errors.append(_l("Give the last date."))
                valid = False
            if self.ending.data == "count" and self.count.data is None:
                self.count.errors.append(_l("Give the number of times."))
                valid = False
        return valid


class EditBookingForm(PoolingForm):
    """Move, resize or retitle one booking (one occurrence of a series)."""

    date = DayField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[InputRequired()])
    end_date = DayField(_l("End date (if not the same day)"), validators=[Optional()])
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(), NumberRange(min=1)])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    purpose = SelectField(_l("Purpose (optional)"), validate_choice=False)
    attendance = IntegerField(
        _l("Expected attendance (optional)"),
        validators=[Optional(), NumberRange(min=0, max=100_000)],
    )


class MeterForm(PoolingForm):
    """Check-in or check-out, with the meter reading when the resource has a meter."""

    meter = DecimalField(
        _l("Meter reading"),
        places=None,
        validators=[Optional(), NumberRange(min=0)],
        render_kw={"inputmode": "decimal", "step": "any"},
    )


class DecisionForm(PoolingForm):
    """Approve or refuse a pending booking, with an optional reason."""

    decision_reason = StringField(_l("Reason (optional)"), validators=[Length(max=1000)])


class RequestDecisionForm(PoolingForm):
    """Approve or refuse the chosen dates of a request (a whole series by default), with one
    reason for all of them."""

    booking_ids = SelectMultipleField(_l("Dates"), coerce=int, validate_choice=False)
    decision = StringField(_l("Decision"), validators=[AnyOf(("approve", "refuse"))])
    decision_reason = StringField(_l("Reason (optional)"), validators=[Length(max=1000)])


class CancelForm(PoolingForm):
    """Cancel a booking (or the rest of a series), with an optional reason."""

    cancel_reason = StringField(_l("Reason (optional)"), validators=[Length(max=1000)])


class MyBookingsFilterForm(PoolingForm):
    """The filters of "My bookings" (read from the query string, no CSRF needed)."""

    class Meta:
        csrf = False

    resource_id = SelectField(_l("Shared resource"), coerce=_optional_int, validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    scope = SelectField(
        _l("Whose bookings"),
        choices=[("mine", _l("My bookings")), ("organisation", _l("My organisation's"))],
        validate_choice=False,
    )
