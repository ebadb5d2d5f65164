"""Factories for reinvestment tests: plans, financial years (through the services), member months."""

import datetime
from decimal import Decimal

import factory

from organizations.models import County, OrganizationKind
from reinvestment import services
from reinvestment.models import MemberMonth, PlanFinancialYear
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
        actor=None, plan=plan, income_year=income_year, total_revenue=Decimal(revenue),
        net_income=Decimal(net_income), **figures,
    )


def member_months(plan, year: int, counts: dict[str, int], months: int = 12) -> None:
    """Give each named CA county ``counts[name]`` member months in each of the first ``months`` months."""
    for name, n in counts.items():
        c = county(name)
        for m in range(1, months + 1):
            MemberMonth.objects.create(plan=plan, county=c, month=datetime.date(year, m, 1), member_months=n)
