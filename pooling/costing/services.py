"""Cost periods and costs: create, share (allocation with explanations), close, reopen, true-up.

The costing services, by job: periods and costs (pooling.costing.periods), the allocation,
its closing and statements (pooling.costing.allocations), accounting codes and the journal
(pooling.costing.accounting). The views, the API and the CLI call them through this module.
"""

from __future__ import annotations

from pooling.costing.accounting import (
    CODE_PATTERN,
    accounting_code_table,
    accounting_codes,
    accounting_entries,
    organisation_account,
    resource_analytic_code,
    set_accounting_code,
    set_accounting_codes,
)
from pooling.costing.allocations import (
    allocation_of,
    close_period,
    comparison,
    compute_allocation,
    document_of,
    period_allocation,
    reopen_period,
    statement,
    statement_export,
    true_up,
)
from pooling.costing.periods import (
    DATE_ONLY,
    MAX_AMOUNT,
    MAX_PERIOD_DAYS,
    CostInput,
    PeriodInput,
    add_cost,
    cost_summary,
    costing_message,
    create_period,
    get_period,
    list_periods,
    period_json,
    period_summary,
)

__all__ = [
    "CODE_PATTERN",
    "DATE_ONLY",
    "MAX_AMOUNT",
    "MAX_PERIOD_DAYS",
    "CostInput",
    "PeriodInput",
    "accounting_code_table",
    "accounting_codes",
    "accounting_entries",
    "add_cost",
    "allocation_of",
    "close_period",
    "comparison",
    "compute_allocation",
    "cost_summary",
    "costing_message",
    "create_period",
    "document_of",
    "get_period",
    "list_periods",
    "organisation_account",
    "period_allocation",
    "period_json",
    "period_summary",
    "reopen_period",
    "resource_analytic_code",
    "set_accounting_code",
    "set_accounting_codes",
    "statement",
    "statement_export",
    "true_up",
]
