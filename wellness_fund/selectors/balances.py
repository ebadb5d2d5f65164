"""Balances computed in SQL: snapshot at the last closed period + aggregate of the open tail
(legs, or for one account its day totals, which the database keeps from the legs).

Signs: an account's *balance* is debit-positive (debits - credits). "Available to award"
is the credit balance of a restriction's income and expense accounts (contributions +
returns - net commitments), equal to its cash less its awards payable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, F, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from moneyed import Money

from ..models import (
    AVAILABLE_ROLES,
    Account,
    AccountDayTotal,
    AccountPeriodBalance,
    AccountRole,
    FiscalPeriod,
    LedgerLeg,
    LegSide,
    Restriction,
    WellnessFund,
)

ZERO = Decimal("0.00")
_DEC: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)
SIGNED = Case(When(side=LegSide.DEBIT, then=F("amount")), default=-F("amount"), output_field=_DEC)


def last_closed_period(*, fund_id: int, as_of: dt.date | None) -> FiscalPeriod | None:
    """The latest closed period ending on or before ``as_of`` (any when None)."""
    return _cut_qs(fund_id=fund_id, as_of=as_of).first()


def _cut_qs(*, fund_id: int, as_of: dt.date | None):  # type: ignore[no-untyped-def]
    qs = FiscalPeriod.objects.filter(fund_id=fund_id)
    if as_of is not None:
        qs = qs.filter(end__lte=as_of)
    return qs.order_by("-end")


def snapshot_and_tail(*, fund_id: int, as_of: dt.date | None):  # type: ignore[no-untyped-def]
    """(snapshots, legs): the period balances of the last closed period up to ``as_of`` and the
    legs after it (up to ``as_of``), as querysets whose cut-off is a SQL subquery, so a balance
    always costs the same queries whether or not a period is closed."""
    cut = _cut_qs(fund_id=fund_id, as_of=as_of)
    snapshots = AccountPeriodBalance.objects.filter(period_id=Subquery(cut.values("pk")[:1])).order_by()
    legs = LedgerLeg.objects.filter(
        fund_id=fund_id, posted_on__gt=Coalesce(Subquery(cut.values("end")[:1]), Value(dt.date.min))
    )
    # An explicit upper bound (even the largest date) keeps the planner on the date indexes.
    legs = legs.filter(posted_on__lte=as_of or dt.date.max)
    return snapshots, legs


def day_totals_kept() -> bool:
    """Whether the database keeps ``AccountDayTotal`` (PostgreSQL's trigger; the embedded
    SQLite of local runs keeps none, and its sums are read from the legs)."""
    return connection.vendor == "postgresql"


def tail_days(*, fund_id: int, as_of: dt.date | None):  # type: ignore[no-untyped-def]
    """The day totals of ``fund_id``'s accounts after the last closed period up to ``as_of``:
    ``snapshot_and_tail``'s legs, summed per account and day by the database (PostgreSQL)."""
    cut = _cut_qs(fund_id=fund_id, as_of=as_of)
    return AccountDayTotal.objects.filter(
        account__fund_id=fund_id, day__gt=Coalesce(Subquery(cut.values("end")[:1]), Value(dt.date.min)),
        day__lte=as_of or dt.date.max,
    ).order_by()


def signed_total(*, fund_id: int, accounts: Q, as_of: dt.date | None = None) -> Decimal:
    """Debits - credits of the accounts matching ``accounts`` (a Q on Account), up to ``as_of``.

    Two queries: the snapshot sum and the tail aggregate.
    """
    snapshots, legs = snapshot_and_tail(fund_id=fund_id, as_of=as_of)
    selected = Account.objects.filter(accounts).values("pk")
    snap = snapshots.filter(account__in=selected).aggregate(
        s=Coalesce(Sum("closing_balance"), Value(ZERO), output_field=_DEC)
    )["s"]
    tail = legs.filter(account__in=selected).aggregate(s=Coalesce(Sum(SIGNED), Value(ZERO), output_field=_DEC))["s"]
    return snap + tail


ACCOUNT_BALANCE_SQL = """
WITH cut AS (
    SELECT id, "end" FROM wellness_fund_fiscalperiod
     WHERE fund_id = %(fund)s AND "end" <= %(as_of)s::date
     ORDER BY "end" DESC LIMIT 1)
SELECT COALESCE((SELECT b.closing_balance FROM wellness_fund_accountperiodbalance b
                  WHERE b.period_id = (SELECT id FROM cut) AND b.account_id = %(account)s), 0)
     + COALESCE((SELECT SUM(d.debits - d.credits)
                   FROM wellness_fund_accountdaytotal d
                  WHERE d.account_id = %(account)s
                    AND d.day > COALESCE((SELECT "end" FROM cut), '-infinity'::date)
                    AND d.day <= %(as_of)s::date), 0)
"""


def account_balance(*, account: Account, as_of: dt.date | None = None) -> Money:
    """Debit-positive balance of one account as of ``as_of`` (end of day): one SQL query,
    the last closed period's snapshot plus the account's day totals after it (index
    account_day_total_unique: a month of rows at most when periods are closed monthly,
    however many legs the account has)."""
    if connection.vendor != "postgresql":  # the embedded SQLite of local runs keeps no day totals
        return Money(signed_total(fund_id=account.fund_id, accounts=Q(pk=account.pk), as_of=as_of), account.currency)
    with connection.cursor() as cur:
        # An explicit upper bound (even the largest date) keeps the planner on the unique index.
        cur.execute(
            ACCOUNT_BALANCE_SQL, {"fund": account.fund_id, "account": account.pk, "as_of": as_of or dt.date.max}
        )
        total = cur.fetchone()[0]
    return Money(total, account.currency)


def available_amount(*, fund: WellnessFund, restriction: Restriction, as_of: dt.date | None = None) -> Decimal:
    """Received - committed (net of de-obligations) + returned, for one restriction."""
    return -signed_total(
        fund_id=fund.pk, accounts=Q(restriction_id=restriction.pk, role__in=AVAILABLE_ROLES), as_of=as_of
    )


@dataclass(frozen=True)
class ReferenceComponents:
    """What the ledger holds for one award reference (amounts in the fund's currency)."""

    committed: Decimal  # committed - de-obligated
    disbursed: Decimal  # tranches paid out
    returned: Decimal  # unspent money paid back
    currency: str

    @property
    def undisbursed(self) -> Decimal:
        return self.committed - self.disbursed

    @property
    def committed_net_of_returns(self) -> Decimal:
        return self.committed - self.returned


def reference_components(*, reference: str, restriction: Restriction | None = None) -> ReferenceComponents:
    """Committed, disbursed and returned for ``reference`` (one grouped query)."""
    legs = LedgerLeg.objects.filter(transaction__reference=reference)
    if restriction is not None:
        legs = legs.filter(account__restriction=restriction)
    rows = legs.values("account__role", "amount_currency").annotate(s=Sum(SIGNED)).order_by()
    by_role = {r["account__role"]: r["s"] for r in rows}
    currency = next((r["amount_currency"] for r in rows), "USD")
    committed = by_role.get(AccountRole.AWARDS_COMMITTED, ZERO)  # debit-positive
    returned = -by_role.get(AccountRole.AWARDS_RETURNED, ZERO)  # credit-positive
    cash = by_role.get(AccountRole.CASH, ZERO)  # returned - disbursed
    return ReferenceComponents(committed=committed, disbursed=returned - cash, returned=returned, currency=currency)
