"""Which reinvestment policies apply to a plan's financial year, and whether a year is ready to attest.

A policy version applies to a financial year when

* it is the version in effect for the income year (the highest version whose effective
  range contains the year; see ``selectors.policy_for``),
* one of its ``PolicyApplicability`` rows names the plan's jurisdiction together with the
  year's line of business.

Everything here is read from data (policy rows, applicability rows, lines of business):
nothing about a state or a purchaser is written in code.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from organizations.models import Organization

from .models import (
    FinancialYearStatus,
    LineOfBusiness,
    PlanFinancialYear,
    PolicyApplicability,
    ReinvestmentPolicy,
)


def lines_of_business() -> QuerySet[LineOfBusiness]:
    """Every line of business, in list order (one query)."""
    return LineOfBusiness.objects.order_by("position", "name")


def lines_of_business_for(plan: Organization) -> QuerySet[LineOfBusiness]:
    """The lines a plan may keep figures for: those of its state or of any state (one query)."""
    return lines_of_business().filter(Q(jurisdiction="") | Q(jurisdiction=plan.jurisdiction))


def default_line_of_business(plan: Organization) -> LineOfBusiness | None:
    """The Medicaid line of the plan's state, else the Medicaid line of any state (one query)."""
    candidates = [line for line in lines_of_business_for(plan) if line.medicaid]
    own = [line for line in candidates if line.jurisdiction == plan.jurisdiction]
    found = own or candidates
    return found[0] if found else None


def _versions_in_effect(year: int) -> list[ReinvestmentPolicy]:
    """For each policy code, the version in effect in ``year`` (one query)."""
    in_effect: dict[str, ReinvestmentPolicy] = {}
    for policy in (
        ReinvestmentPolicy.objects.filter(effective_from_year__lte=year)
        .filter(Q(effective_to_year__isnull=True) | Q(effective_to_year__gte=year))
        .order_by("code", "-version")
    ):
        in_effect.setdefault(policy.code, policy)
    return list(in_effect.values())


def applicable_policies(financial_year: PlanFinancialYear) -> list[ReinvestmentPolicy]:
    """The policy versions that apply to a financial year, by code (two queries)."""
    plan = financial_year.plan
    versions = _versions_in_effect(financial_year.income_year)
    applying = set(
        PolicyApplicability.objects.filter(
            policy__in=versions, jurisdiction=plan.jurisdiction,
            line_of_business_id=financial_year.line_of_business_id,
        ).values_list("policy_id", flat=True)
    )
    return [p for p in versions if p.pk in applying]


def applicability_problem(policy: ReinvestmentPolicy, financial_year: PlanFinancialYear) -> str:
    """Why ``policy`` (a version) does not apply to the year, or "" when it does (one or two queries)."""
    plan = financial_year.plan
    year = financial_year.income_year
    if not policy.covers(year):
        return f"{policy} does not cover income year {year}."
    rows = list(policy.applicability.select_related("line_of_business"))
    jurisdictions = sorted({r.jurisdiction for r in rows})
    if not rows:
        return f"{policy} states no jurisdiction or line of business it applies to."
    if plan.jurisdiction not in jurisdictions:
        return (f"{policy.code} applies to plans in {', '.join(jurisdictions)}; "
                f"{plan.code} is in {plan.jurisdiction or 'no state'} (wrong jurisdiction).")
    lines = [r.line_of_business for r in rows if r.jurisdiction == plan.jurisdiction]
    if financial_year.line_of_business_id not in {line.pk for line in lines}:
        line = LineOfBusiness.objects.filter(pk=financial_year.line_of_business_id).first()
        return (f"{policy.code} applies to {', '.join(str(x) for x in lines)} figures in {plan.jurisdiction}; "
                f"this year is {line or 'of no line of business'} (wrong line of business).")
    return ""


def attestation_problems(*, plan: Organization, income_year: int) -> list[str]:
    """What stops a compliance officer attesting the plan's report for the year ([] = nothing).

    Every live (not superseded) financial year of the plan for ``income_year`` (one per line
    of business) must be locked and carry its audited financial statement (one query).
    """
    years = list(
        PlanFinancialYear.objects.filter(plan=plan, income_year=income_year)
        .exclude(status=FinancialYearStatus.SUPERSEDED)
        .select_related("line_of_business").order_by("line_of_business__position", "pk")
    )
    if not years:
        return [f"{plan.code} has no financials for income year {income_year}."]
    problems = []
    for year in years:
        label = f"Income year {income_year} ({year.line_of_business})"
        if year.status != FinancialYearStatus.LOCKED:
            problems.append(f"{label} is {year.status}, not locked: lock it before attesting.")
        if not year.source_document:
            problems.append(f"{label} has no audited financial statement uploaded.")
    return problems


def attested_years(*, plan: Organization, income_year: int) -> list[dict[str, object]]:
    """The locked financial years a report of the plan's year rests on, as plain data (one query)."""
    return [
        {"financial_year": y.pk, "line_of_business": y.line_of_business.code, "status": y.status,
         "locked_at": y.locked_at.isoformat() if y.locked_at else None,
         "audited_statement": y.source_document.name or None}
        for y in PlanFinancialYear.objects.filter(plan=plan, income_year=income_year)
        .exclude(status=FinancialYearStatus.SUPERSEDED)
        .select_related("line_of_business").order_by("line_of_business__position", "pk")
    ]
