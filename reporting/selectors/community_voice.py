"""The community voice and equity sections of the Community Reinvestment Report
(``reporting.documents.community_voice``).

* Plan vs actual: the reinvestment plan of the plan and income year (``community.ReinvestmentPlan``):
  the lines of its latest approved version, else of its latest submitted version, else its draft
  lines; against the parts of credits allocated to the obligation, by county, domain and CHIP
  priority. A credit's priorities are its direct investment's tags, or those the wellness fund it
  went to declares; a credit serving several priorities is split evenly (to the cent).
* The CHIP-aligned earmark of the policy snapshot, computed with ``reinvestment.earmarks`` (the same
  rule as the obligation summary).
* The advisory meetings the plan version cites, and those where a credited direct investment was
  discussed, each with the direct investments and awards discussed there (to whom, how much).
* Stratified outcomes (rates) of the funds this year's contributions went to, suppressed with
  ``reporting.suppression.suppress``, and their disparity targets (``community.selectors``).
* Stratified outcomes (rates) of the direct investments credited, including programs the plan
  operates itself, suppressed the same way (``_investment_rates``).

Queries are constant in the number of credits, lines, meetings and outcome cells (at most 12).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from community.models import (
    AdvisoryMeeting,
    Decision,
    EquityCategory,
    InvestmentMeeting,
    PlanStatus,
    PriorityTag,
    ReinvestmentPlan,
    ReinvestmentPlanVersion,
    StratifiedOutcome,
)
from community.selectors import DISPARITY_STATUS, disparity_progress
from money import round_cents
from organizations.models import Organization
from reinvestment import earmarks as earmark_rules
from reinvestment.models import Obligation
from reinvestment.models.policies import SocialDriverDomain
from reinvestment.references import SourceKind, SourceRef

from ..documents import community_voice as cv
from ..pdf import flowables as f
from ..suppression import suppress

ZERO = Decimal("0.00")
DOMAIN_LABELS = dict(SocialDriverDomain.choices)
NO_PRIORITY = "No CHIP priority"
RECORDED_ALIGNED = "Aligned (recorded before priorities were tagged)"


def _period(start: dt.date, end: dt.date) -> str:
    return f"{f.long_date(start)} to {f.long_date(end)}"


def _split(amount: Decimal, keys: Sequence[str]) -> list[tuple[str, Decimal]]:
    """``amount`` split evenly between ``keys`` to the cent, the last taking the remainder."""
    share = round_cents(amount / len(keys))
    return [(k, share) for k in keys[:-1]] + [(keys[-1], amount - share * (len(keys) - 1))]


def _plan_lines(plan: Organization, year: int) -> tuple[str, dt.date | None, list[dict[str, Any]], list[int]]:
    """(status in words, deadline, planned lines as frozen JSON, cited meeting ids): 2-3 queries."""
    rp = ReinvestmentPlan.objects.filter(plan=plan, income_year=year).first()
    if rp is None:
        return "No reinvestment plan on file", None, [], []
    versions: list[ReinvestmentPlanVersion] = list(rp.versions.order_by("-number"))
    approved = next((v for v in versions if v.decision == Decision.APPROVED), None)
    version = approved or (versions[0] if versions else None)
    if version is None:
        lines = [{"county_name": ln.county.name, "domain": ln.domain,
                  "priority_title": ln.priority.title if ln.priority else "", "amount": str(ln.amount.amount)}
                 for ln in rp.lines.select_related("county", "priority")]
        return "Draft, not yet submitted to the regulator", rp.deadline, lines, \
            list(rp.meetings.values_list("pk", flat=True))
    if approved is not None:
        status = (f"Approved by the regulator on {f.long_date(approved.decided_at.date())} "
                  f"(version {approved.number})" if approved.decided_at else f"Approved (version {approved.number})")
    elif rp.status == PlanStatus.RETURNED:
        status = f"Returned by the regulator with comments (version {version.number}); not yet resubmitted"
    else:
        status = f"Submitted to the regulator (version {version.number}), awaiting its decision"
    return status, rp.deadline, list(version.lines), list(version.meeting_ids)


def _credit_priorities(direct: Sequence[int], funds: Iterable[int]) -> tuple[
        dict[int, list[str]], dict[int, list[str]]]:
    """Priorities of the direct investments ``direct`` and of ``funds`` (at most 2 queries)."""
    fund_ids = sorted(set(funds))
    by_investment: dict[int, list[str]] = defaultdict(list)
    by_fund: dict[int, list[str]] = defaultdict(list)
    order = ("priority__health_plan__title", "priority__position", "id")
    if direct:
        for pk, title in (PriorityTag.objects.filter(direct_investment_id__in=direct).order_by(*order)
                          .values_list("direct_investment_id", "priority__title")):
            by_investment[pk].append(title)
    if fund_ids:
        for pk, title in (PriorityTag.objects.filter(fund_id__in=fund_ids).order_by(*order)
                          .values_list("fund_id", "priority__title")):
            by_fund[pk].append(title)
    return by_investment, by_fund


def _plan_vs_actual(lines: Sequence[Mapping[str, Any]], actual: Mapping[str, Mapping[str, Decimal]]
                    ) -> list[cv.PlanActual]:
    planned: dict[str, dict[str, Decimal]] = {d: defaultdict(lambda: ZERO) for d in ("County", "Domain",
                                                                                       "CHIP priority")}
    for ln in lines:
        amount = Decimal(str(ln["amount"]))
        planned["County"][ln.get("county_name") or "—"] += amount
        planned["Domain"][str(DOMAIN_LABELS.get(ln.get("domain", ""), ln.get("domain") or "Not tagged"))] += amount
        planned["CHIP priority"][ln.get("priority_title") or NO_PRIORITY] += amount
    rows = []
    for dimension, plan_rows in planned.items():
        got = actual.get(dimension, {})
        labels = sorted(set(plan_rows) | set(got), key=lambda k: (k in (NO_PRIORITY, RECORDED_ALIGNED), k))
        rows += [cv.PlanActual(dimension, label, plan_rows.get(label, ZERO), got.get(label, ZERO)) for label in labels]
    return rows


def _discussed(meeting_ids: Sequence[int], direct: Sequence[int]) -> tuple[dict[int, list[str]], set[int]]:
    """What was discussed at each meeting (direct investments, then awards, each "to whom, how much"),
    and the meetings where the credited direct investments ``direct`` were discussed (2 queries)."""
    from grants.models import AwardMeeting, AwardStatus

    said: dict[int, list[str]] = defaultdict(list)
    extra: set[int] = set()
    for meeting_id, investment_id, display, legal, amount in (
            InvestmentMeeting.objects.filter(Q(meeting_id__in=list(meeting_ids)) | Q(direct_investment_id__in=direct))
            .order_by("direct_investment__paid_on", "id")
            .values_list("meeting_id", "direct_investment_id", "direct_investment__payee__display_name",
                         "direct_investment__payee__legal_name", "direct_investment__amount")):
        said[meeting_id].append(f"Direct investment in {display or legal} ({f.money(amount)})")
        if investment_id in direct:
            extra.add(meeting_id)
    for meeting_id, display, legal, amount in (
            AwardMeeting.objects.filter(meeting_id__in=sorted(set(meeting_ids) | extra))
            .exclude(award__status=AwardStatus.CANCELLED).order_by("award__committed_on", "id")
            .values_list("meeting_id", "award__grantee__display_name", "award__grantee__legal_name",
                         "award__amount")):
        said[meeting_id].append(f"Award to {display or legal} ({f.money(amount)})")
    return said, extra


def _meetings(ids: Sequence[int], year: int, direct: Sequence[int] = ()) -> list[cv.AdvisoryMeeting]:
    """The meetings the plan cites, and those where a credited direct investment was discussed, each
    with the investments and awards discussed there."""
    if not ids and not direct:
        return []
    said, extra = _discussed(ids, direct)
    cited = set(ids)
    meetings = (AdvisoryMeeting.objects.filter(pk__in=sorted(cited | extra)).select_related("body__organization")
                .prefetch_related("topics").annotate(present=Count("attendance")).order_by("meets_on", "id"))
    return [cv.AdvisoryMeeting(date=m.meets_on, body=m.body.name, organization=str(m.body.organization),
                               topics="; ".join(t.title for t in m.topics.all()) or "—",
                               members_present=m.present, public_attendees=m.public_attendees,  # type: ignore[attr-defined]
                               cited_by=(f"Reinvestment plan for income year {year}" if m.pk in cited
                                         else "A direct investment credited to this obligation"),
                               discussed="; ".join(said.get(m.pk, [])) or "—")
            for m in meetings]


@dataclass(frozen=True)
class _Cell:
    """One row of a stratified table, before it is labelled with what it measures."""

    group: str
    numerator: int | None  # None: suppressed
    denominator: int | None
    rate: Decimal | None
    threshold: int
    overall: bool = False


def _stratified(rows: Sequence[StratifiedOutcome], key: Callable[[StratifiedOutcome], Any], threshold: int,
                ) -> list[tuple[StratifiedOutcome, str, list[_Cell]]]:
    """``rows`` grouped into tables by ``key`` (target, measure, period and dimension), each as (its first
    cell, the dimension's name, its rows): rates by category with small cells suppressed (numerators
    and denominators each through ``suppress``; a cell hidden by either shows neither), then the
    overall rate. Categories and dimensions are named by the taxonomy the cells were recorded with
    (1 query)."""
    names: dict[tuple[int, str, str], str] = {}
    for category in EquityCategory.objects.filter(dimension__taxonomy_id__in={r.taxonomy_id for r in rows}) \
            .select_related("dimension"):
        dim = category.dimension
        names[(dim.taxonomy_id, dim.code, category.code)] = category.name
        names[(dim.taxonomy_id, dim.code, "")] = dim.name
    tables: dict[Any, list[StratifiedOutcome]] = defaultdict(list)
    for r in rows:
        tables[key(r)].append(r)
    out = []
    for cells in tables.values():
        first = cells[0]
        limit = max(threshold, first.measure.suppress_below, 1)
        numerators = suppress([(str(c.pk), c.count) for c in cells], limit)
        denominators = suppress([(str(c.pk), c.denominator or 0) for c in cells], limit)
        table = []
        for c, n, d in zip(cells, numerators, denominators, strict=True):
            hidden = n["count"] is None or d["count"] is None
            table.append(_Cell(
                group=names.get((c.taxonomy_id, c.dimension, c.category), c.category),
                numerator=None if hidden else c.count, denominator=None if hidden else c.denominator,
                rate=None if hidden or not c.denominator else Decimal(c.count) / Decimal(c.denominator),
                threshold=limit))
        numerator = sum(c.count for c in cells)
        denominator = sum(c.denominator or 0 for c in cells)
        table.append(_Cell(group="Overall", numerator=numerator, denominator=denominator,
                           rate=Decimal(numerator) / Decimal(denominator) if denominator else None,
                           threshold=limit, overall=True))
        out.append((first, names.get((first.taxonomy_id, first.dimension, ""), first.dimension), table))
    return out


def _rates(fund_ids: Iterable[int], threshold: int) -> list[cv.StratifiedRate]:
    """The funds' stratified tables (``_stratified``; 2 queries)."""
    ids = sorted(set(fund_ids))
    if not ids:
        return []
    rows = list(StratifiedOutcome.objects.filter(fund_id__in=ids, denominator__isnull=False)
                .select_related("fund", "measure")
                .order_by("fund__name", "measure__name", "-period_end", "dimension", "id"))
    if not rows:
        return []
    out: list[cv.StratifiedRate] = []
    for first, dimension, cells in _stratified(
            rows, lambda r: (r.fund_id, r.measure_id, r.period_start, r.period_end, r.dimension), threshold):
        assert first.fund is not None  # the cells were read by their fund
        period = _period(first.period_start, first.period_end)
        out += [cv.StratifiedRate(fund=first.fund.name, measure=first.measure.name, period=period,
                                  dimension=dimension, group=c.group, numerator=c.numerator,
                                  denominator=c.denominator, rate=c.rate, threshold=c.threshold, overall=c.overall)
                for c in cells]
    return out


