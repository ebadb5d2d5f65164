"""Contribution agreements, expected statements, payments received and other receipts.

* An agreement (plan -> fund) is ``pmpm_share`` (PMPM rate x the plan's member months in the
  fund's counties + a percent of the period's shareable revenue) or ``fixed`` (a fixed sum per
  period), billed monthly or quarterly from ``starts_on``.
* ``statement_issue`` produces the expected contribution of one period, keeping the member
  months per county and the rates used. Each part is rounded to cents (half up) on its own.
* ``contribution_payment_record`` posts a payment received (Dr cash / Cr contributions of the
  agreement's source, in the source's restriction), applies it to a statement and credits the
  plan's reinvestment obligation per county, split by the statement's member months with the
  largest-remainder method. Recording the same bank reference again for the agreement returns
  the first payment and posts nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from moneyed import Money

from audit.services import record, record_create
from organizations import access
from organizations.models import Organization, OrganizationKind, Role
from wellness_fund.reinvestment.models import MemberMonth

from ..models import (
    AccountRole,
    AgreementBasis,
    AgreementStatus,
    ContributionAgreement,
    ContributionPayment,
    ContributionStatement,
    ContributionStatementLine,
    Frequency,
    FundingSource,
    FundingSourceKind,
    LegSide,
    OtherReceipt,
    TransactionKind,
    WellnessFund,
)
from ..money import parse_amount, round_cents, split_largest_remainder
from .ledger import Leg, accounts_for, fund_amount, lock_fund, transaction_post


def _months(frequency: str) -> int:
    return 3 if frequency == Frequency.QUARTERLY else 1


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def period_bounds(*, agreement: ContributionAgreement, period_start: dt.date) -> tuple[dt.date, dt.date]:
    """(start, end) of the agreement's period starting on ``period_start``; refuses misaligned dates."""
    months = _months(agreement.frequency)
    offset = (period_start.year - agreement.starts_on.year) * 12 + period_start.month - agreement.starts_on.month
    if period_start.day != 1 or offset < 0 or offset % months:
        raise ValidationError(
            {"period_start": f"Periods of {agreement.code} start every {months} month(s) from {agreement.starts_on}."}
        )
    end = _add_months(period_start, months) - dt.timedelta(days=1)
    if agreement.ends_on is not None and period_start > agreement.ends_on:
        raise ValidationError({"period_start": f"{agreement.code} ended on {agreement.ends_on}."})
    return period_start, end


def agreement_create(
    *, actor: Any, fund: WellnessFund, plan: Organization, funding_source: FundingSource, code: str,
    basis: str, frequency: str, starts_on: dt.date, pmpm_rate: Decimal = Decimal(0),
    revenue_share_percent: Decimal = Decimal(0), fixed_amount: Decimal = Decimal(0),
    due_days_after_period: int = 30, ends_on: dt.date | None = None,
) -> ContributionAgreement:
    """Record an agreement (the fund's administrator does)."""
    if actor is not None:
        access.require_role(actor, fund.ach, Role.FUND_ADMIN)
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": f"{plan.code} is not a health plan."})
    if funding_source.fund_id != fund.pk or funding_source.kind != FundingSourceKind.PLAN_CONTRIBUTION:
        raise ValidationError({"funding_source": "Use a plan-contribution source of this fund."})
    if funding_source.contributor_id not in (None, plan.pk):
        raise ValidationError({"funding_source": f"{funding_source.code} is another plan's source."})
    for name, value in (("pmpm_rate", pmpm_rate), ("revenue_share_percent", revenue_share_percent)):
        if isinstance(value, float) or not isinstance(value, Decimal | int | str):
            raise ValidationError({name: "Give rates as Decimal or string, never a float."})
    fixed = parse_amount(fixed_amount, field="fixed_amount", allow_zero=True)
    with transaction.atomic():
        agreement = ContributionAgreement(
            fund=fund, plan=plan, funding_source=funding_source, code=code, basis=basis, frequency=frequency,
            starts_on=starts_on, ends_on=ends_on, pmpm_rate=Decimal(str(pmpm_rate)),
            revenue_share_percent=Decimal(str(revenue_share_percent)), fixed_amount=Money(fixed, fund.currency),
            due_days_after_period=due_days_after_period,
        )
        agreement.full_clean()
        agreement.save()
        record_create(actor=actor, action="wellness_fund.agreement.create", obj=agreement, organization=fund.ach)
    return agreement


