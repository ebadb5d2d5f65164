"""Wellness fund annual statement (per fund and fiscal year).

Input: ``FundStatement``, filled by ``reporting.selectors.fund_statement.fund_statement_data``:
sources and uses, contributions by plan and source, awards, disbursements,
returns, balances by restriction and board decisions. Money is Decimal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from reportlab.platypus import Flowable, Spacer

from reinvestment.references import SourceRef

from ..data import Period, reference_label
from ..pdf import flowables as f
from ..tables import Column, Table, twin_tables
from ..twin import Tables

TITLE = "Wellness Fund Annual Statement"


@dataclass(frozen=True)
class Fund:
    code: str
    name: str
    ach: str


@dataclass(frozen=True)
class Line:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Contribution:
    contributor: str
    source: str
    amount: Decimal


@dataclass(frozen=True)
class AwardPosting:
    award: SourceRef | str
    grantee: str
    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Balance:
    restriction: str
    kind: str
    opening: Decimal
    closing: Decimal


@dataclass(frozen=True)
class BoardDecision:
    date: dt.date
    meeting: str
    decision: str
    outcome: str


@dataclass(frozen=True)
class FundStatement:
    fund: Fund
    fiscal_year: int
    period: Period
    opening_balance: Decimal
    closing_balance: Decimal
    sources: tuple[Line, ...]
    uses: tuple[Line, ...]
    total_contributions: Decimal
    contributions: tuple[Contribution, ...]
    awards_committed: Decimal
    awards: tuple[AwardPosting, ...]
    disbursements: tuple[AwardPosting, ...]
    returns: tuple[AwardPosting, ...]
    balances: tuple[Balance, ...]
    board_decisions: tuple[BoardDecision, ...]
    kind: str = "fund-statement"


@dataclass(frozen=True)
class SourceUse:
    kind: str  # opening, source, use or closing
    label: str
    amount: Decimal


PREFIXES = {"source": "Source: ", "use": "Use: "}
SOURCES_USES: Table[SourceUse] = Table("sources_uses", (
    Column("kind", "Kind", lambda r: r.kind),
    Column("label", "Line", lambda r: r.label, width=0.7, show=lambda r: PREFIXES.get(r.kind, "") + r.label),
    Column("amount", "Amount", lambda r: r.amount, "money", 0.3)))
CONTRIBUTIONS: Table[Contribution] = Table("contributions", (
    Column("contributor", "Contributor", lambda r: r.contributor, width=0.5),
    Column("source", "Source", lambda r: r.source, width=0.25),
    Column("amount", "Amount", lambda r: r.amount, "money", 0.25)))


def _award(width: float) -> Column[AwardPosting]:
    return Column("award", "Award", lambda r: r.award, width=width, show=lambda r: reference_label(r.award))


AWARDS: Table[AwardPosting] = Table("awards", (
    _award(0.2), Column("grantee", "Grantee", lambda r: r.grantee, width=0.45),
    Column("date", "Date", lambda r: r.date, "date", 0.15),
    Column("amount", "Amount", lambda r: r.amount, "money", 0.2)))
DISBURSEMENTS: Table[AwardPosting] = Table("disbursements", AWARDS.columns)
RETURNS: Table[AwardPosting] = Table("returns", (
    Column("award", "Award", lambda r: r.award, width=0.5, show=lambda r: reference_label(r.award, r.grantee)),
    Column("date", "Date", lambda r: r.date, "date", 0.25),
    Column("amount", "Amount", lambda r: r.amount, "money", 0.25)))
BALANCES: Table[Balance] = Table("balances", (
    Column("restriction", "Restriction", lambda r: r.restriction, width=0.4),
    Column("kind", "Kind", lambda r: r.kind, width=0.2),
    Column("opening", "Opening", lambda r: r.opening, "money", 0.2),
    Column("closing", "Closing", lambda r: r.closing, "money", 0.2)))
BOARD_DECISIONS: Table[BoardDecision] = Table("board_decisions", (
    Column("date", "Date", lambda r: r.date, "date", 0.12),
    Column("meeting", "Meeting", lambda r: r.meeting, width=0.25),
    Column("decision", "Decision", lambda r: r.decision, width=0.45),
    Column("outcome", "Outcome", lambda r: r.outcome, width=0.18)))


def sources_uses(data: FundStatement) -> list[SourceUse]:
    """Opening balance, each source, each use and the closing balance, in that order."""
    return ([SourceUse("opening", "Opening balance", data.opening_balance)]
            + [SourceUse("source", s.label, s.amount) for s in data.sources]
            + [SourceUse("use", u.label, u.amount) for u in data.uses]
            + [SourceUse("closing", "Closing balance", data.closing_balance)])


def meta_labels(data: FundStatement) -> dict[str, str]:
    fund = data.fund
    return {
        "title": f"{TITLE} — {fund.name} — fiscal year {data.fiscal_year}",
        "subject": f"Sources and uses of {fund.name}, fiscal year {data.fiscal_year}",
        "author": fund.ach,
        "document_label": TITLE,
        "scope_label": fund.name,
        "year_label": f"Fiscal year {data.fiscal_year}",
    }


def story(data: FundStatement, report_id: str, version: int) -> list[Flowable]:
    fund = data.fund
    period = data.period
    lines = sources_uses(data)
    return [
        f.Heading(TITLE, 0),
        f.para(fund.name, f.TITLE),
        f.key_values([
            ("Fund", f"{fund.name} ({fund.code})"),
            ("Held by", fund.ach),
            ("Fiscal year", f"{data.fiscal_year}: {f.date(period.start)} to {f.date(period.end)}"),
            ("Version", f.version_label(version)),
            ("Report id", report_id),
        ]),
        f.Heading("Sources and uses", 0),
        *SOURCES_USES.pdf(lines[:-1], total={"label": lines[-1].label, "amount": f.money(lines[-1].amount)}),
        f.Heading("Contributions by plan and source", 1),
        *CONTRIBUTIONS.pdf(data.contributions,
                           total={"contributor": "Total", "amount": f.money(data.total_contributions)}),
        f.Heading("Awards", 1),
        *AWARDS.pdf(data.awards),
        f.Heading("Disbursements", 1),
        *DISBURSEMENTS.pdf(data.disbursements),
        f.Heading("Returns of unspent funds", 1),
        *RETURNS.pdf(data.returns),
        f.Heading("Balances by restriction", 1),
        *BALANCES.pdf(data.balances),
        f.Heading("Board decisions", 1),
        *BOARD_DECISIONS.pdf(data.board_decisions),
        Spacer(0, 6),
    ]


def tables(data: FundStatement) -> Tables:
    return twin_tables(
        (SOURCES_USES, sources_uses(data)), (CONTRIBUTIONS, data.contributions), (AWARDS, data.awards),
        (DISBURSEMENTS, data.disbursements), (RETURNS, data.returns), (BALANCES, data.balances),
        (BOARD_DECISIONS, data.board_decisions))
