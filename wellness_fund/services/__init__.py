"""Every write of the wellness fund app (one keyword-only function per action).

Commitments used by the grants app live in ``wellness_fund.commitments``.
"""

from .contributions import (
    BatchResult,
    PaymentBatchError,
    PaymentRow,
    agreement_close,
    agreement_create,
    contribution_payment_record,
    contribution_payment_reverse,
    contribution_payments_record_batch,
    payment_rows_read_csv,
    receipt_record,
    statement_issue,
)
from .funds import fund_create, funding_source_create, restriction_create
from .ledger import fiscal_period_close, transaction_reverse

__all__ = [
    "BatchResult", "PaymentBatchError", "PaymentRow",
    "agreement_close", "agreement_create", "contribution_payment_record", "contribution_payment_reverse",
    "contribution_payments_record_batch",
    "payment_rows_read_csv", "fiscal_period_close",
    "fund_create", "funding_source_create", "receipt_record", "restriction_create", "statement_issue",
    "transaction_reverse",
]
