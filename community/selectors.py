"""Every read of the community app that a page, the API or a report needs.

The public reads (``public_*``) return only what may be published: bodies, meetings, agendas,
notes, topics, attendance counts and the names of members who agreed to be named; never e-mail
addresses. ``category_in_force`` / ``categories_in_force`` answer whether a (dimension,
category) belongs to the equity taxonomy in force on a day, and ``category_codes`` gives the
mapping other apps validate against (e.g. grantee reports' people served).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from organizations.models import County, Organization
from reinvestment.models import DirectInvestment
from wellness_fund.models import ContributionPayment, WellnessFund

from .models import (
    AdvisoryBody,
    AdvisoryMeeting,
    AdvisoryMember,
    CategoryKind,
    CommunityHealthPlan,
    DisparityTarget,
    EquityCategory,
    EquityDimension,
    EquityTaxonomy,
    HealthPriority,
    MeetingStatus,
    OutcomeMeasure,
    ReinvestmentPlan,
    ReinvestmentPlanLine,
    StratifiedOutcome,
)

# --- advisory bodies --------------------------------------------------------------------------


def public_body(code: str) -> AdvisoryBody:
    """The body whose public page is at ``code`` (404 when there is none)."""
    body = AdvisoryBody.objects.select_related("organization", "body_type", "fund").filter(code=code).first()
    if body is None:
        raise Http404("Not found")
    return body


def public_meetings(body: AdvisoryBody) -> QuerySet[AdvisoryMeeting]:
    """The body's meetings, latest first, with topics and the number of members who attended."""
    return (AdvisoryMeeting.objects.filter(body=body).prefetch_related("topics")
            .annotate(members_present=Count("attendance")).order_by("-meets_on", "-id"))


def public_meeting(body: AdvisoryBody, meeting_id: int) -> AdvisoryMeeting:
    meeting = public_meetings(body).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("Not found")
    return meeting


@dataclass(frozen=True)
class ConstituencySeats:
    constituency: str
    seats: int
    named: list[str]


def public_membership(body: AdvisoryBody, on: dt.date | None = None) -> list[ConstituencySeats]:
    """Seats by constituency on ``on`` (today), with the names of members who agreed to be named."""
    day = on or timezone.localdate()
    members = (AdvisoryMember.objects.filter(body=body, joined_on__lte=day)
               .filter(Q(left_on__isnull=True) | Q(left_on__gte=day)).select_related("constituency"))
    seats: dict[str, list[AdvisoryMember]] = defaultdict(list)
    for m in members:
        seats[m.constituency.name].append(m)
    return [ConstituencySeats(name, len(ms), sorted(m.name for m in ms if m.name_public))
            for name, ms in sorted(seats.items())]


def public_bodies() -> QuerySet[AdvisoryBody]:
    return AdvisoryBody.objects.select_related("organization", "body_type").order_by("organization__legal_name", "name")


def bodies_of(organization: Organization) -> QuerySet[AdvisoryBody]:
    return public_bodies().filter(organization=organization)


def current_members(body: AdvisoryBody) -> QuerySet[AdvisoryMember]:
    """All members, current first (staff pages: e-mail addresses included)."""
    return AdvisoryMember.objects.filter(body=body).select_related("constituency").order_by("left_on", "name")


def held_meetings_for_plan(plan: Organization) -> QuerySet[AdvisoryMeeting]:
    """Meetings a reinvestment plan of ``plan`` may cite: held meetings of its own bodies or of an ACH's."""
    return (AdvisoryMeeting.objects.filter(status=MeetingStatus.HELD)
            .filter(Q(body__organization=plan) | Q(body__organization__kind="ach"))
            .select_related("body", "body__organization").order_by("-meets_on"))


def meetings_held_by(organization: Organization) -> QuerySet[AdvisoryMeeting]:
    """Meetings a record of ``organization`` may say it was discussed at: held meetings of its own
    bodies, on or before today (``services.check_meeting_discussed``)."""
    return (AdvisoryMeeting.objects.filter(body__organization=organization, status=MeetingStatus.HELD,
                                           meets_on__lte=timezone.localdate())
            .select_related("body").order_by("-meets_on", "-id"))


# --- community health plans -------------------------------------------------------------------


def health_plans() -> QuerySet[CommunityHealthPlan]:
    return CommunityHealthPlan.objects.prefetch_related("counties", "priorities").order_by("-period_end", "title")


def priorities_for_county(county: County, year: int | None = None) -> QuerySet[HealthPriority]:
    """Priorities of the CHIPs covering ``county`` (in force in ``year`` when given)."""
    qs = HealthPriority.objects.filter(health_plan__counties=county).select_related("health_plan")
    if year is not None:
        qs = qs.filter(health_plan__period_start__lte=year, health_plan__period_end__gte=year)
    return qs.order_by("health_plan__title", "position")


