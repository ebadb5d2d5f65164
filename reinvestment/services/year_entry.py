"""Entering a plan's financial year, and computing its obligation under a policy in the same step.

Plan finance records a year's audited figures and usually wants the obligation right away:
``financial_year_enter`` records the draft year (``financial_year_create``) and, when a policy
code is given, computes its obligation (``obligation_compute``), in one transaction. Each step
writes its audit event in that transaction; when the computation is refused (no policy
version covers the income year, an input the policy needs is missing) the year is not
recorded either, so the figures can be corrected and sent again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from organizations.actors import Actor
from organizations.models import Organization

from ..models import PlanFinancialYear
from ._access import require_plan_finance
from .financials import financial_year_create
from .obligations import obligation_compute


def financial_year_enter(
    *, actor: Actor, plan: Organization, income_year: int, total_revenue: Decimal | str,
    net_income: Decimal | str, policy_code: str = "", **figures: Any,
) -> PlanFinancialYear:
    """Record ``plan``'s ``income_year`` as a draft and, with ``policy_code``, compute its obligation.

    The other ``figures``: see ``financials.FIGURES``.
    Needs the plan-finance role in ``plan``; ValidationError (nothing written) on bad input.
    """
    require_plan_finance(actor, plan)
    with transaction.atomic():
        year = financial_year_create(actor=actor, plan=plan, income_year=income_year,
                                     total_revenue=total_revenue, net_income=net_income, **figures)
        if policy_code:
            obligation_compute(actor=actor, financial_year=year, policy_code=policy_code)
    return year
