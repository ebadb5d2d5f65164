"""Posting to a fund's ledger: the one path by which legs are written.

Rules (also enforced by PostgreSQL triggers, see migration 0003):

* every posting locks the fund row first (``lock_fund``), so checks that read balances
  and the write that changes them are serialized per fund;
* a transaction has at least two legs, each with a positive amount in the fund's currency,
  and its debits equal its credits per currency;
* nothing is posted on a date inside a closed fiscal period;
* posted rows are never changed: ``transaction_reverse`` posts the mirror image and names
  the transaction it reverses; a reversal cannot itself be reversed, and a transaction is
  reversed at most once.

Who may post: ``transaction_reverse`` and ``fiscal_period_close`` are the fund
administrator's (``AccessDenied`` otherwise, nothing written). ``transaction_post`` and
``transactions_post_bulk`` are the building blocks of the services that post (receipts,
contributions, commitments, reversals), each of which checks the actor for its own action;
they are not called from a view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext
from moneyed import Money

from audit.services import record, record_bulk
from money import parse_amount
from organizations import access
from organizations.actors import Actor, User
from organizations.dates import date_words, plausible_date_check

from ..models import (
    Account,
    AccountPeriodBalance,
    AccountRole,
    FiscalPeriod,
    FundingSource,
    LedgerLeg,
    LedgerTransaction,
    LegSide,
    Restriction,
    TransactionKind,
    WellnessFund,
)


@dataclass(frozen=True)
class Leg:
    """A leg to post: ``amount`` (positive, cents) debited or credited to ``account``."""

    account: Account
    side: str  # LegSide.DEBIT or LegSide.CREDIT
    amount: Decimal


def lock_fund(fund: WellnessFund) -> WellnessFund:
    """Lock the fund row (select_for_update, ordered by pk) until the transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_fund must run inside transaction.atomic")
    return (
        WellnessFund.objects.select_for_update(of=("self",)).select_related("ach")
        .filter(pk=fund.pk).order_by("pk").get()
    )


def fund_amount(value: Any, *, fund: WellnessFund, field: str = "amount") -> Decimal:
    """A positive amount in the fund's currency (Decimal, str, int or Money; floats refused)."""
    if isinstance(value, Money) and str(value.currency) != fund.currency:
        raise ValidationError(
            {field: gettext("The amount is in %(currency)s; fund %(fund)s keeps its books in %(books)s.")
                    % {"currency": value.currency, "fund": fund.code, "books": fund.currency}}
        )
    return parse_amount(value, field=field)


def check_open_date(*, fund: WellnessFund, on: dt.date, field: str = "on") -> None:
    """Refuse a date inside one of the fund's closed fiscal periods."""
    if not isinstance(on, dt.date):
        raise ValidationError({field: gettext("A date is required.")})
    open_date_check(on=on, periods=closed_periods(fund=fund, dates=[on]), field=field)


def closed_periods(*, fund: WellnessFund, dates: Sequence[dt.date]) -> list[FiscalPeriod]:
    """The fund's closed periods that may contain one of ``dates`` (one query, none when empty)."""
    days = [d for d in dates if isinstance(d, dt.date)]
    if not days:
        return []
    return list(FiscalPeriod.objects.filter(fund=fund, start__lte=max(days), end__gte=min(days)).order_by("start"))


def open_date_check(*, on: dt.date, periods: Sequence[FiscalPeriod], field: str = "on") -> None:
    """Refuse ``on`` when it is not a plausible date (``organizations.dates``) or lies in one of
    ``periods`` (from ``closed_periods``)."""
    plausible_date_check(on, field=field)
    for closed in periods:
        if closed.start <= on <= closed.end:
            raise ValidationError({field: gettext("%(day)s lies in the closed fiscal period from %(start)s to %(end)s.")
                                   % {"day": date_words(on), "start": date_words(closed.start),
                                      "end": date_words(closed.end)}})


