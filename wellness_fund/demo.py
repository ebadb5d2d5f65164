"""Demo wellness funds (idempotent): two funds fed by demo-plan for 2025, plus other sources.

* ``demo-fund-1`` (demo-ach-1, Imperial): the Imperial model, quarterly PMPM $1.25 plus 3% of
  the plan's shareable revenue. Restrictions: ``general`` (unrestricted) and ``chw-training``
  (community health worker training, funded by county public health). A philanthropy gift.
* ``demo-fund-2`` (demo-ach-2, Riverside and San Diego): monthly PMPM $0.40. Restrictions:
  ``general`` and ``san-diego`` (hospital community benefit restricted to San Diego County).
  An MLR remittance.
* Every 2025 statement is issued; payments are recorded for all but the last period, one of
  them short, so the statements page shows a variance and an overdue statement.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from organizations.actors import DEMO
from organizations.models import County, Organization

from . import services
from .dates import first_day_months_later
from .models import (
    ContributionAgreement,
    ContributionStatement,
    FundingSource,
    OtherReceipt,
    Restriction,
    WellnessFund,
)

YEAR = 2025

FUNDS: list[dict[str, Any]] = [
    {
        "code": "demo-fund-1", "name": "Imperial Valley Wellness Fund", "ach": "demo-ach-1",
        "counties": ["Imperial"], "governing_body": "Imperial Valley Wellness Fund Commission",
        "restrictions": [
            {"code": "chw-training", "name": "Community health worker training", "kind": "purpose",
             "purpose": "Community health worker training pathway with the community college"},
        ],
        "sources": [
            {"code": "imperial-public-health", "name": "Imperial County Public Health", "kind": "public_health",
             "restriction": "chw-training",
             "receipts": [("2025-03-14", "150000.00", "ICPH-2025-001"), ("2025-09-12", "150000.00", "ICPH-2025-002")]},
            {"code": "valley-foundation", "name": "Valley Community Foundation", "kind": "philanthropy",
             "restriction": "general", "receipts": [("2025-06-30", "75000.00", "VCF-GIFT-2025")]},
        ],
        "agreement": {"code": "demo-plan-imperial", "basis": "pmpm_share", "frequency": "quarterly",
                      "pmpm_rate": Decimal("1.2500"), "revenue_share_percent": Decimal("3.0000"),
                      "shareable_revenue": Decimal("4125000.00")},
    },
    {
        "code": "demo-fund-2", "name": "Inland Coast Wellness Fund", "ach": "demo-ach-2",
        "counties": ["Riverside", "San Diego"], "governing_body": "Inland Coast ACH Steering Board",
        "restrictions": [
            {"code": "san-diego", "name": "San Diego County only", "kind": "county", "county": "San Diego"},
        ],
        "sources": [
            {"code": "coast-hospital-cb", "name": "Coast Hospital community benefit",
             "kind": "hospital_community_benefit", "restriction": "san-diego",
             "receipts": [("2025-04-01", "200000.00", "CHCB-2025")]},
            {"code": "mlr-remittance", "name": "MLR remittance (demo-plan)", "kind": "mlr_remittance",
             "restriction": "general", "receipts": [("2025-11-20", "410000.00", "MLR-2024-REMIT")]},
        ],
        "agreement": {"code": "demo-plan-inland", "basis": "pmpm_share", "frequency": "monthly",
                      "pmpm_rate": Decimal("0.4000"), "revenue_share_percent": Decimal("0"),
                      "shareable_revenue": Decimal("0")},
    },
]


def _fund(spec: dict[str, Any]) -> WellnessFund:
    fund = WellnessFund.objects.filter(code=spec["code"]).first()
    if fund is None:
        fund = services.fund_create(
            actor=DEMO, code=spec["code"], name=spec["name"], ach=Organization.objects.get(code=spec["ach"]),
            counties=County.objects.filter(state="CA", name__in=spec["counties"]),
            governing_body_name=spec["governing_body"], fiscal_year_start_month=7,
        )
    for r in spec["restrictions"]:
        if not Restriction.objects.filter(fund=fund, code=r["code"]).exists():
            services.restriction_create(
                actor=DEMO, fund=fund, code=r["code"], name=r["name"], kind=r["kind"], purpose=r.get("purpose", ""),
                county=County.objects.get(state="CA", name=r["county"]) if r.get("county") else None,
            )
    return fund


def _other_sources(fund: WellnessFund, spec: dict[str, Any]) -> None:
    for s in spec["sources"]:
        source = FundingSource.objects.filter(fund=fund, code=s["code"]).first()
        if source is None:
            source = services.funding_source_create(
                actor=DEMO, fund=fund, code=s["code"], name=s["name"], kind=s["kind"],
                restriction=Restriction.objects.get(fund=fund, code=s["restriction"]),
            )
        for day, amount, ref in s["receipts"]:
            if not OtherReceipt.objects.filter(funding_source=source, reference=ref).exists():
                services.receipt_record(actor=DEMO, funding_source=source, amount=Decimal(amount),
                                        received_on=dt.date.fromisoformat(day), reference=ref)


def _agreement(fund: WellnessFund, spec: dict[str, Any], plan: Organization) -> None:
    a = spec["agreement"]
    agreement = ContributionAgreement.objects.filter(fund=fund, code=a["code"]).first()
    if agreement is None:
        source = FundingSource.objects.filter(fund=fund, code="demo-plan").first() or services.funding_source_create(
            actor=DEMO, fund=fund, code="demo-plan", name="Golden Valley Health Plan contributions",
            kind="plan_contribution", contributor=plan,
        )
        agreement = services.agreement_create(
            actor=DEMO, fund=fund, plan=plan, funding_source=source, code=a["code"], basis=a["basis"],
            frequency=a["frequency"], starts_on=dt.date(YEAR, 1, 1), pmpm_rate=a["pmpm_rate"],
            revenue_share_percent=a["revenue_share_percent"], due_days_after_period=30,
        )
    step = 3 if a["frequency"] == "quarterly" else 1
    starts = [dt.date(YEAR, m, 1) for m in range(1, 13, step)]
    for index, start in enumerate(starts):
        statement = ContributionStatement.objects.filter(agreement=agreement, period_start=start).first()
        if statement is None:
            statement = services.statement_issue(
                actor=DEMO, agreement=agreement, period_start=start,
                shareable_revenue=a["shareable_revenue"] if a["revenue_share_percent"] else Decimal(0),
            )
        if index == len(starts) - 1:
            continue  # the last period is still unpaid (overdue on the statements page)
        amount = statement.expected_amount.amount
        if index == 1:
            amount -= Decimal("1250.00")  # one short payment, shown as a variance
        services.contribution_payment_record(
            actor=DEMO, agreement=agreement, amount=amount,
            received_on=first_day_months_later(statement.period_end, 1) + dt.timedelta(days=9),
            bank_reference=f"GVHP-{agreement.code}-{start:%Y%m}", statement=statement,
        )


def load(stdout: Any = None) -> dict[str, Any]:
    plan = Organization.objects.get(code="demo-plan")
    with transaction.atomic():
        funds = {}
        for spec in FUNDS:
            fund = _fund(spec)
            _other_sources(fund, spec)
            _agreement(fund, spec, plan)
            funds[fund.code] = fund
    if stdout is not None:
        stdout.write(f"Wellness funds: {', '.join(funds)}")
    return funds
