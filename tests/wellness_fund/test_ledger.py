import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from moneyed import Money

from organizations.actors import SETUP
from tests.wellness_fund import factories as f
from wellness_fund import services
from wellness_fund.commitments import award_commit, tranche_disburse
from wellness_fund.models import (
    Account,
    AccountPeriodBalance,
    AccountRole,
    LedgerLeg,
    LedgerTransaction,
    LegSide,
)
from wellness_fund.selectors import account_balance, fund_balances, fund_statement
from wellness_fund.selectors.integrity import ledger_violations
from wellness_fund.services.ledger import Leg, account_for, transaction_post

D = Decimal


def _counts():
    return LedgerTransaction.objects.count(), LedgerLeg.objects.count()


def _cash(fund):
    return Account.objects.get(fund=fund, role=AccountRole.CASH, restriction=f.general(fund))


@pytest.mark.django_db
def test_posting_refuses_an_unbalanced_transaction_and_writes_nothing():
    fund = f.fund()
    f.receive(fund, "10.00")
    cash = _cash(fund)
    payable = account_for(fund=fund, role=AccountRole.AWARDS_PAYABLE, restriction=f.general(fund))
    before = _counts()
    with pytest.raises(ValidationError, match="does not balance"), transaction.atomic():
        transaction_post(actor=SETUP, fund=fund, kind="award_commit", posted_on=dt.date(2026, 1, 2),
                         legs=[Leg(cash, LegSide.DEBIT, D("5.00")), Leg(payable, LegSide.CREDIT, D("4.99"))])
    assert _counts() == before


def _raw_unbalanced(fund, cash):
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO wellness_fund_ledgertransaction (fund_id, kind, posted_on, reference, memo, created_at)"
            " VALUES (%s, 'contribution', '2026-01-03', '', '', now()) RETURNING id", [fund.pk])
        tx_id = cur.fetchone()[0]
        for side, amount in (("D", "5.00"), ("C", "4.00")):
            cur.execute(
                "INSERT INTO wellness_fund_ledgerleg (transaction_id, account_id, fund_id, posted_on, side,"
                " amount, amount_currency) VALUES (%s, %s, %s, '2026-01-03', %s, %s, 'USD')",
                [tx_id, cash.pk, fund.pk, side, amount])
    return tx_id


@pytest.mark.django_db(transaction=True)
def test_database_trigger_refuses_an_unbalanced_transaction_at_commit():
    fund = f.fund()
    f.receive(fund, "10.00")
    cash = _cash(fund)
    before = _counts()
    with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
        _raw_unbalanced(fund, cash)
    assert _counts() == before


