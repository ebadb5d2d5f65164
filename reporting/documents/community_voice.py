"""The community voice and equity sections of the Community Reinvestment Report.

Filled by ``reporting.selectors.community_voice.community_voice_data`` and carried by the report as
``CommunityReinvestmentReport.voice``:

* the reinvestment plan the regulator approved (or the latest submitted) against what was credited,
  by county, social-driver domain and CHIP priority, and the CHIP-aligned share planned and made;
* the advisory meetings the plan cites as the community input behind its investments, and those
  where a credited direct investment was discussed, with the investments and awards discussed there;
* the funds' outcomes stratified by equity dimension, as rates with numerator and denominator, small
  cells suppressed by ``reporting.suppression.suppress`` (threshold: the disclosure rule in force or
  the measure's own, whichever is higher; complementary suppression), with the overall rate;
* disparity targets (close the gap between a group and the overall rate or a reference group by a
  share) with the baseline, target and latest gaps; a gap of a small group is not shown;
* the outcomes of the direct investments credited this year, including programs the plan operates
  itself (labelled "Operated by the plan"), stratified and suppressed the same way as the funds'.

Words, not codes: domains, dimensions and categories by name, periods as dates in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.platypus import Flowable

from ..pdf import flowables as f
from ..tables import Column, Table, twin_tables
from ..twin import Tables

PLAN_SECTION = "Reinvestment plan: planned and actual"
EQUITY_SECTION = "Outcomes by equity dimension"


@dataclass(frozen=True)
class PlanActual:
    dimension: str  # "County", "Domain" or "CHIP priority"
    label: str
    planned: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        return self.actual - self.planned


@dataclass(frozen=True)
class AdvisoryMeeting:
    date: dt.date
    body: str
    organization: str
    topics: str
    members_present: int
    public_attendees: int
    cited_by: str
    discussed: str = "—"  # e.g. "Direct investment in X ($1.00); Award to Y ($2.00)"


@dataclass(frozen=True)
class StratifiedRate:
    fund: str
    measure: str
    period: str  # in words
    dimension: str
    group: str
    numerator: int | None  # None: suppressed
    denominator: int | None
    rate: Decimal | None
    threshold: int
    overall: bool = False

    @property
    def suppressed(self) -> bool:
        return self.numerator is None


@dataclass(frozen=True)
class InvestmentRate:
    """One cell of a direct investment's stratified outcome (suppressed as ``StratifiedRate``)."""

    investment: str  # its purpose
    operated_by: str  # "Operated by the plan", or "Paid to <payee>"
    measure: str
    period: str  # in words
    dimension: str
    group: str
    numerator: int | None  # None: suppressed
    denominator: int | None
    rate: Decimal | None
    threshold: int
    overall: bool = False

    @property
    def suppressed(self) -> bool:
        return self.numerator is None


@dataclass(frozen=True)
class DisparityRow:
    fund: str
    measure: str
    dimension: str
    group: str
    reference: str
    reduction: Decimal
    baseline: str  # period in words
    target_period: str
    baseline_gap: Decimal | None  # None: not measured, or a small group (see ``shown``)
    target_gap: Decimal | None
    latest_gap: Decimal | None
    status: str
    shown: bool  # False: the group is small; gaps are not published


@dataclass(frozen=True)
class CommunityVoice:
    plan_status: str  # e.g. "Approved (version 2)", or "No reinvestment plan on file"
    plan_deadline: dt.date | None
    planned_total: Decimal
    actual_total: Decimal
    planned_aligned: Decimal  # planned lines with a CHIP priority
    actual_aligned: Decimal  # credited parts serving a CHIP priority (tags, or recorded as aligned)
    chip_earmark: str  # e.g. "Met: $X required, $Y aligned", or "The policy sets no CHIP-aligned earmark"
    plan_vs_actual: tuple[PlanActual, ...]
    meetings: tuple[AdvisoryMeeting, ...]
    rates: tuple[StratifiedRate, ...]
    disparities: tuple[DisparityRow, ...]
    suppression_threshold: int
    investment_rates: tuple[InvestmentRate, ...] = ()  # outcomes of the direct investments credited


def _count(value: int | None, threshold: int) -> str:
    return f"<{threshold}" if value is None else f"{value:,}"


def _gap(value: Decimal | None, row: DisparityRow) -> str:
    if not row.shown:
        return "Suppressed (small group)"
    return "—" if value is None else f"{f.percent(value)} points"