def account_for(
    *, fund: WellnessFund, role: str, restriction: Restriction, funding_source: FundingSource | None = None
) -> Account:
    """The fund's account for (role, restriction[, source]), opened on first use."""
    if restriction.fund_id != fund.pk:
        raise ValidationError({"restriction": gettext("Restriction %(code)s belongs to another fund.")
                                         % {"code": restriction.code}})
    if funding_source is not None and funding_source.fund_id != fund.pk:
        raise ValidationError({"funding_source": gettext("Source %(code)s belongs to another fund.")
                                            % {"code": funding_source.code}})
    code = f"{role}:{restriction.code}" + (f":{funding_source.code}" if funding_source else "")
    account, _ = Account.objects.get_or_create(
        fund=fund,
        code=code,
        defaults={
            "role": role,
            "restriction": restriction,
            "funding_source": funding_source,
            "currency": fund.currency,
        },
    )
    return account


def accounts_for(
    *, fund: WellnessFund, wanted: list[tuple[str, Restriction, FundingSource | None]]
) -> list[Account]:
    """Several accounts at once (one query when they all exist), opened on first use."""
    codes = [f"{role}:{r.code}" + (f":{s.code}" if s else "") for role, r, s in wanted]
    found = {a.code: a for a in Account.objects.filter(fund=fund, code__in=codes)}
    return [
        found.get(code) or account_for(fund=fund, role=role, restriction=r, funding_source=s)
        for code, (role, r, s) in zip(codes, wanted, strict=True)
    ]


@dataclass(frozen=True)
class Posting:
    """A transaction to post with ``transactions_post_bulk``."""

    kind: str
    posted_on: dt.date
    legs: list[Leg]
    reference: str = ""
    memo: str = ""
    reverses: LedgerTransaction | None = None
    date_field: str = "posted_on"


def _check_posting(posting: Posting, *, fund: WellnessFund, periods: Sequence[FiscalPeriod]) -> None:
    """The rules of one posting (module docstring); raises ValidationError, no query."""
    open_date_check(on=posting.posted_on, periods=periods, field=posting.date_field)
    if len(posting.legs) < 2:
        raise ValidationError(gettext("A ledger transaction needs at least two legs."))
    totals: dict[str, Decimal] = {LegSide.DEBIT: Decimal(0), LegSide.CREDIT: Decimal(0)}
    for leg in posting.legs:
        if leg.side not in totals:
            raise ValidationError({"side": gettext("Unknown leg side “%(side)s”.") % {"side": leg.side}})
        if leg.account.fund_id != fund.pk:
            raise ValidationError({"account": gettext("Account %(code)s belongs to another fund.")
                                         % {"code": leg.account.code}})
        if leg.account.currency != fund.currency:
            raise ValidationError({"currency": gettext("Account %(code)s is not in %(currency)s.")
                                          % {"code": leg.account.code, "currency": fund.currency}})
        totals[leg.side] += parse_amount(leg.amount)
    if totals[LegSide.DEBIT] != totals[LegSide.CREDIT]:
        raise ValidationError(
            gettext("The transaction does not balance: debits %(debits)s, credits %(credits)s.")
            % {"debits": totals[LegSide.DEBIT], "credits": totals[LegSide.CREDIT]}
        )


