"""Every write of the reinvestment app: one keyword-only function per action, audited in its transaction."""

from .allocations import allocation_create, allocation_move, allocations_auto, credits_reverse
from .credits import credit_income_year_for, obligation_credit_record
from .financials import (
    county_financials_set,
    financial_year_amend,
    financial_year_create,
    financial_year_lock,
    financial_year_submit,
    financial_year_update,
)
from .investments import direct_investment_record, purchaser_payment_record
from .member_months import ImportReport, MemberMonthImportError, member_months_import, read_csv
from .obligations import (
    obligation_compute,
    obligation_mlr_recipient_set,
    obligations_compute_applicable,
    obligations_recompute,
)
from .policies import policy_version_copy, policy_version_publish
from .year_entry import financial_year_enter

__all__ = [
    "ImportReport",
    "MemberMonthImportError",
    "allocation_create",
    "allocation_move",
    "allocations_auto",
    "county_financials_set",
    "credit_income_year_for",
    "credits_reverse",
    "direct_investment_record",
    "financial_year_amend",
    "financial_year_create",
    "financial_year_enter",
    "financial_year_lock",
    "financial_year_submit",
    "financial_year_update",
    "member_months_import",
    "obligation_compute",
    "obligation_credit_record",
    "obligation_mlr_recipient_set",
    "obligations_compute_applicable",
    "obligations_recompute",
    "policy_version_copy",
    "policy_version_publish",
    "purchaser_payment_record",
    "read_csv",
]
