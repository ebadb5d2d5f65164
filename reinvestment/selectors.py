"""Reads of reinvestment data for pages, the API, commands and reports (plain data out).

Fulfilment of an obligation = the sum of its allocations (``FulfilmentAllocation``: parts
of credits, each counted toward exactly one obligation), counted up to ``as_of`` by the
credit date. What a plan's credits have not allocated is shown as unallocated
(``fulfilment_totals_for_plan``, ``unallocated_credits_for_plan``).

**Status rule** (terms are data on the policy version):

* ``met``: fulfilled >= total (a zero obligation is met);
* ``shortfall``: the deadline (last day of the investment window) has passed and it is not met;
* ``on_track``: before the window opens, or fulfilled >= total x (share of the window
  elapsed, days counted inclusively) x ``on_track_min_pace``;
* ``at_risk``: otherwise.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from money import round_cents
from organizations.models import Organization

from . import earmarks as earmark_rules
from .applicability import applicability_problem as applicability_problem
from .applicability import applicable_policies as applicable_policies
from .applicability import attestation_problems as attestation_problems
from .applicability import default_line_of_business as default_line_of_business
from .applicability import lines_of_business as lines_of_business
from .applicability import lines_of_business_for as lines_of_business_for
from .calculation import Bracket, PolicyTerms, Threshold
from .models import (
    DirectInvestment,
    FinancialYearStatus,
    FulfilmentAllocation,
    MemberMonth,
    Obligation,
    ObligationAllocation,
    ObligationCredit,
    ObligationStatus,
    PlanFinancialYear,
    ReinvestmentPolicy,
)

ZERO = Decimal("0.00")
LIVE = [ObligationStatus.CURRENT, ObligationStatus.FROZEN]


# --- policies -------------------------------------------------------------------------------


def policy_for(*, code: str, version: int | None = None, year: int | None = None) -> ReinvestmentPolicy:
    """The policy version asked for; by ``year``, the highest published version in effect that
    year; with neither, the newest published version. ValidationError when there is none. A draft
    version is returned only when asked for by its number."""
    versions = ReinvestmentPolicy.objects.filter(code=code).prefetch_related("brackets", "earmarks")
    if not ReinvestmentPolicy.objects.filter(code=code).exists():
        known = ", ".join(ReinvestmentPolicy.objects.order_by("code").values_list("code", flat=True).distinct())
        raise ValidationError({"policy": f"No reinvestment policy {code!r}. Known: {known}."})
    if version is not None:
        found = versions.filter(version=version).first()
        if found is None:
            raise ValidationError({"version": f"{code} has no version {version}."})
        if year is not None and not found.covers(year):
            raise ValidationError({"year": f"{code} v{version} does not cover {year}."})
        return found
    if year is not None:
        found = (
            versions.filter(effective_from_year__lte=year, is_draft=False)
            .filter(Q(effective_to_year__isnull=True) | Q(effective_to_year__gte=year))
            .order_by("-version")
            .first()
        )
        if found is None:
            raise ValidationError({"year": f"No version of {code} covers the year {year}."})
        return found
    return versions.filter(is_draft=False).order_by("-version").first()  # type: ignore[return-value]


def policies_list() -> QuerySet[ReinvestmentPolicy]:
    """Every published policy version, by code then version (one query); drafts stay in the admin."""
    return ReinvestmentPolicy.objects.filter(is_draft=False).order_by("code", "version")


def policy_terms(policy: ReinvestmentPolicy) -> PolicyTerms:
    """The calculation's view of a policy version (brackets in order)."""
    brackets = tuple(
        Bracket(
            rate=b.rate,
            lower=Threshold(b.lower_kind, b.lower_value) if b.lower_value is not None else None,
            upper=Threshold(b.upper_kind, b.upper_value) if b.upper_value is not None else None,
        )
        for b in sorted(policy.brackets.all(), key=lambda b: b.position)
    )
    return PolicyTerms(
        code=policy.code,
        version=policy.version,
        currency=policy.currency,
        basis=policy.basis,
        brackets=brackets,
        quality_addon_rate=policy.quality_addon_rate,
        quality_measures=tuple(m["code"] if isinstance(m, dict) else str(m) for m in policy.quality_measures),
        floor=policy.floor_amount.amount if policy.floor_amount is not None else None,
        cap=policy.cap_amount.amount if policy.cap_amount is not None else None,
        mlr_minimum=policy.mlr_minimum,
        mlr_remittance_required=policy.mlr_remittance_required,
    )