def priorities_for_counties(counties: Iterable[County]) -> QuerySet[HealthPriority]:
    return (HealthPriority.objects.filter(health_plan__counties__in=list(counties)).distinct()
            .select_related("health_plan").order_by("health_plan__title", "position"))


def priorities_for_investment(investment: DirectInvestment) -> list[HealthPriority]:
    return [t.priority for t in investment.priority_tags.select_related("priority__health_plan")]


def priorities_for_fund(fund: WellnessFund) -> list[HealthPriority]:
    """The priorities a fund declares it funds."""
    return [t.priority for t in fund.priority_tags.select_related("priority__health_plan")]


def priorities_for_contribution(payment: ContributionPayment) -> list[HealthPriority]:
    """A contribution to a fund inherits the priorities the fund declares."""
    return priorities_for_fund(payment.agreement.fund)


# --- equity taxonomy --------------------------------------------------------------------------


def taxonomy_in_force(on: dt.date | None = None) -> EquityTaxonomy:
    day = on or timezone.localdate()
    taxonomy = (EquityTaxonomy.objects.filter(effective_from__lte=day).order_by("-effective_from", "-version")
                .prefetch_related(Prefetch("dimensions", EquityDimension.objects.prefetch_related("categories")))
                .first())
    if taxonomy is None:
        raise ValidationError({"taxonomy": _("No equity taxonomy is in force on %(d)s.") % {"d": day.isoformat()}})
    return taxonomy


def _dimension(taxonomy: EquityTaxonomy, dimension: str) -> EquityDimension:
    found = next((d for d in taxonomy.dimensions.all() if d.code == dimension), None)
    if found is None:
        codes = ", ".join(d.code for d in taxonomy.dimensions.all())
        raise ValidationError({"dimension": _("%(d)r is not a dimension of %(t)s (%(codes)s).")
                               % {"d": dimension, "t": str(taxonomy), "codes": codes}})
    return found


def category_in_force(dimension: str, category: str, on: dt.date | None = None) -> EquityCategory:
    """The category, refused (``ValidationError``) when it is not in the taxonomy in force on ``on``."""
    taxonomy = taxonomy_in_force(on)
    dim = _dimension(taxonomy, dimension)
    found = next((c for c in dim.categories.all() if c.code == category), None)
    if found is None:
        raise ValidationError({"category": _("%(c)r is not a category of %(d)s in %(t)s.")
                               % {"c": category, "d": dim.name, "t": str(taxonomy)}})
    return found


def categories_in_force(dimension: str, categories: Iterable[str], on: dt.date | None = None) -> list[EquityCategory]:
    """One person's answer to ``dimension``: several categories only where the dimension allows it,
    and "not reported" / "declined" only alone."""
    codes = list(dict.fromkeys(categories))
    if not codes:
        raise ValidationError({"category": _("Give a category (or not reported, or declined).")})
    found = [category_in_force(dimension, c, on) for c in codes]
    dim = found[0].dimension
    if len(found) > 1 and not dim.multiple:
        raise ValidationError({"category": _("Choose one category of %(d)s.") % {"d": dim.name}})
    if len(found) > 1 and any(c.kind != CategoryKind.REPORTED for c in found):
        raise ValidationError({"category": _("Not reported and declined stand alone.")})
    return found


def category_codes(on: dt.date | None = None) -> Mapping[str, tuple[str, ...]]:
    """Dimension code -> its category codes in the taxonomy in force (the shape of
    ``grants.services.reports.CATEGORIES``)."""
    taxonomy = taxonomy_in_force(on)
    return {d.code: tuple(c.code for c in d.categories.all()) for d in taxonomy.dimensions.all()}


# --- reinvestment plans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTotals:
    total: Decimal
    by_county: list[tuple[str, Decimal]]
    by_domain: list[tuple[str, Decimal]]
    aligned: Decimal


def plan_lines(rp: ReinvestmentPlan) -> QuerySet[ReinvestmentPlanLine]:
    return rp.lines.select_related("county", "priority", "priority__health_plan").order_by("county__name", "id")


def plan_totals(rp: ReinvestmentPlan) -> PlanTotals:
    lines = rp.lines.all()
    total = lines.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    by_county = [(r["county__name"], r["s"]) for r in
                 lines.values("county__name").annotate(s=Sum("amount")).order_by("county__name")]
    labels = dict(ReinvestmentPlanLine._meta.get_field("domain").flatchoices)  # type: ignore[arg-type]
    by_domain = [(str(labels.get(r["domain"], r["domain"])), r["s"]) for r in
                 lines.values("domain").annotate(s=Sum("amount")).order_by("domain")]
    aligned = lines.filter(priority__isnull=False).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    return PlanTotals(total, by_county, by_domain, aligned)


