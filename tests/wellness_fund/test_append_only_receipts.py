"""Money received cannot be rewritten or removed at the database, from any client."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from organizations.actors import SETUP
from tests.wellness_fund import factories as f
from wellness_fund import services
from wellness_fund.models import ContributionPayment, LedgerTransaction, OtherReceipt

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _refused(sql: str, params: list) -> None:
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def _payment() -> ContributionPayment:
    plan = f.plan()
    fund = f.fund(counties=("Imperial",))
    f.member_months(plan, "Imperial", dt.date(2026, 1, 1), 4)
    agr = f.agreement(fund, plan, pmpm_rate="25.0000")
    services.statement_issue(actor=SETUP, agreement=agr, period_start=dt.date(2026, 1, 1))
    return services.contribution_payment_record(actor=SETUP, agreement=agr, amount=D("100.00"),
                                                received_on=dt.date(2026, 2, 10), bank_reference="WIRE-1",
                                                income_year=2025)


def test_contribution_payment_refuses_update_and_delete_but_can_still_be_reversed():
    payment = _payment()
    table = "wellness_fund_contributionpayment"
    _refused(f"UPDATE {table} SET amount = 1 WHERE id = %s", [payment.pk])
    _refused(f"UPDATE {table} SET received_on = '2026-03-01' WHERE id = %s", [payment.pk])
    _refused(f"UPDATE {table} SET bank_reference = 'OTHER' WHERE id = %s", [payment.pk])
    _refused(f"DELETE FROM {table} WHERE id = %s", [payment.pk])
    fresh = ContributionPayment.objects.get(pk=payment.pk)
    assert (fresh.amount.amount, fresh.received_on, fresh.bank_reference) == (
        D("100.00"), dt.date(2026, 2, 10), "WIRE-1")
    # the correction path leaves the payment row alone: a mirror ledger transaction
    reversal = services.contribution_payment_reverse(actor=SETUP, payment=fresh, on=dt.date(2026, 2, 11),
                                                     reason="Bounced")
    assert reversal.reverses_id == fresh.transaction_id
    assert ContributionPayment.objects.get(pk=payment.pk).amount.amount == D("100.00")


def test_other_receipt_refuses_update_and_delete():
    fund = f.fund()
    receipt = f.receive(fund, "250.00")
    table = "wellness_fund_otherreceipt"
    _refused(f"UPDATE {table} SET amount = 1 WHERE id = %s", [receipt.pk])
    _refused(f"UPDATE {table} SET received_on = '0001-01-01' WHERE id = %s", [receipt.pk])
    _refused(f"UPDATE {table} SET reference = 'x' WHERE id = %s", [receipt.pk])
    _refused(f"DELETE FROM {table} WHERE id = %s", [receipt.pk])
    fresh = OtherReceipt.objects.get(pk=receipt.pk)
    assert (fresh.amount.amount, fresh.reference) == (D("250.00"), receipt.reference)
    # a new receipt is still an INSERT, and its ledger transaction can be reversed
    second = f.receive(fund, "10.00")
    services.transaction_reverse(actor=SETUP, transaction_to_reverse=second.transaction, on=dt.date(2026, 1, 16),
                                 memo="Returned")
    assert LedgerTransaction.objects.filter(reverses=second.transaction).count() == 1