def agreement_close(*, actor: Any, agreement: ContributionAgreement, ends_on: dt.date) -> ContributionAgreement:
    if actor is not None:
        access.require_role(actor, agreement.fund.ach, Role.FUND_ADMIN)
    with transaction.atomic():
        before = {"status": agreement.status, "ends_on": agreement.ends_on}
        agreement.status = AgreementStatus.CLOSED
        agreement.ends_on = ends_on
        agreement.full_clean()
        agreement.save(update_fields=["status", "ends_on"])
        record(actor=actor, action="wellness_fund.agreement.close", obj=agreement, before=before,
               after={"status": agreement.status, "ends_on": ends_on}, organization=agreement.fund.ach)
    return agreement


def statement_issue(
    *, actor: Any, agreement: ContributionAgreement, period_start: dt.date,
    shareable_revenue: Decimal = Decimal(0),
) -> ContributionStatement:
    """The expected contribution of one period, from member months (reinvestment.MemberMonth)."""
    fund = agreement.fund
    if actor is not None and not (
        access.has_role(actor, fund.ach, Role.FUND_ADMIN) or access.has_role(actor, agreement.plan, Role.PLAN_FINANCE)
    ):
        raise access.AccessDenied(f"{actor} may not issue statements of {agreement.code}")
    start, end = period_bounds(agreement=agreement, period_start=period_start)
    revenue = parse_amount(shareable_revenue, field="shareable_revenue", allow_zero=True)
    if agreement.basis == AgreementBasis.FIXED and revenue:
        raise ValidationError({"shareable_revenue": "A fixed agreement does not share revenue."})
    with transaction.atomic():
        if ContributionStatement.objects.filter(agreement=agreement, period_start=start).exists():
            raise ValidationError({"period_start": f"The statement for {start} is already issued."})
        counties = list(fund.counties.all())
        by_county = dict(
            MemberMonth.objects.filter(plan=agreement.plan, county__in=counties, month__gte=start, month__lte=end)
            .values_list("county_id").annotate(total=Sum("member_months")).order_by()
        )
        member_months = sum(by_county.values(), 0)
        if agreement.basis == AgreementBasis.PMPM_SHARE:
            rate, percent = agreement.pmpm_rate, agreement.revenue_share_percent
            pmpm_amount = round_cents(Decimal(member_months) * rate)
            share_amount = round_cents(revenue * percent / Decimal(100))
            fixed = Decimal(0)
        else:
            rate, percent, pmpm_amount, share_amount = Decimal(0), Decimal(0), Decimal(0), Decimal(0)
            fixed = agreement.fixed_amount.amount
        cur = fund.currency
        statement = ContributionStatement.objects.create(
            agreement=agreement, period_start=start, period_end=end,
            due_on=end + dt.timedelta(days=agreement.due_days_after_period), member_months=member_months,
            pmpm_rate=rate, pmpm_amount=Money(pmpm_amount, cur), shareable_revenue=Money(revenue, cur),
            revenue_share_percent=percent, revenue_share_amount=Money(share_amount, cur),
            fixed_amount=Money(fixed, cur), expected_amount=Money(pmpm_amount + share_amount + fixed, cur),
        )
        ContributionStatementLine.objects.bulk_create(
            [ContributionStatementLine(statement=statement, county=c, member_months=by_county.get(c.pk, 0))
             for c in counties]
        )
        record_create(actor=actor, action="wellness_fund.statement.issue", obj=statement, organization=fund.ach)
    return statement


def _statement_for_payment(agreement: ContributionAgreement) -> ContributionStatement:
    """The oldest statement not yet paid in full, else the latest one."""
    rows = list(
        ContributionStatement.objects.filter(agreement=agreement)
        .annotate(paid=Sum("payments__amount")).order_by("period_start")
    )
    if not rows:
        raise ValidationError({"statement": f"{agreement.code} has no statement yet: issue one first."})
    for st in rows:
        if (st.paid or 0) < st.expected_amount.amount:
            return st
    return rows[-1]


