"""Obligations: computed from a financial year by a policy version, allocated to counties.

* ``obligation_compute`` creates or recomputes the obligation of a year under a policy
  (the version in effect for the income year) while the year is open.
* Recomputing replaces the lines, total and county allocation, audited before/after.
* Locking the year freezes its obligations: status ``frozen`` with the snapshot of the
  inputs and policy terms they were computed with; they never change again.
* Amending a locked year supersedes its obligations and computes new ones.

County allocation: the policy's ``allocation_basis`` gives each county a weight
(member months of the income year in the year's line of business, or the county's revenue /
net income share; negative net income weighs nothing) and ``split_largest_remainder`` splits
the total so the county amounts add up to it exactly. With no weights there is no allocation (shown as such).
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from moneyed import Money

from audit.services import record, snapshot
from money import split_largest_remainder
from organizations.actors import Actor
from organizations.models import Organization, OrganizationKind

from ..applicability import applicability_problem, applicable_policies
from ..calculation import (
    FinancialInputs,
    Line,
    ObligationResult,
    PolicyTerms,
    compute_obligation,
    dollars,
)
from ..models import (
    AllocationBasis,
    CountyFinancial,
    FinancialYearStatus,
    Obligation,
    ObligationAllocation,
    ObligationStatus,
    PlanFinancialYear,
    ReinvestmentPolicy,
)
from ..selectors import member_months_by_county, policy_for, policy_snapshot, policy_terms
from ._access import require_plan_finance
from .allocations import allocations_after_compute

OBLIGATION_AUDIT_FIELDS = [
    "policy", "policy_code", "policy_version", "total", "lines", "mlr_remittance", "mlr_lines",
    "window_start", "window_end", "deadline", "status", "frozen_at",
]


def inputs_for(year: PlanFinancialYear, terms: PolicyTerms) -> FinancialInputs:
    """The calculation inputs of a financial year (measures missed counted among the policy's)."""
    measures_missed = None
    if terms.quality_measures:
        measures_missed = len(set(year.quality_measures_missed) & set(terms.quality_measures))
    return FinancialInputs(
        revenue=year.total_revenue.amount,
        net_income=year.net_income.amount,
        currency=year.currency,
        pretax_income=year.pretax_income.amount if year.pretax_income is not None else None,
        quality_missed=not year.quality_standards_met,
        mlr_numerator=year.mlr_numerator.amount if year.mlr_numerator is not None else None,
        mlr_denominator=year.mlr_denominator.amount if year.mlr_denominator is not None else None,
        gross_premium=year.gross_premium.amount if year.gross_premium is not None else None,
        measures_missed=measures_missed,
    )


def allocation_weights(year: PlanFinancialYear, basis: str) -> dict[int, Decimal]:
    """County id -> weight for the policy's allocation basis (one query)."""
    if basis == AllocationBasis.MEMBER_MONTHS:
        # The members of the year's own line of business (a Medi-Cal obligation never weighs
        # commercial enrollment, nor the reverse).
        weights = {cid: Decimal(n) for cid, n in member_months_by_county(
            plan=year.plan, year=year.income_year, line_of_business=year.line_of_business_id).items()}
    else:
        field = "revenue" if basis == AllocationBasis.REVENUE else "net_income"
        weights = {
            cid: max(Decimal(v), Decimal(0))
            for cid, v in CountyFinancial.objects.filter(financial_year=year).values_list("county_id", field)
        }
    return {cid: w for cid, w in weights.items() if w > 0}


def window_for(policy: ReinvestmentPolicy, income_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the investment window (years counted after the income year)."""
    return (
        datetime.date(income_year + policy.window_start_offset, 1, 1),
        datetime.date(income_year + policy.window_end_offset, 12, 31),
    )


def _write(obligation: Obligation, year: PlanFinancialYear, policy: ReinvestmentPolicy,
           result: ObligationResult, inputs: FinancialInputs, weights: dict[int, Decimal]) -> None:
    start, end = window_for(policy, year.income_year)
    obligation.policy = policy
    obligation.policy_code = policy.code
    obligation.policy_version = policy.version
    obligation.currency = policy.currency
    obligation.total = Money(result.total, policy.currency)
    obligation.lines = [line.as_json() for line in result.lines]
    obligation.mlr_remittance = Money(result.mlr_remittance, policy.currency)
    obligation.mlr_lines = [line.as_json() for line in result.mlr_lines]
    obligation.window_start, obligation.window_end, obligation.deadline = start, end, end
    obligation.inputs_snapshot = inputs.as_json() | {
        "financial_year_id": year.pk,
        "income_year": year.income_year,
        "allocation_weights": {str(cid): str(w) for cid, w in sorted(weights.items())},
    }
    obligation.policy_snapshot = policy_snapshot(policy)
    obligation.computed_at = timezone.now()
    obligation.save()
    obligation.allocations.all().delete()
    if weights and result.total > 0:
        parts = split_largest_remainder(result.total, weights)
        ObligationAllocation.objects.bulk_create([
            ObligationAllocation(obligation=obligation, county_id=cid, weight=weights[cid], amount=parts[cid],
                                 amount_currency=policy.currency)
            for cid in sorted(parts)
        ])


def obligation_compute(*, actor: Actor, financial_year: PlanFinancialYear, policy_code: str) -> Obligation:
    """Create or recompute the obligation of an open year under ``policy_code``.

    ValidationError when no version covers the income year, the version in effect does not
    apply to the year (wrong jurisdiction or line of business; see ``applicability``), the
    currencies differ, an input the policy needs is missing, or the year is locked (nothing
    is written).
    """
    require_plan_finance(actor, financial_year.plan)
    with transaction.atomic():
        year = PlanFinancialYear.objects.select_for_update().select_related("plan").get(pk=financial_year.pk)
        if year.is_locked:
            raise ValidationError(
                {"status": gettext("Income year %(year)s is %(status)s: its obligations are frozen.")
                           % {"year": year.income_year, "status": year.get_status_display().lower()}}
            )
        policy = policy_for(code=policy_code, year=year.income_year)
        problem = applicability_problem(policy, year)
        if problem:
            raise ValidationError({"policy": problem})
        terms = policy_terms(policy)
        inputs = inputs_for(year, terms)
        result = _rebate_split(policy, year, compute_obligation(terms, inputs))
        weights = allocation_weights(year, policy.allocation_basis)
        obligation = (
            Obligation.objects.select_for_update()
            .filter(financial_year=year, policy_code=policy.code, status=ObligationStatus.CURRENT)
            .first()
        )
        if obligation is None:
            obligation = Obligation(plan=year.plan, financial_year=year, income_year=year.income_year)
            _write(obligation, year, policy, result, inputs, weights)
            record(actor=actor, action="reinvestment.obligation.compute", obj=obligation,
                   after=snapshot(obligation, OBLIGATION_AUDIT_FIELDS) | {"allocation": _alloc(obligation)},
                   organization=year.plan)
        else:
            before = snapshot(obligation, OBLIGATION_AUDIT_FIELDS) | {"allocation": _alloc(obligation)}
            _write(obligation, year, policy, result, inputs, weights)
            after = snapshot(obligation, OBLIGATION_AUDIT_FIELDS) | {"allocation": _alloc(obligation)}
            if before != after:
                record(actor=actor, action="reinvestment.obligation.recompute", obj=obligation,
                       before=before, after=after, organization=year.plan)
        allocations_after_compute(actor=actor, obligation=obligation)
    return obligation


def _rebate_split(policy: ReinvestmentPolicy, year: PlanFinancialYear, result: ObligationResult) -> ObligationResult:
    """Where the plan may keep an MLR rebate to reinvest, the obligation is the part it reinvests.

    The lines show the rebate, then what was returned to the state (a negative line), so they
    still add up to the total. Until the split is entered, nothing counts as reinvested and a
    line says so. ValidationError when reinvested + returned is not the rebate.
    """
    if not policy.rebate_reinvestment_optional:
        return result
    rebate = result.total
    reinvested, returned = year.mlr_rebate_reinvested, year.mlr_rebate_returned
    if reinvested is None or returned is None:
        if rebate <= 0:
            return result
        line = Line(f"MLR rebate split not entered (reinvested / returned): nothing counted as reinvested yet "
                    f"= -{dollars(rebate)}", -rebate)
        return dataclasses.replace(result, lines=(*result.lines, line))
    if reinvested.amount + returned.amount != rebate:
        raise ValidationError({"mlr_rebate_reinvested": (
            gettext("The MLR rebate under %(policy)s is %(rebate)s; reinvested %(reinvested)s + returned "
                    "%(returned)s = %(sum)s.")
            % {"policy": policy.code, "rebate": dollars(rebate), "reinvested": dollars(reinvested.amount),
               "returned": dollars(returned.amount), "sum": dollars(reinvested.amount + returned.amount)})})
    if rebate <= 0:
        return result
    line = Line(f"Returned to the state: {dollars(returned.amount)} of the {dollars(rebate)} MLR rebate "
                f"(reinvested in the community: {dollars(reinvested.amount)}) = -{dollars(returned.amount)}",
                -returned.amount)
    return dataclasses.replace(result, lines=(*result.lines, line))


def obligations_compute_applicable(*, actor: Actor, financial_year: PlanFinancialYear) -> list[Obligation]:
    """Compute (or recompute) the obligation of an open year under every policy that applies to it."""
    require_plan_finance(actor, financial_year.plan)
    with transaction.atomic():
        return [obligation_compute(actor=actor, financial_year=financial_year, policy_code=p.code)
                for p in applicable_policies(financial_year)]


def _alloc(obligation: Obligation) -> dict[str, str]:
    return {str(cid): str(amount) for cid, amount in obligation.allocations.values_list("county_id", "amount")}


def obligations_recompute(*, actor: Actor, financial_year: PlanFinancialYear) -> list[Obligation]:
    """Recompute every current obligation of an open year (after its inputs changed)."""
    require_plan_finance(actor, financial_year.plan)
    codes = list(
        Obligation.objects.filter(financial_year=financial_year, status=ObligationStatus.CURRENT)
        .order_by("policy_code").values_list("policy_code", flat=True)
    )
    return [obligation_compute(actor=actor, financial_year=financial_year, policy_code=c) for c in codes]


def obligations_recompute_for_plan_year(*, actor: Actor, plan: Organization, income_year: int) -> list[Obligation]:
    """Recompute the obligations of a plan's open years of ``income_year`` (one per line of business),
    after its member months changed."""
    require_plan_finance(actor, plan)
    years = (
        PlanFinancialYear.objects.filter(plan=plan, income_year=income_year)
        .exclude(status__in=[FinancialYearStatus.LOCKED, FinancialYearStatus.SUPERSEDED])
        .order_by("pk")
    )
    return [o for year in years for o in obligations_recompute(actor=actor, financial_year=year)]


def obligations_freeze(*, actor: Actor, financial_year: PlanFinancialYear) -> list[Obligation]:
    """Freeze the current obligations of a year being locked (inside the lock's transaction)."""
    require_plan_finance(actor, financial_year.plan)
    now = timezone.now()
    frozen = []
    for obligation in Obligation.objects.select_for_update().filter(
        financial_year=financial_year, status=ObligationStatus.CURRENT
    ).order_by("pk"):
        obligation.status = ObligationStatus.FROZEN
        obligation.frozen_at = now
        obligation.save(update_fields=["status", "frozen_at"])
        record(actor=actor, action="reinvestment.obligation.freeze", obj=obligation,
               before={"status": ObligationStatus.CURRENT}, after={"status": obligation.status},
               organization=financial_year.plan)
        frozen.append(obligation)
    return frozen


def obligations_supersede(*, actor: Actor, financial_year: PlanFinancialYear) -> list[str]:
    """Mark the live obligations of an amended year superseded; returns their policy codes."""
    require_plan_finance(actor, financial_year.plan)
    codes = []
    for obligation in Obligation.objects.select_for_update().filter(
        financial_year=financial_year, status__in=[ObligationStatus.CURRENT, ObligationStatus.FROZEN]
    ).order_by("policy_code"):
        before = {"status": obligation.status}
        obligation.status = ObligationStatus.SUPERSEDED
        obligation.frozen_at = obligation.frozen_at or timezone.now()
        obligation.save(update_fields=["status", "frozen_at"])
        record(actor=actor, action="reinvestment.obligation.supersede", obj=obligation, before=before,
               after={"status": obligation.status}, organization=financial_year.plan)
        codes.append(obligation.policy_code)
    return codes


def obligation_mlr_recipient_set(*, actor: Actor, obligation: Obligation, fund_code: str = "",
                                 recipient: Organization | None = None) -> Obligation:
    """Name who receives the obligation's MLR remittance: a state agency (``recipient``, a
    regulator organization of the plan's state), or a wellness fund (``fund_code``, with
    ``recipient`` the ACH that holds it, when given). The wellness fund side names its funds,
    so the code is checked there (pages and the API offer only existing funds)."""
    require_plan_finance(actor, obligation.plan)
    fund_code = (fund_code or "").strip()
    if obligation.mlr_remittance.amount <= 0:
        raise ValidationError({"fund_code": gettext("This obligation has no MLR remittance to direct.")})
    if recipient is not None and recipient.kind == OrganizationKind.REGULATOR:
        if recipient.jurisdiction != obligation.plan.jurisdiction:
            raise ValidationError({"recipient": gettext("%(recipient)s is not a state agency of %(state)s.")
                                   % {"recipient": recipient, "state": obligation.plan.jurisdiction}})
        fund_code = ""
    elif recipient is not None and recipient.kind != OrganizationKind.ACH:
        raise ValidationError({"recipient": gettext("The remittance goes to a state agency or to a wellness fund's ACH.")})
    elif not fund_code or len(fund_code) > 50:
        raise ValidationError({"fund_code": gettext("Give the code of the wellness fund that receives the remittance.")})
    fields = ["mlr_remittance_fund_code", "mlr_remittance_recipient"]
    with transaction.atomic():
        before = {"mlr_remittance_fund_code": obligation.mlr_remittance_fund_code,
                  "mlr_remittance_recipient": obligation.mlr_remittance_recipient_id}
        obligation.mlr_remittance_fund_code = fund_code
        obligation.mlr_remittance_recipient = recipient
        obligation.save(update_fields=fields)
        record(actor=actor, action="reinvestment.obligation.mlr_recipient", obj=obligation, before=before,
               after={"mlr_remittance_fund_code": fund_code,
                      "mlr_remittance_recipient": recipient.pk if recipient else None},
               organization=obligation.plan)
    return obligation
