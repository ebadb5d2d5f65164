"""Reads for pages and reports, as plain data (dicts of Decimals and strings), fixed query counts.

* ``fund_balances``: per restriction, cash, awards payable and available to award (5 queries).
* ``fund_statement``: opening balance, inflows by source, awards committed / de-obligated,
  disbursed, returned, closing balance, and balances per restriction at both ends, for any
  period (7 queries). Closed periods are read
  from their snapshots; only the open days are aggregated from the legs.
* ``contributions_by_source``: money received per funding source and paying organization (1 query).
* ``statements_due``: statements with paid, variance and overdue flag (1 query, +1 to scope).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from organizations import access

from ..models import (
    AVAILABLE_ROLES,
    Account,
    AccountDayTotal,
    AccountPeriodBalance,
    AccountRole,
    ContributionStatement,
    FiscalPeriod,
    LedgerLeg,
    LegSide,
    Restriction,
    WellnessFund,
)
from .balances import _DEC, SIGNED, ZERO, day_totals_kept, snapshot_and_tail, tail_days


def balances_by_account(*, fund: WellnessFund, as_of: dt.date | None) -> dict[int, Decimal]:
    """Debit-positive balance of every account of ``fund`` as of ``as_of`` (2 queries)."""
    snapshots, legs = snapshot_and_tail(fund_id=fund.pk, as_of=as_of)
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for account_id, closing in snapshots.values_list("account_id", "closing_balance"):
        result[account_id] += closing
    tail = (tail_days(fund_id=fund.pk, as_of=as_of).values("account_id").annotate(s=Sum(F("debits") - F("credits")))
            if day_totals_kept() else legs.values("account_id").annotate(s=Sum(SIGNED)).order_by())
    for row in tail:
        result[row["account_id"]] += row["s"]
    return result


def activity_by_account(*, fund: WellnessFund, start: dt.date, end: dt.date) -> dict[int, tuple[Decimal, Decimal]]:
    """(debits, credits) per account for legs dated in [start, end] (3 queries).

    Closed periods wholly inside the range come from their snapshots; the other days from legs.
    """
    covered = FiscalPeriod.objects.filter(fund=fund, start__gte=start, end__lte=end)
    span = covered.aggregate(first=Min("start"), last=Max("end"))
    result: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in (
        AccountPeriodBalance.objects.filter(period__in=covered.values("pk"))
        .values("account_id").annotate(d=Sum("debits"), c=Sum("credits")).order_by()
    ):
        result[row["account_id"]][0] += row["d"]
        result[row["account_id"]][1] += row["c"]
    if day_totals_kept():  # the database's sums per account and day, not every leg
        days = AccountDayTotal.objects.filter(account__fund=fund, day__gte=start, day__lte=end)
        if span["first"] is not None:
            # Closed periods are contiguous, so the covered days are one span.
            days = days.filter(Q(day__lt=span["first"]) | Q(day__gt=span["last"]))
        for row in days.values("account_id").annotate(d=Sum("debits"), c=Sum("credits")).order_by():
            result[row["account_id"]][0] += row["d"]
            result[row["account_id"]][1] += row["c"]
        return {k: (v[0], v[1]) for k, v in result.items()}
    legs = LedgerLeg.objects.filter(fund=fund, posted_on__gte=start, posted_on__lte=end)
    if span["first"] is not None:
        legs = legs.filter(Q(posted_on__lt=span["first"]) | Q(posted_on__gt=span["last"]))
    for row in legs.values("account_id", "side").annotate(s=Sum("amount")).order_by():
        result[row["account_id"]][0 if row["side"] == LegSide.DEBIT else 1] += row["s"]
    return {k: (v[0], v[1]) for k, v in result.items()}


def fund_balances(*, fund: WellnessFund, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Per restriction: cash, awards payable (owed to grantees) and available to award."""
    balances = balances_by_account(fund=fund, as_of=as_of)
    accounts = list(Account.objects.filter(fund=fund).values("pk", "role", "restriction_id"))
    return _by_restriction(fund, list(Restriction.objects.filter(fund=fund).order_by("code")), accounts, balances)


def _by_restriction(fund: WellnessFund, restrictions: list[Restriction], accounts: Sequence[Mapping[str, Any]],
                    balances: dict[int, Decimal]) -> list[dict[str, Any]]:
    """``balances`` (by account) summed per restriction (``restrictions``, in order)."""
    rows: dict[int, dict[str, Any]] = {}
    for r in restrictions:
        rows[r.pk] = {"restriction": r.code, "name": r.name, "kind": r.kind, "cash": ZERO,
                      "awards_payable": ZERO, "available": ZERO, "currency": fund.currency}
    for a in accounts:
        value = balances.get(a["pk"], ZERO)
        row = rows[a["restriction_id"]]
        if a["role"] == AccountRole.CASH:
            row["cash"] += value
        elif a["role"] == AccountRole.AWARDS_PAYABLE:
            row["awards_payable"] -= value
        if a["role"] in AVAILABLE_ROLES:
            row["available"] -= value
    return list(rows.values())


