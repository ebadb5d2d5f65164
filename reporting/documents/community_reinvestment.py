"""Community Reinvestment Report (per plan and income year), for the regulator.

Input: ``CommunityReinvestmentReport``, filled by
``reporting.selectors.community_reinvestment.community_reinvestment_data`` (money
as Decimal, shares as Decimal fractions, dates as ``date``).

The PDF summarises for the regulator; the data twin carries every record. Sections:
cover with the key figures and a contents list, summary with each computation line,
county allocation, investments (wellness fund contributions summarised by fund, county
and quarter with their counts; direct investments and other credits listed one by one),
grants, outcomes and people served (one table per dimension: county and every dimension of
the equity taxonomy, rows named as the taxonomy names its categories; small cells already
suppressed by the selector),
earmark compliance, community input, attestation, and "records behind the totals": the
twin's files with their row counts and SHA-256, so a reader can check the twin is the
one the PDF was made with. The twin holds every credit (``investments.csv``) and, in the
appendix (``appendix.csv``), every other record behind the totals (obligation lines, county
allocations, grant awards): the two files together hold every record behind the totals.
Record references show as words ("Award #1"); the twin keeps their keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.platypus import Flowable, PageBreak, Spacer

from reinvestment.references import SourceRef

from ..data import Attestation, Period, Signer, reference_label
from ..pdf import flowables as f
from ..pdf.charts import bar_chart
from ..tables import Column, Table, twin_tables
from ..twin import Tables, TwinFile
from . import community_voice
from .community_voice import CommunityVoice

TITLE = "Community Reinvestment Report"
Reference = SourceRef | str  # a known record, or the text a credit was recorded with


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    legal_name: str
    jurisdiction: str


@dataclass(frozen=True)
class Financials:
    revenue: Decimal
    net_income: Decimal
    quality_result: str


@dataclass(frozen=True)
class Policy:
    name: str
    version: str
    citation: str


@dataclass(frozen=True)
class ComputationLine:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class CountyRow:
    county: str
    fips: str
    basis: int | Decimal
    share: Decimal
    allocated: Decimal
    fulfilled: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class Investment:
    source: str
    source_label: str
    reference: Reference
    fund: str  # the wellness fund a contribution went to; "" for other credits
    payee: str
    county: str
    domain: str
    cha_chip_aligned: bool
    advisory_committee_consulted: bool | None
    amount: Decimal
    date: dt.date


@dataclass(frozen=True)
class ContributionSummary:
    """Wellness fund contributions credited to the obligation, by fund, county and quarter."""

    fund: str
    county: str
    quarter: str  # e.g. "2026 Q1", by the credit's date
    contributions: int
    amount: Decimal


@dataclass(frozen=True)
class DomainSpend:
    domain: str
    amount: Decimal


@dataclass(frozen=True)
class Grant:
    fund: str
    award: Reference
    grantee: str
    county: str
    domain: str
    amount: Decimal
    attributed: Decimal
    share: Decimal
    date: dt.date


@dataclass(frozen=True)
class Outcome:
    award: Reference
    grantee: str
    measure: str
    target: str
    actual: str
    unit: str


@dataclass(frozen=True)
class PeopleCount:
    label: str
    count: int | None  # None: suppressed
    category: str = ""  # the category's code (a county's FIPS code), kept by the twin


@dataclass(frozen=True)
class PeopleDimension:
    """People served in the categories of one dimension: ``county`` or a dimension of the equity
    taxonomy, named as the taxonomy names it (rows are labelled with its category names)."""

    code: str
    name: str
    rows: tuple[PeopleCount, ...]


@dataclass(frozen=True)
class PeopleServed:
    suppression_threshold: int
    total: int
    dimensions: tuple[PeopleDimension, ...]  # county, then every dimension of the equity taxonomy


@dataclass(frozen=True)
class Earmark:
    name: str
    required_share: Decimal
    required_amount: Decimal
    actual: Decimal
    met: bool


@dataclass(frozen=True)
class CommunityInput:
    date: dt.date
    body: str
    summary: str


@dataclass(frozen=True)
class AppendixRecord:
    record: str
    reference: Reference
    county: str
    date: dt.date | None
    amount: Decimal
    description: str


@dataclass(frozen=True)
class Mlr:
    """The medical loss ratio behind the MLR remittance. ``entered`` is False when the year's MLR
    figures were not entered (then nothing is computed and the PDF says so)."""

    entered: bool
    numerator: Decimal | None
    denominator: Decimal | None
    ratio: Decimal | None  # numerator / denominator as a fraction (0.8 = 80%)
    minimum: Decimal  # the policy's minimum, a fraction
    shortfall: Decimal  # (minimum - ratio) x denominator, rounded to cents; 0 when the minimum is met
    remittance: Decimal
    recipient: str  # who receives the remittance; "" when not named yet
    recipient_kind: str  # "wellness fund", "state agency" or ""


@dataclass(frozen=True)
class CommunityReinvestmentReport:
    plan: Plan
    income_year: int
    as_of: dt.date
    investment_window: Period
    deadline: dt.date
    status: str
    financials: Financials
    policy: Policy
    computation: tuple[ComputationLine, ...]
    total_obligation: Decimal
    fulfilled: Decimal
    remaining: Decimal
    mlr_remittance: Decimal
    obligation: Reference
    computed_on: dt.date
    allocation_basis: str
    counties: tuple[CountyRow, ...]
    investments: tuple[Investment, ...]  # every credit (the twin); the PDF lists the non-contributions
    contribution_summary: tuple[ContributionSummary, ...]
    spend_by_domain: tuple[DomainSpend, ...]
    grants: tuple[Grant, ...]
    grants_total: Decimal
    grants_attributed_total: Decimal
    outcomes: tuple[Outcome, ...]
    people_served: PeopleServed
    earmarks: tuple[Earmark, ...]
    community_input: tuple[CommunityInput, ...]
    compliance_officer: Signer | None
    attestation: Attestation | None
    kind: str = "community-reinvestment"
    policy_code: str = ""  # the obligation's policy (one report per obligation)
    line_of_business: str = ""  # the name of the obligation's line of business
    mlr: Mlr | None = None  # None: the policy sets no MLR minimum
    voice: CommunityVoice | None = None  # reinvestment plan, advisory meetings, stratified outcomes

    @property
    def contributions(self) -> tuple[Investment, ...]:
        return tuple(i for i in self.investments if i.source == FUND_CONTRIBUTION)

    @property
    def listed_investments(self) -> tuple[Investment, ...]:
        """The credits the PDF lists one by one: every credit but wellness fund contributions."""
        return tuple(i for i in self.investments if i.source != FUND_CONTRIBUTION)


FUND_CONTRIBUTION = "fund_contribution"  # ``reinvestment.models.CreditSource.FUND_CONTRIBUTION``


@dataclass(frozen=True)
class SummaryItem:
    item: str
    value: object


SUMMARY: Table[SummaryItem] = Table("summary", (
    Column("item", "Item", lambda r: r.item), Column("value", "Value", lambda r: r.value)))
COMPUTATION: Table[ComputationLine] = Table("computation", (
    Column("step", "Step", lambda r: r.label, width=0.78),
    Column("amount", "Amount", lambda r: r.amount, "money", 0.22)))
COUNTIES: Table[CountyRow] = Table("counties", (
    Column("county", "County", "county", width=0.24),
    Column("fips", "FIPS", "fips"),
    Column("basis", "Basis", "basis", "number", 0.14),
    Column("share", "Share", "share", "percent", 0.1),
    Column("allocated", "Allocated", "allocated", "money", 0.18),
    Column("fulfilled", "Fulfilled", "fulfilled", "money", 0.17),
    Column("remaining", "Remaining", "remaining", "money", 0.17)))
INVESTMENTS: Table[Investment] = Table("investments", (
    Column("source", "Source", "source"),
    Column("reference", "Reference", "reference"),
    Column("fund", "Fund", "fund"),
    Column("payee", "Payee", "payee", width=0.21),
    Column("source_label", "Source", "source_label", width=0.09, twin=False),
    Column("county", "County", "county", width=0.12),
    Column("domain", "Domain", "domain", width=0.16),
    Column("cha_chip_aligned", "CHA/CHIP", "cha_chip_aligned", "yes_no", 0.1),
    Column("advisory_committee_consulted", "Advisory", "advisory_committee_consulted", "yes_no", 0.08),
    Column("amount", "Amount", "amount", "money", 0.13),
    Column("date", "Date", "date", "date", 0.11)))
CONTRIBUTIONS: Table[ContributionSummary] = Table("contributions_summary", (
    Column("fund", "Wellness fund", "fund", width=0.34),
    Column("county", "County", "county", width=0.2),
    Column("quarter", "Quarter", "quarter", width=0.13),
    Column("contributions", "Contributions", "contributions", "number", 0.15),
    Column("amount", "Amount", "amount", "money", 0.18)))
GRANTS: Table[Grant] = Table("grants", (
    Column("fund", "Fund", "fund", width=0.13),
    Column("award", "Award", "award"),
    Column("grantee", "Grantee", "grantee", width=0.19),
    Column("award_label", "Award", "award", width=0.11, twin=False,
           show=lambda r: reference_label(r.award)),
    Column("county", "County", "county", width=0.11),
    Column("domain", "Domain", "domain", width=0.13),
    Column("amount", "Awarded", "amount", "money", 0.115),
    Column("attributed", "Attributed", "attributed", "money", 0.115),
    Column("date", "Date", "date", "date", 0.1)))
OUTCOMES: Table[Outcome] = Table("outcomes", (
    Column("award", "Grant", lambda r: r.award, width=0.14, show=lambda r: reference_label(r.award, r.grantee)),
    Column("measure", "Measure", lambda r: r.measure, width=0.46),
    Column("target", "Target", lambda r: r.target, "number", 0.13),
    Column("actual", "Actual", lambda r: r.actual, "number", 0.13),
    Column("unit", "Unit", lambda r: r.unit, width=0.14)))


@dataclass(frozen=True)
class PeopleRow:
    dimension: str  # the dimension's code
    dimension_name: str
    category: str  # the category's code
    label: str
    count: int | None
    threshold: int


def _count(row: PeopleRow) -> str:
    return f"<{row.threshold}" if row.count is None else f"{row.count:,}"


PEOPLE: Table[PeopleRow] = Table("people_served", (
    Column("dimension", "Dimension", lambda r: r.dimension),
    Column("dimension_name", "Dimension", lambda r: r.dimension_name),
    Column("category", "Category", lambda r: r.category),
    Column("label", "Group", lambda r: r.label, width=0.7),
    Column("count", "People served", lambda r: r.count, "number", 0.3, show=_count)))
EARMARKS: Table[Earmark] = Table("earmarks", (
    Column("earmark", "Earmark", lambda r: r.name, width=0.4),
    Column("required_share", "Required share", lambda r: r.required_share, "percent", 0.15),
    Column("required_amount", "Required", lambda r: r.required_amount, "money", 0.17),
    Column("actual", "Actual", lambda r: r.actual, "money", 0.17),
    Column("met", "Met", lambda r: r.met, "yes_no", 0.11)))
COMMUNITY_INPUT: Table[CommunityInput] = Table("community_input", (
    Column("date", "Date", lambda r: r.date, "date", 0.12),
    Column("body", "Body", lambda r: r.body, width=0.25),
    Column("summary", "Summary", lambda r: r.summary, width=0.63)))
APPENDIX: Table[AppendixRecord] = Table("appendix", (
    Column("record", "Record", "record", width=0.16),
    Column("reference", "Reference", "reference", width=0.24, show=lambda r: reference_label(r.reference)),
    Column("county", "County", "county", width=0.12),
    Column("date", "Date", "date", "date", 0.1),
    Column("amount", "Amount", "amount", "money", 0.13),
    Column("description", "Description", "description", width=0.25)))

#: The dimension drawn as a chart beside its table (when present).
CHARTED_DIMENSION = "race"


def _lower_first(name: str) -> str:
    """A dimension's name inside a sentence: "Sexual orientation" -> "sexual orientation"."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def people_rows(data: CommunityReinvestmentReport, dimension: PeopleDimension) -> list[PeopleRow]:
    threshold = data.people_served.suppression_threshold
    return [PeopleRow(dimension.code, dimension.name, r.category, r.label, r.count, threshold)
            for r in dimension.rows]