def plans_of(plan: Organization) -> QuerySet[ReinvestmentPlan]:
    return ReinvestmentPlan.objects.filter(plan=plan).order_by("-income_year")


# --- a fund's public transparency page ----------------------------------------------------------------


def public_fund(code: str) -> WellnessFund:
    fund = WellnessFund.objects.select_related("ach").prefetch_related("counties").filter(code=code,
                                                                                         is_active=True).first()
    if fund is None:
        raise Http404("Not found")
    return fund


@dataclass(frozen=True)
class OutcomeCell:
    category: str
    count: int | None  # None: suppressed (a small cell)
    denominator: int | None
    suppressed: bool

    @property
    def percent(self) -> Decimal | None:
        """The rate in percent (count over denominator), when both are shown and the denominator is not 0."""
        if self.count is None or not self.denominator:
            return None
        return (Decimal(self.count) * 100 / Decimal(self.denominator)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class OutcomeTable:
    measure: str
    period_start: dt.date
    period_end: dt.date
    dimension: str
    suppress_below: int
    cells: list[OutcomeCell]


def fund_outcomes(fund: WellnessFund, *, public: bool = True) -> list[OutcomeTable]:
    """The fund's stratified outcomes, one table per measure, period and dimension; on the public
    page, counts (and denominators) below the measure's threshold are suppressed, except zero."""
    return _outcome_tables(StratifiedOutcome.objects.filter(fund=fund), public=public)


def investment_outcomes(investment: DirectInvestment) -> list[OutcomeTable]:
    """A direct investment's stratified outcomes for the plan's staff (nothing suppressed; 2 queries)."""
    return _outcome_tables(StratifiedOutcome.objects.filter(direct_investment=investment), public=False)


def _outcome_tables(outcomes: QuerySet[StratifiedOutcome], *, public: bool) -> list[OutcomeTable]:
    names: dict[tuple[int, str, str], str] = {}
    for c in EquityCategory.objects.filter(dimension__taxonomy__in=outcomes.values("taxonomy")) \
            .select_related("dimension"):
        names[(c.dimension.taxonomy_id, c.dimension.code, c.code)] = c.name
        names[(c.dimension.taxonomy_id, c.dimension.code, "")] = c.dimension.name
    tables: dict[tuple[int, dt.date, dt.date, str], OutcomeTable] = {}
    rows = outcomes.select_related("measure").order_by("measure__name", "-period_end", "dimension", "id")
    for row in rows:
        key = (row.measure_id, row.period_start, row.period_end, row.dimension)
        table = tables.get(key)
        if table is None:
            table = tables[key] = OutcomeTable(
                row.measure.name, row.period_start, row.period_end,
                names.get((row.taxonomy_id, row.dimension, ""), row.dimension), row.measure.suppress_below, [])
        threshold = row.measure.suppress_below if public else 0
        suppressed = 0 < row.count < threshold
        table.cells.append(OutcomeCell(names.get((row.taxonomy_id, row.dimension, row.category), row.category),
                                       None if suppressed else row.count,
                                       None if suppressed else row.denominator, suppressed))
    return list(tables.values())


# --- disparity targets --------------------------------------------------------------------------------

RATE_PLACES = Decimal("0.0001")


def _rate(numerator: int, denominator: int) -> Decimal | None:
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES) if denominator else None


def _cells_by_period(rows: Iterable[StratifiedOutcome]) -> dict[tuple[int, int, str, dt.date, dt.date],
                                                                  dict[str, tuple[int, int]]]:
    """(fund, measure, dimension, start, end) -> category -> (numerator, denominator), rates only."""
    out: dict[tuple[int, int, str, dt.date, dt.date], dict[str, tuple[int, int]]] = defaultdict(dict)
    for r in rows:
        if r.denominator is not None and r.fund_id is not None:
            out[(r.fund_id, r.measure_id, r.dimension, r.period_start, r.period_end)][r.category] = (
                r.count, r.denominator)
    return out


def _gap(cells: Mapping[str, tuple[int, int]], group: str, reference_category: str) -> Decimal | None:
    """|reference rate - group rate|; the overall rate is the dimension's numerators over its denominators."""
    if group not in cells:
        return None
    if reference_category:
        if reference_category not in cells:
            return None
        reference = _rate(*cells[reference_category])
    else:
        reference = _rate(sum(n for n, _ in cells.values()), sum(d for _, d in cells.values()))
    rate = _rate(*cells[group])
    if reference is None or rate is None:
        return None
    return abs(reference - rate)