def policy_snapshot(policy: ReinvestmentPolicy) -> dict[str, Any]:
    """The terms of a version as plain JSON data, kept with each obligation."""
    return {
        "code": policy.code,
        "version": policy.version,
        "name": policy.name,
        "jurisdiction": policy.jurisdiction,
        "currency": policy.currency,
        "effective_from_year": policy.effective_from_year,
        "effective_to_year": policy.effective_to_year,
        "basis": policy.basis,
        "brackets": [
            {"position": b.position, "lower_kind": b.lower_kind, "lower_value": _s(b.lower_value),
             "upper_kind": b.upper_kind, "upper_value": _s(b.upper_value), "rate": str(b.rate)}
            for b in sorted(policy.brackets.all(), key=lambda b: b.position)
        ],
        "quality_addon_rate": str(policy.quality_addon_rate),
        "quality_measures": policy.quality_measures,
        "floor": _s(policy.floor_amount.amount if policy.floor_amount is not None else None),
        "cap": _s(policy.cap_amount.amount if policy.cap_amount is not None else None),
        "mlr_minimum": _s(policy.mlr_minimum),
        "mlr_remittance_required": policy.mlr_remittance_required,
        "allocation_basis": policy.allocation_basis,
        "window_start_offset": policy.window_start_offset,
        "window_end_offset": policy.window_end_offset,
        "on_track_min_pace": str(policy.on_track_min_pace),
        "earmarks": [
            {"code": e.code, "label": e.label, "minimum_share": str(e.minimum_share), "domains": e.domains,
             "requires_cha_chip_alignment": e.requires_cha_chip_alignment,
             "requires_equity_partner": e.requires_equity_partner}
            for e in sorted(policy.earmarks.all(), key=lambda e: e.code)
        ],
        "source_citation": policy.source_citation,
    }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- financial years and member months ------------------------------------------------------


def financial_years_for_plan(plan: Organization) -> QuerySet[PlanFinancialYear]:
    """All of a plan's years, amendments included, newest first (one query)."""
    return PlanFinancialYear.objects.filter(plan=plan).order_by("-income_year", "-id")


def financial_year_live(*, plan: Organization, income_year: int) -> PlanFinancialYear | None:
    return (
        PlanFinancialYear.objects.filter(plan=plan, income_year=income_year)
        .exclude(status=FinancialYearStatus.SUPERSEDED)
        .first()
    )


def member_months_by_county(*, plan: Organization, year: int, line_of_business: Any = None) -> dict[Any, int]:
    """County -> member months of ``year``, of one line of business (an object or its id) when
    given, else of every line (one query)."""
    months = MemberMonth.objects.filter(plan=plan, month__year=year)
    if line_of_business is not None:
        months = months.filter(line_of_business=line_of_business)
    totals = months.values("county").annotate(total=Sum("member_months")).order_by()
    return {r["county"]: int(r["total"]) for r in totals}


# --- obligations and fulfilment -------------------------------------------------------------


_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)


def fulfilled_sum(as_of: datetime.date | None = None) -> Coalesce:
    """Annotation: the sum of an obligation's allocations (credited up to ``as_of``), zero when none."""
    allocations = FulfilmentAllocation.objects.filter(obligation_id=OuterRef("pk"))
    if as_of is not None:
        allocations = allocations.filter(credited_on__lte=as_of)
    total = allocations.order_by().values("obligation_id").annotate(s=Sum("amount")).values("s")
    return Coalesce(Subquery(total, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def allocations_for_obligation(
    obligation: Obligation, as_of: datetime.date | None = None
) -> QuerySet[FulfilmentAllocation]:
    """The allocations behind an obligation's fulfilment with their credits, oldest first (one query)."""
    qs = (
        FulfilmentAllocation.objects.filter(obligation=obligation)
        .select_related("county", "credit", "credit__payee").order_by("credited_on", "id")
    )
    return qs.filter(credited_on__lte=as_of) if as_of is not None else qs


def credits_for_obligation(
    obligation: Obligation, as_of: datetime.date | None = None
) -> QuerySet[ObligationCredit]:
    """The credits with a part allocated to an obligation, oldest first, each with ``allocated``
    (the part counted toward it) (one query)."""
    qs = (
        ObligationCredit.objects.filter(allocations__obligation=obligation)
        .annotate(allocated=Sum("allocations__amount", filter=Q(allocations__obligation=obligation)))
        .select_related("county", "payee").order_by("credited_on", "id")
    )
    return qs.filter(credited_on__lte=as_of) if as_of is not None else qs


def fulfilment_totals_for_plan(plan: Organization) -> dict[str, Decimal]:
    """What the plan paid (credits not reversed), how much of it is allocated, and what is left
    unallocated (two queries)."""
    row = ObligationCredit.objects.filter(plan=plan, reversed_on__isnull=True).aggregate(
        paid=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY),
    )
    allocated = FulfilmentAllocation.objects.filter(plan=plan).aggregate(
        s=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY))["s"]
    return {"paid": row["paid"], "allocated": allocated, "unallocated": row["paid"] - allocated}


