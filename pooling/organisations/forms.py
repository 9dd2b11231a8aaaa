"""Forms of the organisation pages (shape only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, StringField
from wtforms.validators import Length, Optional

from pooling.core.forms import PoolingForm
from pooling.organisations.models import ORGANISATION_KINDS


class OrganisationForm(PoolingForm):
    """Name, identifier, kind, SIRET, solidarity coefficient and whether the member is active."""

    name = StringField(_l("Name"), validators=[Length(max=200)])
    slug = StringField(_l("Identifier (slug)"), validators=[Length(max=80)])
    kind = SelectField(_l("Kind of organisation"))
    siret = StringField(_l("SIRET number"), validators=[Optional(), Length(max=20)])
    weight = DecimalField(
        _l("Solidarity coefficient"),
        places=None,
        validators=[Optional()],
        render_kw={"inputmode": "decimal", "step": "any"},
    )
    active = BooleanField(_l("Active member organisation"), default=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(key, label) for key, label in ORGANISATION_KINDS.items()]


class ConfirmForm(PoolingForm):
    """An empty form that only carries the CSRF token of a button (deactivate, remove...)."""
