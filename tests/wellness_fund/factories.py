"""Factories for wellness funds: built through the services, so rows are as the product writes them."""

import datetime as dt
import itertools
from decimal import Decimal

from organizations.actors import SETUP
from organizations.models import County, OrganizationKind
from tests.organizations.factories import OrganizationFactory
from wellness_fund import services
from wellness_fund.models import FundingSourceKind, Restriction

_seq = itertools.count(1)


FIPS = {"Imperial": "06025", "Riverside": "06065", "San Diego": "06073", "Los Angeles": "06037"}


def county(name: str = "Imperial") -> County:
    """A seeded county (re-created after a transactional test's flush)."""
    return County.objects.get_or_create(state="CA", name=name, defaults={"fips": FIPS[name]})[0]


def ach(code: str | None = None):
    return OrganizationFactory(code=code or f"ach-{next(_seq)}", kind=OrganizationKind.ACH)


def plan(code: str | None = None):
    return OrganizationFactory(code=code or f"plan-{next(_seq)}", kind=OrganizationKind.PLAN)


def fund(*, code: str | None = None, counties: tuple[str, ...] = ("Imperial",), owner=None):
    return services.fund_create(
        actor=SETUP, code=code or f"fund-{next(_seq)}", name="Test fund", ach=owner or ach(),
        counties=[county(n) for n in counties],
    )


def general(f) -> Restriction:
    return Restriction.objects.get(fund=f, code="general")


def source(f, *, kind: str = FundingSourceKind.PHILANTHROPY, restriction=None, contributor=None, code=None):
    return services.funding_source_create(
        actor=SETUP, fund=f, code=code or f"src-{next(_seq)}", name="Source", kind=kind,
        restriction=restriction, contributor=contributor,
    )


def receive(f, amount: str, *, on: dt.date = dt.date(2026, 1, 15), restriction=None, src=None):
    """Put ``amount`` into ``f`` (in ``restriction``, default general) from a philanthropy source."""
    src = src or source(f, restriction=restriction)
    return services.receipt_record(
        actor=SETUP, funding_source=src, amount=Decimal(amount), received_on=on, reference=f"r-{next(_seq)}"
    )


def member_months(plan_org, county_name: str, month: dt.date, count: int) -> None:
    from reinvestment.models import MemberMonth

    MemberMonth.objects.update_or_create(
        plan=plan_org, county=county(county_name), month=month, defaults={"member_months": count}
    )


def agreement(f_, plan_org, *, basis="pmpm_share", frequency="monthly", pmpm_rate="1.2500",
              revenue_share_percent="0", fixed_amount="0", starts_on=dt.date(2026, 1, 1), code=None):
    src = source(f_, kind=FundingSourceKind.PLAN_CONTRIBUTION, contributor=plan_org)
    return services.agreement_create(
        actor=SETUP, fund=f_, plan=plan_org, funding_source=src, code=code or f"agr-{next(_seq)}", basis=basis,
        frequency=frequency, starts_on=starts_on, pmpm_rate=Decimal(pmpm_rate),
        revenue_share_percent=Decimal(revenue_share_percent), fixed_amount=Decimal(fixed_amount),
    )