def unallocated_credits_for_plan(plan: Organization) -> list[dict[str, Any]]:
    """The plan's credits with money not allocated to any obligation, oldest first (one query)."""
    rows = (
        ObligationCredit.objects.filter(plan=plan, reversed_on__isnull=True)
        .annotate(allocated=Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=_MONEY))
        .filter(allocated__lt=F("amount")).order_by("credited_on", "id")
        .values("id", "source", "reference", "county__name", "income_year", "credited_on", "amount", "allocated")
    )
    return [
        {"id": c["id"], "source": c["source"], "reference": c["reference"], "county": c["county__name"],
         "income_year": c["income_year"], "credited_on": c["credited_on"], "amount": c["amount"],
         "allocated": c["allocated"], "unallocated": c["amount"] - c["allocated"]}
        for c in rows
    ]


def direct_investments_for_plan(plan: Organization, income_year: int | None = None) -> QuerySet[DirectInvestment]:
    """A plan's direct investments, newest first (one query)."""
    qs = DirectInvestment.objects.filter(plan=plan).select_related("payee", "county").order_by("-paid_on", "-id")
    return qs.filter(income_year=income_year) if income_year is not None else qs


def obligations_for_plan(plan: Organization) -> QuerySet[Obligation]:
    """A plan's live obligations with ``fulfilled_amount`` (the sum of their allocations), one query."""
    return (
        Obligation.objects.filter(plan=plan, status__in=LIVE)
        .select_related("policy", "financial_year", "financial_year__line_of_business")
        .annotate(fulfilled_amount=fulfilled_sum())
        .order_by("-income_year", "policy_code", "financial_year__line_of_business__position", "pk")
    )


def obligation_choices(plan: Organization) -> list[tuple[str, str, str, int]]:
    """(policy code, line of business code and name, income year) of the plan's live obligations,
    by policy then year: what a form offers to choose from (one query)."""
    return list(Obligation.objects.filter(plan=plan, status__in=LIVE).order_by("policy_code", "income_year", "pk")
                .values_list("policy_code", "financial_year__line_of_business__code",
                             "financial_year__line_of_business__name", "income_year"))


def unmet_income_years_on(*, plan: Organization, on: datetime.date) -> list[int]:
    """Income years (oldest first) with a live obligation whose investment window contains ``on``
    and whose allocations do not yet add up to its total (one query)."""
    return sorted(set(
        Obligation.objects.filter(plan=plan, status__in=LIVE, window_start__lte=on, window_end__gte=on)
        .annotate(fulfilled_amount=fulfilled_sum()).filter(fulfilled_amount__lt=F("total"))
        .values_list("income_year", flat=True)
    ))


#: How each status ``obligation_status`` returns reads (English; a page shows ``gettext(label)``).
FULFILMENT_LABELS = {"met": gettext_noop("Met"), "on_track": gettext_noop("On track"),
                     "at_risk": gettext_noop("At risk"), "shortfall": gettext_noop("Shortfall")}


def obligation_status(
    *, total: Decimal, fulfilled: Decimal, as_of: datetime.date, window_start: datetime.date,
    window_end: datetime.date, pace: Decimal,
) -> str:
    """on_track / at_risk / shortfall / met (the rule in the module docstring)."""
    if fulfilled >= total:
        return "met"
    if as_of > window_end:
        return "shortfall"
    if as_of < window_start:
        return "on_track"
    elapsed = Decimal((as_of - window_start).days + 1) / Decimal((window_end - window_start).days + 1)
    return "on_track" if fulfilled >= total * elapsed * pace else "at_risk"


def _matches(earmark: dict[str, Any], allocation: FulfilmentAllocation) -> bool:
    """Whether a part counts toward an earmark (``earmarks.matches``: CHIP priority tags, partners)."""
    return earmark_rules.matches(
        earmark, domain=allocation.domain,
        chip_tagged=getattr(allocation, "chip_tagged", allocation.cha_chip_aligned),
        equity_partner=getattr(allocation, "equity_partner", False))