def transactions_post_bulk(*, actor: Actor, fund: WellnessFund, postings: Sequence[Posting]) -> list[LedgerTransaction]:
    """Post many balanced transactions of one fund (caller holds the fund lock). Audited.

    Every posting is checked before anything is written (the first bad one raises).
    Four queries whatever the number: closed periods, one INSERT each of transactions,
    legs and audit events. The database re-checks balance, dates and append-only rows.
    """
    periods = closed_periods(fund=fund, dates=[p.posted_on for p in postings])
    for posting in postings:
        _check_posting(posting, fund=fund, periods=periods)
    if not postings:
        return []
    with transaction.atomic(savepoint=False):
        user = actor if isinstance(actor, User) else None
        txs = LedgerTransaction.objects.bulk_create([
            LedgerTransaction(
                fund=fund, kind=p.kind, posted_on=p.posted_on, reference=p.reference, memo=p.memo,
                reverses=p.reverses, created_by=user,
            )
            for p in postings
        ])
        if connection.vendor == "postgresql":
            # One COPY: no model instance per leg (the legs are not returned).
            with connection.cursor() as cur, cur.cursor.copy(
                "COPY wellness_fund_ledgerleg (transaction_id, account_id, fund_id, posted_on, side, amount,"
                " amount_currency) FROM STDIN"
            ) as copy:
                for tx, p in zip(txs, postings, strict=True):
                    for leg in p.legs:
                        copy.write_row((tx.pk, leg.account.pk, fund.pk, p.posted_on, leg.side,
                                        parse_amount(leg.amount), fund.currency))
        else:
            LedgerLeg.objects.bulk_create([
                LedgerLeg(  # type: ignore[misc]  # MoneyField inherits DecimalField's stub typing but takes Money
                    transaction=tx, account=leg.account, fund=fund, posted_on=p.posted_on, side=leg.side,
                    amount=Money(leg.amount, fund.currency),
                )
                for tx, p in zip(txs, postings, strict=True)
                for leg in p.legs
            ])
        for tx in txs:
            tx.fund = fund
        for kind in dict.fromkeys(p.kind for p in postings):
            group = [(tx, p) for tx, p in zip(txs, postings, strict=True) if p.kind == kind]
            record_bulk(
                actor=actor, action=f"wellness_fund.ledger.{kind}", objs=[tx for tx, _ in group],
                organization=fund.ach,
                afters=[
                    {
                        "fund": fund.code, "kind": kind, "posted_on": p.posted_on, "reference": p.reference,
                        "memo": p.memo, "reverses": p.reverses.pk if p.reverses else None,
                        "legs": [[leg.account.code, leg.side, leg.amount] for leg in p.legs],
                    }
                    for _, p in group
                ],
            )
    return txs


def transaction_post(
    *,
    actor: Actor,
    fund: WellnessFund,
    kind: str,
    posted_on: dt.date,
    legs: list[Leg],
    reference: str = "",
    memo: str = "",
    reverses: LedgerTransaction | None = None,
    date_field: str = "posted_on",
) -> LedgerTransaction:
    """Post a balanced transaction (caller holds the fund lock). Audited.

    ``date_field`` names the caller's date argument in the error for a closed period.
    """
    posting = Posting(kind=kind, posted_on=posted_on, legs=legs, reference=reference, memo=memo,
                      reverses=reverses, date_field=date_field)
    return transactions_post_bulk(actor=actor, fund=fund, postings=[posting])[0]


def transaction_reverse(
    *, actor: Actor, transaction_to_reverse: LedgerTransaction, on: dt.date, memo: str = ""
) -> LedgerTransaction:
    """Post the mirror image of a transaction, naming it. Refuses a reversal of a reversal,
    a second reversal, a closed date, and a reversal that would over-commit a restriction
    or leave an award with more disbursed than committed."""
    from ..selectors.balances import available_amount, reference_components

    original = transaction_to_reverse
    access.require(actor, "change", original)
    with transaction.atomic():
        fund = lock_fund(original.fund)
        if original.kind == TransactionKind.REVERSAL:
            raise ValidationError({"transaction": gettext("Transaction %(n)s is a reversal; it cannot be reversed.")
                                                   % {"n": original.pk}})
        if LedgerTransaction.objects.filter(reverses=original).exists():
            raise ValidationError({"transaction": gettext("Transaction %(n)s has already been reversed.") % {"n": original.pk}})
        if on < original.posted_on:
            raise ValidationError({"on": gettext("A reversal cannot be dated before the transaction it reverses.")})
        legs = [
            Leg(
                account=leg.account,
                side=LegSide.CREDIT if leg.side == LegSide.DEBIT else LegSide.DEBIT,
                amount=leg.amount.amount,
            )
            for leg in original.legs.select_related("account")
        ]
        tx = transaction_post(
            actor=actor, fund=fund, kind=TransactionKind.REVERSAL, posted_on=on, legs=legs,
            reference=original.reference, memo=memo or f"Reversal of #{original.pk}", reverses=original,
            date_field="on",
        )
        for restriction_id in {leg.account.restriction_id for leg in legs}:
            restriction = Restriction.objects.get(pk=restriction_id)
            if available_amount(fund=fund, restriction=restriction) < 0:
                raise ValidationError(
                    {"transaction": gettext("Reversing it would leave restriction %(code)s over-committed.")
                                    % {"code": restriction.code}}
                )
        if original.reference and original.kind != TransactionKind.CONTRIBUTION:
            parts = reference_components(reference=original.reference)
            if parts.undisbursed < 0 or parts.disbursed - parts.returned < 0:
                raise ValidationError(
                    {"transaction": gettext("Reversing it would leave %(reference)s with more paid out than committed.")
                                    % {"reference": original.reference}}
                )
        if original.kind == TransactionKind.CONTRIBUTION:
            # A reversed contribution payment no longer fulfils any obligation.
            from .contributions import contribution_payment_credits_reverse

            contribution_payment_credits_reverse(actor=actor, original=original, on=on)
    return tx


