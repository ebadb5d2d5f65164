"""Demo data (idempotent): demo-plan's income years 2024 and 2025 under CA-DHCS.

* 2024: locked (with its audited statement), its obligation frozen; direct investments under
  way (in progress).
* 2025: submitted, its obligation still recomputed when figures change; quality
  standards missed on one measure and an MLR below 85% (so a remittance is shown).
* Member months for every month of both years in Imperial, Riverside and San Diego.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.core.files.base import ContentFile
from django.db import transaction

from organizations.actors import DEMO
from organizations.models import County, Organization

from . import services
from .models import (
    DirectInvestment,
    FinancialYearStatus,
    MemberMonth,
    Obligation,
    PlanFinancialYear,
)

PLAN = "demo-plan"
POLICY = "CA-DHCS"

#: county -> average monthly enrollment (members); each month varies a little.
ENROLLMENT = {"Imperial": 96_400, "Riverside": 312_800, "San Diego": 221_500}

YEARS: dict[int, dict[str, Any]] = {
    2024: {
        "total_revenue": Decimal("1850000000.00"), "net_income": Decimal("92500000.00"),
        "pretax_income": Decimal("118400000.00"), "mlr_numerator": Decimal("1512000000.00"),
        "mlr_denominator": Decimal("1734000000.00"), "quality_standards_met": True,
        "quality_measures_missed": [], "lock": True,
    },
    2025: {
        "total_revenue": Decimal("1962000000.00"), "net_income": Decimal("171500000.00"),
        "pretax_income": Decimal("205300000.00"), "mlr_numerator": Decimal("1620000000.00"),
        "mlr_denominator": Decimal("1930000000.00"), "quality_standards_met": False,
        "quality_measures_missed": ["w30-6"], "lock": False,
    },
}

#: Stands in for the audited financial statement uploaded with a locked demo year.
DEMO_STATEMENT = b"%%PDF-1.4\n%% Demo audited financial statement, income year %d\n"


class DemoInvestment(TypedDict):
    payee: str
    county: str
    domain: str
    purpose: str
    paid_on: datetime.date
    amount: Decimal
    cha_chip_aligned: bool
    cac_consulted: bool


DIRECT_INVESTMENTS: list[DemoInvestment] = [
    {"payee": "demo-cbo-promotores", "county": "Imperial", "domain": "health_care",
     "purpose": "Promotores network: asthma and diabetes education sessions in Spanish",
     "paid_on": datetime.date(2026, 3, 16), "amount": Decimal("350000.00"), "cha_chip_aligned": True,
     "cac_consulted": True},
    {"payee": "demo-cbo-barbers", "county": "Riverside", "domain": "health_care",
     "purpose": "Barber-pharmacist blood pressure checks in 12 barbershops",
     "paid_on": datetime.date(2026, 6, 2), "amount": Decimal("275000.00"), "cha_chip_aligned": True,
     "cac_consulted": True},
    {"payee": "demo-cbo-wellchild", "county": "San Diego", "domain": "social_community",
     "purpose": "First 120 days: community detailers for well-child visits of Black infants",
     "paid_on": datetime.date(2026, 9, 1), "amount": Decimal("180000.00"), "cha_chip_aligned": False,
     "cac_consulted": True},
]


def _member_month_rows(year: int) -> list[dict[str, str]]:
    rows = []
    for month in range(1, 13):
        for name, base in ENROLLMENT.items():
            # A gentle seasonal swing (+/- up to 1.1%), deterministic.
            count = base + (base * ((month * 7) % 23 - 11)) // 1000
            rows.append({"plan": PLAN, "county": name, "month": f"{year}-{month:02d}",
                         "member_months": str(count)})
    return rows


def load() -> dict[str, Any]:
    plan = Organization.objects.filter(code=PLAN).first()
    if plan is None:  # organizations demo not loaded
        return {}
    with transaction.atomic():
        years = {}
        for income_year, spec in YEARS.items():
            if not MemberMonth.objects.filter(plan=plan, month__year=income_year).exists():
                services.member_months_import(actor=DEMO, plan=plan, year=income_year,
                                              rows=_member_month_rows(income_year))
            year = (
                PlanFinancialYear.objects.filter(plan=plan, income_year=income_year)
                .exclude(status=FinancialYearStatus.SUPERSEDED).first()
            )
            if year is None:
                figures = {k: v for k, v in spec.items() if k != "lock"}
                if spec["lock"]:  # a locked year carries its audited statement (reports need it)
                    figures["source_document"] = ContentFile(
                        DEMO_STATEMENT % income_year, name=f"audited-statement-{income_year}.pdf")
                year = services.financial_year_create(actor=DEMO, plan=plan, income_year=income_year, **figures)
            if not Obligation.objects.filter(financial_year=year, policy_code=POLICY).exists():
                services.obligation_compute(actor=DEMO, financial_year=year, policy_code=POLICY)
            if year.status == FinancialYearStatus.DRAFT:
                services.financial_year_submit(actor=DEMO, financial_year=year)
            if spec["lock"] and year.status == FinancialYearStatus.SUBMITTED:
                services.financial_year_lock(actor=DEMO, financial_year=year)
            years[income_year] = year
        counties = {c.name: c for c in County.objects.filter(state="CA", name__in=ENROLLMENT)}
        for inv in DIRECT_INVESTMENTS:
            payee = Organization.objects.filter(code=inv["payee"]).first()
            if payee is None or DirectInvestment.objects.filter(
                plan=plan, payee=payee, paid_on=inv["paid_on"], purpose=inv["purpose"]
            ).exists():
                continue
            services.direct_investment_record(
                actor=DEMO, plan=plan, payee=payee, purpose=inv["purpose"], county=counties[inv["county"]],
                domain=inv["domain"], paid_on=inv["paid_on"], amount=inv["amount"],
                cha_chip_aligned=inv["cha_chip_aligned"], cac_consulted=inv["cac_consulted"],
                income_year=2024,
            )
    return {"financial_years": years}
