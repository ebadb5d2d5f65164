"""The data of the Community Reinvestment Report of one plan and income year.

Sources: the plan's live financial year, its live obligation (computation lines,
county allocation, policy snapshot), the parts of credits allocated to that obligation
(wellness fund contributions and direct investments), and the grants of the
wellness funds that received this year's contributions.

Attribution of grants: a fund's awards count toward a plan in proportion to the
plan's share of the fund's receipts: share = (the plan's payments into the fund
credited to this income year) / (all receipts of the fund: contribution payments
and other receipts); attributed = round_cents(award amount x share). Awards
cancelled are left out.

Outcomes and people served come from the grants roll-ups
(``grants.selectors.rollups.plan_outcomes``): accepted grantee reports of awards in the
restrictions the plan contributed to; people served by county and by every dimension of the
equity taxonomy in force on the report's date, each category under its taxonomy name; people
counts pass through ``reporting.suppression.suppress`` with the ``DisclosureRule`` threshold.

Queries do not grow with the number of credits, grants or counties (see
``tests/reporting/test_selectors.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from money import round_cents
from organizations.models import Membership, Organization, OrganizationKind, Role
from reinvestment import earmarks as earmark_rules
from reinvestment.models import (
    CreditSource,
    DirectInvestment,
    FinancialYearStatus,
    FulfilmentAllocation,
    Obligation,
    PlanFinancialYear,
    ReinvestmentPolicy,
)
from reinvestment.models.policies import AllocationBasis, SocialDriverDomain
from reinvestment.references import SourceKind, SourceRef
from reinvestment.selectors import FULFILMENT_LABELS, obligation_status

from ..data import Signer, without_gc
from ..documents.community_reinvestment import (
    CommunityInput,
    CommunityReinvestmentReport,
    ComputationLine,
    ContributionSummary,
    CountyRow,
    DomainSpend,
    Earmark,
    Financials,
    Grant,
    Investment,
    Outcome,
    PeopleCount,
    PeopleDimension,
    PeopleServed,
    Period,
    Plan,
    Policy,
)
from . import disclosure_threshold
from .community_voice import CreditSums, community_voice_data
from .mlr import mlr_data
from .obligation_choice import choose, year_obligations

ZERO = Decimal("0.00")


def _domain_labels() -> dict[str, str]:
    """The social-driver domains' labels as text (the choices' labels are translatable, so they
    are read once per report, not once per credit)."""
    return {code: str(label) for code, label in SocialDriverDomain.choices}


#: How the PDF names where a credit's money went (one word or two, for a narrow column).
SOURCE_LABELS = {CreditSource.FUND_CONTRIBUTION.value: "Wellness fund",
                 CreditSource.DIRECT_INVESTMENT.value: "Direct",
                 CreditSource.PURCHASER_PAYMENT.value: "Purchaser"}


def _plan(code: str) -> Organization:
    plan = Organization.objects.filter(code=code, kind=OrganizationKind.PLAN).first()
    if plan is None:
        raise ValidationError({"plan": gettext("No health plan with code %(code)s.") % {"code": repr(code)}})
    return plan


def _financial_year(plan: Organization, year: int) -> PlanFinancialYear:
    fy = (PlanFinancialYear.objects.filter(plan=plan, income_year=year)
          .exclude(status=FinancialYearStatus.SUPERSEDED).first())
    if fy is None:
        raise ValidationError({"year": gettext("%(plan)s has no financials for income year %(year)s.")
                                       % {"plan": plan.code, "year": year}})
    return fy


def _obligation(plan: Organization, year: int, params: Mapping[str, Any]) -> Obligation:
    """The one live obligation of the year the parameters name (``obligation_choice``)."""
    live = year_obligations(plan, year)
    if live:
        return choose(plan, year, live, policy=str(params.get("policy") or ""),
                      line_of_business=str(params.get("line_of_business") or ""))
    policies = ReinvestmentPolicy.objects.filter(jurisdiction=plan.jurisdiction, effective_from_year__lte=year,
                                                 is_draft=False).filter(
        Q(effective_to_year__isnull=True) | Q(effective_to_year__gte=year))
    if not policies.exists():
        raise ValidationError({"policy": (
            gettext("No reinvestment policy of %(state)s covers income year %(year)s, so %(plan)s has no obligation "
                    "to report.") % {"state": plan.jurisdiction or gettext("the plan’s jurisdiction"), "year": year,
                                     "plan": plan.code})})
    raise ValidationError({"year": gettext("%(plan)s has no obligation computed for income year %(year)s.")
                                   % {"plan": plan.code, "year": year}})


def resolve(params: Mapping[str, Any]) -> Organization:
    """The plan, after checking it has financials and an obligation for the year (3-4 queries)."""
    plan = _plan(params["plan"])
    _financial_year(plan, params["year"])
    _obligation(plan, params["year"], params)
    return plan


_KINDS = {k.value: k for k in SourceKind}


def _reference(text: str) -> SourceRef | str:
    """``SourceRef.try_parse(text) or text``, without building the kind list for each of
    thousands of credits."""
    kind, sep, pk = text.partition(":")
    known = _KINDS.get(kind)
    if sep and known is not None and pk.isdigit():
        return SourceRef(known, int(pk))
    return text


#: The columns of a credit row (the part allocated to the obligation), in this order.
CREDIT_COLUMNS = ("credit__source", "credit__reference", "county__name", "county_id", "credit__payee__legal_name",
                  "credit__payee__display_name", "domain", "chip_tagged", "amount", "credited_on", "payment_id",
                  "equity_partner")


def _with_payments(credits: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The credit rows (``credits``: ``CREDIT_COLUMNS`` of allocations annotated with ``payment_id``),
    ordered by date, each followed by the fund and amount of the contribution payment it names
    (None, None for other credits): one query.

    The payment is joined on the payment the credit's reference names, which the database keeps
    beside it (``ObligationCredit.contribution_payment_id``, a stored generated column: parsing
    each reference in the query cost more than the rest of the join). The ORM joins on relations
    only, so the ORM's query is wrapped in a join written here; reading the payments in a second
    query would send every payment back. The values go through the converters the ORM would apply
    (none on PostgreSQL; SQLite hands a cursor decimals and booleans raw).
    """
    from wellness_fund.models import ContributionAgreement, ContributionPayment

    compiler = credits.order_by().values_list(*CREDIT_COLUMNS, "id").query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    q = connection.ops.quote_name
    payment, agreement = q(ContributionPayment._meta.db_table), q(ContributionAgreement._meta.db_table)
    columns = ", ".join(f"credit.{q(c)}" for c in CREDIT_COLUMNS)
    selected = {alias: expression for expression, _, alias in compiler.select}
    converters = compiler.get_converters([
        *(selected[c] for c in CREDIT_COLUMNS), ContributionAgreement._meta.get_field("fund").get_col("agreement"),
        ContributionPayment._meta.get_field("amount").get_col("payment")])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, agreement.{q('fund_id')}, payment.{q('amount')} FROM ({sql}) credit "  # noqa: S608 - names, not input
            f"LEFT JOIN {payment} payment ON payment.{q('id')} = credit.{q('payment_id')} "
            f"LEFT JOIN {agreement} agreement ON agreement.{q('id')} = payment.{q('agreement_id')} "
            f"ORDER BY credit.{q('credited_on')}, credit.{q('id')}", params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    if converters:
        rows = list(map(tuple, compiler.apply_converters(rows, converters)))
    return rows