def obligation_summary(obligation: Obligation, as_of: datetime.date) -> dict[str, Any]:
    """Everything a page or report shows about one obligation as of a date, as plain data.

    Queries: county allocation with counties (1), fulfilment allocations with counties (1); the policy terms
    come from the obligation's own snapshot, so a frozen obligation shows the terms it was
    computed with.
    """
    return obligation_summaries([obligation], as_of)[0]


def obligation_summaries(obligations: list[Obligation], as_of: datetime.date) -> list[dict[str, Any]]:
    """``obligation_summary`` of each obligation, in the order given, in two queries whatever
    their number (county allocations, then fulfilment allocations, each with counties)."""
    ids = [o.pk for o in obligations]
    allocations: dict[int, list[ObligationAllocation]] = defaultdict(list)
    for a in (ObligationAllocation.objects.filter(obligation_id__in=ids).select_related("county")
              .order_by("county__name", "pk")):
        allocations[a.obligation_id].append(a)
    credits: dict[int, list[FulfilmentAllocation]] = defaultdict(list)
    for c in (earmark_rules.annotate(FulfilmentAllocation.objects.filter(obligation_id__in=ids, credited_on__lte=as_of))
              .select_related("county").order_by("credited_on", "id")):
        credits[c.obligation_id].append(c)
    return [_summary(o, as_of, allocations[o.pk], credits[o.pk]) for o in obligations]


def _summary(obligation: Obligation, as_of: datetime.date, allocations: list[ObligationAllocation],
             credits: list[FulfilmentAllocation]) -> dict[str, Any]:
    total = obligation.total.amount
    fulfilled = sum((c.amount.amount for c in credits), ZERO)
    by_county: dict[int, Decimal] = defaultdict(lambda: ZERO)
    names: dict[int, tuple[str, str]] = {}
    for c in credits:
        by_county[c.county_id] += c.amount.amount
        names[c.county_id] = (c.county.name, c.county.fips)
    counties = []
    for a in allocations:
        got = by_county.pop(a.county_id, ZERO)
        counties.append({
            "county": a.county.name, "fips": a.county.fips, "weight": a.weight,
            "allocated": a.amount.amount, "fulfilled": got, "remaining": max(a.amount.amount - got, ZERO),
        })
    for county_id, got in sorted(by_county.items(), key=lambda kv: names[kv[0]][0]):
        counties.append({
            "county": names[county_id][0], "fips": names[county_id][1], "weight": Decimal(0),
            "allocated": ZERO, "fulfilled": got, "remaining": ZERO,
        })
    snapshot = obligation.policy_snapshot or {}
    earmarks = []
    for e in snapshot.get("earmarks", []):
        required = round_cents(total * Decimal(e["minimum_share"]))
        got = sum((c.amount.amount for c in credits if _matches(e, c)), ZERO)
        earmarks.append({
            "code": e["code"], "label": e["label"], "minimum_share": Decimal(e["minimum_share"]),
            "required": required, "fulfilled": got, "remaining": max(required - got, ZERO),
            "met": got >= required,
        })
    pace = Decimal(snapshot.get("on_track_min_pace", "1"))
    return {
        "id": obligation.pk,
        "plan_id": obligation.plan_id,
        "income_year": obligation.income_year,
        "policy": obligation.policy_code,
        "version": obligation.policy_version,
        "policy_name": snapshot.get("name", ""),
        "source_citation": snapshot.get("source_citation", ""),
        "currency": obligation.currency,
        "obligation_status": obligation.status,
        "computed_at": obligation.computed_at,
        "frozen_at": obligation.frozen_at,
        "total": total,
        "lines": [{"text": line["text"], "amount": Decimal(line["amount"])} for line in obligation.lines],
        "mlr_remittance": obligation.mlr_remittance.amount,
        "mlr_lines": [{"text": line["text"], "amount": Decimal(line["amount"])} for line in obligation.mlr_lines],
        "mlr_remittance_fund_code": obligation.mlr_remittance_fund_code,
        "as_of": as_of,
        "fulfilled": fulfilled,
        "remaining": max(total - fulfilled, ZERO),
        "percent": round_cents(fulfilled * 100 / total) if total > 0 else Decimal("100.00"),
        "window_start": obligation.window_start,
        "window_end": obligation.window_end,
        "deadline": obligation.deadline,
        "status": obligation_status(
            total=total, fulfilled=fulfilled, as_of=as_of, window_start=obligation.window_start,
            window_end=obligation.window_end, pace=pace,
        ),
        "counties": counties,
        "earmarks": earmarks,
    }


