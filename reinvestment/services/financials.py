"""Plan financial years: record, edit, submit, lock and amend (each audited in its transaction).

While a year is draft or submitted, every change recomputes its obligations. Locking
recomputes them one last time and freezes them. A locked year changes only through
``financial_year_amend``, which creates a new year superseding it (with a reason) and
recomputes the obligations on the new figures; the old year and its frozen obligations
stay as they were, marked superseded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import record, snapshot
from money import parse_amount
from organizations.actors import Actor
from organizations.models import County, Organization, OrganizationKind

from ..applicability import default_line_of_business
from ..documents import statement_clean
from ..models import CountyFinancial, FinancialYearStatus, LineOfBusiness, PlanFinancialYear
from ._access import require_plan_finance
from .obligations import (
    obligation_compute,
    obligations_freeze,
    obligations_recompute,
    obligations_supersede,
)

#: Fields a financial year's figures consist of (what an edit or amendment may change).
FIGURES = (
    "total_revenue", "net_income", "pretax_income", "mlr_numerator", "mlr_denominator", "gross_premium",
    "quality_standards_met", "quality_measures_missed", "source_document",
    "mlr_rebate_reinvested", "mlr_rebate_returned",
)
MONEY_FIELDS = ("total_revenue", "net_income", "pretax_income", "mlr_numerator", "mlr_denominator", "gross_premium",
                "mlr_rebate_reinvested", "mlr_rebate_returned")


def _clean_figures(figures: dict[str, Any], *, currency: str) -> dict[str, Any]:
    """Parse and check the figures; ValidationError naming the field on bad input."""
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: gettext("Not a figure of a financial year.")})
    clean: dict[str, Any] = {}
    for name, value in figures.items():
        if name in MONEY_FIELDS:
            if value is None:
                if name in ("total_revenue", "net_income"):
                    raise ValidationError({name: gettext("This figure is required.")})
                clean[name] = None
                continue
            clean[name] = parse_amount(
                value, field=name, allow_zero=True,
                allow_negative=name in ("net_income", "pretax_income"),
            )
        elif name == "quality_measures_missed":
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
                raise ValidationError({name: gettext("List the codes of the measures missed.")})
            clean[name] = sorted(set(value))
        elif name == "source_document":
            clean[name] = statement_clean(value)
        elif name == "quality_standards_met":
            if not isinstance(value, bool):
                raise ValidationError({name: gettext("Say yes or no.")})
            clean[name] = value
        else:
            clean[name] = value
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ValidationError({"currency": gettext("“%(currency)s” is not a currency code such as USD.")
                                      % {"currency": currency}})
    return clean


def _check(year: PlanFinancialYear) -> None:
    revenue = year.total_revenue.amount
    if revenue < 0:
        raise ValidationError({"total_revenue": gettext("Total revenue must not be negative.")})
    if year.net_income.amount > revenue:
        raise ValidationError({"net_income": gettext("Net income cannot be greater than total revenue.")})
    if year.pretax_income is not None and year.pretax_income.amount > revenue:
        raise ValidationError({"pretax_income": gettext("Pre-tax income cannot be greater than total revenue.")})
    if (year.mlr_numerator is None) != (year.mlr_denominator is None):
        raise ValidationError({"mlr_denominator": gettext("Give both the MLR numerator and denominator, or neither.")})
    if year.mlr_denominator is not None and year.mlr_denominator.amount <= 0:
        raise ValidationError({"mlr_denominator": gettext("The MLR denominator must be greater than zero.")})
    if (year.mlr_rebate_reinvested is None) != (year.mlr_rebate_returned is None):
        raise ValidationError({"mlr_rebate_returned": gettext("Give both parts of the MLR rebate (reinvested and "
                                                              "returned), or neither.")})
    if year.quality_standards_met and year.quality_measures_missed:
        raise ValidationError({"quality_measures_missed": gettext("Standards met, yet measures listed as missed.")})


def _apply(year: PlanFinancialYear, figures: dict[str, Any]) -> None:
    for name, value in figures.items():
        if name in MONEY_FIELDS:
            setattr(year, name, value)
            if value is not None:
                setattr(year, f"{name}_currency", year.currency)
        else:
            setattr(year, name, value)
    _check(year)
    year.full_clean(exclude=[*MONEY_FIELDS, "source_document"])


def _snap(year: PlanFinancialYear) -> dict[str, Any]:
    data = snapshot(year)
    if isinstance(year.source_document, FieldFile):
        data["source_document"] = year.source_document.name or None
    return data


def line_of_business_for(plan: Organization, line_of_business: LineOfBusiness | str | None) -> LineOfBusiness:
    """The line of business a plan's year is for: given (object or code) or, when not given, the
    plan's default (its state's Medicaid line). ValidationError for an unknown line or one of
    another state."""
    if line_of_business is None or line_of_business == "":
        line = default_line_of_business(plan)
        if line is None:
            raise ValidationError({"line_of_business": gettext("No line of business is set up; give one.")})
        return line
    if isinstance(line_of_business, LineOfBusiness):
        line = line_of_business
    else:
        found = LineOfBusiness.objects.filter(code=str(line_of_business)).first()
        if found is None:
            known = ", ".join(LineOfBusiness.objects.order_by("position").values_list("code", flat=True))
            raise ValidationError({"line_of_business": gettext("No line of business “%(line)s”. Known: %(known)s.")
                                              % {"line": line_of_business, "known": known}})
        line = found
    if line.jurisdiction and line.jurisdiction != plan.jurisdiction:
        raise ValidationError({"line_of_business": (
            gettext("%(line)s is a line of business in %(state)s; %(plan)s is in %(plan_state)s.")
            % {"line": line, "state": line.jurisdiction, "plan": plan.code,
               "plan_state": plan.jurisdiction or gettext("no state")})})
    return line


def financial_year_create(
    *, actor: Actor, plan: Organization, income_year: int, total_revenue: Decimal | str,
    net_income: Decimal | str, currency: str = "USD", line_of_business: LineOfBusiness | str | None = None,
    **figures: Any,
) -> PlanFinancialYear:
    """Record a plan's year of one line of business as a draft (figures: see ``FIGURES``).

    ``line_of_business`` (an object or its code) defaults to the plan's state's Medicaid line.
    """
    require_plan_finance(actor, plan)
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": gettext("%(plan)s is not a health plan.") % {"plan": plan.code}})
    if not isinstance(income_year, int) or not 1990 <= income_year <= 2200:
        raise ValidationError({"income_year": gettext("%(year)s is not an income year.") % {"year": income_year}})
    line = line_of_business_for(plan, line_of_business)
    clean = _clean_figures({"total_revenue": total_revenue, "net_income": net_income, **figures}, currency=currency)
    with transaction.atomic():
        if PlanFinancialYear.objects.select_for_update().filter(
            plan=plan, income_year=income_year, line_of_business=line
        ).exclude(status=FinancialYearStatus.SUPERSEDED).exists():
            raise ValidationError({"income_year": (
                gettext("%(plan)s already has income year %(year)s for %(line)s; edit or amend it.")
                % {"plan": plan.code, "year": income_year, "line": line})})
        year = PlanFinancialYear(plan=plan, income_year=income_year, currency=currency, line_of_business=line)
        _apply(year, clean)
        year.save()
        record(actor=actor, action="reinvestment.financial_year.create", obj=year, after=_snap(year),
               organization=plan)
    return year


def _locked_error(year: PlanFinancialYear) -> ValidationError:
    return ValidationError(
        {"status": gettext("Income year %(year)s is %(status)s: change it through an amendment that says why.")
                   % {"year": year.income_year, "status": year.get_status_display().lower()}}
    )


def financial_year_update(*, actor: Actor, financial_year: PlanFinancialYear, **figures: Any) -> PlanFinancialYear:
    """Change figures of a draft or submitted year; its obligations are recomputed."""
    require_plan_finance(actor, financial_year.plan)
    clean = _clean_figures(figures, currency=financial_year.currency)
    with transaction.atomic():
        year = PlanFinancialYear.objects.select_for_update().get(pk=financial_year.pk)
        if year.is_locked:
            raise _locked_error(year)
        before = _snap(year)
        _apply(year, clean)
        year.save()
        record(actor=actor, action="reinvestment.financial_year.update", obj=year, before=before,
               after=_snap(year), organization=year.plan)
        obligations_recompute(actor=actor, financial_year=year)
    _refresh(financial_year, year)
    return year


def _refresh(stale: PlanFinancialYear, fresh: PlanFinancialYear) -> None:
    stale.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "_state"})


def financial_year_submit(*, actor: Actor, financial_year: PlanFinancialYear) -> PlanFinancialYear:
    require_plan_finance(actor, financial_year.plan)
    with transaction.atomic():
        year = PlanFinancialYear.objects.select_for_update().get(pk=financial_year.pk)
        if year.status != FinancialYearStatus.DRAFT:
            raise ValidationError({"status": gettext("Only a draft year can be submitted; this one is %(status)s.")
                                            % {"status": year.get_status_display().lower()}})
        before = {"status": year.status}
        year.status = FinancialYearStatus.SUBMITTED
        year.submitted_at = timezone.now()
        year.save(update_fields=["status", "submitted_at"])
        record(actor=actor, action="reinvestment.financial_year.submit", obj=year, before=before,
               after={"status": year.status}, organization=year.plan)
    _refresh(financial_year, year)
    return year


def financial_year_lock(*, actor: Actor, financial_year: PlanFinancialYear) -> PlanFinancialYear:
    """Lock a submitted year: obligations are recomputed a last time and frozen with snapshots."""
    require_plan_finance(actor, financial_year.plan)
    with transaction.atomic():
        year = PlanFinancialYear.objects.select_for_update().get(pk=financial_year.pk)
        if year.status != FinancialYearStatus.SUBMITTED:
            raise ValidationError({"status": gettext("Only a submitted year can be locked; this one is %(status)s.")
                                            % {"status": year.get_status_display().lower()}})
        obligations_recompute(actor=actor, financial_year=year)
        before = {"status": year.status}
        year.status = FinancialYearStatus.LOCKED
        year.locked_at = timezone.now()
        year.save(update_fields=["status", "locked_at"])
        record(actor=actor, action="reinvestment.financial_year.lock", obj=year, before=before,
               after={"status": year.status}, organization=year.plan)
        obligations_freeze(actor=actor, financial_year=year)
    _refresh(financial_year, year)
    return year


def financial_year_amend(
    *, actor: Actor, financial_year: PlanFinancialYear, reason: str, **figures: Any
) -> PlanFinancialYear:
    """Supersede a locked year with an amended draft carrying ``reason``; obligations follow it."""
    require_plan_finance(actor, financial_year.plan)
    if not reason or not reason.strip():
        raise ValidationError({"reason": gettext("Say why the locked year is amended.")})
    clean = _clean_figures(figures, currency=financial_year.currency)
    with transaction.atomic():
        old = PlanFinancialYear.objects.select_for_update().get(pk=financial_year.pk)
        if old.status != FinancialYearStatus.LOCKED:
            raise ValidationError({"status": gettext("Only a locked year is amended; this one is %(status)s: edit it.")
                                            % {"status": old.get_status_display().lower()}})
        new = PlanFinancialYear(
            plan=old.plan, income_year=old.income_year, currency=old.currency, supersedes=old,
            line_of_business_id=old.line_of_business_id,
            amendment_reason=reason.strip(), status=FinancialYearStatus.DRAFT,
        )
        for name in FIGURES:
            value = getattr(old, name)
            setattr(new, name, value)
            if name in MONEY_FIELDS and value is not None:
                setattr(new, f"{name}_currency", old.currency)
        old.status = FinancialYearStatus.SUPERSEDED
        old.save(update_fields=["status"])
        _apply(new, clean)
        new.save()
        for cf in CountyFinancial.objects.filter(financial_year=old):
            CountyFinancial.objects.create(
                financial_year=new, county_id=cf.county_id, revenue=cf.revenue, net_income=cf.net_income
            )
        record(actor=actor, action="reinvestment.financial_year.amend", obj=new, before=_snap(old),
               after=_snap(new), reason=reason.strip(), organization=new.plan)
        codes = obligations_supersede(actor=actor, financial_year=old)
        for code in codes:
            obligation_compute(actor=actor, financial_year=new, policy_code=code)
    _refresh(financial_year, old)
    return new


def county_financials_set(
    *, actor: Actor, financial_year: PlanFinancialYear, figures: dict[County, tuple[Decimal | str, Decimal | str]]
) -> list[CountyFinancial]:
    """Replace a year's (revenue, net income) per county, for policies that allocate by them."""
    require_plan_finance(actor, financial_year.plan)
    parsed = {
        county: (parse_amount(rev, field="revenue", allow_zero=True),
                 parse_amount(net, field="net_income", allow_zero=True, allow_negative=True))
        for county, (rev, net) in figures.items()
    }
    with transaction.atomic():
        year = PlanFinancialYear.objects.select_for_update().get(pk=financial_year.pk)
        if year.is_locked:
            raise _locked_error(year)
        before = {cf.county.fips: [str(cf.revenue.amount), str(cf.net_income.amount)]
                  for cf in year.county_financials.select_related("county")}
        year.county_financials.all().delete()
        rows = [
            CountyFinancial.objects.create(
                financial_year=year, county=county, revenue=rev, revenue_currency=year.currency,
                net_income=net, net_income_currency=year.currency,
            )
            for county, (rev, net) in sorted(parsed.items(), key=lambda kv: kv[0].name)
        ]
        record(actor=actor, action="reinvestment.county_financials.set", obj=year, before=before,
               after={c.fips: [str(r), str(n)] for c, (r, n) in parsed.items()}, organization=year.plan)
        obligations_recompute(actor=actor, financial_year=year)
    return rows


__all__ = [
    "county_financials_set",
    "financial_year_amend",
    "financial_year_create",
    "financial_year_lock",
    "financial_year_submit",
    "financial_year_update",
]