@dataclass(frozen=True)
class _Grants:
    grants: tuple[Grant, ...] = ()
    community_input: tuple[CommunityInput, ...] = ()


def _grants(paid: Mapping[int, Decimal]) -> _Grants:
    """Awards of the funds this year's contributions went to (``paid``: the plan's payments behind
    the credits, by fund), with the attributed share (4 queries; none when nothing was paid)."""
    from grants.models import Application, Award, AwardStatus
    from wellness_fund.models import ContributionPayment, OtherReceipt

    if not paid:
        return _Grants()
    receipts: dict[int, Decimal] = defaultdict(lambda: ZERO)
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
    awards = Award.objects.filter(fund_id__in=list(paid)).exclude(status=AwardStatus.CANCELLED)
    counties: dict[int, list[str]] = defaultdict(list)
    for application_id, name in (Application.counties.through.objects
                                 .filter(application_id__in=awards.values("application_id"))
                                 .values_list("application_id", "county__name")):
        counties[application_id].append(name)
    rows: list[Grant] = []
    meetings: dict[int, CommunityInput] = {}
    domain_labels = _domain_labels()
    for (reference, display_name, legal_name, fund_id, fund_name, application_id, domains, amount, committed_on,
         meeting_id, scheduled_at, meeting_title, body) in (
            awards.order_by("committed_on", "id").values_list(
                "commitment_reference", "grantee__display_name", "grantee__legal_name", "fund_id", "fund__name",
                "application_id", "application__domains", "amount", "committed_on", "decision__item__meeting_id",
                "decision__item__meeting__scheduled_at", "decision__item__meeting__title",
                "decision__item__meeting__body__name")):
        rows.append(Grant(
            fund=fund_name, award=_reference(reference), grantee=display_name or legal_name,
            county=", ".join(sorted(counties.get(application_id, ()))) or "—",
            domain=", ".join(domain_labels.get(d, d) for d in domains or []) or "—",
            amount=amount, attributed=round_cents(amount * share[fund_id]),
            share=share[fund_id].quantize(Decimal("0.000001")), date=committed_on,
        ))
        if meeting_id not in meetings:
            meetings[meeting_id] = CommunityInput(
                date=timezone.localdate(scheduled_at), body=body,
                summary=f"{meeting_title}: public board meeting that decided awards funded in part by the plan.",
            )
    return _Grants(grants=tuple(rows), community_input=tuple(sorted(meetings.values(), key=lambda m: m.date)))


