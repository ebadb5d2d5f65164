"""Typed document fixtures for the renderers (no database) and small ORM helpers for the pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from money import split_largest_remainder
from organizations.actors import SETUP
from reinvestment.references import SourceKind, SourceRef
from reporting.data import Attestation, Signer
from reporting.documents import community_reinvestment as cr
from reporting.pdf.flowables import quarter

COUNTY_NAMES = ["Imperial", "Riverside", "San Diego", "Los Angeles", "Orange", "Kern", "Fresno",
                "Alameda", "Sacramento", "Tulare"]
PAYEES = ["Asociación de Promotores — Niños Sanos", "Cộng Đồng Mobile Vaccination Units 社区",
          "Barbershop Blood Pressure Collaborative", "First 120 Days Black Infant Health Alliance"]
DOMAINS = ["Food", "Education", "Economic stability", "Health care access and quality"]


def community_reinvestment_data(counties: int = 3, investments: int = 6, grants: int = 4,
                                attestation: Attestation | None = None,
                                direct_every: int = 2) -> cr.CommunityReinvestmentReport:
    """A consistent Community Reinvestment Report dataset (totals add up): every
    ``direct_every``-th investment (the 2nd, 4th... by default; none with 0) is a direct
    investment, the others wellness fund contributions, dated over a year and a half."""
    total = Decimal("1234567.89")
    names = [COUNTY_NAMES[i % len(COUNTY_NAMES)] + ("" if i < len(COUNTY_NAMES) else f" {i}")
             for i in range(counties)]
    weights = {n: 1000 * (i + 1) for i, n in enumerate(names)}
    allocated = split_largest_remainder(total, weights)
    inv = []
    for i in range(investments):
        fund = not direct_every or i % direct_every != direct_every - 1
        inv.append(cr.Investment(
            source="fund_contribution" if fund else "direct_investment",
            source_label="Wellness fund" if fund else "Direct",
            reference=SourceRef(SourceKind.CONTRIBUTION_PAYMENT if fund else SourceKind.DIRECT_INVESTMENT, i),
            fund="Imperial Wellness Fund" if fund else "",
            payee=PAYEES[i % len(PAYEES)], county=names[i % counties],
            domain=DOMAINS[i % len(DOMAINS)], cha_chip_aligned=i % 3 != 0,
            advisory_committee_consulted=True, amount=Decimal("1000.01") * (i + 1),
            date=dt.date(2026, 1, 1) + dt.timedelta(days=i % 540),
        ))
    fulfilled_by = {n: sum((x.amount for x in inv if x.county == n), Decimal("0")) for n in names}
    fulfilled = sum(fulfilled_by.values(), Decimal("0"))
    weight_sum = sum(weights.values())
    county_rows = tuple(cr.CountyRow(
        county=n, fips=f"06{i:03d}", basis=weights[n],
        share=(Decimal(weights[n]) / weight_sum).quantize(Decimal("0.0001")),
        allocated=allocated[n], fulfilled=fulfilled_by[n], remaining=allocated[n] - fulfilled_by[n],
    ) for i, n in enumerate(names))
    grant_rows = tuple(cr.Grant(
        fund="Imperial Wellness Fund", award=SourceRef(SourceKind.AWARD, i), grantee=PAYEES[i % len(PAYEES)],
        county=names[i % counties], domain=DOMAINS[i % len(DOMAINS)],
        amount=Decimal("5000.00"), attributed=Decimal("2500.00"), share=Decimal("0.500000"),
        date=dt.date(2026, 3, 1),
    ) for i in range(grants))
    domains: dict[str, Decimal] = {}
    for x in inv:
        domains[x.domain] = domains.get(x.domain, Decimal("0")) + x.amount

    def people(rows: list[tuple[str, int | None]]) -> tuple[cr.PeopleCount, ...]:
        return tuple(cr.PeopleCount(label, count) for label, count in rows)

    return cr.CommunityReinvestmentReport(
        plan=cr.Plan(code="test-plan", name="Golden Valley Health Plan",
                     legal_name="Golden Valley Health Plan, Inc.", jurisdiction="CA"),
        income_year=2024,
        as_of=dt.date(2026, 6, 1),
        investment_window=cr.Period(start=dt.date(2027, 1, 1), end=dt.date(2029, 12, 31)),
        deadline=dt.date(2029, 12, 31),
        status="In progress",
        financials=cr.Financials(revenue=Decimal("500000000.00"), net_income=Decimal("20000000.00"),
                                 quality_result="Met minimum performance levels"),
        policy=cr.Policy(name="California Medi-Cal community reinvestment", version="1", citation="APL 25-004"),
        computation=(cr.ComputationLine(label="5% of net income up to 7.5% of revenue", amount=total),),
        total_obligation=total, fulfilled=fulfilled, remaining=total - fulfilled,
        mlr_remittance=Decimal("250000.00"),
        obligation=SourceRef(SourceKind.OBLIGATION, 1),
        computed_on=dt.date(2025, 4, 30),
        allocation_basis="member months",
        counties=county_rows,
        investments=tuple(inv),
        contribution_summary=contribution_summary(inv),
        spend_by_domain=tuple(cr.DomainSpend(k, v) for k, v in sorted(domains.items())),
        grants=grant_rows,
        grants_total=sum((g.amount for g in grant_rows), Decimal("0")),
        grants_attributed_total=sum((g.attributed for g in grant_rows), Decimal("0")),
        outcomes=(cr.Outcome(award=SourceRef(SourceKind.AWARD, 0), grantee=PAYEES[0],
                             measure="Blood pressure checks", target="500", actual="640", unit="checks"),),
        people_served=cr.PeopleServed(
            suppression_threshold=11, total=1130,
            dimensions=(
                cr.PeopleDimension("county", "County", people([(n, 1130 // counties) for n in names[:1]]
                                                              + [(n, None) for n in names[1:]])),
                cr.PeopleDimension("race", "Race and ethnicity (minimum categories)", people(
                    [("Hispanic or Latino", 800), ("Black or African American", 300), ("Not reported", None),
                     ("Asian", None)])),
                cr.PeopleDimension("language", "Preferred language", people([("Spanish", 700), ("English", 430)])),
            ),
        ),
        earmarks=(cr.Earmark(name="CHA/CHIP-aligned activities", required_share=Decimal("0.5"),
                             required_amount=Decimal("617283.95"), actual=fulfilled, met=False),),
        community_input=(cr.CommunityInput(date=dt.date(2025, 5, 1), body="Community advisory committee",
                                           summary="Reviewed priorities: housing, food, well-child visits."),),
        compliance_officer=Signer(name="Carlos Ramírez", title="Chief Compliance Officer"),
        attestation=attestation,
    )


def contribution_summary(investments: list[cr.Investment]) -> tuple[cr.ContributionSummary, ...]:
    """The wellness fund contributions among ``investments``, by fund, county and quarter."""
    groups: dict[tuple[str, str, str], list[cr.Investment]] = {}
    for x in investments:
        if x.source == cr.FUND_CONTRIBUTION:
            groups.setdefault((x.fund, x.county, quarter(x.date)), []).append(x)
    return tuple(cr.ContributionSummary(fund=k[0], county=k[1], quarter=k[2], contributions=len(v),
                                        amount=sum((x.amount for x in v), Decimal("0")))
                 for k, v in sorted(groups.items()))


def plan_year(*, code: str = "plan-cr", counties: int = 3, credits: int = 4, year: int = 2024,
              jurisdiction: str = "CA", obligation: bool = True, county_names: tuple[str, ...] = (),
              lock: bool = False):
    """A plan with financials, member months in ``counties`` CA counties, its CA-DHCS obligation
    and ``credits`` direct-investment credits (through the reinvestment services); with ``lock``,
    the year's audited statement is uploaded and the year locked (so its report can be attested)."""
    from organizations.models import County
    from reinvestment import services
    from reinvestment.models import MemberMonth
    from tests.reinvestment.factories import CBOFactory, PlanFactory, financial_year, lock_year

    plan = PlanFactory.create(code=code, jurisdiction=jurisdiction, legal_name=f"Plan {code}")
    names = (list(County.objects.filter(state="CA", name__in=county_names).order_by("name")) if county_names
             else list(County.objects.filter(state="CA").order_by("name")[:counties]))
    MemberMonth.objects.bulk_create([
        MemberMonth(plan=plan, county=c, month=dt.date(year, m, 1), member_months=1000 * (i + 1))
        for i, c in enumerate(names) for m in range(1, 13)])
    fy = financial_year(plan, year)
    if obligation:
        services.obligation_compute(actor=SETUP, financial_year=fy, policy_code="CA-DHCS")
    if lock:
        lock_year(fy)
    cbo = CBOFactory.create(code=f"{code}-cbo", legal_name="Asociación de Promotores — Niños Sanos")
    for i in range(credits):
        services.direct_investment_record(
            actor=SETUP, plan=plan, payee=cbo, purpose=f"Program {i}", county=names[i % len(names)],
            domain="food" if i % 2 else "health_care", paid_on=dt.date(year + 2, 1, 1) + dt.timedelta(days=i),
            amount=Decimal("1000.00") + i, cha_chip_aligned=i % 3 == 0, cac_consulted=True, income_year=year)
    return plan


def attest(officer, artifact):
    """Attest ``artifact`` as ``officer``, confirming by typing their name and title as on file."""
    from reporting.services import report_attest

    return report_attest(actor=officer, artifact=artifact, typed_name=officer.get_full_name(),
                         typed_title=officer.title)
