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
* ``contribution_payments_record_batch`` records many payments of an agreement in one
  transaction with bulk INSERTs (a fixed number of queries), each row with exactly the effect
  of a single call; it checks every row first and writes nothing when any row is bad.
  ``contribution_payment_record`` is the batch of one row, so both paths share every rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext
from moneyed import Money

from audit.services import record, record_bulk, record_create
from money import parse_amount, round_cents, split_largest_remainder
from organizations import access
from organizations.actors import Actor, SystemActor, User
from organizations.dates import date_words, plausible_date_check
from organizations.models import County, Organization, OrganizationKind, Role
from reinvestment.models import MemberMonth
from reinvestment.references import SourceKind, SourceRef

from ..dates import first_day_months_later
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
    LedgerTransaction,
    LegSide,
    OtherReceipt,
    TransactionKind,
    WellnessFund,
)
from .ledger import (
    Leg,
    Posting,
    accounts_for,
    closed_periods,
    fund_amount,
    lock_fund,
    open_date_check,
    transaction_post,
    transaction_reverse,
    transactions_post_bulk,
)


def _months(frequency: str) -> int:
    return 3 if frequency == Frequency.QUARTERLY else 1


def period_bounds(*, agreement: ContributionAgreement, period_start: dt.date) -> tuple[dt.date, dt.date]:
    """(start, end) of the agreement's period starting on ``period_start``; refuses misaligned dates."""
    months = _months(agreement.frequency)
    offset = (period_start.year - agreement.starts_on.year) * 12 + period_start.month - agreement.starts_on.month
    if period_start.day != 1 or offset < 0 or offset % months:
        raise ValidationError(
            {"period_start": gettext("Periods of %(agreement)s start every %(months)s month(s) from %(day)s.")
                             % {"agreement": agreement.code, "months": months, "day": date_words(agreement.starts_on)}}
        )
    end = first_day_months_later(period_start, months) - dt.timedelta(days=1)
    if agreement.ends_on is not None and period_start > agreement.ends_on:
        raise ValidationError({"period_start": gettext("%(agreement)s ended on %(day)s.")
                                        % {"agreement": agreement.code, "day": date_words(agreement.ends_on)}})
    return period_start, end


def agreement_create(
    *, actor: Actor, fund: WellnessFund, plan: Organization, funding_source: FundingSource, code: str,
    basis: str, frequency: str, starts_on: dt.date, pmpm_rate: Decimal = Decimal(0),
    revenue_share_percent: Decimal = Decimal(0), fixed_amount: Decimal = Decimal(0),
    due_days_after_period: int = 30, ends_on: dt.date | None = None,
) -> ContributionAgreement:
    """Record an agreement (the fund's administrator does)."""
    access.require_role(actor, fund.ach, Role.FUND_ADMIN)
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": gettext("%(plan)s is not a health plan.") % {"plan": plan.code}})
    if funding_source.fund_id != fund.pk or funding_source.kind != FundingSourceKind.PLAN_CONTRIBUTION:
        raise ValidationError({"funding_source": gettext("Use a plan-contribution source of this fund.")})
    if funding_source.contributor_id not in (None, plan.pk):
        raise ValidationError({"funding_source": gettext("%(source)s is another plan's source.")
                                          % {"source": funding_source.code}})
    for name, value in (("pmpm_rate", pmpm_rate), ("revenue_share_percent", revenue_share_percent)):
        if isinstance(value, float) or not isinstance(value, Decimal | int | str):
            raise ValidationError({name: gettext("Give rates as Decimal or string, never a float.")})
    fixed = parse_amount(fixed_amount, field="fixed_amount", allow_zero=True)
    with transaction.atomic():
        agreement = ContributionAgreement(  # type: ignore[misc]  # MoneyField inherits DecimalField's stub typing but takes Money
            fund=fund, plan=plan, funding_source=funding_source, code=code, basis=basis, frequency=frequency,
            starts_on=starts_on, ends_on=ends_on, pmpm_rate=Decimal(str(pmpm_rate)),
            revenue_share_percent=Decimal(str(revenue_share_percent)), fixed_amount=Money(fixed, fund.currency),
            due_days_after_period=due_days_after_period,
        )
        agreement.full_clean()
        agreement.save()
        record_create(actor=actor, action="wellness_fund.agreement.create", obj=agreement, organization=fund.ach)
    return agreement


