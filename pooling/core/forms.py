"""The base of every form of the site (what no field may hold, checked once for all of them)
and the reading of the pages' query parameters."""

from __future__ import annotations

import re
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from pooling.core.text import PlainText, has_control_characters
from pooling.core.time import EARLIEST_YEAR, LATEST_YEAR, check_year

# Identifiers and counts are 32-bit integers in the database.
MAX_NUMBER = 2**31 - 1
# What the booking form's script sends for a date typed in the browser that does not exist
# (31/02): the browser itself would send nothing, and the page would say "required".
NONEXISTENT_DATE = "nonexistent"
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DayField(DateField):
    """A date field that says when a typed date does not exist (31 February) rather than
    calling it missing or malformed."""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist or []).strip()
        if text == NONEXISTENT_DATE or (ISO_DAY.match(text) and not _is_day(text)):
            self.data = None
            raise ValueError(str(_l("This date does not exist.")))
        super().process_formdata(valuelist)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def within_years(form, field) -> None:
    """A date or time field's value lies within EARLIEST_YEAR..LATEST_YEAR."""
    value = field.data
    if isinstance(value, date) and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            str(
                _l(
                    "Give a date between the years %(first)s and %(last)s.",
                    first=EARLIEST_YEAR,
                    last=LATEST_YEAR,
                )
            )
        )


def storable_number(form, field) -> None:
    """A whole number (an integer field, a choice of id) fits in the database's integers."""
    value = field.data
    if isinstance(field, SelectField) and isinstance(value, str) and value.isdigit():
        value = int(value) if value.isascii() else MAX_NUMBER + 1  # an id chosen as text
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise ValidationError(str(_l("This number is too large.")))


class PoolingForm(FlaskForm):
    """A FlaskForm whose texts refuse control characters (line breaks only in text areas),
    whose dates stay within the accepted years and whose whole numbers fit the database."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            extra = [within_years, storable_number]
            # Passwords are never shown and hidden fields are not typed (``next`` is checked
            # where it is followed): every other text is.
            if isinstance(field, StringField) and not isinstance(
                field, PasswordField | HiddenField
            ):
                extra.append(PlainText(multiline=isinstance(field, TextAreaField)))
            field.validators = [*field.validators, *extra]
            return field


def whole_number_arg(name: str) -> int | None:
    """The query parameter ``name`` as an id or count the database can hold, else None."""
    value = request.args.get(name, "")
    if not value.isascii() or not value.isdigit() or int(value) > MAX_NUMBER:
        return None
    return int(value)


def day_arg(name: str) -> date | None:
    """The query parameter ``name`` as an ISO date (2027-01-31) within the accepted years, else None."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
        check_year(day)
    except ValueError:
        return None
    return day


def text_arg(name: str) -> str | None:
    """The query parameter ``name`` as one line of text, else None (empty or with control characters)."""
    value = request.args.get(name) or ""
    if not value or has_control_characters(value):
        return None
    return value
