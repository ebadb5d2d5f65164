import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from moneyed import Money

from organizations.access import AccessDenied
from organizations.actors import SETUP
from tests.helpers import race
from tests.organizations.factories import member
from tests.wellness_fund import factories as f
from wellness_fund.commitments import (
    InsufficientFundsError,
    available_to_award,
    award_commit,
    award_deobligate,
    committed_for,
    disbursed_for,
    tranche_disburse,
    unspent_return,
)
from wellness_fund.models import LedgerLeg, LedgerTransaction

ON = dt.date(2026, 2, 1)
pytestmark = pytest.mark.django_db


def _counts():
    return LedgerTransaction.objects.count(), LedgerLeg.objects.count()


def test_available_is_received_minus_committed_plus_returned():
    fund = f.fund()
    r = f.general(fund)
    f.receive(fund, "1000.00")
    award_commit(actor=SETUP, fund=fund, restriction=r, amount=Decimal("600.00"), reference="grants.award:1", on=ON)
    tranche_disburse(actor=SETUP, fund=fund, restriction=r, amount=Decimal("400.00"), reference="grants.award:1", on=ON)
    unspent_return(actor=SETUP, fund=fund, restriction=r, amount=Decimal("50.00"), reference="grants.award:1", on=ON)
    award_deobligate(actor=SETUP, fund=fund, restriction=r, amount=Decimal("100.00"), reference="grants.award:1", on=ON)

    assert available_to_award(fund=fund, restriction=r) == Money("550.00", "USD")  # 1000-(600-100)+50
    assert committed_for(reference="grants.award:1") == Money("450.00", "USD")  # 600-100-50
    assert disbursed_for(reference="grants.award:1") == Money("400.00", "USD")
    assert available_to_award(fund=fund, restriction=r, as_of=dt.date(2026, 1, 31)) == Money("1000.00", "USD")


def test_commit_above_available_is_refused_and_nothing_posted():
    fund = f.fund()
    r = f.general(fund)
    f.receive(fund, "100.00")
    before = _counts()

    with pytest.raises(InsufficientFundsError):
        award_commit(actor=SETUP, fund=fund, restriction=r, amount=Decimal("100.01"), reference="grants.award:2", on=ON)

    assert _counts() == before
    assert available_to_award(fund=fund, restriction=r) == Money("100.00", "USD")


def test_money_of_another_restriction_does_not_count():
    fund = f.fund()
    housing = f.services.restriction_create(actor=SETUP, fund=fund, code="housing", name="Housing",
                                            kind="purpose", purpose="Housing")
    f.receive(fund, "500.00", restriction=housing)
    with pytest.raises(InsufficientFundsError):
        award_commit(actor=SETUP, fund=fund, restriction=f.general(fund), amount=Decimal("1.00"),
                     reference="grants.award:3", on=ON)
    assert committed_for(reference="grants.award:3") == Money("0.00", "USD")


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5.00"), "abc", Decimal("1.001"), Money("10.00", "EUR")])
def test_bad_amounts_post_nothing(amount):
    fund = f.fund()
    r = f.general(fund)
    f.receive(fund, "100.00")
    before = _counts()
    with pytest.raises(ValidationError):
        award_commit(actor=SETUP, fund=fund, restriction=r, amount=amount, reference="grants.award:4", on=ON)
    assert _counts() == before


def test_disburse_deobligate_and_return_limits():
    fund = f.fund()
    r = f.general(fund)
    f.receive(fund, "100.00")
    award_commit(actor=SETUP, fund=fund, restriction=r, amount=Decimal("80.00"), reference="grants.award:5", on=ON)
    before = _counts()
    with pytest.raises(ValidationError):
        tranche_disburse(actor=SETUP, fund=fund, restriction=r, amount=Decimal("80.01"), reference="grants.award:5", on=ON)
    with pytest.raises(ValidationError):
        unspent_return(actor=SETUP, fund=fund, restriction=r, amount=Decimal("1.00"), reference="grants.award:5", on=ON)
    tranche_disburse(actor=SETUP, fund=fund, restriction=r, amount=Decimal("30.00"), reference="grants.award:5", on=ON)
    with pytest.raises(ValidationError):
        award_deobligate(actor=SETUP, fund=fund, restriction=r, amount=Decimal("50.01"), reference="grants.award:5", on=ON)
    assert _counts() == (before[0] + 1, before[1] + 2)


def test_other_ach_user_may_not_commit():
    fund = f.fund()
    r = f.general(fund)
    f.receive(fund, "100.00")
    outsider = member("fund_admin", f.ach())
    before = _counts()
    with pytest.raises(AccessDenied):
        award_commit(actor=outsider, fund=fund, restriction=r, amount=Decimal("10.00"), reference="grants.award:6", on=ON)
    assert _counts() == before
    insider = member("board_chair", fund.ach)
    award_commit(actor=insider, fund=fund, restriction=r, amount=Decimal("10.00"), reference="grants.award:6", on=ON)
    assert committed_for(reference="grants.award:6") == Money("10.00", "USD")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_commitments_exceeding_the_balance_end_with_one_success(attempt):
    fund = f.fund()
    r = f.general(fund)
    f.receive(fund, "100.00")

    def commit(ref: str) -> str:
        award_commit(actor=SETUP, fund=fund, restriction=r, amount=Decimal("60.00"), reference=ref, on=ON)
        return "ok"

    results = race(commit, [(f"grants.award:c{attempt}{i}",) for i in range(2)])

    assert results.count("ok") == 1
    assert sum(isinstance(x, InsufficientFundsError) for x in results) == 1
    assert available_to_award(fund=fund, restriction=r) == Money("40.00", "USD")