def agreement_close(*, actor: Actor, agreement: ContributionAgreement, ends_on: dt.date) -> ContributionAgreement:
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
    *, actor: Actor, agreement: ContributionAgreement, period_start: dt.date,
    shareable_revenue: Decimal = Decimal(0),
) -> ContributionStatement:
    """The expected contribution of one period, from member months (reinvestment.MemberMonth).

    A contribution agreement is the plan's Medicaid commitment to the ACH: only member months
    of the plan's Medicaid lines of business count (a commercial or Covered California member
    in the fund's counties does not raise the contribution)."""
    fund = agreement.fund
    if not isinstance(actor, SystemActor) and not (
        access.has_role(actor, fund.ach, Role.FUND_ADMIN) or access.has_role(actor, agreement.plan, Role.PLAN_FINANCE)
    ):
        raise access.AccessDenied("You may not issue statements of this agreement.")
    start, end = period_bounds(agreement=agreement, period_start=period_start)
    revenue = parse_amount(shareable_revenue, field="shareable_revenue", allow_zero=True)
    if agreement.basis == AgreementBasis.FIXED and revenue:
        raise ValidationError({"shareable_revenue": gettext("A fixed agreement does not share revenue.")})
    with transaction.atomic():
        if ContributionStatement.objects.filter(agreement=agreement, period_start=start).exists():
            raise ValidationError({"period_start": gettext("The statement for %(day)s is already issued.")
                                            % {"day": date_words(start)}})
        counties = list(fund.counties.all())
        by_county = dict(
            MemberMonth.objects.filter(plan=agreement.plan, county__in=counties, month__gte=start, month__lte=end,
                                       line_of_business__medicaid=True)
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
        statement = ContributionStatement.objects.create(  # type: ignore[misc]  # MoneyField inherits DecimalField's stub typing but takes Money
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


class StatementChooser:
    """Which statement a payment applies to when the caller does not say: the oldest one not
    yet paid in full, else the latest. ``add`` counts a payment just applied, so a batch
    chooses as single payments recorded one after the other would. One query when loaded."""

    def __init__(self, *, agreement: ContributionAgreement) -> None:
        self.agreement = agreement
        self.statements = list(
            ContributionStatement.objects.filter(agreement=agreement)
            .annotate(paid_so_far=Sum("payments__amount")).order_by("period_start")
        )
        self.paid = {st.pk: st.paid_so_far or Decimal(0) for st in self.statements}

    def choose(self) -> ContributionStatement:
        if not self.statements:
            raise ValidationError({"statement": gettext("%(agreement)s has no statement yet: issue one first.")
                                             % {"agreement": self.agreement.code}})
        for st in self.statements:
            if self.paid[st.pk] < st.expected_amount.amount:
                return st
        return self.statements[-1]

    def add(self, statement: ContributionStatement, amount: Decimal) -> None:
        if statement.pk in self.paid:
            self.paid[statement.pk] += amount


@dataclass(frozen=True)
class PaymentRow:
    """One payment of a batch (the arguments of ``contribution_payment_record``)."""

    amount: Any
    received_on: Any
    bank_reference: str
    statement: ContributionStatement | None = None
    income_year: int | None = None


@dataclass(frozen=True)
class BatchResult:
    """``payments[i]`` is the payment of ``rows[i]``; ``existing`` lists the indexes (0-based)
    of rows whose bank reference was already recorded, which wrote nothing."""

    payments: list[ContributionPayment]
    created: int
    existing: list[int] = field(default_factory=list)


class PaymentBatchError(ValidationError):
    """Bad rows in a batch; ``errors`` maps each bad row's index (0-based) to its error.
    Nothing was written."""

    def __init__(self, errors: Mapping[int, ValidationError]) -> None:
        self.errors = dict(sorted(errors.items()))
        super().__init__([f"row {i + 1}: {error_text(e)}" for i, e in self.errors.items()])


def error_text(exc: ValidationError) -> str:
    """One line naming each field and its problem."""
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def contribution_payments_record_batch(
    *, actor: Actor, agreement: ContributionAgreement, rows: Sequence[PaymentRow]
) -> BatchResult:
    """Record many payments of one agreement in one transaction (plan finance staff of the plan).

    Each row has exactly the effect of ``contribution_payment_record`` called for the rows in
    order (ledger transaction, payment, audit events, obligation credits per county by largest
    remainder, idempotency per bank reference, statement choice), written with bulk INSERTs:
    a fixed number of queries whatever the number of rows. Every row is checked before
    anything is written; when any row is bad, ``PaymentBatchError`` names each bad row and
    nothing is written.
    """
    from reinvestment.services.credits import (
        CreditBatchError,
        CreditRequest,
        income_year_check,
        obligation_credits_record_bulk,
    )

    access.require_role(actor, agreement.plan, Role.PLAN_FINANCE)
    errors: dict[int, ValidationError] = {}
    refs: list[str] = []
    for i, row in enumerate(rows):
        refs.append((row.bank_reference or "").strip())
        if not refs[-1]:
            errors[i] = ValidationError({"bank_reference": gettext("The bank reference of the transfer is required.")})
    if errors:
        raise PaymentBatchError(errors)
    with transaction.atomic():
        fund = lock_fund(agreement.fund)
        existing = {
            p.bank_reference: p
            for p in ContributionPayment.objects.filter(agreement=agreement, bank_reference__in=set(refs))
        }
        new = _first_occurrences(refs, existing)
        if not new:
            return BatchResult(payments=[existing[ref] for ref in refs], created=0, existing=list(range(len(rows))))
        agreement = ContributionAgreement.objects.select_related(
            "plan", "funding_source__restriction"
        ).get(pk=agreement.pk)
        agreement.fund = fund
        if agreement.status != AgreementStatus.ACTIVE:
            raise ValidationError({"agreement": gettext("%(agreement)s is closed; it takes no more payments.")
                                             % {"agreement": agreement.code}})
        periods = closed_periods(fund=fund, dates=[rows[i].received_on for i in new])
        chooser = StatementChooser(agreement=agreement) if any(rows[i].statement is None for i in new) else None
        values: dict[int, Decimal] = {}
        statements: dict[int, ContributionStatement] = {}
        for i in new:
            row = rows[i]
            try:
                value = fund_amount(row.amount, fund=fund)
                if not isinstance(row.received_on, dt.date):
                    raise ValidationError({"received_on": gettext("The date the payment was received is required.")})
                plausible_date_check(row.received_on, field="received_on")
                statement = row.statement
                if statement is None:
                    statement = chooser.choose()  # type: ignore[union-attr]
                elif statement.agreement_id != agreement.pk:
                    raise ValidationError({"statement": gettext("The statement belongs to another agreement.")})
                open_date_check(on=row.received_on, periods=periods, field="received_on")
                income_year_check(row.income_year)
            except ValidationError as exc:
                errors[i] = exc
                continue
            values[i], statements[i] = value, statement
            if chooser is not None:
                chooser.add(statement, value)
        if errors:
            raise PaymentBatchError(errors)
        source = agreement.funding_source
        restriction = source.restriction
        cash, income = accounts_for(fund=fund, wanted=[
            (AccountRole.CASH, restriction, None), (AccountRole.CONTRIBUTIONS, restriction, source),
        ])
        txs = transactions_post_bulk(actor=actor, fund=fund, postings=[
            Posting(
                kind=TransactionKind.CONTRIBUTION, posted_on=rows[i].received_on,
                reference=str(SourceRef(SourceKind.CONTRIBUTION_AGREEMENT, agreement.pk)),
                memo=f"{agreement.code} {statements[i].period_start:%Y-%m} bank {refs[i]}"[:255],
                legs=[Leg(cash, LegSide.DEBIT, values[i]), Leg(income, LegSide.CREDIT, values[i])],
                date_field="received_on",
            )
            for i in new
        ])
        user = actor if isinstance(actor, User) else None
        created = ContributionPayment.objects.bulk_create([
            ContributionPayment(  # type: ignore[misc]  # MoneyField inherits DecimalField's stub typing but takes Money
                agreement=agreement, statement=statements[i], amount=Money(values[i], fund.currency),
                received_on=rows[i].received_on, bank_reference=refs[i], transaction=tx, recorded_by=user,
            )
            for i, tx in zip(new, txs, strict=True)
        ])
        record_bulk(actor=actor, action="wellness_fund.payment.record", objs=created, organization=agreement.plan)
        weights = _county_weights(statements.values())
        try:
            obligation_credits_record_bulk(actor=actor, plan=agreement.plan, requests=[
                CreditRequest(
                    county_amounts={
                        county: part
                        for county, part in split_largest_remainder(values[i], weights[statements[i].pk]).items()
                        if part > 0
                    },
                    credited_on=rows[i].received_on, source="fund_contribution",
                    reference=str(SourceRef(SourceKind.CONTRIBUTION_PAYMENT, payment.pk)), payee=fund.ach,
                    description=f"Contribution to {fund.name} ({agreement.code}, {statements[i].period_start:%Y-%m})",
                    income_year=rows[i].income_year, currency=fund.currency,
                )
                for i, payment in zip(new, created, strict=True)
            ])
        except CreditBatchError as exc:
            raise PaymentBatchError({new[k]: e for k, e in exc.errors.items()}) from None
        by_ref = existing | {p.bank_reference: p for p in created}
    recorded = set(new)
    return BatchResult(
        payments=[by_ref[ref] for ref in refs], created=len(created),
        existing=[i for i in range(len(rows)) if i not in recorded],
    )


def _first_occurrences(refs: list[str], existing: Mapping[str, ContributionPayment]) -> list[int]:
    """Indexes of the rows that record a new payment: the first row of each reference not yet recorded."""
    seen: set[str] = set(existing)
    out = []
    for i, ref in enumerate(refs):
        if ref not in seen:
            seen.add(ref)
            out.append(i)
    return out


def _county_weights(statements: Iterable[ContributionStatement]) -> dict[int, dict[County, int]]:
    """Per statement, the member months per county a payment is split by (equal weights when
    the statement has no member months). One query."""
    ids = {st.pk for st in statements}
    weights: dict[int, dict[County, int]] = {pk: {} for pk in ids}
    for line in ContributionStatementLine.objects.filter(statement_id__in=ids).select_related("county").order_by(
        "statement_id", "county"
    ):
        weights[line.statement_id][line.county] = line.member_months
    for pk, by_county in weights.items():
        if sum(by_county.values()) == 0:
            weights[pk] = dict.fromkeys(by_county, 1)
    return weights


CSV_COLUMNS = ("amount", "received_on", "bank_reference")  # optional: statement (YYYY-MM), income_year


def payment_rows_read_csv(*, agreement: ContributionAgreement, data: bytes) -> list[PaymentRow]:
    """Rows of a payments CSV (UTF-8, header ``amount,received_on,bank_reference`` and optionally
    ``statement`` as YYYY-MM of the period start and ``income_year``). Amounts are read as
    Decimal (never floats). Raises ``PaymentBatchError`` naming each
    unreadable row (row 1 is the first row after the header). One query (the statements)."""
    import csv
    import io

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": gettext("The file is not UTF-8 text.")}) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError({"file": gettext("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}})
    statements = {
        st.period_start.strftime("%Y-%m"): st for st in ContributionStatement.objects.filter(agreement=agreement)
    }
    rows: list[PaymentRow] = []
    errors: dict[int, ValidationError] = {}
    for i, line in enumerate(reader):
        try:
            amount = parse_amount((line.get("amount") or "").strip(), field="amount")
            try:
                received_on = dt.date.fromisoformat((line.get("received_on") or "").strip())
            except ValueError:
                raise ValidationError({"received_on": gettext("Give the date as YYYY-MM-DD.")}) from None
            period = (line.get("statement") or "").strip()
            if period and period not in statements:
                raise ValidationError({"statement": gettext("%(agreement)s has no statement for %(period)s.")
                                                 % {"agreement": agreement.code, "period": period}})
            year_text = (line.get("income_year") or "").strip()
            if year_text and not year_text.isdigit():
                raise ValidationError({"income_year": gettext("“%(text)s” is not a year.") % {"text": year_text}})
            rows.append(PaymentRow(
                amount=amount, received_on=received_on,
                bank_reference=line.get("bank_reference") or "", statement=statements.get(period) if period else None,
                income_year=int(year_text) if year_text else None,
            ))
        except ValidationError as exc:
            errors[i] = exc
    if errors:
        raise PaymentBatchError(errors)
    return rows


