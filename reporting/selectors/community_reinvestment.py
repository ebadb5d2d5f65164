"""Plain data for the Community Reinvestment Report of one plan and income year.

Sources: the plan's live financial year, its live obligation (computation lines,
county allocation, policy snapshot), the obligation credits behind fulfilment
(wellness fund contributions and direct investments), and the grants of the
wellness funds that received this year's contributions.

Attribution of grants: a fund's awards count toward a plan in proportion to the
plan's share of the fund's receipts: share = (the plan's payments into the fund
credited to this income year) / (all receipts of the fund: contribution payments
and other receipts); attributed = round_cents(award amount x share). Awards
cancelled are left out.

Outcomes and people served come from the grants roll-ups
(``grants.selectors.rollups.plan_outcomes``): accepted grantee reports of awards in the
restrictions the plan contributed to; people counts pass through
``reporting.suppression.suppress`` with the ``DisclosureRule`` threshold.

Queries do not grow with the number of credits, grants or counties (see
``tests/reporting/test_selectors.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone

from money import round_cents
from organizations.models import Membership, Organization, OrganizationKind, Role
from reinvestment.models import (
    DirectInvestment,
    FinancialYearStatus,
    Obligation,
    ObligationCredit,
    PlanFinancialYear,
    ReinvestmentPolicy,
)
from reinvestment.models.policies import AllocationBasis, SocialDriverDomain
from reinvestment.selectors import LIVE, obligation_status

from . import disclosure_threshold

ZERO = Decimal("0.00")
PAYMENT_PREFIX = "wellness_fund.contributionpayment:"
DIRECT_PREFIX = "reinvestment.directinvestment:"
DOMAIN_LABELS = dict(SocialDriverDomain.choices)
STATUS_LABELS = {"met": "Met", "on_track": "On track", "at_risk": "At risk", "shortfall": "Shortfall"}


def _plan(code: str) -> Organization:
    plan = Organization.objects.filter(code=code, kind=OrganizationKind.PLAN).first()
    if plan is None:
        raise ValidationError({"plan": f"No health plan with code {code!r}."})
    return plan


def _financial_year(plan: Organization, year: int) -> PlanFinancialYear:
    fy = (PlanFinancialYear.objects.filter(plan=plan, income_year=year)
          .exclude(status=FinancialYearStatus.SUPERSEDED).first())
    if fy is None:
        raise ValidationError({"year": f"{plan.code} has no financials for income year {year}."})
    return fy


def _obligation(plan: Organization, year: int) -> Obligation:
    obligation = (Obligation.objects.filter(plan=plan, income_year=year, status__in=LIVE)
                  .select_related("policy").order_by("policy_code").first())
    if obligation is not None:
        return obligation
    policies = ReinvestmentPolicy.objects.filter(jurisdiction=plan.jurisdiction, effective_from_year__lte=year).filter(
        Q(effective_to_year__isnull=True) | Q(effective_to_year__gte=year))
    if not policies.exists():
        raise ValidationError({"policy": (
            f"No reinvestment policy of {plan.jurisdiction or 'the plan’s jurisdiction'} covers income "
            f"year {year}, so {plan.code} has no obligation to report.")})
    raise ValidationError({"year": f"{plan.code} has no obligation computed for income year {year}."})


def resolve(params: Mapping[str, Any]) -> Organization:
    """The plan, after checking it has financials and an obligation for the year (3-4 queries)."""
    plan = _plan(params["plan"])
    _financial_year(plan, params["year"])
    _obligation(plan, params["year"])
    return plan


def _money(value: Any) -> Decimal:
    return value.amount if hasattr(value, "amount") else Decimal(value)


def _grants(plan: Organization, year: int, credits: list[dict[str, Any]]) -> dict[str, Any]:
    """Awards of the funds this year's contributions went to, with the attributed share (5 queries)."""
    try:
        from grants.models import Award, AwardStatus
        from wellness_fund.models import ContributionPayment, OtherReceipt
    except ImportError:  # pragma: no cover - the grants part is always installed
        return {"grants": [], "community_input": [], "records": []}
    payment_ids = [int(c["reference"].removeprefix(PAYMENT_PREFIX)) for c in credits
                   if c["reference"].startswith(PAYMENT_PREFIX)]
    paid = defaultdict(lambda: ZERO)
    for fund_id, amount in (ContributionPayment.objects.filter(pk__in=set(payment_ids))
                            .values_list("agreement__fund_id", "amount")):
        paid[fund_id] += amount
    if not paid:
        return {"grants": [], "community_input": [], "records": []}
    receipts = defaultdict(lambda: ZERO)
    for fund_id, total in (ContributionPayment.objects.filter(agreement__fund_id__in=list(paid))
                           .values("agreement__fund_id").annotate(s=Sum("amount")).order_by()
                           .values_list("agreement__fund_id", "s")):
        receipts[fund_id] += total
    for fund_id, total in (OtherReceipt.objects.filter(funding_source__fund_id__in=list(paid))
                           .values("funding_source__fund_id").annotate(s=Sum("amount")).order_by()
                           .values_list("funding_source__fund_id", "s")):
        receipts[fund_id] += total
    share = {fund_id: (paid[fund_id] / receipts[fund_id]) if receipts[fund_id] else Decimal(0)
             for fund_id in paid}
    awards = list(
        Award.objects.filter(fund_id__in=list(paid)).exclude(status=AwardStatus.CANCELLED)
        .select_related("grantee", "fund", "application", "decision__item__meeting__body")
        .prefetch_related("application__counties").order_by("committed_on", "id"))
    rows, meetings = [], {}
    for a in awards:
        counties = sorted(c.name for c in a.application.counties.all())
        domains = a.application.domains or []
        amount = a.amount.amount
        rows.append({
            "fund": a.fund.name, "award": a.commitment_reference, "grantee": str(a.grantee),
            "county": ", ".join(counties) or "—",
            "domain": ", ".join(DOMAIN_LABELS.get(d, d) for d in domains) or "—",
            "amount": amount, "attributed": round_cents(amount * share[a.fund_id]),
            "share": share[a.fund_id].quantize(Decimal("0.000001")), "date": a.committed_on,
        })
        meeting = a.decision.item.meeting
        meetings[meeting.pk] = {
            "date": timezone.localdate(meeting.scheduled_at), "body": meeting.body.name,
            "summary": f"{meeting.title}: public board meeting that decided awards funded in part by the plan.",
        }
    return {"grants": rows, "community_input": sorted(meetings.values(), key=lambda m: m["date"]),
            "records": [{"record": "grant award", "reference": g["award"], "county": g["county"],
                         "date": g["date"], "amount": g["attributed"],
                         "description": f"{g['grantee']} ({g['fund']}), attributed share {g['share']}"}
                        for g in rows]}


