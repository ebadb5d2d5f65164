"""The ledger service's own refusals, and the database's, write nothing.

``transaction_post`` refuses fewer than two legs, an unknown side, another fund's account and
an account in another currency, each with its message and before any row or audit event is
written. PostgreSQL refuses, at COMMIT, legs that balance only when two currencies are added
together.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from organizations.actors import SETUP
from tests.wellness_fund import factories as f
from wellness_fund.models import Account, AccountRole, LedgerLeg, LedgerTransaction, LegSide
from wellness_fund.services.ledger import Leg, account_for, lock_fund, transaction_post

ON = dt.date(2026, 2, 1)
TEN = Decimal("10.00")


def _written():
    return LedgerTransaction.objects.count(), LedgerLeg.objects.count(), AuditEvent.objects.count()


def _accounts(fund):
    general = f.general(fund)
    return (account_for(fund=fund, role=AccountRole.CASH, restriction=general),
            account_for(fund=fund, role=AccountRole.AWARDS_PAYABLE, restriction=general))


def _refused(fund, legs):
    """Post ``legs`` as the services do (fund locked); return the ValidationError."""
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        transaction_post(actor=SETUP, fund=lock_fund(fund), kind="award_commit", posted_on=ON,
                         reference="grants.award:1", legs=legs)
    return caught.value


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_legs_is_refused_and_nothing_written(count):
    fund = f.fund()
    cash, _ = _accounts(fund)
    before = _written()
    error = _refused(fund, [Leg(cash, LegSide.DEBIT, TEN)][:count])
    assert error.messages == ["A ledger transaction needs at least two legs."]
    assert _written() == before


@pytest.mark.django_db
def test_a_side_other_than_debit_or_credit_is_refused_and_nothing_written():
    fund = f.fund()
    cash, payable = _accounts(fund)
    before = _written()
    error = _refused(fund, [Leg(cash, LegSide.DEBIT, TEN), Leg(payable, "X", TEN)])
    assert error.message_dict == {"side": ["Unknown leg side “X”."]}
    assert _written() == before


@pytest.mark.django_db
def test_an_account_of_another_fund_is_refused_and_nothing_written():
    fund, other = f.fund(), f.fund()
    cash, _ = _accounts(fund)
    _, foreign = _accounts(other)
    before = _written()
    error = _refused(fund, [Leg(cash, LegSide.DEBIT, TEN), Leg(foreign, LegSide.CREDIT, TEN)])
    assert error.message_dict == {"account": [f"Account {foreign.code} belongs to another fund."]}
    assert _written() == before


@pytest.mark.django_db
def test_an_account_in_another_currency_is_refused_and_nothing_written():
    fund = f.fund()
    cash, _ = _accounts(fund)
    euros = Account.objects.create(fund=fund, code="awards_payable:general:eur", role=AccountRole.AWARDS_PAYABLE,
                                   restriction=f.general(fund), currency="EUR")
    before = _written()
    error = _refused(fund, [Leg(cash, LegSide.DEBIT, TEN), Leg(euros, LegSide.CREDIT, TEN)])
    assert error.message_dict == {"currency": [f"Account {euros.code} is not in {fund.currency}."]}
    assert fund.currency == "USD"
    assert _written() == before


def _raw_post(fund, legs):
    """Insert a transaction and its legs with plain SQL (no service): ``legs`` = [(account, side, amount, cur)]."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO wellness_fund_ledgertransaction (fund_id, kind, posted_on, reference, memo, created_at)"
            " VALUES (%s, 'award_commit', %s, '', '', now()) RETURNING id", [fund.pk, ON])
        tx_id = cur.fetchone()[0]
        for account, side, amount, currency in legs:
            cur.execute(
                "INSERT INTO wellness_fund_ledgerleg (transaction_id, account_id, fund_id, posted_on, side,"
                " amount, amount_currency) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [tx_id, account.pk, fund.pk, ON, side, amount, currency])


@pytest.mark.django_db(transaction=True)
def test_database_refuses_legs_that_balance_only_across_two_currencies():
    fund = f.fund()
    cash, payable = _accounts(fund)
    before = _written()
    with pytest.raises(DatabaseError, match="does not balance in"), transaction.atomic():
        _raw_post(fund, [(cash, "D", TEN, "USD"), (payable, "C", TEN, "EUR")])
    assert _written() == before

    # the same insert balanced in one currency is accepted: the refusal is about the currencies
    with transaction.atomic():
        _raw_post(fund, [(cash, "D", TEN, "USD"), (payable, "C", TEN, "USD")])
    assert _written()[:2] == (before[0] + 1, before[1] + 2)