def contribution_payment_record(
    *, actor: Actor, agreement: ContributionAgreement, amount: Decimal, received_on: dt.date,
    bank_reference: str, statement: ContributionStatement | None = None, income_year: int | None = None,
) -> ContributionPayment:
    """Record a payment received from the plan (plan finance staff of that plan).

    Posts it to the ledger, applies it to ``statement`` (default: the oldest statement not
    paid in full) and credits the plan's obligation per county. Idempotent per bank reference.
    The batch of one row: see ``contribution_payments_record_batch``.
    """
    row = PaymentRow(amount=amount, received_on=received_on, bank_reference=bank_reference,
                     statement=statement, income_year=income_year)
    try:
        return contribution_payments_record_batch(actor=actor, agreement=agreement, rows=[row]).payments[0]
    except PaymentBatchError as exc:
        raise exc.errors[0] from None


def contribution_payment_credits_reverse(*, actor: Actor, original: LedgerTransaction, on: dt.date) -> None:
    """Inside the reversal of ``original``: when it posted a contribution payment, that payment's
    obligation credits are marked reversed and their allocations removed (same transaction)."""
    from reinvestment.services.allocations import credits_reverse

    payment = ContributionPayment.objects.filter(transaction=original).only("pk", "bank_reference").first()
    if payment is None:
        return
    credits_reverse(
        actor=actor, source="fund_contribution", references=[str(SourceRef(SourceKind.CONTRIBUTION_PAYMENT, payment.pk))],
        on=on, reason=f"Contribution payment {payment.bank_reference} reversed in the ledger.",
    )