@dataclass(frozen=True)
class TwinFileRow:
    file: str
    rows: str
    sha256: str


TWIN_FILES: Table[TwinFileRow] = Table("twin_files", (
    Column("file", "File", lambda r: r.file, width=0.28),
    Column("rows", "Rows", lambda r: r.rows, "number", 0.1),
    Column("sha256", "SHA-256", lambda r: r.sha256, width=0.62)))


def appendix_rows(data: CommunityReinvestmentReport) -> list[tuple[Any, ...]]:
    """The records behind the totals that ``investments.csv`` does not hold (obligation lines, county
    allocations and grant awards) as rows of ``AppendixRecord``'s fields, the twin's ``appendix.csv``.
    The credits behind the totals are in ``investments.csv`` (one row per credit), not repeated here:
    the two files together hold every record behind the totals."""
    return (
        [("obligation line", data.obligation, "", data.computed_on, ln.amount, ln.label) for ln in data.computation]
        + [("county allocation", data.obligation, c.county, None, c.allocated, f"weight {c.basis}")
           for c in data.counties]
        + [("grant award", g.award, g.county, g.date, g.attributed,
            f"{g.grantee} ({g.fund}), attributed share {g.share}") for g in data.grants])


def appendix(data: CommunityReinvestmentReport) -> list[AppendixRecord]:
    """The records behind the totals other than the credits (those are in ``investments.csv``):
    obligation lines, county allocations and grant awards."""
    return [AppendixRecord(*row) for row in appendix_rows(data)]