OPERATED_BY_PLAN = "Operated by the plan"


def _investment_rates(direct: Sequence[int], threshold: int) -> list[cv.InvestmentRate]:
    """Rates by category of the direct investments ``direct`` (credited in the report), each
    labelled with its purpose and who operates it, small cells suppressed as the funds' (``_stratified``),
    and the overall rate (at most 2 queries)."""
    ids = sorted(set(direct))
    if not ids:
        return []
    rows = list(StratifiedOutcome.objects.filter(direct_investment_id__in=ids, denominator__isnull=False)
                .select_related("direct_investment__payee", "measure")
                .order_by("direct_investment__paid_on", "direct_investment_id", "measure__name", "-period_end",
                          "dimension", "id"))
    if not rows:
        return []
    out: list[cv.InvestmentRate] = []
    for first, dimension, cells in _stratified(
            rows, lambda r: (r.direct_investment_id, r.measure_id, r.period_start, r.period_end, r.dimension),
            threshold):
        investment = first.direct_investment
        assert investment is not None  # the cells were read by their investment
        operated_by = (OPERATED_BY_PLAN if investment.operated_by_plan
                       else f"Paid to {investment.payee.legal_name}")
        period = _period(first.period_start, first.period_end)
        out += [cv.InvestmentRate(investment=investment.purpose, operated_by=operated_by,
                                  measure=first.measure.name, period=period, dimension=dimension, group=c.group,
                                  numerator=c.numerator, denominator=c.denominator, rate=c.rate,
                                  threshold=c.threshold, overall=c.overall)
                for c in cells]
    return out


