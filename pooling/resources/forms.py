"""Forms of the resource pages: catalogue filters, resource, closure (shape only)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from pooling.core.formats import split_minutes, to_minutes
from pooling.core.forms import PoolingForm
from pooling.core.time import NonexistentLocalTime, local_day_bounds, local_to_utc
from pooling.resources.models import RESOURCE_KINDS
from pooling.resources.opening_hours import (
    WEEKDAYS,
    OpeningHoursError,
    minutes_of,
    normalise_opening_hours,
)

SPANS_PER_DAY = 2
DURATION_UNITS = [("minutes", _l("minutes")), ("hours", _l("hours")), ("days", _l("days"))]
# The duration fields typed as a number and a unit, stored in minutes: number field -> unit field.
DURATION_FIELDS = {
    "min_duration_minutes": "min_duration_unit",
    "max_duration_minutes": "max_duration_unit",
    "min_notice_minutes": "min_notice_unit",
}
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")


class CatalogueFilterForm(PoolingForm):
    """The catalogue's GET filters (no CSRF: they change nothing)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()])
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    capacity_min = IntegerField(
        _l("Minimum capacity"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    include_inactive = BooleanField(_l("Show inactive resources"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("All kinds"))] + list(RESOURCE_KINDS.items())


def _hours_field_name(day: str, span: int, end: str) -> str:
    return f"hours_{day}_{span}_{end}"


class ResourceForm(PoolingForm):
    """A resource, its booking rules and its weekly opening hours (two spans per day at most)."""

    name = StringField(_l("Name"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind"))
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    location = StringField(_l("Location"), validators=[Length(max=200)])
    capacity = IntegerField(_l("Capacity (people)"), validators=[Optional()])
    quantity = IntegerField(_l("Quantity (units)"), default=1, validators=[Optional()])
    unit = StringField(_l("Unit label"), validators=[Length(max=40)])
    unit_plural = StringField(_l("Unit label, plural"), validators=[Length(max=40)])
    meter_unit = StringField(_l("Meter unit"), validators=[Length(max=20)])
    owner_organisation_id = SelectField(_l("Lent by (owner organisation)"))
    staff_user_id = SelectField(_l("Person (for shared staff)"), default="", validate_choice=False)
    requires_approval = BooleanField(_l("Bookings require approval"))
    active = BooleanField(_l("Active (bookable)"), default=True)
    slot_minutes = IntegerField(_l("Slot (minutes)"), default=15, validators=[Optional()])
    min_duration_minutes = IntegerField(
        _l("Minimum duration"), validators=[Optional(), NumberRange(min=0)]
    )
    min_duration_unit = SelectField(_l("Unit"), choices=DURATION_UNITS, default="hours")
    max_duration_minutes = IntegerField(
        _l("Maximum duration"), validators=[Optional(), NumberRange(min=0)]
    )
    max_duration_unit = SelectField(_l("Unit"), choices=DURATION_UNITS, default="hours")
    min_notice_minutes = IntegerField(
        _l("Minimum notice"), default=0, validators=[Optional(), NumberRange(min=0)]
    )
    min_notice_unit = SelectField(_l("Unit"), choices=DURATION_UNITS, default="hours")
    max_advance_days = IntegerField(_l("Maximum days ahead"), default=365, validators=[Optional()])
    closed_on_public_holidays = BooleanField(_l("Closed on public holidays"), default=True)
    required_qualifications = SelectMultipleField(
        _l("Required qualifications"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    parts = SelectMultipleField(
        _l("Made of"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(
        self, *args, organisations=(), people=(), qualifications=(), resources=(), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.required_qualifications.choices = [(q.id, q.name) for q in qualifications]
        self.parts.choices = [(r.id, r.name) for r in resources]
        self.kind.choices = list(RESOURCE_KINDS.items())
        self.owner_organisation_id.choices = [("", _l("None (the pole)"))] + [
            (str(o.id), o.name) for o in organisations
        ]
        self.staff_user_id.choices = [("", _l("Nobody"))] + [
            (str(p.id), f"{p.name} <{p.email}>") for p in people
        ]
        self.opening_hours_errors: list[str] = []

    def fill_durations(self, minutes: dict[str, int | None]) -> None:
        """Show stored durations in the largest exact unit (1440 minutes -> 1 day)."""
        for name, unit_name in DURATION_FIELDS.items():
            self[name].data, self[unit_name].data = split_minutes(minutes.get(name))

    def durations_in_minutes(self) -> dict[str, int | None]:
        """The typed durations in minutes (None when a field is empty)."""
        return {
            name: to_minutes(self[name].data, self[unit_name].data)
            for name, unit_name in DURATION_FIELDS.items()
        }

    def duration_pairs(self) -> dict:
        """Number field -> unit field, for the template."""
        return {self[name]: self[unit] for name, unit in DURATION_FIELDS.items()}

    def days(self) -> list[tuple[str, list[tuple]]]:
        """Per weekday, its (from, to) field pairs, for the template."""
        return [
            (
                day,
                [
                    (
                        self[_hours_field_name(day, span, "from")],
                        self[_hours_field_name(day, span, "to")],
                    )
                    for span in range(1, SPANS_PER_DAY + 1)
                ],
            )
            for day in WEEKDAYS
        ]

    def fill_opening_hours(self, opening_hours: dict) -> None:
        """Show stored opening hours in the time inputs ("24:00" is shown as 00:00)."""
        for day, pairs in self.days():
            spans = (opening_hours or {}).get(day) or []
            for index, (start_field, end_field) in enumerate(pairs):
                if index < len(spans):
                    start_field.data = spans[index][0]
                    end_field.data = "00:00" if spans[index][1] == "24:00" else spans[index][1]
                else:
                    start_field.data = end_field.data = ""

    def opening_hours(self) -> dict | None:
        """The typed opening hours as ``{"mon": [["08:00", "12:00"], ...]}``.

        An empty span is skipped; "00:00" as an end means midnight ("24:00"). Returns None and
        puts messages on the fields when a day is not of the right shape.
        """
        result: dict[str, list[list[str]]] = {}
        valid = True
        for day, pairs in self.days():
            spans = []
            for start_field, end_field in pairs:
                start = _clock(start_field)
                end = _clock(end_field)
                if start is False or end is False:
                    valid = False
                    continue
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    missing = start_field if start is None else end_field
                    missing.errors = [*missing.errors, _("Give both times, or neither.")]
                    valid = False
                    continue
                spans.append([start, "24:00" if end == "00:00" else end])
            try:
                result.update(normalise_opening_hours({day: spans}))
            except OpeningHoursError as error:
                field = pairs[0][1]
                field.errors = [*field.errors, _opening_hours_message(error.args[0])]
                valid = False
        return result if valid else None


def _clock(field) -> str | None | bool:
    """ "HH:MM" from a time input, None when empty, False (with a message) when malformed."""
    text = (field.data or "").strip()
    if not text:
        return None
    match = CLOCK.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if (hours < 24 and minutes < 60) or (hours == 24 and minutes == 0):
            return f"{hours:02d}:{minutes:02d}"
    field.errors = [*field.errors, _("Write a time as HH:MM.")]
    return False


def _opening_hours_message(code: str) -> str:
    if code == "overlap":
        return _("The two spans of this day overlap.")
    if code == "order":
        return _("Each span must end after it starts.")
    return _("Write a time as HH:MM.")


for _day in WEEKDAYS:
    for _span in range(1, SPANS_PER_DAY + 1):
        for _end, _label in (("from", _l("From")), ("to", _l("To"))):
            setattr(
                ResourceForm,
                _hours_field_name(_day, _span, _end),
                StringField(_label, render_kw={"type": "time"}),
            )


class ClosureForm(PoolingForm):
    """A closure in local dates (and optional times): whole days unless times are given."""

    start_on = DateField(_l("From (date)"), validators=[InputRequired()])
    start_time = StringField(_l("From (time, optional)"), render_kw={"type": "time"})
    end_on = DateField(_l("To (date, included)"), validators=[InputRequired()])
    end_time = StringField(_l("To (time, optional)"), render_kw={"type": "time"})
    reason = StringField(_l("Reason"), validators=[Length(max=200)])
    # Set on the confirmation page when the closure hits bookings: "cancel" or "keep" them.
    decision = HiddenField()

    def instants(self) -> tuple[datetime, datetime] | None:
        """The closure as UTC instants [start, end): from the start of the first local day (or
        the given time) to the end of the last day (or the given time). None, with messages on
        the fields, when a time is malformed or skipped by a daylight-saving change."""
        start_clock = _clock(self.start_time)
        end_clock = _clock(self.end_time)
        if start_clock is False or end_clock is False:
            return None
        try:
            start = local_to_utc(_wall(self.start_on.data, start_clock))
        except NonexistentLocalTime:
            self.start_time.errors = [*self.start_time.errors, _skipped_message()]
            return None
        if end_clock is None:
            return start, local_day_bounds(self.end_on.data)[1]
        try:
            end = local_to_utc(_wall(self.end_on.data, end_clock))
        except NonexistentLocalTime:
            self.end_time.errors = [*self.end_time.errors, _skipped_message()]
            return None
        return start, end


def _skipped_message() -> str:
    return _("This time does not exist on that day (daylight-saving change).")


def _wall(day: date, hhmm: str | None) -> datetime:
    """A naive local wall time on ``day`` ("24:00" is the next midnight)."""
    return datetime.combine(day, time(0)) + timedelta(minutes=minutes_of(hhmm or "00:00"))