PLAN_VS_ACTUAL: Table[PlanActual] = Table("plan_vs_actual", (
    Column("dimension", "By", "dimension", width=0.14),
    Column("label", "County, domain or priority", "label", width=0.38),
    Column("planned", "Planned", "planned", "money", 0.16),
    Column("actual", "Actual", "actual", "money", 0.16),
    Column("difference", "Difference", "difference", "money", 0.16)))
MEETINGS: Table[AdvisoryMeeting] = Table("advisory_meetings", (
    Column("date", "Date", "date", "date", 0.1),
    Column("body", "Advisory body", "body", width=0.15),
    Column("organization", "Of", "organization", twin=True),
    Column("topics", "Topics discussed", "topics", width=0.2),
    Column("discussed", "Investments and awards discussed", "discussed", width=0.27),
    Column("members_present", "Members present", "members_present", "number", 0.09),
    Column("public_attendees", "Public", "public_attendees", "number", 0.07),
    Column("cited_by", "Cited by", "cited_by", width=0.12)))
#: The columns of a rates table after what it measures (shared by funds' and investments' outcomes).
_RATE_COLUMNS: tuple[Column, ...] = (
    Column("group", "Group", "group", width=0.46),
    Column("numerator", "Numerator", "numerator", "number", 0.18, show=lambda r: _count(r.numerator, r.threshold)),
    Column("denominator", "Denominator", "denominator", "number", 0.18,
           show=lambda r: _count(r.denominator, r.threshold)),
    Column("rate", "Rate", "rate", "percent", 0.18, show=lambda r: "Suppressed" if r.suppressed else f.percent(r.rate)),
    Column("suppressed", "Suppressed", "suppressed", "yes_no"),
    Column("threshold", "Suppression threshold", "threshold", "number"))
RATES: Table[StratifiedRate] = Table("stratified_outcomes", (
    Column("fund", "Fund", "fund"),
    Column("measure", "Measure", "measure"),
    Column("period", "Period", "period"),
    Column("dimension", "Dimension", "dimension"),
    *_RATE_COLUMNS))
INVESTMENT_RATES: Table[InvestmentRate] = Table("investment_outcomes", (
    Column("investment", "Investment", "investment"),
    Column("operated_by", "Operated by", "operated_by"),
    Column("measure", "Measure", "measure"),
    Column("period", "Period", "period"),
    Column("dimension", "Dimension", "dimension"),
    *_RATE_COLUMNS))
DISPARITIES: Table[DisparityRow] = Table("disparity_targets", (
    Column("fund", "Fund", "fund"),
    Column("measure", "Measure", "measure"),
    Column("dimension", "Dimension", "dimension"),
    Column("group", "Group", "group", width=0.16),
    Column("reference", "Compared with", "reference", width=0.15),
    Column("reduction", "Reduce gap by", "reduction", "percent", 0.11),
    Column("baseline", "Baseline period", "baseline"),
    Column("target_period", "Target period", "target_period"),
    Column("baseline_gap", "Baseline gap", "baseline_gap", "percent", 0.13, show=lambda r: _gap(r.baseline_gap, r)),
    Column("target_gap", "Target gap", "target_gap", "percent", 0.13, show=lambda r: _gap(r.target_gap, r)),
    Column("latest_gap", "Latest gap", "latest_gap", "percent", 0.13, show=lambda r: _gap(r.latest_gap, r)),
    Column("status", "Status", "status", width=0.19)))


def chip_section(voice: CommunityVoice | None) -> list[Flowable]:
    """Under "Earmark compliance": the CHIP-aligned share planned and made."""
    if voice is None:
        return []
    money = f.money
    return [f.Heading("Alignment with the community health improvement plan (CHIP)", 1), f.key_values([
        ("CHIP-aligned earmark", voice.chip_earmark),
        ("Planned with a CHIP priority", money(voice.planned_aligned)),
        ("Credited serving a CHIP priority", money(voice.actual_aligned)),
    ])]


NOT_RECORDED = "No reinvestment plan, advisory meeting or stratified outcome was read for this report."


def plan_section(voice: CommunityVoice | None, heading: Flowable) -> list[Flowable]:
    if voice is None:
        return [heading, f.para(NOT_RECORDED)]
    money = f.money
    out: list[Flowable] = [heading, f.key_values([
        ("Reinvestment plan", voice.plan_status),
        ("Plan due", f.long_date(voice.plan_deadline) if voice.plan_deadline else "—"),
        ("Planned", money(voice.planned_total)),
        ("Credited toward this obligation", money(voice.actual_total)),
    ])]
    if not voice.plan_vs_actual:
        return out + [f.para("No planned lines and no credits to compare.")]
    out.append(f.para("Planned lines of the reinvestment plan against the credits allocated to this obligation, "
                      "by county, by social-driver domain and by CHIP priority. A credit serving several "
                      "priorities is split evenly between them."))
    for dimension, title in (("County", "county"), ("Domain", "domain"), ("CHIP priority", "CHIP priority")):
        rows = [r for r in voice.plan_vs_actual if r.dimension == dimension]
        if rows:
            out.append(f.Heading(f"Planned and actual by {title}", 1))
            out += PLAN_VS_ACTUAL.pdf(rows, labels={"label": dimension})
    return out


