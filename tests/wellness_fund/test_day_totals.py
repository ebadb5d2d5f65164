"""Account day totals: kept by the database from the legs, read by one account's balance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from moneyed import Money

from organizations.actors import SETUP
from tests.wellness_fund import factories as f
from wellness_fund import services
from wellness_fund.models import Account, AccountDayTotal
from wellness_fund.selectors import account_balance
from wellness_fund.selectors.integrity import ledger_violations

D = Decimal


@pytest.mark.django_db
def test_day_totals_sum_the_legs_of_each_day_and_feed_the_balance():
    # given receipts on two days, one of them twice, and a closed January
    fund = f.fund()
    src = f.source(fund)
    f.receive(fund, "10.00", on=dt.date(2026, 1, 5), src=src)
    f.receive(fund, "2.50", on=dt.date(2026, 2, 3), src=src)
    f.receive(fund, "0.25", on=dt.date(2026, 2, 3), src=src)
    services.fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    cash = Account.objects.get(fund=fund, code="cash:general")

    # then cash has one row per day with the sums of its legs
    rows = list(AccountDayTotal.objects.filter(account=cash).values_list("day", "debits", "credits", "legs"))
    assert rows == [(dt.date(2026, 1, 5), D("10.00"), D("0.00"), 1), (dt.date(2026, 2, 3), D("2.75"), D("0.00"), 2)]
    # and the balance as of a date is the snapshot plus the days after it
    assert account_balance(account=cash, as_of=dt.date(2026, 1, 31)) == Money("10.00", "USD")
    assert account_balance(account=cash, as_of=dt.date(2026, 2, 2)) == Money("10.00", "USD")
    assert account_balance(account=cash, as_of=dt.date(2026, 2, 3)) == Money("12.75", "USD")
    assert account_balance(account=cash) == Money("12.75", "USD")
    assert ledger_violations(fund_id=fund.pk) == []


@pytest.mark.django_db(transaction=True)
def test_day_totals_refuse_any_write_but_the_ledger_s():
    fund = f.fund()
    f.receive(fund, "10.00", on=dt.date(2026, 1, 5))
    row = AccountDayTotal.objects.get(account__code="cash:general", account__fund=fund)
    for sql, params in (
        ("UPDATE wellness_fund_accountdaytotal SET debits = 1 WHERE id = %s", [row.pk]),
        ("DELETE FROM wellness_fund_accountdaytotal WHERE id = %s", [row.pk]),
        ("INSERT INTO wellness_fund_accountdaytotal (account_id, day, debits, credits, legs)"
         " VALUES (%s, '2026-03-01', 5, 0, 1)", [row.account_id]),
    ):
        with pytest.raises(Exception, match="kept from the ledger legs"), transaction.atomic(), \
                connection.cursor() as cur:
            cur.execute(sql, params)
    row.refresh_from_db()
    assert (row.debits, row.legs) == (D("10.00"), 1)
    assert AccountDayTotal.objects.filter(account__fund=fund).count() == 2
    assert ledger_violations(fund_id=fund.pk) == []


@pytest.mark.django_db(transaction=True)
def test_integrity_check_names_a_day_total_that_differs_from_the_legs():
    fund = f.fund()
    f.receive(fund, "10.00", on=dt.date(2026, 1, 5))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")  # as a bulk loader bypassing triggers
        cur.execute("UPDATE wellness_fund_accountdaytotal SET debits = debits + 1 WHERE debits > 0")
    violations = ledger_violations(fund_id=fund.pk)
    assert [v.code for v in violations] == ["day_total"]
    assert "stored debits 11.00" in violations[0].message