def fiscal_period_close(*, actor: Actor, fund: WellnessFund, start: dt.date, end: dt.date) -> FiscalPeriod:
    """Close [start, end] for posting and snapshot every account's activity and balance.

    Periods close in order: ``start`` is the day after the last closed period's end (any
    date for the first one). The snapshot is computed by two grouped SQL aggregates.
    """
    access.require(actor, "change", fund)
    with transaction.atomic():
        fund = lock_fund(fund)
        if end < start:
            raise ValidationError({"end": gettext("The period ends before it starts.")})
        last = FiscalPeriod.objects.filter(fund=fund).order_by("-end").first()
        if last is not None and start != last.end + dt.timedelta(days=1):
            raise ValidationError({"start": gettext("The next period to close starts on %(day)s.")
                                       % {"day": date_words(last.end + dt.timedelta(days=1))}})
        period = FiscalPeriod.objects.create(
            fund=fund, start=start, end=end, closed_by=actor if isinstance(actor, User) else None
        )
        previous = {}
        if last is not None:
            previous = {
                b.account_id: b.closing_balance.amount for b in AccountPeriodBalance.objects.filter(period=last)
            }
        activity = {
            (row["account_id"], row["side"]): row["total"]
            for row in LedgerLeg.objects.filter(fund=fund, posted_on__gte=start, posted_on__lte=end)
            .values("account_id", "side")
            .annotate(total=Sum("amount"))
            .order_by()
        }
        if last is None:
            # First close: include everything dated before ``start`` in the opening balance.
            for row in (
                LedgerLeg.objects.filter(fund=fund, posted_on__lt=start)
                .values("account_id", "side").annotate(total=Sum("amount")).order_by()
            ):
                sign = 1 if row["side"] == LegSide.DEBIT else -1
                previous[row["account_id"]] = previous.get(row["account_id"], Decimal(0)) + sign * row["total"]
        rows = []
        for account in Account.objects.filter(fund=fund):
            debits = activity.get((account.pk, LegSide.DEBIT), Decimal(0))
            credits = activity.get((account.pk, LegSide.CREDIT), Decimal(0))
            closing = previous.get(account.pk, Decimal(0)) + debits - credits
            rows.append(
                AccountPeriodBalance(  # type: ignore[misc]  # MoneyField inherits DecimalField's stub typing but takes Money
                    period=period, account=account, debits=Money(debits, account.currency),
                    credits=Money(credits, account.currency), closing_balance=Money(closing, account.currency),
                )
            )
        AccountPeriodBalance.objects.bulk_create(rows)
        record(actor=actor, action="wellness_fund.period.close", obj=period, organization=fund.ach,
               after={"fund": fund.code, "start": start, "end": end, "accounts": len(rows)})
    return period


__all__ = [
    "AccountRole", "Leg", "Posting", "account_for", "check_open_date", "closed_periods", "fiscal_period_close",
    "fund_amount", "lock_fund", "open_date_check", "transaction_post", "transaction_reverse",
    "transactions_post_bulk",
]
