"""Award letter (per award): the grantee, amount, period, restriction, tranches and conditions.

Input: ``AwardLetter``, filled by ``reporting.selectors.award_letter.award_letter_data``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from reportlab.platypus import Flowable, Spacer

from reinvestment.references import SourceRef

from ..data import Signer, reference_label
from ..pdf import flowables as f
from ..tables import Column, Table, twin_tables
from ..twin import Tables

TITLE = "Award Letter"


@dataclass(frozen=True)
class Tranche:
    label: str
    amount: Decimal
    due: dt.date | None
    condition: str


@dataclass(frozen=True)
class ReportDue:
    number: int
    kind: str
    due: dt.date


@dataclass(frozen=True)
class Award:
    reference: SourceRef | str  # the award's commitment reference
    title: str
    amount: Decimal
    date: dt.date
    start: dt.date
    end: dt.date
    restriction: str
    opportunity: str
    approved_at_meeting: str
    conditions: tuple[str, ...]
    tranches: tuple[Tranche, ...]
    reports: tuple[ReportDue, ...]


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class Fund:
    name: str
    ach: str


@dataclass(frozen=True)
class AwardLetter:
    award: Award
    grantee: Named
    fund: Fund
    signatory: Signer
    kind: str = "award-letter"


@dataclass(frozen=True)
class AwardRow:
    award: Award
    grantee: str


AWARD: Table[AwardRow] = Table("award", (
    Column("reference", "Award", lambda r: r.award.reference),
    Column("grantee", "Grantee", lambda r: r.grantee),
    Column("amount", "Amount", lambda r: r.award.amount, "money"),
    Column("date", "Date", lambda r: r.award.date, "date"),
    Column("start", "Start", lambda r: r.award.start, "date"),
    Column("end", "End", lambda r: r.award.end, "date"),
    Column("restriction", "Restriction", lambda r: r.award.restriction)))
TRANCHES: Table[Tranche] = Table("tranches", (
    Column("label", "Tranche", lambda r: r.label, width=0.2),
    Column("amount", "Amount", lambda r: r.amount, "money", 0.2),
    Column("due", "Release", lambda r: r.due, "date", 0.15),
    Column("condition", "Condition", lambda r: r.condition, width=0.45)))


def meta_labels(data: AwardLetter) -> dict[str, str]:
    award = data.award
    return {
        "title": f"{TITLE} — {reference_label(award.reference)} — {data.grantee.name}",
        "subject": f"Grant award {reference_label(award.reference)} from {data.fund.name}",
        "author": data.fund.ach,
        "document_label": TITLE,
        "scope_label": data.fund.name,
        "year_label": f"Awarded {f.date(award.date)}",
    }


def story(data: AwardLetter, report_id: str, version: int) -> list[Flowable]:
    award = data.award
    grantee = data.grantee
    return [
        f.Heading(TITLE, 0),
        f.para(f.date(award.date)),
        f.para(grantee.name),
        Spacer(0, 8),
        f.para(f"Dear {grantee.name},"),
        f.para(f"On behalf of {data.fund.ach}, we are pleased to award "
               f"{f.money(award.amount)} from {data.fund.name} for “{award.title}”."),
        f.key_values([
            ("Award", reference_label(award.reference)),
            ("Amount", f.money(award.amount)),
            ("Period", f"{f.date(award.start)} to {f.date(award.end)}"),
            ("Restriction", award.restriction),
            ("Domain", ""),
            ("Version", f.version_label(version)),
            ("Report id", report_id),
        ]),
        f.Heading("Payment schedule", 1),
        *TRANCHES.pdf(award.tranches, total={"label": "Total", "amount": f.money(award.amount)}),
        f.Heading("Conditions", 1),
        *[f.para(f"• {c}") for c in award.conditions],
        Spacer(0, 18),
        f.para(data.signatory.name),
        f.para(data.signatory.title, f.SMALL),
    ]


def tables(data: AwardLetter) -> Tables:
    return twin_tables((AWARD, [AwardRow(data.award, data.grantee.name)]), (TRANCHES, data.award.tranches))