def meta_labels(data: CommunityReinvestmentReport) -> dict[str, str]:
    plan = data.plan.name
    year = data.income_year
    return {
        "title": f"{TITLE} — {plan} — income year {year}",
        "subject": f"Community reinvestment obligation and fulfilment, income year {year}",
        "author": plan,
        "document_label": TITLE,
        "scope_label": plan,
        "year_label": " · ".join(x for x in (f"Income year {year}", data.policy_code, data.line_of_business) if x),
    }


def story(data: CommunityReinvestmentReport, report_id: str, version: int,
          twin: Sequence[TwinFile] = ()) -> list[Flowable]:
    """The PDF; ``twin`` lists the data twin's files (name, rows, SHA-256) for the last section."""
    plan = data.plan
    window = data.investment_window
    money = f.money
    sections = {name: f.Heading(name, 0) for name in SECTIONS}
    out: list[Flowable] = [
        Spacer(0, 30),
        f.Heading(TITLE, 0),
        f.para(plan.name, f.TITLE),
        f.key_values([
            ("Total obligation", money(data.total_obligation)),
            ("Fulfilled", money(data.fulfilled)),
            ("Remaining", money(data.remaining)),
            ("Status", data.status),
            ("MLR remittance", money(data.mlr_remittance)),
            ("Deadline", f.long_date(data.deadline)),
        ], widths=(0.4, 0.6)),
        f.key_values([
            ("Plan", plan.legal_name),
            ("Policy and line of business", ", ".join(x for x in (data.policy_code, data.line_of_business) if x)),
            ("Jurisdiction", plan.jurisdiction),
            ("Income year", str(data.income_year)),
            ("Investment window", f"{f.long_date(window.start)} to {f.long_date(window.end)}"),
            ("Figures as of", f.long_date(data.as_of)),
            ("Version", f.version_label(version)),
            ("Report id", report_id),
        ]),
        f.Heading("Contents", 1),
        f.Contents(list(sections.values())),
        PageBreak(),
    ]
    fin = data.financials
    out += [
        sections["Summary"],
        f.key_values([
            ("Total revenue", money(fin.revenue)),
            ("Net income", money(fin.net_income)),
            ("Quality result", fin.quality_result),
            ("Policy", f"{data.policy.name}, version {data.policy.version}"),
            ("Citation", data.policy.citation),
        ]),
        f.Heading("Computation", 1),
        *COMPUTATION.pdf(data.computation, total={"step": "Total obligation",
                                                  "amount": money(data.total_obligation)}),
        f.key_values([
            ("Total obligation", money(data.total_obligation)),
            ("Fulfilled", money(data.fulfilled)),
            ("Remaining", money(data.remaining)),
            ("MLR remittance", money(data.mlr_remittance)),
            ("Deadline", f.date(data.deadline)),
            ("Status", data.status),
        ]),
        *mlr_section(data),
        sections["County allocation"],
        f.para(f"Allocation basis: {data.allocation_basis}. Amounts are split to the cent by the "
               "largest-remainder method, so county amounts add up to the total."),
        *COUNTIES.pdf(data.counties, total={"county": "Total", "allocated": money(data.total_obligation),
                                            "fulfilled": money(data.fulfilled),
                                            "remaining": money(data.remaining)}),
        bar_chart("Obligation vs fulfilled by county", [c.county for c in data.counties],
                  [("Allocated", [c.allocated for c in data.counties]),
                   ("Fulfilled", [c.fulfilled for c in data.counties])], money=True),
    ]
    out += investments_section(data, sections["Investments"])
    out += [
        sections["Grants funded through wellness funds"],
        f.para("Awards of the wellness funds this year's contributions went to; the plan's attributed "
               "part is the award times the plan's share of the fund's receipts."),
        *GRANTS.pdf(data.grants, total={"fund": "Total", "amount": money(data.grants_total),
                                        "attributed": money(data.grants_attributed_total)}),
        sections["Outcomes and people served"],
        *OUTCOMES.pdf(data.outcomes),
    ]
    people = data.people_served
    threshold = people.suppression_threshold
    out.append(f.para(f"Counts below {threshold} are suppressed (shown as <{threshold}), with a "
                      "second cell suppressed where one alone could be derived from the total.",
                      f.SMALL))
    for dimension in people.dimensions:
        rows = people_rows(data, dimension)
        out.append(f.Heading(f"People served by {_lower_first(dimension.name)}", 1))
        out += PEOPLE.pdf(rows, labels={"label": dimension.name},
                          total={"label": "Total", "count": f"{people.total:,}"} if rows else None)
        shown = [r for r in dimension.rows if r.count is not None]
        if dimension.code == CHARTED_DIMENSION and shown:
            out.append(bar_chart(f"People served by {_lower_first(dimension.name)}", [r.label for r in shown],
                                 [("People", [r.count or 0 for r in shown])]))
    out += [
        *community_voice.equity_section(data.voice, sections[community_voice.EQUITY_SECTION]),
        sections["Earmark compliance"],
        *EARMARKS.pdf(data.earmarks),
        *community_voice.chip_section(data.voice),
        *community_voice.plan_section(data.voice, sections[community_voice.PLAN_SECTION]),
        sections["Community input"],
        *COMMUNITY_INPUT.pdf(data.community_input),
        *community_voice.meetings_section(data.voice),
        PageBreak(),
        *attestation_section(data, sections["Attestation"]),
        *twin_section(data, sections[RECORDS], twin),
    ]
    return out