def baseline_gap(*, fund: WellnessFund, measure: OutcomeMeasure, dimension: str, group: str, reference_category: str,
                 period_start: dt.date, period_end: dt.date) -> Decimal | None:
    """The gap in the baseline period (None when the group or its reference has no rate there)."""
    rows = StratifiedOutcome.objects.filter(fund=fund, measure=measure, dimension=dimension,
                                            period_start=period_start, period_end=period_end)
    cells = next(iter(_cells_by_period(rows).values()), {})
    return _gap(cells, group, reference_category)


@dataclass(frozen=True)
class DisparityProgress:
    target_id: int
    fund: str
    measure: str
    dimension: str
    group: str
    reference: str
    reduction: Decimal
    baseline_start: dt.date
    baseline_end: dt.date
    baseline_group_rate: Decimal | None
    baseline_reference_rate: Decimal | None
    baseline_gap: Decimal | None
    target_gap: Decimal | None
    target_start: dt.date
    target_end: dt.date
    current_end: dt.date | None  # the latest period of the target window with a rate for the group
    current_gap: Decimal | None
    status: str  # "met", "not_met", "not_measured"
    suppress_below: int  # the measure's small-cell threshold
    small_cells: tuple[tuple[int, int], ...]  # the group's (numerator, denominator) in the periods used


#: How ``DisparityProgress.status`` reads (a page shows ``gettext(label)``).
DISPARITY_STATUS = {"met": gettext_noop("Target met"), "not_met": gettext_noop("Gap not yet reduced enough"),
                    "not_measured": gettext_noop("Not measured yet")}


def _rates_of(cells: Mapping[str, tuple[int, int]], group: str,
              reference_category: str) -> tuple[Decimal | None, Decimal | None]:
    group_rate = _rate(*cells[group]) if group in cells else None
    if reference_category:
        ref = _rate(*cells[reference_category]) if reference_category in cells else None
    else:
        ref = _rate(sum(n for n, _ in cells.values()), sum(d for _, d in cells.values())) if cells else None
    return group_rate, ref


def disparity_progress(fund_ids: Iterable[int]) -> list[DisparityProgress]:
    """Every disparity target of the funds, with its baseline gap, the gap it aims for and the gap in the
    latest period of its window (3 queries: targets, outcomes, category names)."""
    ids = list(fund_ids)
    if not ids:
        return []
    targets = list(DisparityTarget.objects.filter(fund_id__in=ids).select_related("fund", "measure")
                   .order_by("fund__name", "measure__name", "dimension", "group", "id"))
    if not targets:
        return []
    cells = _cells_by_period(StratifiedOutcome.objects.filter(
        fund_id__in=ids, measure_id__in={t.measure_id for t in targets}, denominator__isnull=False))
    names: dict[tuple[int, str, str], str] = {}
    for c in EquityCategory.objects.filter(dimension__taxonomy_id__in={t.taxonomy_id for t in targets}) \
            .select_related("dimension"):
        names[(c.dimension.taxonomy_id, c.dimension.code, c.code)] = c.name
        names[(c.dimension.taxonomy_id, c.dimension.code, "")] = c.dimension.name
    out = []
    for t in targets:
        def name(code: str, t: DisparityTarget = t) -> str:
            return names.get((t.taxonomy_id, t.dimension, code), code)

        base = cells.get((t.fund_id, t.measure_id, t.dimension, t.baseline_start, t.baseline_end), {})
        base_gap = _gap(base, t.group, t.reference_category)
        group_rate, ref_rate = _rates_of(base, t.group, t.reference_category)
        window = sorted((key[4], key) for key in cells
                        if key[:3] == (t.fund_id, t.measure_id, t.dimension)
                        and key[3] >= t.target_start and key[4] <= t.target_end
                        and _gap(cells[key], t.group, t.reference_category) is not None)
        current_end, current = (window[-1][0], cells[window[-1][1]]) if window else (None, None)
        current_gap = _gap(current, t.group, t.reference_category) if current is not None else None
        target_gap = (base_gap * (1 - t.reduction)).quantize(RATE_PLACES) if base_gap is not None else None
        if current_gap is None or target_gap is None:
            status = "not_measured"
        else:
            status = "met" if current_gap <= target_gap else "not_met"
        used = [base.get(t.group)] + ([current.get(t.group)] if current is not None else [])
        out.append(DisparityProgress(
            target_id=t.pk, fund=t.fund.name, measure=t.measure.name, dimension=name(""), group=name(t.group),
            reference=name(t.reference_category) if t.reference_category else _("Overall rate"),
            reduction=t.reduction, baseline_start=t.baseline_start, baseline_end=t.baseline_end,
            baseline_group_rate=group_rate, baseline_reference_rate=ref_rate, baseline_gap=base_gap,
            target_gap=target_gap, target_start=t.target_start, target_end=t.target_end, current_end=current_end,
            current_gap=current_gap, status=status, suppress_below=t.measure.suppress_below, small_cells=tuple(c for c in used if c is not None)))
    return out
