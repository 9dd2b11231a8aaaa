"""Use cases on member organisations: create, edit, deactivate; each checks the actor."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from pooling.accounts.models import Membership
from pooling.audit.services import record
from pooling.core.actors import require_actor
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.extensions import db
from pooling.organisations.models import ORGANISATION_KINDS, Organisation
from pooling.organisations.permissions import can_manage_organisations
from pooling.organisations.siret import normalise_siret, siret_valid

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_WEIGHT = Decimal("10000")


@dataclass
class OrganisationInput:
    """What a form, the API or the CLI says about an organisation, typed; None means "not
    given" (the default on creation, unchanged on edit)."""

    name: str | None = None
    slug: str | None = None
    kind: str | None = None
    siret: str | None = None
    weight: Decimal | None = None
    active: bool | None = None


def slugify(text: str) -> str:
    """A lower-case ASCII slug from a name: "Les Ateliers d'Été" -> "les-ateliers-d-ete"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "organisation"


def list_organisations(*, include_inactive: bool = True) -> list[Organisation]:
    """Every member organisation, by name."""
    query = select(Organisation).order_by(func.lower(Organisation.name))
    if not include_inactive:
        query = query.where(Organisation.active.is_(True))
    return list(db.session.scalars(query))


def get_organisation(org_id: int) -> Organisation:
    """The organisation with this id; raises NotFound."""
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        raise NotFound(_("This organisation does not exist."))
    return organisation


def get_organisation_by_slug(slug: str) -> Organisation:
    """The organisation with this slug; raises NotFound."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound(_("No organisation has the identifier %(slug)s.", slug=slug))
    return organisation


def _clean(data: OrganisationInput, current: Organisation | None) -> dict:
    """Check the rules of the fields (a name, a free identifier, a valid SIRET, a weight above
    zero); returns the values to write. Raises RuleViolation."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    if data.name is not None or current is None:
        name = (data.name or "").strip()
        if not name:
            errors.setdefault("name", []).append(_("A name is required."))
        elif len(name) > 200:
            errors.setdefault("name", []).append(_("At most 200 characters."))
        values["name"] = name
    if data.slug is not None or current is None:
        slug = (data.slug or "").strip().lower() or slugify(values.get("name") or "")
        if not SLUG_RE.match(slug) or len(slug) > 80:
            errors.setdefault("slug", []).append(
                _("Use lower-case letters, digits and dashes only.")
            )
        else:
            taken = db.session.scalar(
                select(Organisation.id).where(
                    Organisation.slug == slug,
                    Organisation.id != (current.id if current else -1),
                )
            )
            if taken and data.slug:
                errors.setdefault("slug", []).append(
                    _("This identifier is already used by another organisation.")
                )
            elif taken:
                slug = _free_slug(slug)
        values["slug"] = slug
    if data.kind is not None or current is None:
        kind = data.kind or "association"
        if kind not in ORGANISATION_KINDS:
            errors.setdefault("kind", []).append(
                _("Unknown kind; choose one of: %(kinds)s.", kinds=", ".join(ORGANISATION_KINDS))
            )
        values["kind"] = kind
    if data.siret is not None:
        siret = normalise_siret(data.siret)
        if siret and not siret_valid(siret):
            errors.setdefault("siret", []).append(
                _("This SIRET is not valid (14 digits with a correct check key).")
            )
        values["siret"] = siret or None
    if data.weight is not None or current is None:
        weight = data.weight if data.weight is not None else Decimal("1")
        # Stored with three decimals: 0.0001 would become 0, which the table refuses.
        if weight.is_finite() and 0 < weight <= MAX_WEIGHT:
            weight = weight.quantize(Decimal("0.001"))
        if not (weight.is_finite() and 0 < weight <= MAX_WEIGHT):
            errors.setdefault("weight", []).append(
                _("The weight must be a number greater than 0 (1 is the usual weight).")
            )
        values["weight"] = weight
    if data.active is not None:
        values["active"] = data.active
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    return values


def _free_slug(base: str) -> str:
    for n in range(2, 1000):
        candidate = f"{base[:75]}-{n}"
        if not db.session.scalar(select(Organisation.id).where(Organisation.slug == candidate)):
            return candidate
    raise RuleViolation(_("No free identifier could be derived from this name."))


def _snapshot(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "siret": organisation.siret,
        "weight": str(organisation.weight),
        "active": organisation.active,
    }


def ensure_can_add(actor) -> None:
    """Raises NotAllowed unless the actor may add organisations (coordinators; SYSTEM)."""
    if not can_manage_organisations(require_actor(actor)):
        raise NotAllowed(_("Only the pole's coordinators can add member organisations."))


def ensure_can_edit(actor) -> None:
    """Raises NotAllowed unless the actor may edit organisations (coordinators)."""
    if not can_manage_organisations(actor):
        raise NotAllowed(_("Only the pole's coordinators can edit member organisations."))


def create_organisation(actor, data: OrganisationInput) -> Organisation:
    """Create a member organisation (coordinators only). Raises NotAllowed, RuleViolation."""
    ensure_can_add(actor)
    organisation = Organisation(**_clean(data, None))
    db.session.add(organisation)
    db.session.flush()
    record(actor, "organisation.create", organisation, after=_snapshot(organisation))
    return organisation


def update_organisation(actor, org_id: int, data: OrganisationInput) -> Organisation:
    """Edit or (de)activate an organisation (coordinators only)."""
    ensure_can_edit(actor)
    organisation = get_organisation(org_id)
    before = _snapshot(organisation)
    for key, value in _clean(data, organisation).items():
        setattr(organisation, key, value)
    db.session.flush()
    record(actor, "organisation.update", organisation, before=before, after=_snapshot(organisation))
    return organisation


def organisation_directory(actor) -> list[tuple[Organisation, int]]:
    """Every organisation with its number of people, for the coordinators. Raises NotAllowed."""
    if not can_manage_organisations(actor):
        raise NotAllowed(_("Only the pole's coordinators can manage member organisations."))
    counts = dict(
        db.session.execute(
            select(Membership.organisation_id, func.count(Membership.id)).group_by(
                Membership.organisation_id
            )
        ).all()
    )
    return [(o, counts.get(o.id, 0)) for o in list_organisations()]


def get_organisation_for_edit(actor, org_id: int) -> Organisation:
    """The organisation a coordinator is about to edit. Raises NotAllowed, NotFound."""
    if not can_manage_organisations(actor):
        raise NotAllowed(_("Only the pole's coordinators can edit member organisations."))
    return get_organisation(org_id)