def _figure(value: Decimal | None) -> str:
    """An outcome figure as text: whole numbers without decimals, missing as a dash."""
    if value is None:
        return "—"
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}"


def _outcomes(plan: Organization, fund_ids: set[int], threshold: int,
              on: dt.date | None = None) -> tuple[tuple[Outcome, ...], PeopleServed]:
    """Outcomes and people served from the grants roll-ups (small cells suppressed), by county and
    every dimension of the equity taxonomy in force on ``on``, for the funds this year's
    contributions went to (constant queries)."""
    from grants.selectors.rollups import plan_outcomes

    from ..suppression import suppress

    data = plan_outcomes(plan=plan, fund_ids=fund_ids, suppressor=lambda rows: suppress(rows, threshold), on=on)
    people = data["people_served"]

    def counts(rows: list[dict[str, Any]]) -> tuple[PeopleCount, ...]:
        return tuple(PeopleCount(label=r["label"], count=r["count"], category=r["category"]) for r in rows)

    outcomes = tuple(Outcome(award=_reference(o["award"]), grantee=o["grantee"], measure=o["measure"],
                             target=_figure(o["target"]), actual=_figure(o["actual"]), unit=o["unit"])
                     for o in data["outcomes"])
    return outcomes, PeopleServed(suppression_threshold=threshold, total=people["total"], dimensions=tuple(
        PeopleDimension(code=d["code"], name=d["name"], rows=counts(people[d["code"]])) for d in people["dimensions"]))


