"""Credits: payments that count toward a plan's reinvestment obligations.

``obligation_credit_record`` is called by the wellness fund when a plan's finance staff
record the plan's contribution, and by ``direct_investment_record`` here. It needs the
plan-finance role in the plan (``AccessDenied`` otherwise, nothing written).
``obligation_credits_record_bulk`` records the credits of many payments of one plan in
one transaction with the same rules (the single call is the bulk call with one request):
a fixed number of queries whatever the number of payments.

Which income year a credit fulfils (when the caller does not say): the oldest income
year of the plan with an obligation the credit qualifies for that is not yet met and
whose investment window contains the credit date; if there is none, the newest income
year with financials for the plan. Each credit is then allocated, in the same
transaction, to the obligations of that year it qualifies for, each up to what it still
needs (when the rule chose the year, then to later years whose window contains the date);
the rest stays unallocated (``services.allocations``). In a bulk call each payment
sees the allocations of the payments before it, exactly as if they had been recorded one
after the other.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q
from django.utils.translation import gettext

from audit.services import record_bulk
from money import parse_amount
from organizations.actors import Actor
from organizations.dates import plausible_date_check
from organizations.models import County, Organization, OrganizationKind

from ..models import (
    CreditSource,
    FinancialYearStatus,
    ObligationCredit,
    PlanFinancialYear,
    SocialDriverDomain,
)
from ._access import require_plan_finance
from .allocations import AllocationPlanner, Share, allocations_write_auto

ZERO = Decimal("0.00")


def credit_income_year_for(
    *, plan: Organization, on: datetime.date, source: str = CreditSource.FUND_CONTRIBUTION
) -> int:
    """The income year a credit of kind ``source`` paid on ``on`` fulfils (rule in the module docstring)."""
    return AllocationPlanner.load(plan).choose_year(source=source, on=on)


@dataclass(frozen=True)
class CreditRequest:
    """The credits of one payment: its amount per county and what it is (one row per county)."""

    county_amounts: Mapping[County, Any]
    credited_on: datetime.date
    source: str
    reference: str
    payee: Organization | None = None
    domain: str = ""
    description: str = ""
    income_year: int | None = None
    currency: str = "USD"
    cha_chip_aligned: bool = False
    policy_code: str = ""


class CreditBatchError(ValidationError):
    """Some requests of a bulk call are bad; ``errors`` maps each one's index (0-based) to its error."""

    def __init__(self, errors: Mapping[int, ValidationError]) -> None:
        self.errors = dict(sorted(errors.items()))
        super().__init__([f"request {i + 1}: {_text(e)}" for i, e in self.errors.items()])


def _text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def income_year_check(year: int | None) -> None:
    """Refuse an income year outside 1990..2200 (None: left to the rule)."""
    if year is not None and (not isinstance(year, int) or not 1990 <= year <= 2200):
        raise ValidationError({"income_year": gettext("%(year)s is not an income year.") % {"year": year}})


def _validate(request: CreditRequest, *, plan: Organization, fy_currency: str) -> dict[County, Decimal]:
    """The request's amounts per county, or a ValidationError naming the field (no query)."""
    if request.source not in CreditSource.values:
        raise ValidationError(
            {"source": gettext("Unknown credit source “%(source)s”; use one of %(known)s.")
                       % {"source": request.source, "known": ", ".join(CreditSource.values)}}
        )
    if not request.reference or not request.reference.strip():
        raise ValidationError({"reference": gettext("Name the source record, e.g. wellness_fund.contributionpayment:17.")})
    if request.domain and request.domain not in SocialDriverDomain.values:
        raise ValidationError({"domain": gettext("Unknown social-driver domain “%(domain)s”.") % {"domain": request.domain}})
    if not isinstance(request.credited_on, datetime.date):
        raise ValidationError({"credited_on": gettext("Give the date the payment was received.")})
    plausible_date_check(request.credited_on, field="credited_on")
    if not request.county_amounts:
        raise ValidationError({"county_amounts": gettext("Give at least one county and amount.")})
    if request.currency != fy_currency:
        raise ValidationError({"currency": gettext("Credits for %(plan)s are in %(currency)s, not %(given)s.")
                                      % {"plan": plan.code, "currency": fy_currency, "given": request.currency}})
    amounts: dict[County, Decimal] = {}
    for county, amount in request.county_amounts.items():
        if not isinstance(county, County) or county.pk is None:
            raise ValidationError({"county_amounts": gettext("“%(county)s” is not a known county.") % {"county": county}})
        amounts[county] = parse_amount(amount, field="county_amounts")
    income_year_check(request.income_year)
    # Field rules of the row itself (lengths); keys, choices and counties were checked above,
    # uniqueness is settled under the plan lock and backed by the database constraint.
    for name in ("reference", "policy_code"):
        column = ObligationCredit._meta.get_field(name)
        limit = column.max_length if isinstance(column, CharField) and column.max_length else 0
        if len(getattr(request, name).strip() if name == "reference" else getattr(request, name)) > limit:
            raise ValidationError({name: gettext("At most %(limit)s characters.") % {"limit": limit}})
    return amounts