def meetings_section(voice: CommunityVoice | None) -> list[Flowable]:
    """Under "Community input": the advisory meetings the reinvestment plan cites, and those where a
    credited direct investment was discussed, with what was discussed there (public notes)."""
    if voice is None:
        return []
    out: list[Flowable] = [f.Heading("Advisory meetings where investments were discussed", 1)]
    if not voice.meetings:
        return out + [f.para("The reinvestment plan cites no advisory meeting, and no credited direct investment "
                             "is linked to one.")]
    return out + MEETINGS.pdf(voice.meetings)


def equity_section(voice: CommunityVoice | None, heading: Flowable) -> list[Flowable]:
    if voice is None:
        return [heading, f.para(NOT_RECORDED)]
    threshold = voice.suppression_threshold
    out: list[Flowable] = [heading, f.para(
        f"Outcomes of the funds this year's contributions went to, by equity dimension, as rates "
        f"(numerator over denominator). Counts below {threshold} (or a measure's own higher threshold) are "
        f"suppressed (shown as <{threshold}), with a second cell suppressed where one alone could be derived "
        "from the total; a suppressed cell shows no rate.", f.SMALL)]
    if not voice.rates:
        out.append(f.para("No stratified outcomes were recorded."))
    out += _rate_tables(RATES, voice.rates, threshold, lambda r: (r.fund, r.measure, r.period, r.dimension),
                        lambda r: f.Heading(f"{r.measure} by {r.dimension.lower()} — {r.fund}, {r.period}", 1))
    out += _investment_rates_section(voice)
    out.append(f.Heading("Disparity targets", 1))
    if not voice.disparities:
        return out + [f.para("No disparity target is set.")]
    out.append(f.para("Each target reduces the gap between a group's rate and the overall rate, or a reference "
                      "group's rate, by a share between a baseline period and a target period. Gaps are in "
                      "percentage points.", f.SMALL))
    return out + DISPARITIES.pdf(voice.disparities)


def _investment_rates_section(voice: CommunityVoice) -> list[Flowable]:
    """The outcomes of the direct investments credited this year (programs the plan funds or operates)."""
    out: list[Flowable] = [f.Heading("Outcomes of direct investments", 1)]
    if not voice.investment_rates:
        return out + [f.para("No stratified outcomes were recorded for the direct investments credited.")]
    return out + _rate_tables(
        INVESTMENT_RATES, voice.investment_rates, voice.suppression_threshold,
        lambda r: (r.investment, r.operated_by, r.measure, r.period, r.dimension),
        lambda r: f.para(f"{r.measure} by {r.dimension.lower()} — {r.investment} ({r.operated_by}), {r.period}"))


def _rate_tables(table: Table[Any], rates: Sequence[StratifiedRate | InvestmentRate], threshold: int,
                 key: Callable[[Any], Any], title: Callable[[Any], Flowable]) -> list[Flowable]:
    """One titled table per ``key`` (what is measured, of whom, when, by which dimension): its
    categories' rates, the overall rate as the total row."""
    groups: dict[Any, list[StratifiedRate | InvestmentRate]] = {}
    for r in rates:
        groups.setdefault(key(r), []).append(r)
    out: list[Flowable] = []
    for rows in groups.values():
        out.append(title(rows[0]))
        overall = next((r for r in rows if r.overall), None)
        total = None
        if overall is not None:
            total = {"group": "Overall", "numerator": _count(overall.numerator, threshold),
                     "denominator": _count(overall.denominator, threshold), "rate": f.percent(overall.rate)}
        out += table.pdf([r for r in rows if not r.overall], labels={"group": rows[0].dimension}, total=total)
    return out


def tables(voice: CommunityVoice | None) -> Tables:
    """The twin's tables of these sections (empty tables when the report has none)."""
    v = voice
    return twin_tables(
        (PLAN_VS_ACTUAL, v.plan_vs_actual if v else ()), (MEETINGS, v.meetings if v else ()),
        (RATES, v.rates if v else ()), (DISPARITIES, v.disparities if v else ()),
        (INVESTMENT_RATES, v.investment_rates if v else ()))
