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
from django.utils.translation import gettext as _

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
        ReinvestmentPolicy.objects.filter(effective_from_year__lte=year, is_draft=False)
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


def _live_years(plan: Organization, income_year: int,
                line_of_business: LineOfBusiness | str | None) -> list[PlanFinancialYear]:
    """The live (not superseded) financial years of the plan's income year, of one line of
    business (an object or its code) when given, else of every line (one query)."""
    years = (PlanFinancialYear.objects.filter(plan=plan, income_year=income_year)
             .exclude(status=FinancialYearStatus.SUPERSEDED))
    if isinstance(line_of_business, LineOfBusiness):
        years = years.filter(line_of_business=line_of_business)
    elif line_of_business:
        years = years.filter(line_of_business__code=line_of_business)
    return list(years.select_related("line_of_business").order_by("line_of_business__position", "pk"))


def status_label(status: str) -> str:
    """How a financial year's status reads ("Submitted", not ``submitted``)."""
    return str(dict(FinancialYearStatus.choices).get(status, status))


def attestation_problems(*, plan: Organization, income_year: int,
                         line_of_business: LineOfBusiness | str | None = None) -> list[str]:
    """What stops a compliance officer attesting a report of the plan's income year ([] = nothing).

    A report is gated on the data it prints: a report of one obligation rests on the financial
    year of that obligation's line of business only (``line_of_business``, an object or its
    code), so another line's unfinished year of the same income year does not hold it up. Given
    no line, every live financial year of the income year counts. Each year counted must be
    locked and carry its audited financial statement. Problems are sentences with the status
    in words ("Submitted"), never a code (one query, two when the line is named by code and
    has no year).
    """
    years = _live_years(plan, income_year, line_of_business)
    if not years:
        if line_of_business:
            line = (line_of_business if isinstance(line_of_business, LineOfBusiness)
                    else LineOfBusiness.objects.filter(code=line_of_business).first())
            return [_("%(plan)s has no %(line)s financials for income year %(year)s.")
                    % {"plan": plan.code, "line": line or line_of_business, "year": income_year}]
        return [_("%(plan)s has no financials for income year %(year)s.") % {"plan": plan.code, "year": income_year}]
    problems = []
    for year in years:
        named = {"year": income_year, "line": year.line_of_business}
        if year.status != FinancialYearStatus.LOCKED:
            problems.append(_("Income year %(year)s (%(line)s) is not locked (its status is %(status)s): "
                              "lock it before attesting.") % (named | {"status": status_label(year.status)}))
        if not year.source_document:
            problems.append(_("Income year %(year)s (%(line)s) has no audited financial statement uploaded.")
                            % named)
    return problems


def attested_years(*, plan: Organization, income_year: int,
                   line_of_business: LineOfBusiness | str | None = None) -> list[dict[str, object]]:
    """The locked financial years a report of the plan's year rests on (of one line of business
    when given, as ``attestation_problems`` counts them), as plain data (one query)."""
    return [
        {"financial_year": y.pk, "line_of_business": y.line_of_business.code, "status": y.status,
         "locked_at": y.locked_at.isoformat() if y.locked_at else None,
         "audited_statement": y.source_document.name or None}
        for y in _live_years(plan, income_year, line_of_business)
    ]
