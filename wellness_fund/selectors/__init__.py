"""Every read of the wellness fund app (balances in SQL; reports as plain data)."""

from .balances import account_balance, available_amount, reference_components, signed_total
from .reports import (
    activity_by_account,
    balances_by_account,
    contributions_by_source,
    fund_balances,
    fund_statement,
    statements_due,
)

__all__ = [
    "account_balance", "activity_by_account", "available_amount", "balances_by_account",
    "contributions_by_source", "fund_balances", "fund_statement", "reference_components", "signed_total",
    "statements_due",
]
