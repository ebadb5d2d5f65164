"""Factories for reinvestment tests: plans, financial years (through the services), member months."""

import datetime
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.actors import SETUP
from organizations.models import County, OrganizationKind
from reinvestment import services
from reinvestment.models import LineOfBusiness, MemberMonth, PlanFinancialYear, PolicyApplicability
from tests.organizations.factories import OrganizationFactory


class PlanFactory(OrganizationFactory):
    code = factory.Sequence(lambda n: f"plan-{n}")
    kind = OrganizationKind.PLAN
    legal_name = factory.Sequence(lambda n: f"Health Plan {n}")
    jurisdiction = "CA"


class CBOFactory(OrganizationFactory):
    code = factory.Sequence(lambda n: f"cbo-{n}")
    kind = OrganizationKind.CBO


def county(name: str, state: str = "CA") -> County:
    return County.objects.get(state=state, name=name)


def financial_year(plan, income_year: int = 2024, revenue: str = "2000000000.00",
                   net_income: str = "200000000.00", **figures) -> PlanFinancialYear:
    return services.financial_year_create(
        actor=SETUP, plan=plan, income_year=income_year, total_revenue=Decimal(revenue),
        net_income=Decimal(net_income), **figures,
    )


def audited_statement(name: str = "audited-statement.pdf") -> SimpleUploadedFile:
    """A small uploaded file standing in for an audited financial statement (needs MEDIA_ROOT)."""
    return SimpleUploadedFile(name, b"%PDF-1.4 audited financial statement", content_type="application/pdf")


def lock_year(year: PlanFinancialYear, *, statement: bool = True) -> PlanFinancialYear:
    """Upload the audited statement (unless told not to), then submit and lock an open year."""
    if statement and not year.source_document:
        year = services.financial_year_update(actor=SETUP, financial_year=year, source_document=audited_statement())
    if year.status == "draft":
        year = services.financial_year_submit(actor=SETUP, financial_year=year)
    return services.financial_year_lock(actor=SETUP, financial_year=year)


def final_year(plan, income_year: int = 2024, **figures) -> PlanFinancialYear:
    """A plan's year recorded, with its audited statement, submitted and locked: ready to attest."""
    return lock_year(financial_year(plan, income_year, source_document=audited_statement(), **figures))


def member_months(plan, year: int, counts: dict[str, int], months: int = 12, line_code: str = "") -> None:
    """Give each named CA county ``counts[name]`` member months in each of the first ``months`` months,
    in the line of business ``line_code`` (default: the plan's Medicaid line)."""
    lob = line(line_code) if line_code else None
    for name, n in counts.items():
        c = county(name)
        for m in range(1, months + 1):
            MemberMonth.objects.create(plan=plan, county=c, month=datetime.date(year, m, 1), member_months=n,
                                       line_of_business=lob)  # type: ignore[misc]  # None: the plan's Medicaid line


def line(code: str = "medi-cal") -> LineOfBusiness:
    """A seeded line of business by code (medi-cal, commercial, covered-california, calpers-hmo...)."""
    return LineOfBusiness.objects.get(code=code)


def applies_to(policy, jurisdiction: str = "CA", line_code: str = "medi-cal") -> PolicyApplicability:
    """Make a policy version (e.g. a variant made in a test) apply to ``jurisdiction``'s ``line_code`` figures."""
    return PolicyApplicability.objects.create(policy=policy, jurisdiction=jurisdiction, line_of_business=line(line_code),
                                              source="Test variant of a seeded policy.")