def _disparities(fund_ids: Iterable[int], threshold: int) -> list[cv.DisparityRow]:
    out = []
    for p in disparity_progress(sorted(set(fund_ids))):
        limit = max(threshold, p.suppress_below, 1)
        small = any(0 < n < limit or 0 < d < limit for n, d in p.small_cells)
        out.append(cv.DisparityRow(
            fund=p.fund, measure=p.measure, dimension=p.dimension, group=p.group, reference=p.reference,
            reduction=p.reduction, baseline=_period(p.baseline_start, p.baseline_end),
            target_period=_period(p.target_start, p.target_end),
            baseline_gap=None if small else p.baseline_gap, target_gap=None if small else p.target_gap,
            latest_gap=None if small else p.current_gap, status=DISPARITY_STATUS[p.status], shown=not small))
    return out


@dataclass(frozen=True)
class CreditSums:
    """Sums over the report's credits that ``community_reinvestment_data`` makes in its own pass
    over them, so this section does not add them up a second time."""

    total: Decimal
    by_county: Mapping[str, Decimal]  # by county name
    by_domain: Mapping[str, Decimal]  # by domain label ("Not tagged" for none)
    #: by what the earmarks look at: (domain, CHIP-tagged, equity partner)
    by_earmark_keys: Mapping[tuple[str, bool, bool], Decimal]


