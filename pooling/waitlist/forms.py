"""The one-click "join the waitlist" form carried by a taken slot (shape only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from pooling.core.forms import PoolingForm


class JoinForm(PoolingForm):
    """The taken slot (UTC instants), and on behalf of which organisation."""

    resource_id = IntegerField(validators=[InputRequired()])
    start = HiddenField(validators=[InputRequired()])
    end = HiddenField(validators=[InputRequired()])
    quantity = IntegerField(default=1, validators=[Optional(), NumberRange(min=1)])
    title = HiddenField(default="")
    next = HiddenField(default="")
    organisation_id = SelectField(_l("On behalf of"), coerce=int, validate_choice=False)


def join_form(user, slot: dict | None = None) -> JoinForm:
    """A join form for ``user`` (their active organisations to choose from), filled with the
    slot: ``resource_id``, ``start``/``end`` (aware instants), ``quantity``, ``title``,
    ``organisation_id``."""
    form = JoinForm(formdata=None) if slot is not None else JoinForm()
    organisations = [m.organisation for m in user.memberships if m.organisation.active]
    form.organisation_id.choices = [(o.id, o.name) for o in organisations]
    if slot is not None:
        form.resource_id.data = slot["resource_id"]
        form.start.data = slot["start"].isoformat()
        form.end.data = slot["end"].isoformat()
        form.quantity.data = slot.get("quantity") or 1
        form.title.data = slot.get("title") or ""
        form.next.data = slot.get("next") or ""
        chosen = slot.get("organisation_id")
        if chosen in {o.id for o in organisations}:
            form.organisation_id.data = chosen
        elif organisations:
            form.organisation_id.data = organisations[0].id
    return form


def waitlist_slot(booking_request, next_url: str = "") -> dict:
    """The slot of a booking request that clashed, for ``join_form``."""
    return {
        "resource_id": booking_request.resource_id,
        "start": booking_request.start,
        "end": booking_request.end,
        "quantity": booking_request.quantity,
        "title": booking_request.title,
        "organisation_id": booking_request.organisation_id,
        "next": next_url,
    }