def fund_statement(*, fund: WellnessFund, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Sources and uses of ``fund`` for [start, end] (cash basis, plus commitments), with the
    balances per restriction at the opening and the close (``opening_balances``,
    ``closing_balances``, as ``fund_balances`` gives them): the close is the opening plus the
    period's activity, so the ledger is read once for the opening and once for the period."""
    opening = balances_by_account(fund=fund, as_of=start - dt.timedelta(days=1))
    activity = activity_by_account(fund=fund, start=start, end=end)
    accounts = list(
        Account.objects.filter(fund=fund).select_related("funding_source__contributor").order_by("code")
    )
    opening_cash = opening_available = ZERO
    inflows: dict[int, dict[str, Any]] = {}
    committed = deobligated = returned = cash_change = ZERO
    closing_available_change = ZERO
    closing: dict[int, Decimal] = {}
    for a in accounts:
        d, c = activity.get(a.pk, (ZERO, ZERO))
        closing[a.pk] = opening.get(a.pk, ZERO) + d - c
        if a.role == AccountRole.CASH:
            opening_cash += opening.get(a.pk, ZERO)
            cash_change += d - c
        if a.role in AVAILABLE_ROLES:
            opening_available -= opening.get(a.pk, ZERO)
            closing_available_change += c - d
        if a.role == AccountRole.CONTRIBUTIONS:
            src = a.funding_source
            assert src is not None  # a contributions account always has its source (check constraint)
            row = inflows.setdefault(src.pk, {
                "source": src.code, "name": src.name, "kind": src.kind, "restricted": src.is_restricted,
                "contributor": src.contributor.code if src.contributor else "", "amount": ZERO,
            })
            row["amount"] += c - d
        elif a.role == AccountRole.AWARDS_COMMITTED:
            committed += d
            deobligated += c
        elif a.role == AccountRole.AWARDS_RETURNED:
            returned += c - d
    inflow_rows = sorted(inflows.values(), key=lambda r: r["source"])
    inflows_total = sum((r["amount"] for r in inflow_rows), ZERO)
    disbursed = inflows_total + returned - cash_change
    plain = [{"pk": a.pk, "role": a.role, "restriction_id": a.restriction_id} for a in accounts]
    restrictions = list(Restriction.objects.filter(fund=fund).order_by("code"))
    return {
        "fund": fund.code, "currency": fund.currency, "start": start, "end": end,
        "opening_balance": opening_cash,
        "inflows": inflow_rows, "inflows_total": inflows_total,
        "awards_committed": committed, "awards_deobligated": deobligated,
        "disbursed": disbursed, "returned": returned,
        "closing_balance": opening_cash + cash_change,
        "opening_available": opening_available,
        "closing_available": opening_available + closing_available_change,
        "opening_balances": _by_restriction(fund, restrictions, plain, opening),
        "closing_balances": _by_restriction(fund, restrictions, plain, closing),
    }


def contributions_by_source(*, fund: WellnessFund, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Money received per funding source (and its paying organization) in [start, end]."""
    rows = (
        LedgerLeg.objects.filter(fund=fund, account__role=AccountRole.CONTRIBUTIONS, posted_on__gte=start,
                                 posted_on__lte=end)
        .values("account__funding_source__code", "account__funding_source__name", "account__funding_source__kind",
                "account__funding_source__contributor__code")
        .annotate(s=Coalesce(Sum(SIGNED), ZERO, output_field=_DEC))
        .order_by("account__funding_source__code")
    )
    return [
        {"source": r["account__funding_source__code"], "name": r["account__funding_source__name"],
         "kind": r["account__funding_source__kind"], "contributor": r["account__funding_source__contributor__code"] or "",
         "amount": -r["s"], "currency": fund.currency}
        for r in rows
    ]


def statements_due(
    *, user: Any = None, fund: WellnessFund | None = None, today: dt.date | None = None, only_open: bool = False,
) -> list[dict[str, Any]]:
    """Statements with expected, paid, variance (paid - expected) and whether overdue.

    ``user`` narrows to what they may see (a plan sees only its own agreements).
    """
    today = today or dt.date.today()
    qs: QuerySet[ContributionStatement] = ContributionStatement.objects.all()
    if user is not None:
        qs = access.scoped(user, "view", qs)
    if fund is not None:
        qs = qs.filter(agreement__fund=fund)
    qs = (
        qs.select_related("agreement__plan", "agreement__fund")
        .annotate(paid=Coalesce(Sum("payments__amount"), ZERO, output_field=_DEC))
        .order_by("due_on", "agreement__code")
    )
    result = []
    for st in qs:
        expected = st.expected_amount.amount
        outstanding = expected - st.paid
        if only_open and outstanding <= 0:
            continue
        result.append({
            "statement_id": st.pk, "fund": st.agreement.fund.code, "agreement": st.agreement.code,
            "plan": st.agreement.plan.code, "fund_name": st.agreement.fund.name,
            "plan_name": str(st.agreement.plan), "period_start": st.period_start, "period_end": st.period_end,
            "due_on": st.due_on, "member_months": st.member_months, "expected": expected, "paid": st.paid,
            "variance": st.paid - expected, "overdue": outstanding > 0 and st.due_on < today,
            "currency": st.expected_amount_currency,
        })
    return result