RECORDS = "Records behind the totals (data twin)"
SECTIONS = ("Summary", "County allocation", "Investments", "Grants funded through wellness funds",
            "Outcomes and people served", community_voice.EQUITY_SECTION, "Earmark compliance",
            community_voice.PLAN_SECTION, "Community input", "Attestation", RECORDS)


def investments_section(data: CommunityReinvestmentReport, heading: Flowable) -> list[Flowable]:
    money = f.money
    contributions = data.contributions
    listed = data.listed_investments
    contributed = sum((r.amount for r in data.contribution_summary), Decimal(0))
    out: list[Flowable] = [
        heading,
        f.para(f"Credits toward this obligation: {money(data.fulfilled)} in all, of which "
               f"{money(contributed)} in {len(contributions):,} wellness fund contributions and "
               f"{money(data.fulfilled - contributed)} in {len(listed):,} direct investments and other credits. "
               "The data twin lists every credit (investments.csv)."),
        f.Heading("Wellness fund contributions by fund, county and quarter", 1),
        *CONTRIBUTIONS.pdf(data.contribution_summary, total={
            "fund": "Total", "contributions": f"{sum(r.contributions for r in data.contribution_summary):,}",
            "amount": money(contributed)}),
        f.Heading("Direct investments and other credits", 1),
        *INVESTMENTS.pdf(listed, total={"payee": "Total", "amount": money(data.fulfilled - contributed)}),
    ]
    if data.spend_by_domain:
        out.append(bar_chart("Spend by domain", [d.domain for d in data.spend_by_domain],
                             [("Spend", [d.amount for d in data.spend_by_domain])], money=True))
    return out


