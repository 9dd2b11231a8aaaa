"""Accounting: organisations' accounts, resources' analytic codes and the period's journal."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.accounts.models import User
from pooling.audit.services import record
from pooling.core.errors import NotAllowed, NotFound, RuleViolation
from pooling.costing import exports
from pooling.costing.allocations import document_of
from pooling.costing.models import AccountingCode, CostPeriod
from pooling.costing.periods import get_period
from pooling.costing.permissions import (
    can_manage_costs,
)
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.models import Resource

# ---------------------------------------------------------------- accounting


def organisation_account(organisation: Organisation, codes: dict[int, str]) -> str:
    """The organisation's third-party account: its set code, else 411 + its slug."""
    if organisation.id in codes:
        return codes[organisation.id]
    return "411" + re.sub(r"[^A-Z0-9]", "", organisation.slug.upper())[:12]


def resource_analytic_code(resource_id: int | None, kind: str | None, codes: dict) -> str:
    """The analytic code of a cost's scope: the resource's set code, else R + id, the kind, POLE."""
    if resource_id is not None:
        return codes.get(resource_id, f"R{resource_id:04d}")
    if kind:
        return kind.upper()
    return "POLE"


def accounting_codes() -> tuple[dict[int, str], dict[int, str]]:
    """The codes set by coordinators: (by organisation id, by resource id)."""
    orgs: dict[int, str] = {}
    resources: dict[int, str] = {}
    for code in db.session.scalars(select(AccountingCode)):
        if code.organisation_id is not None:
            orgs[code.organisation_id] = code.code
        else:
            resources[code.resource_id] = code.code
    return orgs, resources


CODE_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


def set_accounting_code(
    actor: User, *, organisation_id: int | None = None, resource_id: int | None = None, code: str
) -> AccountingCode | None:
    """Set (or, with an empty code, clear) an organisation's account or a resource's analytic code.

    Raises NotAllowed, NotFound, RuleViolation (letters, digits, . _ - only).
    """
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can set accounting codes."))
    subject = (
        db.session.get(Organisation, organisation_id)
        if organisation_id is not None
        else db.session.get(Resource, resource_id)
    )
    if subject is None:
        raise NotFound(_("This organisation or resource does not exist."))
    code = (code or "").strip()
    column = (
        AccountingCode.organisation_id
        if organisation_id is not None
        else AccountingCode.resource_id
    )
    existing = db.session.scalar(select(AccountingCode).where(column == subject.id))
    if not code:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
        return None
    if not CODE_PATTERN.match(code):
        message = _("Letters, digits, dots, dashes and underscores only (at most 40).")
        raise RuleViolation(message, code="invalid_code", fields={"code": [message]})
    if existing is None:
        existing = AccountingCode(
            organisation_id=organisation_id if organisation_id is not None else None,
            resource_id=resource_id if organisation_id is None else None,
            code=code,
        )
        db.session.add(existing)
    existing.code = code
    db.session.flush()
    record(actor, "accounting_code.set", existing, after={"code": code})
    return existing


def accounting_entries(actor: User, period_id: int) -> tuple[CostPeriod, list[list]]:
    """The period's balanced journal entries for the accountant. Raises NotAllowed, NotFound."""
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can export the accounts."))
    period = get_period(actor, period_id)
    document = document_of(period)
    org_codes, resource_codes = accounting_codes()
    ids = {line.organisation_id for line in document.lines} | {
        cost["paid_by_organisation_id"]
        for cost in document.costs
        if cost.get("paid_by_organisation_id") is not None
    }
    organisations = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    accounts = {o.id: organisation_account(o, org_codes) for o in organisations}
    analytic = {
        cost["id"]: resource_analytic_code(
            cost.get("resource_id"), cost.get("kind"), resource_codes
        )
        for cost in document.costs
    }
    last_day = date.fromisoformat(document.period["last_day"])
    return period, exports.accounting_rows(document, last_day, accounts, analytic)


def accounting_code_table(actor: User) -> tuple[list[dict], list[dict]]:
    """Every organisation's account and every resource's analytic code, set or by default."""
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can set accounting codes."))
    org_codes, resource_codes = accounting_codes()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    resources = db.session.scalars(select(Resource).order_by(Resource.name))
    return (
        [
            {
                "id": o.id,
                "name": o.name,
                "code": org_codes.get(o.id, ""),
                "default": organisation_account(o, {}),
            }
            for o in organisations
        ],
        [
            {
                "id": r.id,
                "name": r.name,
                "code": resource_codes.get(r.id, ""),
                "default": resource_analytic_code(r.id, r.kind, {}),
            }
            for r in resources
        ],
    )


def set_accounting_codes(
    actor: User, organisation_codes: dict[int, str], resource_codes: dict[int, str]
) -> int:
    """Set many codes at once (an empty code restores the default); all or nothing.

    Returns how many codes changed. Raises NotAllowed, NotFound, RuleViolation whose fields
    name each refused code (``org-<id>`` / ``res-<id>``).
    """
    if not can_manage_costs(actor):
        raise NotAllowed(_("Only the pole's coordinators can set accounting codes."))
    current_orgs, current_resources = accounting_codes()
    errors: dict[str, list[str]] = {}
    changed = 0
    for key, codes, current in (
        ("org", organisation_codes, current_orgs),
        ("res", resource_codes, current_resources),
    ):
        for subject_id, code in codes.items():
            if (code or "").strip() == current.get(subject_id, ""):
                continue
            try:
                if key == "org":
                    set_accounting_code(actor, organisation_id=subject_id, code=code)
                else:
                    set_accounting_code(actor, resource_id=subject_id, code=code)
                changed += 1
            except RuleViolation as error:
                errors[f"{key}-{subject_id}"] = error.fields.get("code", [error.message])
    if errors:
        raise RuleViolation(_("Please correct the highlighted fields."), fields=errors)
    return changed
