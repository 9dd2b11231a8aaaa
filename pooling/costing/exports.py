"""CSV exports of a period: the statement of each organisation and the accounting journal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from pooling.costing.document import PeriodAllocation
from pooling.costing.explain import explain, money_words
from pooling.costing.models import CATEGORIES, RULE_LABELS
from pooling.costing.rounding import CENT, format_cents, to_cents

JOURNAL = "MUT"
RECHARGE_ACCOUNT = "708000"
EXPENSE_ACCOUNTS = {
    "rent": "613200",
    "salary": "621000",
    "lease": "612000",
    "maintenance": "615000",
    "insurance": "616000",
    "energy": "606100",
    "other": "628000",
}


def euros(cents: int) -> Decimal:
    """An amount in cents as euros with two decimals, a number for the CSV writer."""
    return (Decimal(cents) / 100).quantize(CENT)


def _amount(value) -> Decimal | str:
    return "" if value in (None, "") else Decimal(str(value))


def statement_header(codes: bool = False) -> list[str]:
    """Columns of the statement CSV; ``codes`` adds the category and rule codes at the end."""
    header = [
        _("Period"),
        _("Organisation"),
        _("Cost"),
        _("Category"),
        _("Cost amount"),
        _("Subsidy"),
        _("Rule"),
        _("Share"),
        _("Basis"),
    ]
    return header + [_("Category code"), _("Rule code")] if codes else header


def statement_rows(
    document: PeriodAllocation, organisation_ids: set[int] | None = None, codes: bool = False
) -> list[list]:
    """One row per organisation and cost, then one total row per organisation.

    Categories and rules are translated labels; ``codes`` adds their codes in two more columns.
    """
    names = document.names()
    costs = {c["id"]: c for c in document.costs}
    period = document.period["name"]
    rows = []
    for line in document.lines:
        org_id = line.organisation_id
        if organisation_ids is not None and org_id not in organisation_ids:
            continue
        cost = costs.get(line.cost_id, {})
        category, rule = cost.get("category", ""), cost.get("rule", "")
        row = [
            period,
            names.get(org_id, org_id),
            cost.get("label", ""),
            str(CATEGORIES.get(category, category)),
            _amount(cost.get("amount")),
            _amount(cost.get("subsidy")),
            str(RULE_LABELS.get(rule, rule)),
            euros(line.amount_cents),
            explain(dict(line.basis)),
        ]
        rows.append(row + [category, rule] if codes else row)
    for total in document.totals:
        org_id = total.organisation_id
        if org_id is None or (organisation_ids is not None and org_id not in organisation_ids):
            continue
        row = [
            period,
            names.get(org_id, org_id),
            _("Total owed"),
            "",
            "",
            "",
            "",
            euros(total.owed_cents),
            _(
                "paid %(paid)s, balance %(balance)s (paid minus owed)",
                paid=money_words(format_cents(total.paid_cents)),
                balance=money_words(format_cents(total.balance_cents)),
            ),
        ]
        rows.append(row + ["", ""] if codes else row)
    return rows


def accounting_header(codes: bool = False) -> list[str]:
    """Columns an accounting package imports: date, journal, account, analytic code, label,
    debit, credit; translated, or as field codes with ``codes`` (the international file)."""
    if codes:
        return ["date", "journal", "account", "analytic_code", "label", "debit", "credit"]
    return [
        _("Date"),
        _("Journal"),
        _("Account"),
        _("Analytic code"),
        _("Label"),
        _("Debit"),
        _("Credit"),
    ]


def accounting_rows(
    document: PeriodAllocation,
    entry_date: date,
    accounts: dict[int, str],
    analytic: dict[int | None, str],
) -> list[list]:
    """Balanced journal entries of a period's allocation.

    Each organisation's share of a cost: debit its account, credit the recharge account
    708000 with the cost's analytic code. Each cost an organisation paid: debit the expense
    account of the cost's category with its analytic code, credit the organisation's account.
    ``accounts`` maps organisation ids to accounts, ``analytic`` maps cost ids to codes.
    Debits and credits add up to the same total.
    """
    names = document.names()
    costs = {c["id"]: c for c in document.costs}
    day = entry_date.isoformat()
    period = document.period["name"]
    rows: list[list] = []

    def pair(debit_account, debit_code, credit_account, credit_code, label, cents: int):
        if cents == 0:
            return
        if cents < 0:
            debit_account, credit_account = credit_account, debit_account
            debit_code, credit_code = credit_code, debit_code
            cents = -cents
        text = euros(cents)
        rows.append([day, JOURNAL, debit_account, debit_code, label, text, ""])
        rows.append([day, JOURNAL, credit_account, credit_code, label, "", text])

    for line in document.lines:
        cost = costs.get(line.cost_id, {})
        org_id = line.organisation_id
        label = f"{period} - {cost.get('label', '')} - {names.get(org_id, org_id)}"
        pair(
            accounts[org_id],
            "",
            RECHARGE_ACCOUNT,
            analytic.get(line.cost_id, ""),
            label,
            line.amount_cents,
        )
    for cost in document.costs:
        payer = cost.get("paid_by_organisation_id")
        if payer is None:
            continue
        label = f"{period} - {cost['label']} - " + _(
            "paid by %(name)s", name=names.get(payer, payer)
        )
        pair(
            EXPENSE_ACCOUNTS.get(cost.get("category"), EXPENSE_ACCOUNTS["other"]),
            analytic.get(cost["id"], ""),
            accounts[payer],
            "",
            label,
            to_cents(cost["net"]),
        )
    return rows