@pytest.mark.django_db(transaction=True)
def test_database_trigger_refuses_a_transaction_with_one_leg():
    fund = f.fund()
    f.receive(fund, "10.00")
    before = _counts()
    with pytest.raises(DatabaseError, match="fewer than two legs"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO wellness_fund_ledgertransaction (fund_id, kind, posted_on, reference, memo, created_at)"
            " VALUES (%s, 'contribution', '2026-01-03', '', '', now())", [fund.pk])
    assert _counts() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sql", [
    "UPDATE wellness_fund_ledgerleg SET amount = amount + 1 WHERE fund_id = %s",
    "DELETE FROM wellness_fund_ledgerleg WHERE fund_id = %s",
    "UPDATE wellness_fund_ledgertransaction SET memo = 'x' WHERE fund_id = %s",
    "DELETE FROM wellness_fund_ledgertransaction WHERE fund_id = %s",
])
def test_posted_rows_refuse_update_and_delete(sql):
    fund = f.fund()
    f.receive(fund, "10.00")
    before = list(LedgerLeg.objects.order_by("pk").values_list("pk", "amount"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [fund.pk])
    assert list(LedgerLeg.objects.order_by("pk").values_list("pk", "amount")) == before


@pytest.mark.django_db
def test_reversal_mirrors_the_original_and_cannot_itself_be_reversed():
    fund = f.fund()
    receipt = f.receive(fund, "70.00")
    rev = services.transaction_reverse(actor=SETUP, transaction_to_reverse=receipt.transaction, on=dt.date(2026, 1, 20))
    assert rev.reverses == receipt.transaction
    assert account_balance(account=_cash(fund)) == Money("0.00", "USD")
    before = _counts()
    with pytest.raises(ValidationError, match="is a reversal"):
        services.transaction_reverse(actor=SETUP, transaction_to_reverse=rev, on=dt.date(2026, 1, 21))
    with pytest.raises(ValidationError, match="already been reversed"):
        services.transaction_reverse(actor=SETUP, transaction_to_reverse=receipt.transaction, on=dt.date(2026, 1, 21))
    assert _counts() == before


@pytest.mark.django_db
def test_reversing_money_already_committed_is_refused():
    fund = f.fund()
    receipt = f.receive(fund, "70.00")
    award_commit(actor=SETUP, fund=fund, restriction=f.general(fund), amount=D("50.00"), reference="grants.award:9",
                 on=dt.date(2026, 1, 16))
    before = _counts()
    with pytest.raises(ValidationError, match="over-committed"):
        services.transaction_reverse(actor=SETUP, transaction_to_reverse=receipt.transaction, on=dt.date(2026, 1, 20))
    assert _counts() == before


@pytest.mark.django_db
def test_closed_period_refuses_postings_and_balances_read_snapshots():
    fund = f.fund()
    src = f.source(fund)
    f.receive(fund, "100.00", on=dt.date(2026, 1, 10), src=src)
    f.receive(fund, "25.50", on=dt.date(2026, 2, 10), src=src)
    services.fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    f.receive(fund, "4.50", on=dt.date(2026, 2, 11), src=src)
    cash = _cash(fund)
    before = _counts()

    with pytest.raises(ValidationError, match="closed fiscal period"):
        f.receive(fund, "1.00", on=dt.date(2026, 1, 31), src=src)
    with pytest.raises(ValidationError, match="closed fiscal period"):
        award_commit(actor=SETUP, fund=fund, restriction=f.general(fund), amount=D("1.00"), reference="grants.award:1",
                     on=dt.date(2026, 1, 5))

    assert _counts() == before
    assert account_balance(account=cash, as_of=dt.date(2026, 1, 31)) == Money("100.00", "USD")
    assert account_balance(account=cash, as_of=dt.date(2026, 2, 10)) == Money("125.50", "USD")
    assert account_balance(account=cash) == Money("130.00", "USD")
    assert account_balance(account=cash, as_of=dt.date(2025, 12, 31)) == Money("0.00", "USD")
    assert AccountPeriodBalance.objects.get(account=cash).closing_balance == Money("100.00", "USD")


@pytest.mark.django_db
def test_fund_statement_adds_up():
    fund = f.fund()
    r = f.general(fund)
    public = f.source(fund, kind="public_health", code="public")
    gifts = f.source(fund, kind="philanthropy", code="gifts")
    f.receive(fund, "1000.00", on=dt.date(2025, 12, 20), src=public)
    services.fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2025, 12, 1), end=dt.date(2025, 12, 31))
    f.receive(fund, "500.00", on=dt.date(2026, 1, 10), src=gifts)
    f.receive(fund, "250.00", on=dt.date(2026, 2, 10), src=public)
    services.fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    award_commit(actor=SETUP, fund=fund, restriction=r, amount=D("900.00"), reference="grants.award:1", on=dt.date(2026, 2, 11))
    tranche_disburse(actor=SETUP, fund=fund, restriction=r, amount=D("300.00"), reference="grants.award:1", on=dt.date(2026, 2, 12))
    f.receive(fund, "99.00", on=dt.date(2026, 3, 1), src=public)  # after the period

    st = fund_statement(fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28))

    assert st["opening_balance"] == D("1000.00")
    assert {r["source"]: r["amount"] for r in st["inflows"]} == {"gifts": D("500.00"), "public": D("250.00")}
    assert st["awards_committed"] == D("900.00")
    assert st["disbursed"] == D("300.00")
    assert st["returned"] == D("0.00")
    assert st["closing_balance"] == D("1450.00")  # 1000 + 750 - 300
    assert st["closing_available"] == D("850.00")  # 1750 - 900
    balances = {row["restriction"]: row for row in fund_balances(fund=fund, as_of=dt.date(2026, 2, 28))}
    assert balances["general"]["available"] == D("850.00")
    assert balances["general"]["awards_payable"] == D("600.00")
    # The statement's balances per restriction, derived from the opening and the period's
    # activity, are those the ledger gives at both ends (closed periods and open days alike).
    assert st["closing_balances"] == fund_balances(fund=fund, as_of=dt.date(2026, 2, 28))
    assert st["opening_balances"] == fund_balances(fund=fund, as_of=dt.date(2025, 12, 31))
    assert st["closing_balances"] != st["opening_balances"]


@pytest.mark.django_db
def test_fund_statement_query_count_does_not_grow(django_assert_num_queries):
    fund = f.fund()
    f.receive(fund, "10.00", on=dt.date(2026, 1, 10))
    services.fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    # snapshots, tail (opening); covered span, snapshot sums, tail (activity); accounts; restrictions
    with django_assert_num_queries(7):
        fund_statement(fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    for i in range(5):
        f.receive(fund, "10.00", on=dt.date(2026, 2, 1 + i))
    with django_assert_num_queries(7):
        fund_statement(fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))


@pytest.mark.django_db
def test_ledger_check_passes_on_a_sound_ledger(capsys):
    fund = f.fund()
    f.receive(fund, "10.00", on=dt.date(2026, 1, 10))
    services.fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    call_command("ledger_check", "--fund", fund.code)
    assert "Ledger OK" in capsys.readouterr().out


@pytest.mark.django_db
def test_ledger_check_names_a_corrupted_snapshot(capsys):
    fund = f.fund()
    f.receive(fund, "10.00", on=dt.date(2026, 1, 10))
    services.fiscal_period_close(actor=SETUP, fund=fund, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    AccountPeriodBalance.objects.filter(account=_cash(fund)).update(closing_balance=D("11.00"))

    with pytest.raises(SystemExit) as exc:
        call_command("ledger_check", "--fund", fund.code)

    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "[snapshot]" in err and "cash:general" in err


@pytest.mark.django_db(transaction=True)
def test_ledger_check_names_an_unbalanced_transaction_slipped_past_disabled_triggers(capsys):
    fund = f.fund()
    f.receive(fund, "10.00")
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE wellness_fund_ledgerleg DISABLE TRIGGER wellness_fund_leg_check_row")
    try:
        with transaction.atomic():
            tx_id = _raw_unbalanced(fund, _cash(fund))
    finally:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE wellness_fund_ledgerleg ENABLE TRIGGER wellness_fund_leg_check_row")

    assert [v.code for v in ledger_violations(fund_id=fund.pk)] == ["unbalanced"]
    with pytest.raises(SystemExit):
        call_command("ledger_check")
    assert f"transaction {tx_id} does not balance" in capsys.readouterr().err


@pytest.mark.django_db
def test_ledger_check_refuses_an_unknown_fund():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No wellness fund"):
        call_command("ledger_check", "--fund", "nope")