def mlr_section(data: CommunityReinvestmentReport) -> list[Flowable]:
    """The MLR computation (numerator, denominator, ratio, minimum, shortfall), the remittance and
    who receives it; "MLR not entered" when the year's MLR figures were not entered."""
    mlr = data.mlr
    if mlr is None:
        return []
    money = f.money
    out: list[Flowable] = [f.Heading("Medical loss ratio (MLR)", 1)]
    if not mlr.entered:
        return out + [f.para(f"MLR not entered: the year's MLR numerator and denominator were not entered, so "
                             f"the remittance below the {f.percent(mlr.minimum)} minimum is not computed.")]
    recipient = f"{mlr.recipient} ({mlr.recipient_kind})" if mlr.recipient else "Not named yet"
    return out + [f.key_values([
        ("MLR numerator", money(mlr.numerator) if mlr.numerator is not None else "—"),
        ("MLR denominator", money(mlr.denominator)),
        ("MLR", f.percent(mlr.ratio)),
        ("Minimum", f.percent(mlr.minimum)),
        ("Shortfall", money(mlr.shortfall)),
        ("MLR remittance", money(mlr.remittance)),
        ("Remitted to", recipient if mlr.remittance > 0 else "Nothing to remit"),
    ])]


def twin_section(data: CommunityReinvestmentReport, heading: Flowable,
                 twin: Sequence[TwinFile]) -> list[Flowable]:
    out: list[Flowable] = [
        heading,
        f.para("This PDF summarises. Every record behind its totals (each obligation line, county "
               "allocation, credit and grant) is in the data twin published with it: a JSON file of "
               "the whole data and a zip of that JSON file with one CSV file per table. The credits "
               "behind the totals are in investments.csv, one row per credit; appendix.csv lists "
               "every other record (obligation lines, county allocations, grant awards). Money is exact "
               "(dollars and cents as written), dates are ISO 8601. Check a file by computing its SHA-256 "
               "and comparing it with the list below."),
    ]
    if twin:
        out += TWIN_FILES.pdf([TwinFileRow(file=t.name, rows="—" if t.rows is None else f"{t.rows:,}",
                                           sha256=t.sha256) for t in twin])
    return out


