"""Direct investments: payments from a plan straight to a community organization.

Recording one also records its credit toward the plan's obligations (source
``direct_investment``, reference ``reinvestment.directinvestment:<id>``) in the same
transaction, so fulfilment and the list of investments never disagree.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record_create
from money import parse_amount
from organizations.models import County, Organization, OrganizationKind

from ..models import CreditSource, DirectInvestment, SocialDriverDomain
from ._access import require_plan_finance
from .credits import credit_income_year_for, obligation_credit_record


def direct_investment_record(
    *,
    actor: Any,
    plan: Organization,
    payee: Organization,
    purpose: str,
    county: County,
    domain: str,
    paid_on: datetime.date,
    amount: Decimal | str,
    cha_chip_aligned: bool,
    cac_consulted: bool,
    income_year: int | None = None,
    policy_code: str = "",
    currency: str = "USD",
) -> DirectInvestment:
    """Record a direct investment and its credit (income year by the credit rule when not given)."""
    require_plan_finance(actor, plan)
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": f"{plan.code} is not a health plan."})
    if payee.pk == plan.pk or payee.kind == OrganizationKind.PLAN:
        raise ValidationError({"payee": "A direct investment is paid to a community organization, not a plan."})
    if not purpose or not purpose.strip():
        raise ValidationError({"purpose": "Say what the investment pays for."})
    if domain not in SocialDriverDomain.values:
        raise ValidationError({"domain": f"Unknown social-driver domain {domain!r}."})
    if not isinstance(paid_on, datetime.date):
        raise ValidationError({"paid_on": "Give the date the payment was made."})
    value = parse_amount(amount, field="amount")
    with transaction.atomic():
        year = income_year if income_year is not None else credit_income_year_for(plan=plan, on=paid_on)
        investment = DirectInvestment(
            plan=plan, payee=payee, purpose=purpose.strip(), county=county, domain=domain, paid_on=paid_on,
            amount=value, amount_currency=currency, cha_chip_aligned=cha_chip_aligned,
            cac_consulted=cac_consulted, income_year=year, policy_code=policy_code,
        )
        investment.full_clean(exclude=["amount"])
        investment.save()
        record_create(actor=actor, action="reinvestment.direct_investment.record", obj=investment,
                      organization=plan)
        obligation_credit_record(
            actor=actor, plan=plan, county_amounts={county: value}, credited_on=paid_on,
            source=CreditSource.DIRECT_INVESTMENT, reference=f"reinvestment.directinvestment:{investment.pk}",
            payee=payee, domain=domain, description=purpose.strip(), income_year=year, currency=currency,
            cha_chip_aligned=cha_chip_aligned, policy_code=policy_code,
        )
    return investment
