"""Golden scenario: one plan, a Medi-Cal and commercial lines of business (Covered California and
CalPERS HMO products), a CA-DHCS, a CC-QTF and a CalPERS obligation and an MLR shortfall, built
through the services. Every figure of each obligation's Community Reinvestment Report (the PDF
text and its data twin) equals the database, line of business by line of business.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum

from audit.models import AuditEvent
from organizations.actors import SETUP
from organizations.models import Role
from reinvestment import selectors, services
from reinvestment.applicability import attestation_problems
from reinvestment.models import (
    FulfilmentAllocation,
    LineOfBusiness,
    MemberMonth,
    Obligation,
    ObligationCredit,
    PlanFinancialYear,
)
from reporting.models import ReportArtifact, ReportAttestation
from reporting.pdf.flowables import money, percent
from reporting.services import report_attest, report_generate, report_request
from tests.organizations.factories import OrganizationFactory, member
from tests.reinvestment.factories import (
    CBOFactory,
    PlanFactory,
    audited_statement,
    county,
    lock_year,
)
from tests.reporting import pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2025
PLAN = "golden-plan"
#: (policy, line of business) of each obligation of the scenario.
OBLIGATIONS = [("CA-DHCS", "medi-cal"), ("CC-QTF", "covered-california"), ("CALPERS", "calpers-hmo")]
#: Member months a month by line of business and county: each line weighs its counties differently.
ENROLLMENT = {
    "medi-cal": {"Imperial": 1000, "Riverside": 3000},
    "covered-california": {"Imperial": 500, "Riverside": 500},
    "calpers-hmo": {"Riverside": 250},
}
#: The figures worked out by hand from the policies (the golden values).
GOLDEN_TOTALS = {
    # 5% x (7.5% x 2,000,000,000) + 7.5% x (200,000,000 - 150,000,000)
    "CA-DHCS": D("11250000.00"),
    # 3% of 40,000,000 gross premium at risk, one of the four measures missed
    "CC-QTF": D("300000.00"),
    # 2% of 10,000,000 gross premium at risk, two of the five measures missed
    "CALPERS": D("80000.00"),
}
#: (85% - 84%) x 2,000,000,000 of MLR denominator.
GOLDEN_MLR_REMITTANCE = D("20000000.00")


def _import_member_months(plan):
    rows = [
        {"plan": PLAN, "county": name, "month": f"{YEAR}-{m:02d}", "member_months": str(n), "line_of_business": line}
        for line, counties in ENROLLMENT.items() for name, n in counties.items() for m in range(1, 13)
    ]
    services.member_months_import(actor=SETUP, plan=plan, year=YEAR, rows=rows)


@pytest.fixture
def golden(media):
    plan = PlanFactory(code=PLAN, jurisdiction="CA", legal_name="Golden State Health Plan, Inc.")
    agency = OrganizationFactory(code="ca-dhcs", kind="regulator", jurisdiction="CA",
                                 legal_name="California Department of Health Care Services")
    cbo = CBOFactory(code="promotoras", legal_name="Promotoras del Valle")
    _import_member_months(plan)
    years = {
        "medi-cal": services.financial_year_create(
            actor=SETUP, plan=plan, income_year=YEAR, line_of_business="medi-cal",
            total_revenue=D("2000000000.00"), net_income=D("200000000.00"),
            mlr_numerator=D("1680000000.00"), mlr_denominator=D("2000000000.00")),
        "covered-california": services.financial_year_create(
            actor=SETUP, plan=plan, income_year=YEAR, line_of_business="covered-california",
            total_revenue=D("50000000.00"), net_income=D("1000000.00"), gross_premium=D("40000000.00"),
            quality_standards_met=False, quality_measures_missed=["col"]),
        "calpers-hmo": services.financial_year_create(
            actor=SETUP, plan=plan, income_year=YEAR, line_of_business="calpers-hmo",
            total_revenue=D("12000000.00"), net_income=D("300000.00"), gross_premium=D("10000000.00"),
            quality_standards_met=False, quality_measures_missed=["cbp", "ppc"]),
    }
    for year in years.values():
        services.obligations_compute_applicable(actor=SETUP, financial_year=year)
    obligations = {code: Obligation.objects.get(plan=plan, policy_code=code, status="current")
                   for code, _ in OBLIGATIONS}
    # The MLR remittance goes to the state agency, chosen from the records.
    services.obligation_mlr_recipient_set(actor=SETUP, obligation=obligations["CA-DHCS"], recipient=agency)
    # Community money toward the Medi-Cal obligation: direct investments and a wellness fund contribution.
    services.direct_investment_record(
        actor=SETUP, plan=plan, payee=cbo, purpose="Promotoras health education", county=county("Imperial"),
        domain="food", paid_on=dt.date(2026, 3, 2), amount="1000000.00", cha_chip_aligned=True,
        cac_consulted=True, income_year=YEAR)
    services.direct_investment_record(
        actor=SETUP, plan=plan, payee=cbo, purpose="Housing navigation", county=county("Riverside"),
        domain="housing", paid_on=dt.date(2026, 4, 15), amount="2500000.00", cha_chip_aligned=False,
        cac_consulted=False, income_year=YEAR)
    services.obligation_credit_record(
        actor=SETUP, plan=plan, county_amounts={county("Riverside"): D("750000.00")},
        credited_on=dt.date(2026, 5, 1), source="fund_contribution", reference="golden-contribution-1",
        income_year=YEAR)
    # Premium at risk, paid to the purchasers: CC-QTF in full, CalPERS in part.
    services.purchaser_payment_record(actor=SETUP, obligation=obligations["CC-QTF"], amount="300000.00",
                                      paid_on=dt.date(2026, 3, 31), reference="QTF-2025-INV-7")
    services.purchaser_payment_record(actor=SETUP, obligation=obligations["CALPERS"], amount="50000.00",
                                      paid_on=dt.date(2026, 6, 30), reference="CALPERS-2025-1")
    return {"plan": plan, "agency": agency, "years": years, "obligations": obligations}


def _generate(tmp_path, policy, line):
    out = tmp_path / f"{policy}.pdf"
    call_command("generate_report", "community-reinvestment", "--plan", PLAN, "--year", str(YEAR),
                 "--policy", policy, "--line-of-business", line, "--output", str(out))
    data = json.loads((tmp_path / f"{policy}.json").read_text())
    return data, pdf_text.squash(pdf_text.text(out.read_bytes()))


def _sq(*parts: str) -> str:
    return pdf_text.squash(" ".join(parts))


def test_the_scenario_gives_the_figures_worked_out_by_hand(golden):
    obligations = golden["obligations"]
    assert {code: o.total.amount for code, o in obligations.items()} == GOLDEN_TOTALS
    assert obligations["CA-DHCS"].mlr_remittance.amount == GOLDEN_MLR_REMITTANCE
    for code, line in OBLIGATIONS:
        assert obligations[code].financial_year.line_of_business.code == line
    # one obligation per line of business: nothing applies twice, nothing to the wrong line
    assert Obligation.objects.filter(plan=golden["plan"]).count() == 3
    # every dollar paid is counted once
    paid = ObligationCredit.objects.filter(plan=golden["plan"]).aggregate(s=Sum("amount"))["s"]
    credited = FulfilmentAllocation.objects.filter(plan=golden["plan"]).aggregate(s=Sum("amount"))["s"]
    assert paid == credited == D("4600000.00")


@pytest.mark.parametrize(("policy", "line"), OBLIGATIONS)
def test_every_figure_of_each_obligations_report_equals_the_database(golden, tmp_path, policy, line):
    data, text = _generate(tmp_path, policy, line)
    obligation = Obligation.objects.select_related("financial_year__line_of_business").get(
        plan=golden["plan"], policy_code=policy, status="current")
    fy = obligation.financial_year
    lob = LineOfBusiness.objects.get(code=line)
    as_of = dt.date.fromisoformat(data["as_of"])
    parts = list(FulfilmentAllocation.objects.filter(obligation=obligation, credited_on__lte=as_of)
                 .select_related("county", "credit").order_by("credited_on", "id"))
    total = obligation.total.amount
    fulfilled = sum((p.amount.amount for p in parts), D("0"))
    remaining = max(total - fulfilled, D("0"))
    status = selectors.FULFILMENT_LABELS[selectors.obligation_status(
        total=total, fulfilled=fulfilled, as_of=as_of, window_start=obligation.window_start,
        window_end=obligation.window_end, pace=D(obligation.policy_snapshot["on_track_min_pace"]))]

    # which obligation: its policy and line of business, in the twin and on the cover
    assert data["obligation"] == f"reinvestment.obligation:{obligation.pk}"
    assert (data["policy_code"], data["line_of_business"]) == (policy, lob.name)
    assert _sq("Policy and line of business", f"{policy}, {lob.name}") in text
    assert _sq(f"Income year {YEAR} · {policy} · {lob.name}") in text

    # obligation, fulfilled, remaining, status (twin, cover and summary)
    assert D(data["total_obligation"]) == total == GOLDEN_TOTALS[policy]
    assert (D(data["fulfilled"]), D(data["remaining"]), data["status"]) == (fulfilled, remaining, status)
    assert fulfilled > 0
    for label, value in (("Total obligation", money(total)), ("Fulfilled", money(fulfilled)),
                         ("Remaining", money(remaining)), ("Status", status),
                         ("MLR remittance", money(obligation.mlr_remittance.amount))):
        assert text.count(_sq(label, value)) >= 2, label  # cover and summary
    assert D(data["mlr_remittance"]) == obligation.mlr_remittance.amount

    # the financial figures are those of the obligation's own line of business
    assert (D(data["financials"]["revenue"]), D(data["financials"]["net_income"])) == (
        fy.total_revenue.amount, fy.net_income.amount)
    assert _sq("Total revenue", money(fy.total_revenue.amount)) in text
    assert _sq("Net income", money(fy.net_income.amount)) in text
    names = {m["code"]: m["name"] for m in obligation.policy_snapshot["quality_measures"]}
    quality = ("Met minimum quality performance levels" if fy.quality_standards_met else
               f"Missed minimum quality performance levels ({'; '.join(names[c] for c in fy.quality_measures_missed)})")
    assert data["financials"]["quality_result"] == quality  # measures by name, not by code
    assert _sq("Quality result", quality) in text

    # the computation, line by line
    assert [(c["label"], D(c["amount"])) for c in data["computation"]] == [
        (ln["text"], D(ln["amount"])) for ln in obligation.lines]
    assert sum((D(ln["amount"]) for ln in obligation.lines), D("0")) == total
    for ln in obligation.lines:
        assert _sq(ln["text"], money(D(ln["amount"]))) in text

    # per county: the line's own member months, the allocation, what was credited there
    member_months = dict(MemberMonth.objects.filter(plan=golden["plan"], month__year=YEAR, line_of_business=lob)
                         .values_list("county__name").annotate(n=Sum("member_months")))
    credited: dict[str, D] = defaultdict(lambda: D("0"))
    for p in parts:
        credited[p.county.name] += p.amount.amount
    allocations = list(obligation.allocations.select_related("county").order_by("county__name"))
    assert [a.county.name for a in allocations] == sorted(ENROLLMENT[line]) == [c["county"] for c in data["counties"]]
    assert sum((a.amount.amount for a in allocations), D("0")) == total
    weight_total = sum(member_months.values())
    assert weight_total == 12 * sum(ENROLLMENT[line].values())
    for a, row in zip(allocations, data["counties"], strict=True):
        got = credited[a.county.name]
        assert D(str(row["basis"])) == a.weight == member_months[a.county.name]
        assert D(row["share"]) == (a.weight / weight_total).quantize(D("0.0001"))
        assert (D(row["allocated"]), D(row["fulfilled"]), D(row["remaining"])) == (
            a.amount.amount, got, max(a.amount.amount - got, D("0")))
        assert _sq(a.county.name, f"{int(a.weight):,}", percent(D(row["share"])), money(a.amount.amount),
                   money(got), money(max(a.amount.amount - got, D("0")))) in text
    assert _sq("Total", money(total), money(fulfilled), money(remaining)) in text

    # every credit counted toward it, with its amount, county and date (the twin lists each one)
    assert [(i["county"], D(i["amount"]), i["date"]) for i in data["investments"]] == [
        (p.county.name, p.amount.amount, p.credited_on.isoformat()) for p in parts]
    assert [i["source"] for i in data["investments"]] == [p.credit.source for p in parts]
    words = {"purchaser_payment": "Purchaser", "direct_investment": "Direct"}
    for p in parts:
        if p.credit.source in words:  # listed one by one, saying where the money went
            assert _sq(words[p.credit.source], p.county.name) in text
            assert _sq(money(p.amount.amount), p.credited_on.isoformat()) in text
    if policy != "CA-DHCS":  # premium at risk: only payments to the purchaser
        assert {p.credit.source for p in parts} == {"purchaser_payment"}
        assert pdf_text.squash("Wellness fund") + parts[0].county.name not in text

    # MLR: only the Medi-Cal policy sets a minimum; its computation, remittance and recipient
    mlr = data["mlr"]
    if policy != "CA-DHCS":
        assert mlr is None and pdf_text.squash("Medical loss ratio (MLR)") not in text
        return
    numerator, denominator = fy.mlr_numerator.amount, fy.mlr_denominator.amount
    minimum = D(obligation.policy_snapshot["mlr_minimum"])
    assert mlr["entered"] is True
    assert (D(mlr["numerator"]), D(mlr["denominator"]), D(mlr["minimum"])) == (numerator, denominator, minimum)
    assert D(mlr["ratio"]) == (numerator / denominator).quantize(D("0.000001")) == D("0.84")
    assert D(mlr["shortfall"]) == D(mlr["remittance"]) == obligation.mlr_remittance.amount == GOLDEN_MLR_REMITTANCE
    recipient = obligation.mlr_remittance_recipient
    assert recipient == golden["agency"]
    assert (mlr["recipient"], mlr["recipient_kind"]) == (recipient.legal_name, "state agency")
    for label, value in (("MLR numerator", money(numerator)), ("MLR denominator", money(denominator)),
                         ("MLR", percent(D("0.84"))), ("Minimum", percent(minimum)),
                         ("Shortfall", money(GOLDEN_MLR_REMITTANCE)),
                         ("Remitted to", f"{recipient.legal_name} (state agency)")):
        assert _sq(label, value) in text, label


def test_a_lines_county_allocation_weighs_only_its_own_members(golden):
    """Member months are kept per line of business: the Covered California obligation splits
    50/50 between its two counties although Medi-Cal enrolls three times as many in Riverside."""
    cc = golden["obligations"]["CC-QTF"]
    split = {a.county.name: (a.weight, a.amount.amount) for a in cc.allocations.select_related("county")}
    assert split == {"Imperial": (D(6000), D("150000.00")), "Riverside": (D(6000), D("150000.00"))}
    calpers = golden["obligations"]["CALPERS"]
    assert [(a.county.name, a.amount.amount) for a in calpers.allocations.select_related("county")] == [
        ("Riverside", D("80000.00"))]


# --- the attestation gate rests on the report's own line of business -----------------------------


def _officer(plan):
    officer = member(Role.PLAN_COMPLIANCE, plan)
    officer.first_name, officer.last_name, officer.title = "Ana", "Soto", "Compliance Officer"
    officer.save()
    return officer


def _draft(plan, policy, line):
    run = report_request(actor=member(Role.PLAN_FINANCE, plan), kind="community-reinvestment",
                         params={"plan": PLAN, "year": YEAR, "policy": policy}, enqueue=False)
    assert run.params["line_of_business"] == line
    return report_generate(actor=SETUP, run_id=run.pk)


def _written():
    return ReportArtifact.objects.count(), ReportAttestation.objects.count(), AuditEvent.objects.count()


def test_another_lines_unlocked_year_does_not_block_but_its_own_does(golden):
    plan, years = golden["plan"], golden["years"]
    officer = _officer(plan)
    lock_year(years["medi-cal"])  # Medi-Cal: locked with its audited statement
    years["calpers-hmo"] = services.financial_year_submit(actor=SETUP, financial_year=years["calpers-hmo"])
    # CalPERS HMO: submitted only; Covered California: still a draft

    # the Medi-Cal report rests on the Medi-Cal year alone: the other lines do not hold it up
    assert attestation_problems(plan=plan, income_year=YEAR, line_of_business="medi-cal") == []
    medi_cal = _draft(plan, "CA-DHCS", "medi-cal")
    attestation = report_attest(actor=officer, artifact=medi_cal, typed_name="Ana Soto",
                                typed_title="Compliance Officer")
    rests_on = AuditEvent.objects.get(action="report.attest").after["attested"]["financial_years"]
    assert [y["line_of_business"] for y in rests_on] == ["medi-cal"]
    assert attestation.final.is_final

    # the CalPERS report rests on the CalPERS HMO year, which is not locked: refused, in words
    calpers = _draft(plan, "CALPERS", "calpers-hmo")
    before = _written()
    with pytest.raises(ValidationError) as refused:
        report_attest(actor=officer, artifact=calpers, typed_name="Ana Soto", typed_title="Compliance Officer")
    messages = refused.value.messages
    assert f"Income year {YEAR} (CalPERS HMO) is not locked (its status is Submitted): lock it before attesting." \
        in messages
    assert f"Income year {YEAR} (CalPERS HMO) has no audited financial statement uploaded." in messages
    assert not any("Medi-Cal" in m or "Covered California" in m for m in messages)
    assert not any(code in m for m in messages for code in ("submitted", "draft", "locked,"))
    assert _written() == before

    # asked about the whole income year, every line counts, each status in words
    problems = attestation_problems(plan=plan, income_year=YEAR)
    assert f"Income year {YEAR} (Covered California) is not locked (its status is Draft): lock it before attesting." \
        in problems
    assert not any(f"({LineOfBusiness.objects.get(code='medi-cal')})" in p for p in problems)

    # once its own year is final, the CalPERS report is attested too
    years["calpers-hmo"] = services.financial_year_update(actor=SETUP, financial_year=years["calpers-hmo"],
                                                          source_document=audited_statement())
    services.financial_year_lock(actor=SETUP, financial_year=years["calpers-hmo"])
    calpers = _draft(plan, "CALPERS", "calpers-hmo")
    assert report_attest(actor=officer, artifact=calpers, typed_name="Ana Soto", typed_title="Compliance Officer")
    assert PlanFinancialYear.objects.get(pk=years["covered-california"].pk).status == "draft"