def community_voice_data(*, plan: Organization, year: int, obligation: Obligation,
                         credits: Sequence[tuple[Any, ...]], refs: Sequence[SourceRef | str], sums: CreditSums,
                         direct_ids: Sequence[int],
                         fund_of: Mapping[int, int], fund_ids: Iterable[int], threshold: int) -> cv.CommunityVoice:
    """``credits``: the rows of ``community_reinvestment_data`` (source, reference, county, county id,
    legal name, display name, domain, CHIP-tagged, amount, date, payment id, equity partner), with
    their parsed ``refs``, their ``sums`` and the direct investments among them (``direct_ids``);
    ``fund_of``: contribution payment -> fund."""
    status, deadline, lines, meeting_ids = _plan_lines(plan, year)
    funds = list(fund_ids)
    by_investment, by_fund = _credit_priorities(direct_ids, fund_of.values())
    by_priority: dict[str, Decimal] = defaultdict(lambda: ZERO)
    actual: dict[str, Mapping[str, Decimal]] = {"County": sums.by_county, "Domain": sums.by_domain,
                                                "CHIP priority": by_priority}
    aligned = sum((amount for (_, tagged, _), amount in sums.by_earmark_keys.items() if tagged), ZERO)
    by_earmark_keys = sums.by_earmark_keys
    # A contribution's priorities are its fund's (a credit naming a payment is no direct investment).
    payment_titles = {payment: by_fund.get(fund, []) for payment, fund in fund_of.items()}
    direct = SourceKind.DIRECT_INVESTMENT
    untagged, recorded = [NO_PRIORITY], [RECORDED_ALIGNED]
    for row, ref in zip(credits, refs, strict=True):
        payment_id, tagged, amount = row[10], row[7], row[8]
        if payment_id is not None:
            titles = payment_titles.get(payment_id, [])
        elif isinstance(ref, SourceRef) and ref.kind == direct:
            titles = by_investment.get(ref.pk, [])
        else:
            titles = []
        keys = titles or (recorded if tagged else untagged)
        if len(keys) == 1:
            by_priority[keys[0]] += amount
        else:
            for key, part in _split(amount, keys):
                by_priority[key] += part
    total = obligation.total.amount
    statements = []
    for e in (obligation.policy_snapshot or {}).get("earmarks", []):
        if not e.get("requires_cha_chip_alignment"):
            continue
        required = round_cents(total * Decimal(e["minimum_share"]))
        got = sum((amount for (domain, tagged, partner), amount in by_earmark_keys.items()
                   if earmark_rules.matches(e, domain=domain, chip_tagged=tagged, equity_partner=partner)), ZERO)
        statements.append(f"{'Met' if got >= required else 'Not met'}: {f.money(required)} required "
                          f"({f.percent(Decimal(e['minimum_share']))} of the obligation), {f.money(got)} aligned")
    planned_aligned = sum((Decimal(str(ln["amount"])) for ln in lines if ln.get("priority_title")), ZERO)
    return cv.CommunityVoice(
        plan_status=status, plan_deadline=deadline,
        planned_total=sum((Decimal(str(ln["amount"])) for ln in lines), ZERO),
        actual_total=sums.total,
        planned_aligned=planned_aligned, actual_aligned=aligned,
        chip_earmark="; ".join(statements) or "The policy sets no CHIP-aligned earmark",
        plan_vs_actual=tuple(_plan_vs_actual(lines, actual)),
        meetings=tuple(_meetings(meeting_ids, year, direct_ids)),
        rates=tuple(_rates(funds, threshold)),
        disparities=tuple(_disparities(funds, threshold)),
        suppression_threshold=threshold,
        investment_rates=tuple(_investment_rates(direct_ids, threshold)))
