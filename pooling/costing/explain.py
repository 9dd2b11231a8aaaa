"""Each amount of an allocation explained in words, in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_babel import format_currency, format_decimal, get_locale
from flask_babel import gettext as _

from pooling.resources.models import RESOURCE_KINDS


def money_words(amount: str | Decimal | None) -> str:
    """An amount as written in a statement: ``1 200,00 €`` in French, ``1,200.00 EUR`` in English."""
    if amount is None:
        return ""
    currency = current_app.config.get("POOLING_CURRENCY", "EUR")
    pattern = "#,##0.00\u00a0¤" if str(get_locale()).startswith("fr") else "#,##0.00 ¤¤"
    return format_currency(Decimal(amount), currency, format=pattern, currency_digits=False)


def transfer_words(transfer: dict, names: dict) -> str:
    """A settlement transfer as a sentence; the pole is named without gluing an article to it."""
    payer, payee = transfer["from"], transfer["to"]
    amount = money_words(transfer["amount"])
    if payee is None:
        return _(
            "%(payer)s pays %(amount)s to the pole", payer=names.get(payer, payer), amount=amount
        )
    if payer is None:
        return _(
            "The pole pays %(amount)s to %(payee)s", amount=amount, payee=names.get(payee, payee)
        )
    return _(
        "%(payer)s pays %(amount)s to %(payee)s",
        payer=names.get(payer, payer),
        amount=amount,
        payee=names.get(payee, payee),
    )


def number_words(value: str | Decimal | None) -> str:
    """A quantity without useless zeros: ``12,5`` in French, ``12.5`` in English."""
    if value is None:
        return "0"
    return format_decimal(Decimal(value), format="#,##0.##")


def percent_words(value: str | Decimal | None) -> str:
    """A percentage with two decimals: ``31,25`` or ``31.25``."""
    return format_decimal(Decimal(value or 0), format="#,##0.00")


def unit_words(unit: str | None) -> str:
    """The short name of a usage unit."""
    return {"hours": _("h"), "unit_hours": _("unit-hours"), "meter": _("meter units")}.get(
        unit or "hours", unit or ""
    )


def scope_words(basis: dict) -> str:
    """What a cost is for: the resource, all resources of a kind, or all shared resources."""
    if basis.get("resource_name") and basis.get("composites"):
        return _(
            "the %(resource)s, with its share of the bookings of %(composites)s",
            resource=basis["resource_name"],
            composites=", ".join(basis["composites"]),
        )
    if basis.get("resource_name"):
        return _("the %(resource)s", resource=basis["resource_name"])
    kind = basis.get("kind")
    if kind:
        return _("all %(kind)s", kind=str(RESOURCE_KINDS.get(kind, kind)).lower())
    return _("all shared resources")


def explain(basis: dict) -> str:
    """One amount's basis in a sentence, e.g. "12.5 h of 40 h of the Salle Jaurès, usage rule:
    31.25 % of 1,200.00 EUR"; the subsidy and the fallback to weights are said when they apply.
    """
    values = {
        "quantity": number_words(basis.get("quantity")),
        "total": number_words(basis.get("total_quantity")),
        "unit": unit_words(basis.get("unit")),
        "scope": scope_words(basis),
        "percentage": percent_words(basis.get("percentage")),
        "net": money_words(basis.get("net_amount")),
        "weight": number_words(basis.get("weight")),
        "total_weight": number_words(basis.get("total_weight")),
        "count": basis.get("organisations") or 0,
    }
    rule = basis.get("rule")
    if basis.get("billing") == "staff_hours":
        text = _(
            "%(quantity)s h of %(total)s h of %(scope)s x %(rate)s an hour x coefficient "
            "%(coefficient)s = %(charge)s; %(percentage)s %% of %(net)s",
            rate=money_words(basis.get("loaded_hourly_cost")),
            coefficient=number_words(basis.get("management_coefficient")),
            charge=money_words(basis.get("charge")),
            **values,
        )
    elif basis.get("fallback") == "weighted" and rule == "usage":
        text = _(
            "nobody used %(scope)s in this period, so the usage rule falls back to weights: "
            "weight %(weight)s of %(total_weight)s, %(percentage)s %% of %(net)s",
            **values,
        )
    elif rule == "usage":
        text = _(
            "%(quantity)s %(unit)s of %(total)s %(unit)s of %(scope)s, usage rule: "
            "%(percentage)s %% of %(net)s",
            **values,
        )
    elif rule == "equal":
        text = _("equal rule: one share of %(count)s, %(percentage)s %% of %(net)s", **values)
    elif rule == "weighted":
        text = _(
            "weighted rule: weight %(weight)s of %(total_weight)s, %(percentage)s %% of %(net)s",
            **values,
        )
    else:
        usage_part = (
            _("no usage of %(scope)s, so by weight too", **values)
            if basis.get("fallback")
            else _("%(quantity)s %(unit)s of %(total)s %(unit)s of %(scope)s", **values)
        )
        text = _(
            "fixed + usage rule: fixed part %(fixed)s by weight (%(weight)s of %(total_weight)s), "
            "usage part %(usage_part)s (%(usage_why)s); %(percentage)s %% of %(net)s",
            fixed=money_words(basis.get("fixed_part")),
            usage_part=money_words(basis.get("usage_part")),
            usage_why=usage_part,
            **values,
        )
    subsidy = basis.get("subsidy")
    if subsidy and Decimal(subsidy) > 0:
        text += " " + _(
            "(%(amount)s minus a subsidy of %(subsidy)s)",
            amount=money_words(basis.get("cost_amount")),
            subsidy=money_words(subsidy),
        )
    return text[:1].upper() + text[1:]
