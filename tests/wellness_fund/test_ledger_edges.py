"""The ledger services at their edges: amounts in the fund's currency, the first and last day of
a closed period, a reversal dated the same day, legs of two funds, and period closes in order."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from moneyed import Money

from audit.models import AuditEvent
from organizations.actors import SETUP
from tests.wellness_fund import factories as f
from wellness_fund.models import (
    Account,
    AccountRole,
    FiscalPeriod,
    LedgerLeg,
    LedgerTransaction,
    LegSide,
)
from wellness_fund.services.ledger import (
    Leg,
    account_for,
    check_open_date,
    closed_periods,
    fiscal_period_close,
    fund_amount,
    transaction_post,
    transaction_reverse,
    transactions_post_bulk,
)

pytestmark = pytest.mark.django_db


def _written():
    return LedgerTransaction.objects.count(), LedgerLeg.objects.count(), AuditEvent.objects.count()


def _cash(fund):
    return Account.objects.get(fund=fund, role=AccountRole.CASH, restriction=f.general(fund))


def test_an_amount_in_the_funds_currency_is_taken_and_another_is_refused():
    fund = f.fund()
    assert fund_amount(Money("12.50", fund.currency), fund=fund) == D("12.50")
    assert fund_amount("12.50", fund=fund) == D("12.50")
    with pytest.raises(ValidationError) as err:
        fund_amount(Money("12.50", "EUR"), fund=fund, field="paid")
    assert "keeps its books in USD" in err.value.message_dict["paid"][0]


def test_no_dates_look_up_no_periods():
    assert closed_periods(fund=f.fund(), dates=[]) == []


def test_a_closed_period_includes_its_first_and_last_day():
    fund = f.fund()
    fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    for day in (dt.date(2026, 1, 1), dt.date(2026, 1, 31)):
        with pytest.raises(ValidationError, match="closed fiscal period"):
            check_open_date(fund=fund, on=day)
    check_open_date(fund=fund, on=dt.date(2026, 2, 1))
    check_open_date(fund=fund, on=dt.date(2025, 12, 31))


def test_periods_close_in_order_without_gaps():
    fund = f.fund()
    fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    single_day = fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 1))
    assert single_day.start == single_day.end
    before = FiscalPeriod.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as gap:
        fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 2, 3), end=dt.date(2026, 2, 28))
    assert gap.value.message_dict["start"] == ["The next period to close starts on Feb. 2, 2026."]
    with pytest.raises(ValidationError) as backwards:
        fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 2, 2), end=dt.date(2026, 2, 1))
    assert "end" in backwards.value.message_dict
    assert (FiscalPeriod.objects.count(), AuditEvent.objects.count()) == before


def test_a_transaction_needs_two_legs_and_balanced_sides():
    fund = f.fund()
    f.receive(fund, "10.00")
    cash = _cash(fund)
    payable = account_for(fund=fund, role=AccountRole.AWARDS_PAYABLE, restriction=f.general(fund))
    before = _written()
    with pytest.raises(ValidationError, match="at least two legs"):
        transaction_post(actor=SETUP, fund=fund, kind="award_commit", posted_on=dt.date(2026, 1, 2),
                         legs=[Leg(cash, LegSide.DEBIT, D("5.00"))])
    with pytest.raises(ValidationError) as side:
        transaction_post(actor=SETUP, fund=fund, kind="award_commit", posted_on=dt.date(2026, 1, 2),
                         legs=[Leg(cash, "X", D("5.00")), Leg(payable, LegSide.CREDIT, D("5.00"))])
    assert "side" in side.value.message_dict
    assert _written() == before
    tx = transaction_post(actor=SETUP, fund=fund, kind="award_commit", posted_on=dt.date(2026, 1, 2),
                          legs=[Leg(cash, LegSide.CREDIT, D("5.00")), Leg(payable, LegSide.DEBIT, D("5.00"))])
    assert tx.legs.count() == 2


def test_legs_of_another_fund_are_refused():
    fund, other = f.fund(), f.fund()
    f.receive(fund, "10.00")
    f.receive(other, "10.00")
    before = _written()
    with pytest.raises(ValidationError) as err:
        transaction_post(actor=SETUP, fund=fund, kind="award_commit", posted_on=dt.date(2026, 1, 2),
                         legs=[Leg(_cash(fund), LegSide.DEBIT, D("1.00")),
                               Leg(_cash(other), LegSide.CREDIT, D("1.00"))])
    assert "account" in err.value.message_dict
    assert _written() == before
    with pytest.raises(ValidationError) as restriction:
        account_for(fund=fund, role=AccountRole.CASH, restriction=f.general(other))
    assert "restriction" in restriction.value.message_dict


def test_posting_nothing_writes_nothing():
    fund = f.fund()
    before = _written()
    assert transactions_post_bulk(actor=SETUP, fund=fund, postings=[]) == []
    assert _written() == before


def test_a_reversal_may_be_dated_the_same_day_but_not_before():
    fund = f.fund()
    f.receive(fund, "10.00", on=dt.date(2026, 1, 15))
    original = LedgerTransaction.objects.get(fund=fund)
    before = _written()
    with pytest.raises(ValidationError) as err:
        transaction_reverse(actor=SETUP, transaction_to_reverse=original, on=dt.date(2026, 1, 14))
    assert "on" in err.value.message_dict
    assert _written() == before
    reversal = transaction_reverse(actor=SETUP, transaction_to_reverse=original, on=dt.date(2026, 1, 15))
    assert reversal.reverses == original and reversal.posted_on == dt.date(2026, 1, 15)


def test_reversing_a_commitment_already_paid_out_is_refused():
    from wellness_fund.commitments import award_commit, tranche_disburse

    fund = f.fund()
    f.receive(fund, "100.00")
    general = f.general(fund)
    commit = award_commit(actor=SETUP, fund=fund, restriction=general, amount=D("80.00"),
                          reference="grants.award:41", on=dt.date(2026, 1, 16))
    tranche_disburse(actor=SETUP, fund=fund, restriction=general, amount=D("30.00"),
                     reference="grants.award:41", on=dt.date(2026, 1, 17))
    before = _written()
    with pytest.raises(ValidationError) as err:
        transaction_reverse(actor=SETUP, transaction_to_reverse=commit, on=dt.date(2026, 1, 18))
    assert "more paid out than committed" in err.value.message_dict["transaction"][0]
    assert _written() == before


def test_reversing_an_unpaid_commitment_names_itself_and_keeps_a_given_memo():
    from wellness_fund.commitments import award_commit

    fund = f.fund()
    f.receive(fund, "100.00")
    commit = award_commit(actor=SETUP, fund=fund, restriction=f.general(fund), amount=D("80.00"),
                          reference="grants.award:42", on=dt.date(2026, 1, 16))
    reversal = transaction_reverse(actor=SETUP, transaction_to_reverse=commit, on=dt.date(2026, 1, 18))
    assert reversal.memo == f"Reversal of #{commit.pk}"
    other = award_commit(actor=SETUP, fund=fund, restriction=f.general(fund), amount=D("10.00"),
                         reference="grants.award:43", on=dt.date(2026, 1, 16))
    named = transaction_reverse(actor=SETUP, transaction_to_reverse=other, on=dt.date(2026, 1, 18),
                                memo="Board rescinded the award")
    assert named.memo == "Board rescinded the award"


def test_the_first_close_opens_with_everything_posted_before_it():
    from wellness_fund.models import AccountPeriodBalance

    fund = f.fund()
    f.receive(fund, "10.00", on=dt.date(2026, 1, 15))
    period = fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    closing = {b.account.role: b.closing_balance.amount
               for b in AccountPeriodBalance.objects.filter(period=period).select_related("account")}
    assert closing[AccountRole.CASH] == D("10.00")
    assert sorted(closing.values()) == [D("-10.00"), D("10.00")]


def test_a_bulk_posting_audits_each_transaction_under_its_own_kind():
    from wellness_fund.services.ledger import Posting

    fund = f.fund()
    f.receive(fund, "10.00")
    cash = _cash(fund)
    payable = account_for(fund=fund, role=AccountRole.AWARDS_PAYABLE, restriction=f.general(fund))
    legs = [Leg(cash, LegSide.CREDIT, D("1.00")), Leg(payable, LegSide.DEBIT, D("1.00"))]
    txs = transactions_post_bulk(actor=SETUP, fund=fund, postings=[
        Posting(kind="award_commit", posted_on=dt.date(2026, 1, 20), legs=legs),
        Posting(kind="award_deobligate", posted_on=dt.date(2026, 1, 20), legs=legs[::-1]),
    ])
    actions = {e.object_id: e.action for e in AuditEvent.objects.filter(action__startswith="wellness_fund.ledger.")}
    assert [actions.get(str(tx.pk)) for tx in txs] == ["wellness_fund.ledger.award_commit",
                                                       "wellness_fund.ledger.award_deobligate"]


def test_reversing_a_payout_already_partly_returned_is_refused():
    from wellness_fund.commitments import award_commit, tranche_disburse, unspent_return

    fund = f.fund()
    f.receive(fund, "100.00")
    general = f.general(fund)
    award_commit(actor=SETUP, fund=fund, restriction=general, amount=D("80.00"), reference="grants.award:44",
                 on=dt.date(2026, 1, 16))
    payout = tranche_disburse(actor=SETUP, fund=fund, restriction=general, amount=D("30.00"),
                              reference="grants.award:44", on=dt.date(2026, 1, 17))
    unspent_return(actor=SETUP, fund=fund, restriction=general, amount=D("20.00"), reference="grants.award:44",
                   on=dt.date(2026, 1, 18))
    before = _written()
    with pytest.raises(ValidationError) as err:
        transaction_reverse(actor=SETUP, transaction_to_reverse=payout, on=dt.date(2026, 1, 19))
    assert "more paid out than committed" in err.value.message_dict["transaction"][0]
    assert _written() == before
