"""Implausible dates (year 1, year 9999, before the window, too far ahead) are refused on every
record of money that moved, with a clear error naming the field, and nothing is written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from grants import services as grant_services
from grants.models import Amendment, Disbursement, TrancheStatus
from organizations.actors import SETUP
from organizations.dates import plausible_date_check, plausible_window
from reinvestment import services as reinvestment_services
from reinvestment.models import DirectInvestment, ObligationCredit
from tests.grants import factories as gf
from tests.reinvestment.factories import (
    CBOFactory,
    PlanFactory,
    county,
    financial_year,
    member_months,
)
from tests.wellness_fund import factories as f
from wellness_fund import services
from wellness_fund.models import ContributionPayment, LedgerLeg, LedgerTransaction, OtherReceipt

pytestmark = pytest.mark.django_db
D = Decimal
BAD = [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1989, 12, 31)]


def _written():
    return (ContributionPayment.objects.count(), OtherReceipt.objects.count(), LedgerTransaction.objects.count(),
            LedgerLeg.objects.count(), ObligationCredit.objects.count(), DirectInvestment.objects.count(),
            Disbursement.objects.count(), Amendment.objects.count(), AuditEvent.objects.count())


def _refused(call, field):
    before = _written()
    with pytest.raises(ValidationError) as refused:
        call()
    messages = refused.value.message_dict if hasattr(refused.value, "error_dict") else {}
    text = " ".join(" ".join(m) for m in messages.values()) or " ".join(refused.value.messages)
    assert "not a plausible date" in text, text
    if messages:
        assert field in messages, messages
    assert _written() == before
    return text


def test_the_window_is_settings_data(settings):
    today = dt.date(2026, 11, 27)
    assert plausible_window(today) == (dt.date(1990, 1, 1), dt.date(2031, 12, 31))
    assert plausible_date_check(dt.date(1990, 1, 1), field="on", today=today) == dt.date(1990, 1, 1)
    assert plausible_date_check(dt.date(2031, 12, 31), field="on", today=today) == dt.date(2031, 12, 31)
    for day in (dt.date(1989, 12, 31), dt.date(2032, 1, 1)):
        with pytest.raises(ValidationError, match=r"between Jan\. 1, 1990 and Dec\. 31, 2031"):
            plausible_date_check(day, field="on", today=today)
    settings.PLAUSIBLE_DATE_MIN_YEAR = 2000
    settings.PLAUSIBLE_DATE_MAX_YEARS_AHEAD = 1
    assert plausible_window(today) == (dt.date(2000, 1, 1), dt.date(2027, 12, 31))


def _agreement():
    plan = f.plan()
    fund = f.fund(counties=("Imperial",))
    f.member_months(plan, "Imperial", dt.date(2026, 1, 1), 4)
    agr = f.agreement(fund, plan, pmpm_rate="25.0000")
    services.statement_issue(actor=SETUP, agreement=agr, period_start=dt.date(2026, 1, 1))
    return agr


@pytest.mark.parametrize("day", BAD)
def test_contribution_payment(day):
    agr = _agreement()
    _refused(lambda: services.contribution_payment_record(
        actor=SETUP, agreement=agr, amount=D("100.00"), received_on=day, bank_reference="WIRE-1",
        income_year=2025), "received_on")


def test_a_payments_batch_with_one_year_1_row_writes_nothing():
    agr = _agreement()
    rows = [services.PaymentRow(amount=D("10.00"), received_on=dt.date(2026, 2, 10), bank_reference="A",
                                income_year=2025),
            services.PaymentRow(amount=D("10.00"), received_on=dt.date(1, 1, 1), bank_reference="B",
                                income_year=2025)]
    text = _refused(lambda: services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=rows),
                    "received_on")
    assert "row 2" in text and "row 1" not in text


@pytest.mark.parametrize("day", BAD)
def test_other_receipt(day):
    fund = f.fund()
    src = f.source(fund)
    _refused(lambda: services.receipt_record(actor=SETUP, funding_source=src, amount=D("10.00"), received_on=day,
                                             reference="R-1"), "received_on")


def test_ledger_reversal_dated_year_9999():
    fund = f.fund()
    receipt = f.receive(fund, "10.00")
    _refused(lambda: services.transaction_reverse(actor=SETUP, transaction_to_reverse=receipt.transaction,
                                                  on=dt.date(9999, 12, 31)), "on")


@pytest.mark.parametrize("day", BAD)
def test_direct_investment(day):
    plan = PlanFactory()
    member_months(plan, 2024, {"Imperial": 100})
    financial_year(plan, 2024)
    _refused(lambda: reinvestment_services.direct_investment_record(
        actor=SETUP, plan=plan, payee=CBOFactory(), purpose="Food boxes", county=county("Imperial"),
        domain="food", paid_on=day, amount=D("50.00"), cha_chip_aligned=False, cac_consulted=True,
        income_year=2024), "paid_on")


@pytest.mark.parametrize("day", BAD)
def test_grant_disbursement(day):
    w = gf.world(cbos=1, board=3)
    award = gf.award(w)
    tranche = award.tranches.get(number=1)
    grant_services.tranche_release(actor=w.admin, tranche=tranche)
    _refused(lambda: grant_services.disbursement_record(actor=w.admin, tranche=tranche, paid_on=day,
                                                        amount=tranche.amount.amount, payment_reference="ACH-1"),
             "paid_on")
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.RELEASED


def test_award_period_extension_to_year_9999():
    w = gf.world(cbos=1, board=3)
    award = gf.award(w)
    _refused(lambda: grant_services.amendment_extend(actor=w.admin, award=award, period_end=dt.date(9999, 12, 31),
                                                     reason="Forever"), "period_end")
    award.refresh_from_db()
    assert award.period_end == gf.PERIOD[1]