def contribution_payment_record(
    *, actor: Any, agreement: ContributionAgreement, amount: Decimal, received_on: dt.date,
    bank_reference: str, statement: ContributionStatement | None = None, income_year: int | None = None,
) -> ContributionPayment:
    """Record a payment received from the plan (plan finance staff of that plan).

    Posts it to the ledger, applies it to ``statement`` (default: the oldest statement not
    paid in full) and credits the plan's obligation per county. Idempotent per bank reference.
    """
    from wellness_fund.reinvestment.services import obligation_credit_record

    if actor is not None:
        access.require_role(actor, agreement.plan, Role.PLAN_FINANCE)
    fund = agreement.fund
    ref = (bank_reference or "").strip()
    if not ref:
        raise ValidationError({"bank_reference": "The bank reference of the transfer is required."})
    with transaction.atomic():
        fund = lock_fund(fund)
        existing = ContributionPayment.objects.filter(agreement=agreement, bank_reference=ref).first()
        if existing is not None:
            return existing
        value = fund_amount(amount, fund=fund)
        agreement = ContributionAgreement.objects.select_related(
            "plan", "funding_source__restriction"
        ).get(pk=agreement.pk)
        agreement.fund = fund
        if agreement.status != AgreementStatus.ACTIVE:
            raise ValidationError({"agreement": f"{agreement.code} is closed; it takes no more payments."})
        if not isinstance(received_on, dt.date):
            raise ValidationError({"received_on": "The date the payment was received is required."})
        if statement is None:
            statement = _statement_for_payment(agreement)
        elif statement.agreement_id != agreement.pk:
            raise ValidationError({"statement": "The statement belongs to another agreement."})
        source = agreement.funding_source
        restriction = source.restriction
        cash, income = accounts_for(fund=fund, wanted=[
            (AccountRole.CASH, restriction, None), (AccountRole.CONTRIBUTIONS, restriction, source),
        ])
        tx = transaction_post(
            actor=actor, fund=fund, kind=TransactionKind.CONTRIBUTION, posted_on=received_on,
            reference=f"wellness_fund.contributionagreement:{agreement.pk}",
            memo=f"{agreement.code} {statement.period_start:%Y-%m} bank {ref}"[:255],
            legs=[Leg(cash, LegSide.DEBIT, value), Leg(income, LegSide.CREDIT, value)],
            date_field="received_on",
        )
        user = actor if getattr(actor, "is_authenticated", False) else None
        payment = ContributionPayment.objects.create(
            agreement=agreement, statement=statement, amount=Money(value, fund.currency), received_on=received_on,
            bank_reference=ref, transaction=tx, recorded_by=user,
        )
        record_create(actor=actor, action="wellness_fund.payment.record", obj=payment, organization=agreement.plan)
        lines = list(statement.lines.select_related("county"))
        weights = {line.county: line.member_months for line in lines}
        if sum(weights.values()) == 0:
            weights = {line.county: 1 for line in lines}
        split = split_largest_remainder(value, weights)
        obligation_credit_record(
            actor=actor, plan=agreement.plan,
            county_amounts={county: part for county, part in split.items() if part > 0},
            credited_on=received_on, source="fund_contribution",
            reference=f"wellness_fund.contributionpayment:{payment.pk}", payee=fund.ach,
            description=f"Contribution to {fund.name} ({agreement.code}, {statement.period_start:%Y-%m})",
            income_year=income_year, currency=fund.currency,
        )
    return payment


def receipt_record(
    *, actor: Any, funding_source: FundingSource, amount: Decimal, received_on: dt.date, reference: str,
    memo: str = "",
) -> OtherReceipt:
    """Money received from a source other than a plan agreement (fund administrator)."""
    fund = funding_source.fund
    if actor is not None:
        access.require_role(actor, fund.ach, Role.FUND_ADMIN)
    ref = (reference or "").strip()
    if not ref:
        raise ValidationError({"reference": "A reference for the receipt is required."})
    with transaction.atomic():
        fund = lock_fund(fund)
        existing = OtherReceipt.objects.filter(funding_source=funding_source, reference=ref).first()
        if existing is not None:
            return existing
        value = fund_amount(amount, fund=fund)
        restriction = funding_source.restriction
        cash, income = accounts_for(fund=fund, wanted=[
            (AccountRole.CASH, restriction, None), (AccountRole.CONTRIBUTIONS, restriction, funding_source),
        ])
        tx = transaction_post(
            actor=actor, fund=fund, kind=TransactionKind.CONTRIBUTION, posted_on=received_on,
            reference=f"wellness_fund.fundingsource:{funding_source.pk}", memo=(memo or ref)[:255],
            legs=[Leg(cash, LegSide.DEBIT, value), Leg(income, LegSide.CREDIT, value)], date_field="received_on",
        )
        receipt = OtherReceipt.objects.create(
            funding_source=funding_source, amount=Money(value, fund.currency), received_on=received_on,
            reference=ref, transaction=tx,
        )
        record_create(actor=actor, action="wellness_fund.receipt.record", obj=receipt, organization=fund.ach)
    return receipt