def obligation_rows(*, plan: Organization, as_of: datetime.date) -> list[dict[str, Any]]:
    """A plan's live obligations as plain rows for a dashboard: required, fulfilled (its allocations
    to date), remaining, deadline and status by the rule of ``obligation_status`` (one query, of
    the columns the rows show: no snapshot but its pace)."""
    rows = []
    found = (
        obligations_for_plan(plan).select_related(None)
        .annotate(pace=KT("policy_snapshot__on_track_min_pace"))
        .values("id", "income_year", "policy_code", "policy_version", "financial_year__line_of_business__name",
                "status", "total", "fulfilled_amount", "window_start", "window_end", "deadline", "pace")
    )
    for o in found:
        total, fulfilled = o["total"], o["fulfilled_amount"]
        pace = Decimal(o["pace"] if o["pace"] is not None else "1")
        rows.append({
            "id": o["id"], "income_year": o["income_year"], "policy": o["policy_code"],
            "version": o["policy_version"], "line_of_business": o["financial_year__line_of_business__name"],
            "obligation_status": o["status"], "total": total, "fulfilled": fulfilled,
            "remaining": max(total - fulfilled, ZERO), "window_start": o["window_start"],
            "window_end": o["window_end"], "deadline": o["deadline"], "pace": pace,
            "status": obligation_status(total=total, fulfilled=fulfilled, as_of=as_of,
                                        window_start=o["window_start"], window_end=o["window_end"], pace=pace),
        })
    return rows


def obligation_progress(rows: list[dict[str, Any]], as_of: datetime.date) -> list[dict[str, Any]]:
    """For ``obligation_rows`` rows, in their order, what a dashboard shows of each obligation as
    of a date: the figures of ``obligation_summary`` (total; fulfilled = its allocations credited
    up to ``as_of``; percent, remaining, status) and its counties, without the earmarks, lines
    and snapshot a report reads.

    Two queries whatever the number of obligations and payments: the county allocations, and
    the fulfilment summed by obligation and county in SQL.
    """
    ids = [r["id"] for r in rows]
    allocated: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (ObligationAllocation.objects.filter(obligation_id__in=ids).order_by("county__name", "pk")
                .values("obligation_id", "county_id", "county__name", "county__fips", "weight", "amount")):
        allocated[row["obligation_id"]].append(dict(row))
    got: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for part in (FulfilmentAllocation.objects.filter(obligation_id__in=ids, credited_on__lte=as_of)
                 .values("obligation_id", "county_id", "county__name", "county__fips")
                 .annotate(fulfilled=Sum("amount")).order_by()):
        got[part["obligation_id"]][part["county_id"]] = dict(part)
    progress = []
    for r in rows:
        by_county = got[r["id"]]
        total = r["total"]
        fulfilled = sum((c["fulfilled"] for c in by_county.values()), ZERO)
        counties = []
        for a in allocated[r["id"]]:
            county = by_county.pop(a["county_id"], None)
            done = county["fulfilled"] if county is not None else ZERO
            counties.append({
                "county": a["county__name"], "fips": a["county__fips"], "weight": a["weight"],
                "allocated": a["amount"], "fulfilled": done, "remaining": max(a["amount"] - done, ZERO),
            })
        for f in sorted(by_county.values(), key=lambda f: f["county__name"]):
            counties.append({
                "county": f["county__name"], "fips": f["county__fips"], "weight": Decimal(0),
                "allocated": ZERO, "fulfilled": f["fulfilled"], "remaining": ZERO,
            })
        progress.append({
            "id": r["id"], "income_year": r["income_year"], "policy": r["policy"], "version": r["version"],
            "as_of": as_of, "total": total, "fulfilled": fulfilled, "remaining": max(total - fulfilled, ZERO),
            "percent": round_cents(fulfilled * 100 / total) if total > 0 else Decimal("100.00"),
            "window_start": r["window_start"], "window_end": r["window_end"], "deadline": r["deadline"],
            "status": obligation_status(total=total, fulfilled=fulfilled, as_of=as_of,
                                        window_start=r["window_start"], window_end=r["window_end"], pace=r["pace"]),
            "counties": counties,
        })
    return progress
