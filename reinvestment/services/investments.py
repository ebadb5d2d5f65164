"""Direct investments: payments from a plan straight to a community organization, or programs the
plan runs itself (``operated_by_plan``: a vaccination van, a promotores program), whose payee is
recorded as the plan itself (the database refuses any other combination) and which therefore never
count as payments to an SDOH/equity partner (``reinvestment.earmarks``).

Recording one also records its credit toward the plan's obligations (source
``direct_investment``, reference ``reinvestment.directinvestment:<id>``) in the same
transaction, so fulfilment and the list of investments never disagree.

``purchaser_payment_record`` records what a plan paid the purchaser under a premium-at-risk
obligation (Covered California's Quality Transformation Fund, CalPERS): money paid to the
purchaser, not to the community, so it counts only toward premium-at-risk obligations and
community payments never count toward those.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from audit.services import record_create
from money import parse_amount, split_largest_remainder
from organizations.actors import Actor
from organizations.dates import plausible_date_check
from organizations.models import County, Organization, OrganizationKind

from ..models import (
    CreditSource,
    DirectInvestment,
    Obligation,
    ObligationCredit,
    ObligationStatus,
    PolicyBasis,
    SocialDriverDomain,
)
from ..references import SourceKind, SourceRef
from ._access import require_plan_finance
from .credits import credit_income_year_for, obligation_credit_record


def direct_investment_record(
    *,
    actor: Actor,
    plan: Organization,
    payee: Organization | None = None,
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
    operated_by_plan: bool = False,
) -> DirectInvestment:
    """Record a direct investment and its credit (income year by the credit rule when not given).

    ``operated_by_plan``: a program the plan runs itself; ``payee`` is then omitted (or the plan).
    Otherwise ``payee`` is the community organization paid, never a plan.
    """
    require_plan_finance(actor, plan)
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": gettext("%(plan)s is not a health plan.") % {"plan": plan.code}})
    if not isinstance(operated_by_plan, bool):
        raise ValidationError({"operated_by_plan": gettext("Say whether the plan operates the program itself.")})
    if operated_by_plan:
        if payee is not None and payee.pk != plan.pk:
            raise ValidationError({"payee": gettext("A program the plan operates itself has no other payee.")})
        payee = plan
    elif payee is None:
        raise ValidationError({"payee": gettext("Name the community organization paid, or record that the plan "
                                                "operates the program itself.")})
    elif payee.pk == plan.pk or payee.kind == OrganizationKind.PLAN:
        raise ValidationError({"payee": gettext("A direct investment is paid to a community organization, not a plan; "
                                                "a program the plan runs itself is recorded as operated by the "
                                                "plan.")})
    if not purpose or not purpose.strip():
        raise ValidationError({"purpose": gettext("Say what the investment pays for.")})
    if domain not in SocialDriverDomain.values:
        raise ValidationError({"domain": gettext("Unknown social-driver domain “%(domain)s”.") % {"domain": domain}})
    if not isinstance(paid_on, datetime.date):
        raise ValidationError({"paid_on": gettext("Give the date the payment was made.")})
    plausible_date_check(paid_on, field="paid_on")
    value = parse_amount(amount, field="amount")
    with transaction.atomic():
        year = income_year if income_year is not None else credit_income_year_for(
            plan=plan, on=paid_on, source=CreditSource.DIRECT_INVESTMENT)
        investment = DirectInvestment(
            plan=plan, payee=payee, purpose=purpose.strip(), county=county, domain=domain, paid_on=paid_on,
            amount=value, amount_currency=currency, cha_chip_aligned=cha_chip_aligned,
            cac_consulted=cac_consulted, income_year=year, policy_code=policy_code,
            operated_by_plan=operated_by_plan,
        )
        investment.full_clean(exclude=["amount"])
        investment.save()
        record_create(actor=actor, action="reinvestment.direct_investment.record", obj=investment,
                      organization=plan)
        obligation_credit_record(
            actor=actor, plan=plan, county_amounts={county: value}, credited_on=paid_on,
            source=CreditSource.DIRECT_INVESTMENT, reference=str(SourceRef(SourceKind.DIRECT_INVESTMENT, investment.pk)),
            payee=payee, domain=domain, description=purpose.strip(), income_year=year, currency=currency,
            cha_chip_aligned=cha_chip_aligned, policy_code=policy_code,
        )
    return investment


def purchaser_payment_record(
    *,
    actor: Actor,
    obligation: Obligation,
    amount: Decimal | str,
    paid_on: datetime.date,
    reference: str,
    county: County | None = None,
) -> list[ObligationCredit]:
    """Record a payment to the purchaser under a premium-at-risk ``obligation`` (plan finance).

    Its credits are split across the obligation's counties in proportion to the county
    allocation (largest remainder), or all in ``county`` when given, and allocated to the
    obligation. Idempotent on ``reference`` (the purchaser's invoice or transfer reference).
    """
    require_plan_finance(actor, obligation.plan)
    ref = (reference or "").strip()
    if not ref:
        raise ValidationError({"reference": gettext("Give the purchaser's invoice or transfer reference.")})
    basis = obligation.policy_snapshot.get("basis") if obligation.policy_snapshot else None
    if (basis or obligation.policy.basis) != PolicyBasis.PREMIUM_AT_RISK:
        raise ValidationError(
            {"obligation": gettext("%(policy)s is not a premium-at-risk obligation; record community payments as "
                                   "contributions or direct investments.") % {"policy": obligation.policy_code}}
        )
    if obligation.status == ObligationStatus.SUPERSEDED:
        raise ValidationError({"obligation": gettext("That obligation was superseded by an amendment; use the live one.")})
    if not isinstance(paid_on, datetime.date):
        raise ValidationError({"paid_on": gettext("Give the date the payment was made.")})
    plausible_date_check(paid_on, field="paid_on")
    value = parse_amount(amount, field="amount")
    if county is not None:
        parts = {county: value}
    else:
        weights = {a.county: a.amount.amount for a in obligation.allocations.select_related("county")}
        if not weights or sum(weights.values()) <= 0:
            raise ValidationError({"county": gettext("The obligation has no county allocation: name the county.")})
        parts = {c: p for c, p in split_largest_remainder(value, weights).items() if p > 0}
    return obligation_credit_record(
        actor=actor, plan=obligation.plan, county_amounts=parts, credited_on=paid_on,
        source=CreditSource.PURCHASER_PAYMENT, reference=f"purchaser:{obligation.policy_code}:{ref}",
        description=f"Premium-at-risk payment to the purchaser ({obligation.policy_code} {obligation.income_year})",
        income_year=obligation.income_year, currency=obligation.currency, policy_code=obligation.policy_code,
    )
