import datetime as dt
from decimal import Decimal

import pytest
from moneyed import Money

from audit.models import AuditEvent
from organizations.actors import SETUP
from tests.wellness_fund import factories as f
from wellness_fund import services
from wellness_fund.commitments import award_commit
from wellness_fund.models import AccountRole
from wellness_fund.selectors import account_balance, contributions_by_source, fund_balances
from wellness_fund.services.ledger import account_for

pytestmark = pytest.mark.django_db
JAN = dt.date(2026, 1, 1)


def test_fund_balances_query_count_is_fixed(django_assert_num_queries):
    fund = f.fund()
    f.receive(fund, "10.00")
    # snapshots, tail aggregate, accounts, restrictions
    with django_assert_num_queries(4):
        fund_balances(fund=fund)
    for code in ("a", "b", "c"):
        r = services.restriction_create(actor=SETUP, fund=fund, code=code, name=code, kind="purpose", purpose=code)
        f.receive(fund, "5.00", restriction=r)
    services.fiscal_period_close(actor=SETUP, fund=fund, start=JAN, end=dt.date(2026, 1, 31))
    with django_assert_num_queries(4):
        rows = fund_balances(fund=fund)
    assert [r["available"] for r in rows] == [Decimal("5.00")] * 3 + [Decimal("10.00")]


def test_contributions_by_source_query_count_is_fixed(django_assert_num_queries):
    fund = f.fund()
    f.receive(fund, "10.00")
    with django_assert_num_queries(1):
        assert len(contributions_by_source(fund=fund, start=JAN, end=dt.date(2026, 12, 31))) == 1
    for _ in range(4):
        f.receive(fund, "10.00")
    with django_assert_num_queries(1):
        rows = contributions_by_source(fund=fund, start=JAN, end=dt.date(2026, 12, 31))
    assert len(rows) == 5 and all(r["amount"] == Decimal("10.00") for r in rows)


def test_account_balance_is_one_query_with_or_without_snapshots(django_assert_num_queries):
    fund = f.fund()
    f.receive(fund, "10.00", on=dt.date(2026, 1, 5))
    cash = account_for(fund=fund, role=AccountRole.CASH, restriction=f.general(fund))
    with django_assert_num_queries(1):
        assert account_balance(account=cash) == Money("10.00", "USD")
    services.fiscal_period_close(actor=SETUP, fund=fund, start=JAN, end=dt.date(2026, 1, 31))
    f.receive(fund, "2.00", on=dt.date(2026, 2, 5))
    with django_assert_num_queries(1):
        assert account_balance(account=cash) == Money("12.00", "USD")


def test_commitment_is_audited_in_its_transaction():
    fund = f.fund()
    f.receive(fund, "10.00")
    tx = award_commit(actor=SETUP, fund=fund, restriction=f.general(fund), amount=Decimal("4.00"),
                      reference="grants.award:77", on=dt.date(2026, 2, 1))
    event = AuditEvent.objects.get(action="wellness_fund.ledger.award_commit", object_id=str(tx.pk))
    assert event.organization == fund.ach
    assert event.after["reference"] == "grants.award:77"
    assert event.after["legs"] == [["awards_committed:general", "D", "4.00"], ["awards_payable:general", "C", "4.00"]]