def obligation_credits_record_bulk(
    *, actor: Actor, plan: Organization, requests: Sequence[CreditRequest]
) -> list[list[ObligationCredit]]:
    """Record the credits of many payments of ``plan`` (one list per request, in order).

    Same rules as ``obligation_credit_record`` for each request, as if called one after the
    other: a request whose (source, reference) is already credited returns those credits
    and writes nothing (also when it repeats an earlier request of the same call); the
    income year is chosen seeing the credits before it. Every request is validated before
    anything is written; a bad one raises ``CreditBatchError`` naming each bad request, and
    nothing is written. Queries: plan lock, existing credits, financial-year currency, the
    obligations with what they still need (1) and the newest income year (only when a request
    leaves the year open and no window takes it), one INSERT each of credits and allocations
    (when any) and their audit events.
    """
    require_plan_finance(actor, plan)
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": gettext("%(plan)s is not a health plan.") % {"plan": plan.code}})
    fy_currency = (
        PlanFinancialYear.objects.filter(plan=plan).exclude(status=FinancialYearStatus.SUPERSEDED)
        .order_by("-income_year").values_list("currency", flat=True).first()
    ) or "USD"
    errors: dict[int, ValidationError] = {}
    amounts: list[dict[County, Decimal]] = []
    for i, request in enumerate(requests):
        try:
            amounts.append(_validate(request, plan=plan, fy_currency=fy_currency))
        except ValidationError as exc:
            errors[i] = exc
            amounts.append({})
    if errors:
        raise CreditBatchError(errors)
    if not requests:
        return []
    with transaction.atomic():
        # Lock the plan row: concurrent recordings of one payment (or of payments choosing
        # an income year from what is already credited) run one after the other.
        Organization.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).get()
        keys = {(r.source, r.reference) for r in requests}
        match = Q()
        for source in {s for s, _ in keys}:
            match |= Q(source=source, reference__in=[ref for s, ref in keys if s == source])
        existing: dict[tuple[str, str], list[ObligationCredit]] = defaultdict(list)
        for credit in ObligationCredit.objects.select_for_update().filter(match).order_by("county__name"):
            existing[(credit.source, credit.reference)].append(credit)
        planner: AllocationPlanner | None = None
        results: list[list[ObligationCredit]] = []
        created: list[ObligationCredit] = []
        shares: list[list[Share]] = []
        for i, request in enumerate(requests):
            key = (request.source, request.reference)
            if key in existing:
                if any(c.plan_id != plan.pk for c in existing[key]):
                    errors[i] = ValidationError(
                        {"reference": gettext("%(reference)s is already credited to another plan.")
                                     % {"reference": request.reference}}
                    )
                results.append(existing[key])
                continue
            planner = planner or AllocationPlanner.load(plan)
            year = request.income_year
            spill_on = None if year is not None else request.credited_on
            if year is None:
                try:
                    year = planner.choose_year(source=request.source, on=request.credited_on)
                except ValidationError as exc:
                    errors[i] = exc
                    results.append([])
                    continue
            rows = [
                ObligationCredit(
                    plan=plan, income_year=year, county=county, source=request.source,
                    reference=request.reference.strip(), credited_on=request.credited_on,
                    amount=amounts[i][county], amount_currency=request.currency, payee=request.payee,
                    domain=request.domain, description=request.description,
                    cha_chip_aligned=request.cha_chip_aligned, policy_code=request.policy_code,
                )
                for county in sorted(amounts[i], key=lambda c: c.name)
            ]
            shares.extend(
                planner.shares(source=request.source, income_year=year, policy_code=request.policy_code,
                               amount=amounts[i][row.county], on=spill_on)
                for row in rows
            )
            existing[key] = rows
            created.extend(rows)
            results.append(rows)
        if errors:
            raise CreditBatchError(errors)
        ObligationCredit.objects.bulk_create(created)
        record_bulk(actor=actor, action="reinvestment.credit.record", objs=created, organization=plan)
        allocations_write_auto(actor=actor, plan=plan, credits=created, shares=shares)
    return results


def obligation_credit_record(
    *,
    actor: Actor,
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
    request = CreditRequest(
        county_amounts=county_amounts, credited_on=credited_on, source=source, reference=reference,
        payee=payee, domain=domain, description=description, income_year=income_year, currency=currency,
        cha_chip_aligned=cha_chip_aligned, policy_code=policy_code,
    )
    try:
        return obligation_credits_record_bulk(actor=actor, plan=plan, requests=[request])[0]
    except CreditBatchError as exc:
        raise exc.errors[0] from None
