"""The community voice and equity sections of the Community Reinvestment Report
(``reporting.documents.community_voice``).

* Plan vs actual: the reinvestment plan of the plan and income year (``community.ReinvestmentPlan``):
  the lines of its latest approved version, else of its latest submitted version, else its draft
  lines; against the parts of credits allocated to the obligation, by county, domain and CHIP
  priority. A credit's priorities are its direct investment's tags, or those the wellness fund it
  went to declares; a credit serving several priorities is split evenly (to the cent).
* The CHIP-aligned earmark of the policy snapshot, computed with ``reinvestment.earmarks`` (the same
  rule as the obligation summary).
* The advisory meetings the plan version cites.
* Stratified outcomes (rates) of the funds this year's contributions went to, suppressed with
  ``reporting.suppression.suppress``, and their disparity targets (``community.selectors``).

Queries are constant in the number of credits, lines, meetings and outcome cells (at most 10).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count

from community.models import (
    AdvisoryMeeting,
    Decision,
    EquityCategory,
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


def _credit_priorities(refs: Sequence[SourceRef | str], funds: Iterable[int]) -> tuple[
        dict[int, list[str]], dict[int, list[str]]]:
    """Priorities of the direct investments among ``refs`` and of ``funds`` (at most 2 queries)."""
    direct = [r.pk for r in refs if isinstance(r, SourceRef) and r.kind == SourceKind.DIRECT_INVESTMENT]
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


def _meetings(ids: Sequence[int], year: int) -> list[cv.AdvisoryMeeting]:
    if not ids:
        return []
    meetings = (AdvisoryMeeting.objects.filter(pk__in=list(ids)).select_related("body__organization")
                .prefetch_related("topics").annotate(present=Count("attendance")).order_by("meets_on", "id"))
    return [cv.AdvisoryMeeting(date=m.meets_on, body=m.body.name, organization=str(m.body.organization),
                               topics="; ".join(t.title for t in m.topics.all()) or "—",
                               members_present=m.present, public_attendees=m.public_attendees,  # type: ignore[attr-defined]
                               cited_by=f"Reinvestment plan for income year {year}")
            for m in meetings]


def _rates(fund_ids: Iterable[int], threshold: int) -> list[cv.StratifiedRate]:
    """Rates by category with small cells suppressed (numerators and denominators each through
    ``suppress``; a cell hidden by either shows neither), and the overall rate (2 queries)."""
    ids = sorted(set(fund_ids))
    if not ids:
        return []
    rows = list(StratifiedOutcome.objects.filter(fund_id__in=ids, denominator__isnull=False)
                .select_related("fund", "measure")
                .order_by("fund__name", "measure__name", "-period_end", "dimension", "id"))
    if not rows:
        return []
    names: dict[tuple[int, str, str], str] = {}
    for category in EquityCategory.objects.filter(dimension__taxonomy_id__in={r.taxonomy_id for r in rows}) \
            .select_related("dimension"):
        dim = category.dimension
        names[(dim.taxonomy_id, dim.code, category.code)] = category.name
        names[(dim.taxonomy_id, dim.code, "")] = dim.name
    tables: dict[tuple[int, int, dt.date, dt.date, str], list[StratifiedOutcome]] = defaultdict(list)
    for r in rows:
        tables[(r.fund_id, r.measure_id, r.period_start, r.period_end, r.dimension)].append(r)
    out: list[cv.StratifiedRate] = []
    for cells in tables.values():
        first = cells[0]
        limit = max(threshold, first.measure.suppress_below, 1)
        numerators = suppress([(str(c.pk), c.count) for c in cells], limit)
        denominators = suppress([(str(c.pk), c.denominator or 0) for c in cells], limit)
        period = _period(first.period_start, first.period_end)
        dimension = names.get((first.taxonomy_id, first.dimension, ""), first.dimension)
        for c, n, d in zip(cells, numerators, denominators, strict=True):
            hidden = n["count"] is None or d["count"] is None
            rate = None if hidden or not c.denominator else Decimal(c.count) / Decimal(c.denominator)
            out.append(cv.StratifiedRate(
                fund=first.fund.name, measure=first.measure.name, period=period, dimension=dimension,
                group=names.get((c.taxonomy_id, c.dimension, c.category), c.category),
                numerator=None if hidden else c.count, denominator=None if hidden else c.denominator,
                rate=rate, threshold=limit))
        numerator = sum(c.count for c in cells)
        denominator = sum(c.denominator or 0 for c in cells)
        out.append(cv.StratifiedRate(
            fund=first.fund.name, measure=first.measure.name, period=period, dimension=dimension, group="Overall",
            numerator=numerator, denominator=denominator,
            rate=Decimal(numerator) / Decimal(denominator) if denominator else None, threshold=limit, overall=True))
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


def community_voice_data(*, plan: Organization, year: int, obligation: Obligation,
                         credits: Sequence[tuple[Any, ...]], refs: Sequence[SourceRef | str],
                         fund_of: Mapping[int, int], fund_ids: Iterable[int], threshold: int) -> cv.CommunityVoice:
    """``credits``: the rows of ``community_reinvestment_data`` (source, reference, county, county id,
    legal name, display name, domain, CHIP-tagged, amount, date, payment id, equity partner), with
    their parsed ``refs``; ``fund_of``: contribution payment -> fund."""
    status, deadline, lines, meeting_ids = _plan_lines(plan, year)
    funds = list(fund_ids)
    by_investment, by_fund = _credit_priorities(refs, fund_of.values())
    actual: dict[str, dict[str, Decimal]] = {d: defaultdict(lambda: ZERO) for d in ("County", "Domain",
                                                                                      "CHIP priority")}
    aligned = ZERO
    for row, ref in zip(credits, refs, strict=True):
        county, domain, tagged, amount, payment_id = row[2], row[6], row[7], row[8], row[10]
        actual["County"][county] += amount
        actual["Domain"][str(DOMAIN_LABELS.get(domain, domain) or "Not tagged")] += amount
        if isinstance(ref, SourceRef) and ref.kind == SourceKind.DIRECT_INVESTMENT:
            titles = by_investment.get(ref.pk, [])
        elif payment_id is not None and payment_id in fund_of:
            titles = by_fund.get(fund_of[payment_id], [])
        else:
            titles = []
        if tagged:
            aligned += amount
        keys = titles or ([RECORDED_ALIGNED] if tagged else [NO_PRIORITY])
        for key, part in _split(amount, keys):
            actual["CHIP priority"][key] += part
    total = obligation.total.amount
    statements = []
    for e in (obligation.policy_snapshot or {}).get("earmarks", []):
        if not e.get("requires_cha_chip_alignment"):
            continue
        required = round_cents(total * Decimal(e["minimum_share"]))
        got = sum((c[8] for c in credits
                   if earmark_rules.matches(e, domain=c[6], chip_tagged=c[7], equity_partner=c[11])), ZERO)
        statements.append(f"{'Met' if got >= required else 'Not met'}: {f.money(required)} required "
                          f"({f.percent(Decimal(e['minimum_share']))} of the obligation), {f.money(got)} aligned")
    planned_aligned = sum((Decimal(str(ln["amount"])) for ln in lines if ln.get("priority_title")), ZERO)
    return cv.CommunityVoice(
        plan_status=status, plan_deadline=deadline,
        planned_total=sum((Decimal(str(ln["amount"])) for ln in lines), ZERO),
        actual_total=sum((c[8] for c in credits), ZERO),
        planned_aligned=planned_aligned, actual_aligned=aligned,
        chip_earmark="; ".join(statements) or "The policy sets no CHIP-aligned earmark",
        plan_vs_actual=tuple(_plan_vs_actual(lines, actual)),
        meetings=tuple(_meetings(meeting_ids, year)),
        rates=tuple(_rates(funds, threshold)),
        disparities=tuple(_disparities(funds, threshold)),
        suppression_threshold=threshold)
