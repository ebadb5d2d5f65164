"""The data of a wellness fund's annual statement (per fund and fiscal year).

Fiscal year N is the twelve months starting on the first day of the fund's
``fiscal_year_start_month`` in calendar year N (a July fund's 2024 runs from
2024-07-01 to 2025-06-30). Sources and uses, balances and contributions come from
the fund's ledger selectors (``wellness_fund.selectors``); awards, disbursements
and returns are the fund's ledger transactions of those kinds in the year, named
by their award; board decisions are the decisions on the fund's awards at meetings
held in the year. The number of queries does not grow with the number of records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum

from money import format_usd
from organizations.models import Organization
from reinvestment.references import SourceRef
from wellness_fund.models import (
    FundingSourceKind,
    LedgerTransaction,
    LegSide,
    TransactionKind,
    WellnessFund,
)
from wellness_fund.selectors import fund_statement

from ..documents.fund_statement import (
    AwardPosting,
    Balance,
    BoardDecision,
    Contribution,
    Fund,
    FundStatement,
    Line,
    Period,
)

ZERO = Decimal("0.00")
SOURCE_KINDS = dict(FundingSourceKind.choices)


def _fund(code: str) -> WellnessFund:
    fund = WellnessFund.objects.select_related("ach").filter(code=code).first()
    if fund is None:
        raise ValidationError({"fund": f"No wellness fund with code {code!r}."})
    return fund


def fiscal_year_bounds(fund: WellnessFund, year: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, fund.fiscal_year_start_month, 1)
    end = dt.date(year + 1, fund.fiscal_year_start_month, 1) - dt.timedelta(days=1)
    return start, end


def resolve(params: Mapping[str, Any]) -> Organization:
    fund = _fund(params["fund"])
    year = params["year"]
    if not 1990 <= year <= 2200:
        raise ValidationError({"year": f"{year} is not a fiscal year."})
    start, _ = fiscal_year_bounds(fund, year)
    if not LedgerTransaction.objects.filter(fund=fund, posted_on__lt=start + dt.timedelta(days=366)).exists():
        raise ValidationError({"year": f"{fund.code} has no ledger activity up to fiscal year {year}."})
    return fund.ach


def _award_names(references: set[str]) -> dict[str, str]:
    from grants.models import Award

    rows = Award.objects.filter(commitment_reference__in=references).values_list(
        "commitment_reference", "grantee__legal_name", "grantee__display_name")
    return {ref: display or legal for ref, legal, display in rows}


def fund_statement_data(params: Mapping[str, Any]) -> FundStatement:
    fund = _fund(params["fund"])
    year = int(params["year"])
    start, end = fiscal_year_bounds(fund, year)
    statement = fund_statement(fund=fund, start=start, end=end)
    opening = {b["restriction"]: b for b in _balances(statement["opening_balances"])}
    closing = _balances(statement["closing_balances"])
    txs = list(
        LedgerTransaction.objects.filter(fund=fund, posted_on__gte=start, posted_on__lte=end,
                                         kind__in=[TransactionKind.AWARD_COMMIT, TransactionKind.TRANCHE_DISBURSE,
                                                   TransactionKind.UNSPENT_RETURN])
        .annotate(amount=Sum("legs__amount", filter=Q(legs__side=LegSide.DEBIT)))
        .order_by("posted_on", "pk").values("kind", "reference", "posted_on", "amount"))
    grantees = _award_names({t["reference"] for t in txs})

    def rows(kind: str) -> tuple[AwardPosting, ...]:
        return tuple(AwardPosting(award=SourceRef.try_parse(t["reference"]) or t["reference"],
                                  grantee=grantees.get(t["reference"], "—"), date=t["posted_on"],
                                  amount=t["amount"] or ZERO) for t in txs if t["kind"] == kind)

    sources = tuple(Line(label=f"{r['name']} ({SOURCE_KINDS.get(r['kind'], r['kind'])})", amount=r["amount"])
                    for r in statement["inflows"])
    uses = [Line(label="Disbursed to grantees", amount=statement["disbursed"])]
    if statement["returned"]:
        uses.append(Line(label="Unspent money returned by grantees (reduces uses)", amount=-statement["returned"]))
    # Money received in the year per funding source: the statement's inflows that moved.
    contributions = tuple(Contribution(contributor=r["contributor"] or "—", source=f"{r['name']}", amount=r["amount"])
                          for r in statement["inflows"] if r["amount"])
    return FundStatement(
        fund=Fund(code=fund.code, name=fund.name, ach=str(fund.ach)),
        fiscal_year=year,
        period=Period(start=start, end=end),
        opening_balance=statement["opening_balance"],
        closing_balance=statement["closing_balance"],
        sources=sources,
        uses=tuple(uses),
        total_contributions=sum((c.amount for c in contributions), ZERO),
        contributions=contributions,
        awards_committed=statement["awards_committed"],
        awards=rows(TransactionKind.AWARD_COMMIT),
        disbursements=rows(TransactionKind.TRANCHE_DISBURSE),
        returns=rows(TransactionKind.UNSPENT_RETURN),
        balances=tuple(Balance(restriction=b["restriction"], kind=b["kind"],
                               opening=opening.get(b["restriction"], {}).get("cash", ZERO), closing=b["cash"])
                       for b in closing),
        board_decisions=_decisions(fund, start, end),
    )


def _balances(balances: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for b in balances:
        out.append({"restriction": f"{b['name']} ({b['restriction']})", "kind": b["kind"], "cash": b["cash"]})
    return out


def _decisions(fund: WellnessFund, start: dt.date, end: dt.date) -> tuple[BoardDecision, ...]:
    from grants.models import Decision

    rows = (Decision.objects.filter(application__opportunity__fund=fund, decided_at__date__gte=start,
                                    decided_at__date__lte=end)
            .select_related("item__meeting", "application__applicant").order_by("decided_at", "id"))
    return tuple(BoardDecision(date=d.decided_at.date(), meeting=d.item.meeting.title,
                               decision=f"{d.application.applicant}: {d.application.project_title}",
                               outcome=d.get_outcome_display()
                               + (f" {format_usd(d.approved_amount)}" if d.approved_amount is not None else ""))
                 for d in rows)
