"""Which policies apply to a plan's year (jurisdiction, line of business, income year), as data;
lines of business; CalPERS' five measures; the NC rebate split; an MLR not entered."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit.models import AuditEvent
from organizations.actors import SETUP
from reinvestment import selectors, services
from reinvestment.models import (
    Obligation,
    ObligationAllocation,
    PlanFinancialYear,
    PolicyApplicability,
    PolicyTermSource,
    ReinvestmentPolicy,
)
from tests.reinvestment.factories import PlanFactory, financial_year, line, lock_year, member_months

pytestmark = pytest.mark.django_db


def written():
    return (PlanFinancialYear.objects.count(), Obligation.objects.count(), ObligationAllocation.objects.count(),
            AuditEvent.objects.count())


def codes(policies):
    return [p.code for p in policies]


@pytest.fixture
def ca_plan():
    plan = PlanFactory(jurisdiction="CA")
    member_months(plan, 2024, {"Imperial": 100, "Riverside": 300})
    return plan


# --- which policies apply -------------------------------------------------------------------


def test_a_medi_cal_year_is_offered_only_the_california_medi_cal_policy(ca_plan):
    year = financial_year(ca_plan, 2024)
    assert year.line_of_business == line("medi-cal")  # the default for a California plan
    assert codes(selectors.applicable_policies(year)) == ["CA-DHCS"]


def test_computing_another_states_policy_is_refused_and_writes_nothing(ca_plan):
    # The defect: "AZ" (first alphabetically) computed for a California Medi-Cal plan.
    year = financial_year(ca_plan, 2024)
    before = written()
    with pytest.raises(ValidationError) as err:
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="AZ")
    message = err.value.message_dict["policy"][0]
    assert "wrong jurisdiction" in message and "applies to plans in AZ" in message
    assert written() == before


def test_computing_a_policy_of_another_line_of_business_is_refused_and_writes_nothing(ca_plan):
    year = financial_year(ca_plan, 2024, gross_premium=D("1000000.00"))
    before = written()
    with pytest.raises(ValidationError) as err:
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CC-QTF")
    message = err.value.message_dict["policy"][0]
    assert "wrong line of business" in message and "Covered California" in message and "Medi-Cal" in message
    assert written() == before


def test_computing_a_policy_for_a_year_it_does_not_cover_is_refused_and_writes_nothing(ca_plan):
    year = financial_year(ca_plan, 2026, line_of_business="covered-california", gross_premium=D("1000000.00"))
    before = written()
    with pytest.raises(ValidationError) as err:
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CC-QTF")
    assert "2026" in err.value.message_dict["year"][0]
    assert selectors.applicable_policies(year) == []
    assert written() == before


def test_a_plan_year_with_two_lines_gets_each_applicable_obligation_once(ca_plan):
    medi_cal = financial_year(ca_plan, 2024)
    covered = financial_year(ca_plan, 2024, line_of_business="covered-california", revenue="50000000.00",
                             net_income="1000000.00", gross_premium=D("40000000.00"), quality_standards_met=False,
                             quality_measures_missed=["col"])
    assert codes(selectors.applicable_policies(covered)) == ["CC-QTF"]
    for _ in range(2):  # computing again recomputes, never duplicates
        services.obligations_compute_applicable(actor=SETUP, financial_year=medi_cal)
        services.obligations_compute_applicable(actor=SETUP, financial_year=covered)
    live = Obligation.objects.filter(plan=ca_plan, income_year=2024).order_by("policy_code")
    assert [(o.policy_code, o.financial_year_id) for o in live] == [("CA-DHCS", medi_cal.pk), ("CC-QTF", covered.pk)]
    # 2% of $40M gross premium x 1 of the 4 core measures missed
    assert live.get(policy_code="CC-QTF").total.amount == D("200000.00")


def test_other_states_plans_default_to_their_medicaid_line_and_their_states_policy():
    year = financial_year(PlanFactory(jurisdiction="OR"), 2024, revenue="10000000.00", net_income="1000000.00")
    assert year.line_of_business == line("medicaid-other")
    assert codes(selectors.applicable_policies(year)) == ["OR-SHARE"]


def test_a_line_of_business_of_another_state_or_unknown_is_refused_and_writes_nothing():
    plan = PlanFactory(jurisdiction="AZ")
    before = written()
    with pytest.raises(ValidationError, match="Medi-Cal is a line of business in CA"):
        financial_year(plan, 2024, line_of_business="medi-cal")
    with pytest.raises(ValidationError, match="No line of business “dental”"):
        financial_year(plan, 2024, line_of_business="dental")
    assert written() == before


def test_one_live_year_per_plan_year_and_line(ca_plan):
    financial_year(ca_plan, 2024)
    financial_year(ca_plan, 2024, line_of_business="commercial")
    before = written()
    with pytest.raises(ValidationError, match="already has income year 2024 for Medi-Cal"):
        financial_year(ca_plan, 2024, line_of_business="medi-cal")
    assert written() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFinancialYear.objects.create(plan=ca_plan, income_year=2024, line_of_business=line("commercial"),
                                         total_revenue=D("1"), net_income=D("0"))


def test_an_amendment_keeps_the_line_and_a_locked_years_line_cannot_change(ca_plan):
    year = lock_year(financial_year(ca_plan, 2024, line_of_business="commercial"), statement=False)
    with pytest.raises(DatabaseError, match="locked"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reinvestment_planfinancialyear SET line_of_business_id = %s WHERE id = %s",
                    [line("medi-cal").pk, year.pk])
    new = services.financial_year_amend(actor=SETUP, financial_year=year, reason="Restated", net_income=D("1.00"))
    assert new.line_of_business == line("commercial")


# --- applicability is data, with its sources ------------------------------------------------


def test_every_seeded_version_states_where_it_applies_with_a_source():
    for policy in ReinvestmentPolicy.objects.all():
        rows = list(policy.applicability.all())
        assert rows, f"{policy} states no jurisdiction"
        assert all(r.source.strip() for r in rows)
        assert policy.term_sources.filter(term="income_years").exists()


def test_terms_no_source_confirms_are_flagged_unverified():
    def flag(code, term, version=None):
        policy = selectors.policy_for(code=code, version=version) if version else selectors.policy_for(code=code)
        return PolicyTermSource.objects.get(policy=policy, term=term).unverified

    assert flag("CA-DHCS", "window") is True  # N+3..N+5
    assert flag("OR-SHARE", "rates") is True  # 1.5% threshold, 20% rate
    assert flag("NC-MLR", "mlr") is True  # 88%
    assert flag("CA-DHCS", "mlr") is False  # 85% (ETE report)
    assert flag("CC-QTF", "rates", version=2) is False  # 2% for MY2024 (health equity roadmap)
    assert flag("CALPERS", "quality_measures") is False
    assert flag("CALPERS", "quality_measures", version=1) is True  # the four reused measures


def test_calpers_applies_to_hmo_from_2024_and_ppo_from_2025_unverified():
    hmo_2024 = selectors.policy_for(code="CALPERS", year=2024)
    assert [(r.line_of_business.code, r.unverified) for r in hmo_2024.applicability.all()] == [("calpers-hmo", False)]
    both = selectors.policy_for(code="CALPERS", year=2025)
    assert sorted((r.line_of_business.code, r.unverified) for r in both.applicability.all()) == [
        ("calpers-hmo", False), ("calpers-ppo", True)]


def test_an_administrator_can_make_a_version_apply_elsewhere_without_code(ca_plan):
    year = financial_year(ca_plan, 2024, line_of_business="commercial")
    assert selectors.applicable_policies(year) == []
    PolicyApplicability.objects.create(policy=selectors.policy_for(code="CA-DHCS", year=2024), jurisdiction="CA",
                                       line_of_business=line("commercial"), source="Test", unverified=True)
    assert codes(selectors.applicable_policies(year)) == ["CA-DHCS"]


# --- CalPERS: the five measures of its Quality Alignment Measure Set --------------------------


def test_calpers_counts_one_missed_measure_as_a_fifth(ca_plan):
    policy = selectors.policy_for(code="CALPERS", year=2024)
    assert [m["code"] for m in policy.quality_measures] == ["cis", "col", "cbp", "hbd-poor", "ppc"]
    assert policy.version > 4  # a new version: the versions with four measures are kept as they were
    assert len(ReinvestmentPolicy.objects.get(code="CALPERS", version=1).quality_measures) == 4
    year = financial_year(ca_plan, 2024, line_of_business="calpers-hmo", revenue="10000000.00",
                          net_income="100000.00", gross_premium=D("10000000.00"), quality_standards_met=False,
                          quality_measures_missed=["ppc"])
    assert codes(selectors.applicable_policies(year)) == ["CALPERS"]
    obligation = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CALPERS")
    # 1% x $10M x 1/5 (not 1/4)
    assert obligation.total.amount == D("20000.00")
    assert "1/5 core measures missed" in obligation.lines[0]["text"]


# --- NC: what of the MLR rebate was reinvested and what returned -------------------------------


@pytest.fixture
def nc_year():
    plan = PlanFactory(jurisdiction="NC")
    member_months(plan, 2024, {"Imperial": 10})
    # MLR 80% of $10M against an 88% minimum: a rebate of $800,000.00
    return financial_year(plan, 2024, revenue="10000000.00", net_income="500000.00",
                          mlr_numerator=D("8000000.00"), mlr_denominator=D("10000000.00"))


def test_nc_rebate_not_split_yet_counts_nothing_as_reinvested_and_says_so(nc_year):
    obligation = services.obligation_compute(actor=SETUP, financial_year=nc_year, policy_code="NC-MLR")
    assert obligation.policy.rebate_reinvestment_optional
    assert obligation.total.amount == D("0.00")
    assert [line["amount"] for line in obligation.lines] == ["800000.00", "-800000.00"]
    assert "MLR rebate split not entered" in obligation.lines[1]["text"]


def test_nc_obligation_is_the_part_of_the_rebate_reinvested(nc_year):
    services.obligation_compute(actor=SETUP, financial_year=nc_year, policy_code="NC-MLR")
    services.financial_year_update(actor=SETUP, financial_year=nc_year, mlr_rebate_reinvested=D("300000.00"),
                                   mlr_rebate_returned=D("500000.00"))
    obligation = Obligation.objects.get(financial_year=nc_year, policy_code="NC-MLR")
    assert obligation.total.amount == D("300000.00")
    assert sum(D(line["amount"]) for line in obligation.lines) == D("300000.00")
    assert "Returned to the state: $500,000.00 of the $800,000.00 MLR rebate" in obligation.lines[-1]["text"]


def test_nc_rebate_split_that_does_not_add_up_is_refused_and_writes_nothing(nc_year):
    services.obligation_compute(actor=SETUP, financial_year=nc_year, policy_code="NC-MLR")
    before = written()
    with pytest.raises(ValidationError, match=r"reinvested \$300,000.00 \+ returned \$100,000.00"):
        services.financial_year_update(actor=SETUP, financial_year=nc_year, mlr_rebate_reinvested=D("300000.00"),
                                       mlr_rebate_returned=D("100000.00"))
    with pytest.raises(ValidationError, match="Give both parts"):
        services.financial_year_update(actor=SETUP, financial_year=nc_year, mlr_rebate_reinvested=D("1.00"))
    assert written() == before
    nc_year.refresh_from_db()
    assert nc_year.mlr_rebate_reinvested is None


# --- MLR not entered -----------------------------------------------------------------------------


def test_mlr_not_entered_says_so_instead_of_a_silent_zero(ca_plan):
    obligation = services.obligation_compute(actor=SETUP, financial_year=financial_year(ca_plan, 2024),
                                             policy_code="CA-DHCS")
    assert obligation.mlr_remittance.amount == D("0.00")
    assert [line["text"] for line in obligation.mlr_lines] == [
        "MLR not entered: the remittance below the 85% minimum is not computed until the MLR numerator and "
        "denominator are entered"]
    entered = financial_year(ca_plan, 2025, mlr_numerator=D("800000000.00"), mlr_denominator=D("1000000000.00"))
    remitted = services.obligation_compute(actor=SETUP, financial_year=entered, policy_code="CA-DHCS")
    assert remitted.mlr_remittance.amount == D("50000000.00")  # 85% x $1B - $800M, unchanged