def _outcomes(plan: Organization, credits: list[dict[str, Any]], threshold: int) -> dict[str, Any]:
    """Outcomes and people served from the grants roll-ups (small cells suppressed), for the
    funds this year's contributions went to (2 queries when none; constant otherwise)."""
    from grants.selectors.rollups import plan_outcomes
    from wellness_fund.models import ContributionPayment

    from ..suppression import suppress

    payment_ids = {int(c["reference"].removeprefix(PAYMENT_PREFIX)) for c in credits
                   if c["reference"].startswith(PAYMENT_PREFIX)}
    fund_ids = set(ContributionPayment.objects.filter(pk__in=payment_ids)
                   .values_list("agreement__fund_id", flat=True)) if payment_ids else set()
    data = plan_outcomes(plan=plan, fund_ids=fund_ids, suppressor=lambda rows: suppress(rows, threshold))
    data["people_served"] = {"suppression_threshold": threshold, **data["people_served"]}
    for row in data["outcomes"]:  # shown as text: whole numbers without decimals, missing as a dash
        for key in ("target", "actual"):
            value = row[key]
            row[key] = "—" if value is None else (
                f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}")
    return data


def community_reinvestment_data(params: Mapping[str, Any], as_of: dt.date | None = None) -> dict[str, Any]:
    """Everything the report shows, as plain data (Decimal money, dates).

    Queries (constant): plan, financial year, obligation with policy, allocations,
    credits, direct investments, compliance officer, disclosure rule, and the grants
    queries of ``_grants``.
    """
    plan = _plan(params["plan"])
    year = int(params["year"])
    fy = _financial_year(plan, year)
    obligation = _obligation(plan, year)
    as_of = as_of or timezone.localdate()
    snapshot = obligation.policy_snapshot or {}
    allocations = list(obligation.allocations.select_related("county").order_by("county__name"))
    credits = list(
        ObligationCredit.objects.filter(plan=plan, income_year=year, credited_on__lte=as_of)
        .filter(Q(policy_code="") | Q(policy_code=obligation.policy_code))
        .order_by("credited_on", "id")
        .values("source", "reference", "county__name", "county_id", "payee__legal_name",
                "payee__display_name", "domain", "cha_chip_aligned", "amount", "credited_on", "description"))
    direct_ids = {int(c["reference"].removeprefix(DIRECT_PREFIX)) for c in credits
                  if c["reference"].startswith(DIRECT_PREFIX)}
    consulted = dict(DirectInvestment.objects.filter(pk__in=direct_ids).values_list("pk", "cac_consulted"))
    total = obligation.total.amount
    fulfilled = sum((c["amount"] for c in credits), ZERO)
    by_county: dict[int, Decimal] = defaultdict(lambda: ZERO)
    investments, by_domain = [], defaultdict(lambda: ZERO)
    for c in credits:
        by_county[c["county_id"]] += c["amount"]
        direct = c["reference"].startswith(DIRECT_PREFIX)
        domain = DOMAIN_LABELS.get(c["domain"], c["domain"]) or "Not tagged"
        by_domain[domain] += c["amount"]
        investments.append({
            "source": c["source"], "source_label": "Direct" if direct else "Wellness fund",
            "reference": c["reference"],
            "payee": c["payee__display_name"] or c["payee__legal_name"] or "—",
            "county": c["county__name"], "domain": domain, "cha_chip_aligned": c["cha_chip_aligned"],
            "advisory_committee_consulted": consulted.get(int(c["reference"].removeprefix(DIRECT_PREFIX)))
            if direct else None,
            "amount": c["amount"], "date": c["credited_on"],
        })
    weight_total = sum((a.weight for a in allocations), Decimal(0))
    counties = []
    for a in allocations:
        got = by_county.get(a.county_id, ZERO)
        counties.append({
            "county": a.county.name, "fips": a.county.fips,
            "basis": int(a.weight) if a.weight == a.weight.to_integral_value() else a.weight,
            "share": (a.weight / weight_total).quantize(Decimal("0.0001")) if weight_total else Decimal(0),
            "allocated": a.amount.amount, "fulfilled": got, "remaining": max(a.amount.amount - got, ZERO),
        })
    earmarks = []
    for e in snapshot.get("earmarks", []):
        required = round_cents(total * Decimal(e["minimum_share"]))
        got = sum((c["amount"] for c in credits
                   if (not e.get("domains") or c["domain"] in e["domains"])
                   and (not e.get("requires_cha_chip_alignment") or c["cha_chip_aligned"])), ZERO)
        earmarks.append({"name": e["label"], "required_share": Decimal(e["minimum_share"]),
                         "required_amount": required, "actual": got, "met": got >= required})
    status = obligation_status(total=total, fulfilled=fulfilled, as_of=as_of,
                               window_start=obligation.window_start, window_end=obligation.window_end,
                               pace=Decimal(snapshot.get("on_track_min_pace", "1")))
    officer = (Membership.objects.filter(organization=plan, role=Role.PLAN_COMPLIANCE, is_active=True)
               .select_related("user").order_by("id").first())
    grants = _grants(plan, year, credits)
    threshold = disclosure_threshold(on=dt.date(year, 12, 31))
    outcomes = _outcomes(plan, credits, threshold)
    quality = ("Met minimum quality performance levels" if fy.quality_standards_met else
               "Missed minimum quality performance levels"
               + (f" ({', '.join(fy.quality_measures_missed)})" if fy.quality_measures_missed else ""))
    return {
        "kind": "community-reinvestment",
        "plan": {"code": plan.code, "name": str(plan), "legal_name": plan.legal_name,
                 "jurisdiction": plan.jurisdiction},
        "income_year": year,
        "as_of": as_of,
        "investment_window": {"start": obligation.window_start, "end": obligation.window_end},
        "deadline": obligation.deadline,
        "status": STATUS_LABELS.get(status, status),
        "financials": {"revenue": fy.total_revenue.amount, "net_income": fy.net_income.amount,
                       "quality_result": quality},
        "policy": {"name": snapshot.get("name") or obligation.policy.name,
                   "version": str(obligation.policy_version),
                   "citation": snapshot.get("source_citation") or obligation.policy.source_citation},
        "computation": [{"label": ln["text"], "amount": Decimal(ln["amount"])} for ln in obligation.lines],
        "total_obligation": total, "fulfilled": fulfilled, "remaining": max(total - fulfilled, ZERO),
        "allocation_basis": dict(AllocationBasis.choices).get(snapshot.get("allocation_basis", ""),
                                                              snapshot.get("allocation_basis", "")),
        "counties": counties,
        "investments": investments,
        "spend_by_domain": [{"domain": k, "amount": v} for k, v in sorted(by_domain.items())],
        "grants": grants["grants"],
        "grants_total": sum((g["amount"] for g in grants["grants"]), ZERO),
        "grants_attributed_total": sum((g["attributed"] for g in grants["grants"]), ZERO),
        "outcomes": outcomes["outcomes"],
        "people_served": outcomes["people_served"],
        "earmarks": earmarks,
        "community_input": grants["community_input"],
        "compliance_officer": {"name": officer.user.get_full_name(), "title": officer.user.title}
        if officer else None,
        "attestation": None,
        "appendix": [{"record": "obligation line", "reference": f"reinvestment.obligation:{obligation.pk}",
                      "county": "", "date": obligation.computed_at.date(), "amount": Decimal(ln["amount"]),
                      "description": ln["text"]} for ln in obligation.lines]
        + [{"record": "county allocation", "reference": f"reinvestment.obligation:{obligation.pk}",
            "county": c["county"], "date": None, "amount": c["allocated"],
            "description": f"weight {c['basis']}"} for c in counties]
        + [{"record": i["source"], "reference": i["reference"], "county": i["county"], "date": i["date"],
            "amount": i["amount"], "description": i["payee"]} for i in investments]
        + grants["records"],
    }
