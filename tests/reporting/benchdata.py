"""Benchmark data generator with a scale factor.

At scale 1: 58 counties, 2,000 grants, 20,000 plan contributions (each a ledger
transaction and an obligation credit) and 100,000 ledger legs in all (contributions,
award commitments, and other receipts filling up to the target). ``grants_scale``
multiplies the number of grants alone. One template award is built through the
services; the rest are bulk copies (see ``grants_world``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from organizations.actors import SETUP
from organizations.models import County
from reinvestment.models import (
    CreditSource,
    MemberMonth,
    ObligationCredit,
    PlanFinancialYear,
)
from reinvestment.services import allocations_auto, obligation_compute
from tests.reporting.grants_world import GrantsWorld, clone_awards, grants_world, post_pairs
from wellness_fund.models import (
    Account,
    AccountRole,
    ContributionPayment,
    OtherReceipt,
    TransactionKind,
)

COUNTIES = 58
GRANTS = 2_000
CONTRIBUTIONS = 20_000
LEDGER_LEGS = 100_000
DOMAINS = ["food", "health_care", "housing", "education", "economic_stability", "social_community"]


@dataclass
class BenchData:
    world: GrantsWorld
    counties: int
    grants: int
    contributions: int
    legs: int


def generate(*, scale: float = 1.0, grants_scale: float | None = None, code: str = "bench") -> BenchData:
    n_grants = max(1, round(GRANTS * (grants_scale if grants_scale is not None else scale)))
    n_contrib = max(1, round(CONTRIBUTIONS * scale))
    n_legs = round(LEDGER_LEGS * scale)
    gw = grants_world(code=code, contribution="1000.00")
    plan, fund = gw.plan, gw.world.fund
    counties = list(County.objects.filter(state="CA").order_by("name")[:COUNTIES])
    # enrollment in every county, then recompute the obligation over all of them
    have = set(MemberMonth.objects.filter(plan=plan).values_list("county_id", flat=True))
    MemberMonth.objects.bulk_create([
        MemberMonth(plan=plan, county=c, month=dt.date(2024, m, 1), member_months=500 + 37 * i)
        for i, c in enumerate(counties) if c.pk not in have for m in range(1, 13)])
    obligation_compute(actor=SETUP, financial_year=PlanFinancialYear.objects.get(plan=plan, income_year=2024),
                       policy_code="CA-DHCS")
    clone_awards(gw, n_grants - 1)
    accounts = {(a.role, a.funding_source_id): a for a in Account.objects.filter(fund=fund)}
    cash = next(a for (role, _), a in accounts.items() if role == AccountRole.CASH)
    src_account = next(a for (role, src), a in accounts.items()
                       if role == AccountRole.CONTRIBUTIONS and src == gw.agreement.funding_source_id)
    on = dt.date(2026, 3, 2)
    amounts = [Decimal(100 + i % 900) + Decimal(i % 100) / 100 for i in range(n_contrib)]
    txs = post_pairs(fund.pk, TransactionKind.CONTRIBUTION, on,
                     [(f"bench-pay-{i}", a) for i, a in enumerate(amounts)], debit=cash, credit=src_account)
    statement = gw.agreement.statements.first()
    payments = ContributionPayment.objects.bulk_create([
        ContributionPayment(agreement=gw.agreement, statement=statement, amount=a, received_on=on,
                            bank_reference=f"bench-{i}", transaction=tx)
        for i, (a, tx) in enumerate(zip(amounts, txs, strict=True))], batch_size=5000)
    ObligationCredit.objects.bulk_create([
        ObligationCredit(plan=plan, income_year=2024, county=counties[i % len(counties)],
                         source=CreditSource.FUND_CONTRIBUTION, reference=f"wellness_fund.contributionpayment:{p.pk}",
                         credited_on=on, amount=p.amount, payee=fund.ach, domain=DOMAINS[i % len(DOMAINS)],
                         cha_chip_aligned=i % 2 == 0)
        for i, p in enumerate(payments)], batch_size=5000)
    allocations_auto(actor=SETUP, plan=plan)  # the credits count toward the obligation by the rule
    used = 2 * (n_contrib + n_grants) + 8
    filler = max(0, (n_legs - used) // 2)
    if filler:
        other = next((a for (role, src), a in accounts.items()
                      if role == AccountRole.CONTRIBUTIONS and src != gw.agreement.funding_source_id), None)
        if other is not None:
            src_id = other.funding_source_id
            assert src_id is not None  # a contributions account always names its funding source
            receipt_txs = post_pairs(fund.pk, TransactionKind.CONTRIBUTION, on,
                                     [(f"bench-rcpt-{i}", Decimal("10.00")) for i in range(filler)],
                                     debit=cash, credit=other)
            OtherReceipt.objects.bulk_create([
                OtherReceipt(funding_source_id=src_id, amount=Decimal("10.00"), received_on=on,
                             reference=f"bench-rcpt-{i}", transaction=tx)
                for i, tx in enumerate(receipt_txs)], batch_size=5000)
    return BenchData(world=gw, counties=len(counties), grants=n_grants, contributions=n_contrib,
                     legs=2 * (n_contrib + n_grants + filler))