def contribution_payment_reverse(
    *, actor: Actor, payment: ContributionPayment, on: dt.date, reason: str
) -> LedgerTransaction:
    """Reverse a contribution payment: the mirror ledger transaction, and its obligation credits
    reversed with their allocations, in one transaction. Refuses a payment already reversed."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": gettext("Say why the payment is reversed.")})
    return transaction_reverse(
        actor=actor, transaction_to_reverse=payment.transaction, on=on,
        memo=f"Reversal of payment {payment.bank_reference}: {text}"[:255],
    )


def receipt_record(
    *, actor: Actor, funding_source: FundingSource, amount: Decimal, received_on: dt.date, reference: str,
    memo: str = "",
) -> OtherReceipt:
    """Money received from a source other than a plan agreement (fund administrator)."""
    fund = funding_source.fund
    access.require_role(actor, fund.ach, Role.FUND_ADMIN)
    ref = (reference or "").strip()
    if not ref:
        raise ValidationError({"reference": gettext("A reference for the receipt is required.")})
    plausible_date_check(received_on, field="received_on")
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
            reference=str(SourceRef(SourceKind.FUNDING_SOURCE, funding_source.pk)), memo=(memo or ref)[:255],
            legs=[Leg(cash, LegSide.DEBIT, value), Leg(income, LegSide.CREDIT, value)], date_field="received_on",
        )
        receipt = OtherReceipt.objects.create(  # type: ignore[misc]  # MoneyField inherits DecimalField's stub typing but takes Money
            funding_source=funding_source, amount=Money(value, fund.currency), received_on=received_on,
            reference=ref, transaction=tx,
        )
        record_create(actor=actor, action="wellness_fund.receipt.record", obj=receipt, organization=fund.ach)
    return receipt