@without_gc
def community_reinvestment_data(params: Mapping[str, Any],
                                as_of: dt.date | None = None) -> CommunityReinvestmentReport:
    """Everything the report shows (Decimal money, dates).

    Queries (constant, whatever the number of credits, counties or grants): plan, financial
    year, obligation with policy, allocations, the credits allocated to the obligation (every
    one, for the twin) with the plan's payments behind them (``_with_payments``), fund names, direct
    investments, compliance officer, disclosure rule, and the grants and outcomes queries of
    ``_grants`` and ``_outcomes``. Contributions by fund, county and quarter are summed in the
    same pass over the credits that builds the twin's rows (a second pass in SQL would look up
    each credit's payment again, which costs more than the sum).
    """
    from wellness_fund.models import WellnessFund

    plan = _plan(params["plan"])
    year = int(params["year"])
    _financial_year(plan, year)
    obligation = _obligation(plan, year, params)
    fy = obligation.financial_year  # the obligation's own line of business
    as_of = as_of or timezone.localdate()
    snapshot = obligation.policy_snapshot or {}
    allocations = list(obligation.allocations.select_related("county").order_by("county__name"))
    # The parts of credits allocated to this obligation (each dollar counts toward one obligation).
    parts = (FulfilmentAllocation.objects.filter(obligation=obligation, credited_on__lte=as_of)
             .annotate(payment_id=F("credit__contribution_payment_id")))
    # ``CREDIT_COLUMNS``, then the fund and amount of the payment behind a contribution
    credits = _with_payments(earmark_rules.annotate(parts).values_list(*CREDIT_COLUMNS))
    # The plan's payments behind the credits: the fund each went to, and what it paid in.
    fund_of: dict[int, int] = {}
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in credits:
        payment_id, fund_id, payment_amount = row[10], row[-2], row[-1]
        if fund_id is not None and payment_id not in fund_of:
            fund_of[payment_id] = fund_id
            paid[fund_id] += payment_amount
    fund_names = dict(WellnessFund.objects.filter(pk__in=list(paid)).values_list("pk", "name")) if paid else {}
    # A credit naming a contribution payment comes with the payment's id (the database read it from
    # the reference as ``_reference`` would) and keeps the reference text it was recorded with (the
    # twin writes a reference as that text; tens of thousands of payments need no record key built
    # here); other references are parsed here, so a direct investment is known by its key.
    refs = [_reference(c[1]) if c[10] is None else c[1] for c in credits]
    direct_ids = [r.pk for r in refs if isinstance(r, SourceRef) and r.kind == SourceKind.DIRECT_INVESTMENT]
    consulted = dict(DirectInvestment.objects.filter(pk__in=direct_ids).values_list("pk", "cac_consulted")
                     ) if direct_ids else {}
    total = obligation.total.amount
    fulfilled = ZERO
    # amounts by what the earmarks look at: (domain, CHIP-tagged, equity partner)
    by_earmark_keys: dict[tuple[str, bool, bool], Decimal] = defaultdict(lambda: ZERO)
    by_county: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)  # by (county id, name)
    investments: list[Investment] = []
    by_domain: dict[str, Decimal] = defaultdict(lambda: ZERO)
    # wellness fund contributions by (fund id, county, quarter): [count, amount]
    summary: dict[tuple[int | None, str, str], list[Any]] = {}
    quarters: dict[dt.date, str] = {}
    contribution = CreditSource.FUND_CONTRIBUTION.value
    domain_labels = _domain_labels()
    direct_kind = SourceKind.DIRECT_INVESTMENT
    source_labels = SOURCE_LABELS
    for (source, _, county, county_id, legal_name, display_name, domain_code, aligned, amount, credited_on,
         payment, partner, paid_into, _), ref in zip(credits, refs, strict=True):
        fulfilled += amount
        by_earmark_keys[(domain_code, aligned, partner)] += amount
        by_county[(county_id, county)] += amount
        if source == contribution:
            quarter = quarters.get(credited_on)
            if quarter is None:
                quarter = quarters[credited_on] = quarter_label(credited_on)
            cell = summary.get((paid_into, county, quarter))
            if cell is None:
                summary[(paid_into, county, quarter)] = [1, amount]
            else:
                cell[0] += 1
                cell[1] += amount
        direct = payment is None and isinstance(ref, SourceRef) and ref.kind == direct_kind
        domain = domain_labels.get(domain_code, domain_code) or "Not tagged"
        by_domain[domain] += amount
        # positional: the fields of ``Investment`` in order (a keyword call costs half again)
        investments.append(Investment(
            source, source_labels.get(source) or ("Direct" if direct else "Wellness fund"), ref,
            fund_names.get(paid_into, "") if paid_into is not None else "", display_name or legal_name or "—",
            county, domain, aligned, consulted.get(ref.pk) if direct and isinstance(ref, SourceRef) else None,
            amount, credited_on))
    contribution_summary = tuple(sorted(
        (ContributionSummary(fund=fund_names.get(fund_id, "—") if fund_id is not None else "—", county=county,
                             quarter=quarter, contributions=n, amount=amount)
         for (fund_id, county, quarter), (n, amount) in summary.items()),
        key=lambda r: (r.fund, r.county, r.quarter)))
    by_county_id = {county_id: amount for (county_id, _), amount in by_county.items()}
    by_county_name: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (_, name), amount in by_county.items():
        by_county_name[name] += amount
    weight_total = sum((a.weight for a in allocations), Decimal(0))
    counties = []
    for a in allocations:
        got = by_county_id.get(a.county_id, ZERO)
        counties.append(CountyRow(
            county=a.county.name, fips=a.county.fips,
            basis=int(a.weight) if a.weight == a.weight.to_integral_value() else a.weight,
            share=(a.weight / weight_total).quantize(Decimal("0.0001")) if weight_total else Decimal(0),
            allocated=a.amount.amount, fulfilled=got, remaining=max(a.amount.amount - got, ZERO),
        ))
    earmarks = []
    for e in snapshot.get("earmarks", []):
        required = round_cents(total * Decimal(e["minimum_share"]))
        got = sum((amount for (domain, tagged, partner), amount in by_earmark_keys.items()
                   if earmark_rules.matches(e, domain=domain, chip_tagged=tagged, equity_partner=partner)), ZERO)
        earmarks.append(Earmark(name=e["label"], required_share=Decimal(e["minimum_share"]),
                                required_amount=required, actual=got, met=got >= required))
    status = obligation_status(total=total, fulfilled=fulfilled, as_of=as_of,
                               window_start=obligation.window_start, window_end=obligation.window_end,
                               pace=Decimal(snapshot.get("on_track_min_pace", "1")))
    officer = (Membership.objects.filter(organization=plan, role=Role.PLAN_COMPLIANCE, is_active=True)
               .select_related("user").order_by("id").first())
    grants = _grants(dict(paid))
    threshold = disclosure_threshold(on=dt.date(year, 12, 31))
    outcomes, people_served = _outcomes(plan, set(paid), threshold, on=as_of)
    # Measures missed by name (the policy version's own list), never by code.
    measure_names = {m["code"]: m.get("name") or m["code"] for m in snapshot.get("quality_measures", [])
                     if isinstance(m, dict) and "code" in m}
    missed = [measure_names.get(code, code) for code in fy.quality_measures_missed]
    quality = ("Met minimum quality performance levels" if fy.quality_standards_met else
               "Missed minimum quality performance levels" + (f" ({'; '.join(missed)})" if missed else ""))
    return CommunityReinvestmentReport(
        plan=Plan(code=plan.code, name=str(plan), legal_name=plan.legal_name, jurisdiction=plan.jurisdiction),
        income_year=year,
        as_of=as_of,
        investment_window=Period(start=obligation.window_start, end=obligation.window_end),
        deadline=obligation.deadline,
        status=FULFILMENT_LABELS.get(status, status),
        financials=Financials(revenue=fy.total_revenue.amount, net_income=fy.net_income.amount,
                              quality_result=quality),
        policy=Policy(name=snapshot.get("name") or obligation.policy.name,
                      version=str(obligation.policy_version),
                      citation=snapshot.get("source_citation") or obligation.policy.source_citation),
        computation=tuple(ComputationLine(label=ln["text"], amount=Decimal(ln["amount"])) for ln in obligation.lines),
        total_obligation=total, fulfilled=fulfilled, remaining=max(total - fulfilled, ZERO),
        mlr_remittance=obligation.mlr_remittance.amount,
        obligation=SourceRef(SourceKind.OBLIGATION, obligation.pk),
        computed_on=obligation.computed_at.date(),
        allocation_basis=str(dict(AllocationBasis.choices).get(snapshot.get("allocation_basis", ""),
                                                               snapshot.get("allocation_basis", ""))),
        counties=tuple(counties),
        investments=tuple(investments),
        contribution_summary=contribution_summary,
        spend_by_domain=tuple(DomainSpend(domain=k, amount=v) for k, v in sorted(by_domain.items())),
        grants=grants.grants,
        grants_total=sum((g.amount for g in grants.grants), ZERO),
        grants_attributed_total=sum((g.attributed for g in grants.grants), ZERO),
        outcomes=outcomes,
        people_served=people_served,
        earmarks=tuple(earmarks),
        community_input=grants.community_input,
        compliance_officer=Signer(name=officer.user.get_full_name(), title=officer.user.title)
        if officer else None,
        attestation=None,
        policy_code=obligation.policy_code,
        line_of_business=fy.line_of_business.name,
        mlr=mlr_data(obligation),
        voice=community_voice_data(plan=plan, year=year, obligation=obligation, credits=credits, refs=refs,
                                   sums=CreditSums(total=fulfilled, by_county=by_county_name, by_domain=by_domain,
                                                   by_earmark_keys=by_earmark_keys),
                                   direct_ids=direct_ids, fund_of=fund_of, fund_ids=set(paid), threshold=threshold),
    )


def quarter_label(start: dt.date | dt.datetime) -> str:
    """``2026 Q1``: the calendar quarter of a date."""
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"
