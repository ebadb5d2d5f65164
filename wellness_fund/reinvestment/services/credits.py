"""Credits: payments that count toward a plan's reinvestment obligations.

``obligation_credit_record`` is called by the wellness fund when a plan's
contribution is received, and by ``direct_investment_record`` here. It trusts its
caller to have checked the acting user's rights on the source record (the fund's
administrator, or the plan's finance staff for a direct investment).

Which income year a credit fulfils (when the caller does not say): the oldest income
year of the plan whose obligations are not yet met and whose investment window
contains the credit date; if there is none, the newest income year with financials
for the plan.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record_create
from organizations.models import County, Organization, OrganizationKind
from wellness_fund.money import parse_amount

from ..models import (
    CreditSource,
    FinancialYearStatus,
    ObligationCredit,
    PlanFinancialYear,
    SocialDriverDomain,
)
from ..selectors import unmet_income_years_on


def credit_income_year_for(*, plan: Organization, on: datetime.date) -> int:
    """The income year a credit paid on ``on`` fulfils (rule in the module docstring)."""
    years = unmet_income_years_on(plan=plan, on=on)
    if years:
        return years[0]
    newest = (
        PlanFinancialYear.objects.filter(plan=plan)
        .exclude(status=FinancialYearStatus.SUPERSEDED)
        .order_by("-income_year")
        .values_list("income_year", flat=True)
        .first()
    )
    if newest is None:
        raise ValidationError(
            {"income_year": f"{plan.code} has no financial year yet: say which income year the payment fulfils."}
        )
    return newest


def _validate(
    *, plan: Organization, county_amounts: Mapping[County, Decimal], source: str, reference: str,
    domain: str, currency: str, credited_on: datetime.date,
) -> dict[County, Decimal]:
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": f"{plan.code} is not a health plan."})
    if source not in CreditSource.values:
        raise ValidationError({"source": f"Unknown credit source {source!r}; use one of {', '.join(CreditSource.values)}."})
    if not reference or not reference.strip():
        raise ValidationError({"reference": "Name the source record, e.g. wellness_fund.contributionpayment:17."})
    if domain and domain not in SocialDriverDomain.values:
        raise ValidationError({"domain": f"Unknown social-driver domain {domain!r}."})
    if not isinstance(credited_on, datetime.date):
        raise ValidationError({"credited_on": "Give the date the payment was received."})
    if not county_amounts:
        raise ValidationError({"county_amounts": "Give at least one county and amount."})
    fy_currency = (
        PlanFinancialYear.objects.filter(plan=plan).exclude(status=FinancialYearStatus.SUPERSEDED)
        .order_by("-income_year").values_list("currency", flat=True).first()
    ) or "USD"
    if currency != fy_currency:
        raise ValidationError({"currency": f"Credits for {plan.code} are in {fy_currency}, not {currency}."})
    amounts: dict[County, Decimal] = {}
    for county, amount in county_amounts.items():
        if not isinstance(county, County) or county.pk is None:
            raise ValidationError({"county_amounts": f"{county!r} is not a known county."})
        amounts[county] = parse_amount(amount, field="county_amounts")
    return amounts


def obligation_credit_record(
    *,
    actor: Any,
    plan: Organization,
    county_amounts: Mapping[County, Decimal],
    credited_on: datetime.date,
    source: str,
    reference: str,
    payee: Organization | None = None,
    domain: str = "",
    description: str = "",
    income_year: int | None = None,
    currency: str = "USD",
    cha_chip_aligned: bool = False,
    policy_code: str = "",
) -> list[ObligationCredit]:
    """Record the credits of one payment (one per county); idempotent on (source, reference).

    Recording a reference that already has credits returns them and writes nothing.
    The plan's row is locked for the transaction, so concurrent calls are serialized.
    Amounts must be positive with at most two decimals; nothing is written on error.
    """
    amounts = _validate(
        plan=plan, county_amounts=county_amounts, source=source, reference=reference,
        domain=domain, currency=currency, credited_on=credited_on,
    )
    with transaction.atomic():
        # Lock the plan row: concurrent recordings of one payment (or of payments choosing
        # an income year from what is already credited) run one after the other.
        Organization.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).get()
        existing = list(
            ObligationCredit.objects.select_for_update()
            .filter(source=source, reference=reference)
            .order_by("county__name")
        )
        if existing:
            if any(c.plan_id != plan.pk for c in existing):
                raise ValidationError({"reference": f"{reference} is already credited to another plan."})
            return existing
        year = income_year if income_year is not None else credit_income_year_for(plan=plan, on=credited_on)
        if year < 1990 or year > 2200:
            raise ValidationError({"income_year": f"{year} is not an income year."})
        created: list[ObligationCredit] = []
        for county in sorted(amounts, key=lambda c: c.name):
            credit = ObligationCredit(
                plan=plan, income_year=year, county=county, source=source, reference=reference.strip(),
                credited_on=credited_on, amount=amounts[county], amount_currency=currency, payee=payee,
                domain=domain, description=description, cha_chip_aligned=cha_chip_aligned,
                policy_code=policy_code,
            )
            credit.full_clean(exclude=["amount"])
            credit.save()
            record_create(actor=actor, action="reinvestment.credit.record", obj=credit, organization=plan)
            created.append(credit)
    return created
