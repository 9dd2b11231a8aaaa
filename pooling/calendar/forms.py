"""Forms of the calendar pages: the planning's filters and "find a free resource" (shape only)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, TimeField
from wtforms.validators import InputRequired, NumberRange, Optional

from pooling.core.forms import PoolingForm
from pooling.core.time import NonexistentLocalTime, local_to_utc, pole_tz
from pooling.resources.models import RESOURCE_KINDS

VIEWS = {"week": _l("Week"), "day": _l("Day")}


class _Filters(PoolingForm):
    """GET forms: they change nothing, so they carry no CSRF token."""

    class Meta:
        csrf = False


def _kind_choices() -> list:
    return [("", _l("All kinds")), *RESOURCE_KINDS.items()]


class PlanningForm(_Filters):
    """Which week or day the planning shows, and which resources."""

    view = SelectField(_l("Show"), choices=list(VIEWS.items()), default="week")
    date = DateField(_l("Date"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    capacity_min = IntegerField(
        _l("Minimum capacity"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    site = SelectField(_l("Site"), validators=[Optional()], validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices()
        self.offer_sites([])

    def offer_sites(self, sites: list[str]) -> None:
        """The sites to choose from (the locations of the resources shown)."""
        self.site.choices = [("", _l("All sites"))] + [(site, site) for site in sites]


class FindForm(_Filters):
    """A local day and times, and how many people or units: which resources are free then."""

    kind = SelectField(_l("Kind"), validators=[Optional()])
    date = DateField(
        _l("Date"), validators=[InputRequired(message=_l("Give the date (YYYY-MM-DD)."))]
    )
    start_time = TimeField(_l("From"), validators=[InputRequired(message=_l("Give a time."))])
    end_time = TimeField(_l("To"), validators=[InputRequired(message=_l("Give a time."))])
    capacity = IntegerField(
        _l("Number of people"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
    )
    quantity = IntegerField(
        _l("Units"), validators=[Optional(), NumberRange(min=1, max=100000)], default=1
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices()
        self.start_utc: datetime | None = None
        self.end_utc: datetime | None = None

    def validate(self, extra_validators=None) -> bool:
        """Shape checks, then the local times: existing (not skipped by DST), end after start."""
        if not super().validate(extra_validators):
            return False
        tz = pole_tz()
        day = self.date.data
        bounds = {}
        for name in ("start_time", "end_time"):
            field = getattr(self, name)
            try:
                bounds[name] = local_to_utc(datetime.combine(day, field.data), tz)
            except NonexistentLocalTime:
                field.errors.append(
                    _("This time does not exist on that day (the clocks go forward).")
                )
        if len(bounds) < 2:
            return False
        if self.end_time.data <= self.start_time.data:
            self.end_time.errors.append(_("The end must be after the start."))
            return False
        self.start_utc, self.end_utc = bounds["start_time"], bounds["end_time"]
        return True