def attestation_section(data: CommunityReinvestmentReport,
                        heading: Flowable | None = None) -> list[Flowable]:
    plan = data.plan
    att = data.attestation
    officer = data.compliance_officer
    statement = (
        f"I attest that this report presents, completely and accurately, the community "
        f"reinvestment obligation of {plan.legal_name} for income year {data.income_year}, "
        f"its computation under {data.policy.name} version {data.policy.version}, "
        "and every investment credited toward it."
    )
    blank = "________________________"
    out: list[Flowable] = [heading or f.Heading("Attestation", 0), f.para(statement), Spacer(0, 20)]
    if att:
        out.append(f.key_values([
            ("Signed by", att.name),
            ("Title", att.title),
            ("Organization", plan.legal_name),
            ("Attested at", f.moment(att.attested_at)),
        ]))
    else:
        out.append(f.key_values([
            ("Compliance officer", (officer.name if officer else "") or blank),
            ("Title", (officer.title if officer else "") or blank),
            ("Signature", "Not yet attested (draft)"),
            ("Date", blank),
        ]))
    return out


def tables(data: CommunityReinvestmentReport) -> Tables:
    fin, policy = data.financials, data.policy
    summary = [SummaryItem(k, v) for k, v in (
        ("plan", data.plan.code), ("income_year", data.income_year), ("revenue", fin.revenue),
        ("net_income", fin.net_income), ("quality_result", fin.quality_result), ("policy", policy.name),
        ("policy_version", policy.version), ("total_obligation", data.total_obligation),
        ("fulfilled", data.fulfilled), ("remaining", data.remaining), ("mlr_remittance", data.mlr_remittance),
        ("deadline", data.deadline), ("status", data.status))]
    return {**twin_tables(
        (SUMMARY, summary), (COMPUTATION, data.computation), (COUNTIES, data.counties),
        (CONTRIBUTIONS, data.contribution_summary), (INVESTMENTS, data.investments), (GRANTS, data.grants),
        (OUTCOMES, data.outcomes),
        (PEOPLE, [r for dimension in data.people_served.dimensions for r in people_rows(data, dimension)]),
        (EARMARKS, data.earmarks), (COMMUNITY_INPUT, data.community_input)),
        APPENDIX.name: ([c.name for c in APPENDIX.twin_columns], appendix_rows(data)),
        **community_voice.tables(data.voice)}
