"""Financial years: record, recompute, lock (frozen), amend; bad input writes nothing."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment import services
from reinvestment.models import (
    FinancialYearStatus,
    Obligation,
    ObligationAllocation,
    ObligationStatus,
    PlanFinancialYear,
    PolicyBracket,
    ReinvestmentPolicy,
)
from tests.organizations.factories import member
from tests.reinvestment.factories import (
    PlanFactory,
    applies_to,
    county,
    financial_year,
    line,
    member_months,
)

pytestmark = pytest.mark.django_db


def counts():
    return (PlanFinancialYear.objects.count(), Obligation.objects.count(), ObligationAllocation.objects.count(),
            AuditEvent.objects.count())


@pytest.fixture
def plan():
    p = PlanFactory()
    member_months(p, 2024, {"Imperial": 100, "Riverside": 300, "San Diego": 200})
    return p


def test_compute_then_recompute_when_figures_change(plan):
    finance = member("plan_finance", plan)
    year = financial_year(plan, 2024)
    obligation = services.obligation_compute(actor=finance, financial_year=year, policy_code="CA-DHCS")
    assert obligation.total.amount == D("11250000.00")
    assert sum(a.amount.amount for a in obligation.allocations.all()) == D("11250000.00")

    services.financial_year_update(actor=finance, financial_year=year, net_income=D("100000000.00"))

    obligation.refresh_from_db()
    assert obligation.total.amount == D("5000000.00")  # 5% x $100M, all below 7.5% of revenue
    assert sum(a.amount.amount for a in obligation.allocations.all()) == D("5000000.00")
    assert AuditEvent.objects.filter(action="reinvestment.obligation.recompute", object_id=str(obligation.pk)).exists()


def test_allocation_by_member_months_largest_remainder(plan):
    # Member months 1200 : 3600 : 2400 = 1 : 3 : 2 of $11,250,000.00
    obligation = services.obligation_compute(actor=SETUP, financial_year=financial_year(plan), policy_code="CA-DHCS")
    amounts = {a.county.name: a.amount.amount for a in obligation.allocations.select_related("county")}
    assert amounts == {"Imperial": D("1875000.00"), "Riverside": D("5625000.00"), "San Diego": D("3750000.00")}


def test_member_month_import_recomputes_the_allocation(plan):
    obligation = services.obligation_compute(actor=SETUP, financial_year=financial_year(plan), policy_code="CA-DHCS")
    rows = [{"plan": plan.code, "county": "Imperial", "month": "2024-01", "member_months": "4500"}]
    services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=rows)
    imperial = obligation.allocations.get(county__name="Imperial")
    assert imperial.weight == D(100 * 11 + 4500)


def test_lock_freezes_the_obligation_with_its_inputs_and_policy_version(plan):
    year = financial_year(plan)
    services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)

    obligation = Obligation.objects.get(financial_year=year)
    assert obligation.status == ObligationStatus.FROZEN and obligation.frozen_at is not None
    assert obligation.inputs_snapshot["net_income"] == "200000000.00"
    assert obligation.policy_snapshot["version"] == 1
    assert obligation.policy_snapshot["brackets"][0]["rate"] == "0.050000"


def test_a_new_policy_version_does_not_change_a_frozen_obligation(plan):
    year = financial_year(plan)
    services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)
    v2 = ReinvestmentPolicy.objects.get(code="CA-DHCS", version=1)
    v2.pk, v2.version = None, 2
    v2.save()
    PolicyBracket.objects.create(policy=v2, position=1, rate=D("0.5"))

    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    assert err.value.message_dict
    assert AuditEvent.objects.count() == events
    obligation = Obligation.objects.get(financial_year=year)
    assert (obligation.policy_version, obligation.total.amount) == (1, D("11250000.00"))


def test_editing_a_locked_year_without_an_amendment_is_refused_and_nothing_changes(plan):
    year = financial_year(plan)
    services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)
    before = counts()

    with pytest.raises(ValidationError) as err:
        services.financial_year_update(actor=SETUP, financial_year=year, net_income=D("1.00"))
    assert "amendment" in str(err.value)

    year.refresh_from_db()
    assert year.net_income.amount == D("200000000.00")
    assert counts() == before


def test_amendment_supersedes_the_locked_year_and_recomputes(plan):
    year = financial_year(plan)
    services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)

    new = services.financial_year_amend(actor=SETUP, financial_year=year, reason="Audited statement restated",
                                        net_income=D("120000000.00"))

    year.refresh_from_db()
    assert year.status == FinancialYearStatus.SUPERSEDED
    assert new.supersedes == year and new.status == FinancialYearStatus.DRAFT
    old_obligation = Obligation.objects.get(financial_year=year)
    assert old_obligation.status == ObligationStatus.SUPERSEDED
    assert old_obligation.total.amount == D("11250000.00")
    # 5% x $120M (below $150M)
    assert Obligation.objects.get(financial_year=new).total.amount == D("6000000.00")
    event = AuditEvent.objects.get(action="reinvestment.financial_year.amend")
    assert event.reason == "Audited statement restated"


def test_amendment_needs_a_reason_and_a_locked_year(plan):
    year = financial_year(plan)
    before = counts()
    with pytest.raises(ValidationError):
        services.financial_year_amend(actor=SETUP, financial_year=year, reason="Restated", net_income=D("1.00"))
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)
    with pytest.raises(ValidationError):
        services.financial_year_amend(actor=SETUP, financial_year=year, reason="  ", net_income=D("1.00"))
    assert PlanFinancialYear.objects.count() == before[0]


@pytest.mark.parametrize(("figures", "field"), [
    ({"total_revenue": D("-1.00"), "net_income": D("-2.00")}, "total_revenue"),
    ({"total_revenue": D("100.00"), "net_income": D("100.01")}, "net_income"),
    ({"total_revenue": 100.0, "net_income": D("1.00")}, "total_revenue"),
    ({"total_revenue": D("100.00"), "net_income": D("1.001")}, "net_income"),
    ({"total_revenue": D("100.00"), "net_income": D("1.00"), "mlr_numerator": D("5.00")}, "mlr_denominator"),
])
def test_bad_figures_are_refused_and_nothing_is_written(plan, figures, field):
    before = counts()
    with pytest.raises(ValidationError) as err:
        services.financial_year_create(actor=SETUP, plan=plan, income_year=2024, **figures)
    assert field in err.value.message_dict
    assert counts() == before


def test_a_second_live_year_is_refused(plan):
    financial_year(plan)
    before = counts()
    with pytest.raises(ValidationError):
        financial_year(plan)
    assert counts() == before


def test_income_year_no_policy_covers_writes_nothing(plan):
    year = financial_year(plan, 2019)
    before = counts()
    with pytest.raises(ValidationError) as err:
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    assert "2019" in str(err.value)
    assert counts() == before


def test_currency_other_than_the_policys_writes_nothing(plan):
    year = financial_year(plan, 2024, currency="CAD")
    before = counts()
    with pytest.raises(ValidationError) as err:
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    assert "currency" in err.value.message_dict
    assert counts() == before


def test_missing_input_the_policy_needs_writes_nothing(plan):
    year = financial_year(PlanFactory(jurisdiction="NV"))  # NV applies to Nevada plans
    before = counts()
    with pytest.raises(ValidationError) as err:
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="NV")
    assert "pretax_income" in err.value.message_dict
    assert counts() == before


def test_only_the_plans_finance_staff_write(plan):
    other = PlanFactory()
    compliance = member("plan_compliance", plan)
    outsider = member("plan_finance", other)
    before = counts()
    for actor in (compliance, outsider):
        with pytest.raises(AccessDenied):
            services.financial_year_create(
                actor=actor, plan=plan, income_year=2024, total_revenue=D("1.00"), net_income=D("0.00"))
    year = financial_year(plan)
    with pytest.raises(AccessDenied):
        services.obligation_compute(actor=compliance, financial_year=year, policy_code="CA-DHCS")
    with pytest.raises(AccessDenied):
        services.financial_year_lock(actor=outsider, financial_year=year)
    assert counts()[1] == before[1]


def test_database_refuses_two_live_years_and_net_income_above_revenue(plan):
    financial_year(plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFinancialYear.objects.create(plan=plan, income_year=2024, total_revenue=D("1"), net_income=D("0"),
                                         line_of_business=line("medi-cal"))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFinancialYear.objects.create(plan=plan, income_year=2030, total_revenue=D("1"), net_income=D("2"),
                                         line_of_business=line("medi-cal"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_trigger_refuses_changing_a_locked_year_from_any_client():
    plan = PlanFactory()
    year = financial_year(plan)
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)

    with pytest.raises(Exception, match="locked"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reinvestment_planfinancialyear SET net_income = 1 WHERE id = %s", [year.pk])
    with pytest.raises(Exception, match="locked"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reinvestment_planfinancialyear SET status = 'draft' WHERE id = %s", [year.pk])
    with pytest.raises(Exception, match="locked"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM reinvestment_planfinancialyear WHERE id = %s", [year.pk])
    year.refresh_from_db()
    assert (year.status, year.net_income.amount) == ("locked", D("200000000.00"))


def test_allocation_by_revenue_share_uses_county_figures(plan):
    policy = ReinvestmentPolicy.objects.get(code="AZ", version=1)
    policy.pk, policy.code, policy.allocation_basis = None, "AZ-REV", "revenue"
    policy.save()
    PolicyBracket.objects.create(policy=policy, position=1, rate=D("0.06"))
    applies_to(policy, "CA", "medi-cal")  # the variant applies to the (California) test plan
    year = financial_year(plan, 2024, revenue="1000000.00", net_income="100000.00")  # 6% = 6,000.00
    services.county_financials_set(actor=SETUP, financial_year=year, figures={
        county("Imperial"): (D("100000.00"), D("1.00")), county("Riverside"): (D("200000.00"), D("-5.00")),
        county("San Diego"): (D("0.00"), D("3.00")),
    })

    obligation = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="AZ-REV")

    amounts = {a.county.name: a.amount.amount for a in obligation.allocations.select_related("county")}
    assert amounts == {"Imperial": D("2000.00"), "Riverside": D("4000.00")}


def test_mlr_remittance_recipient_is_named_by_fund_code(plan):
    year = financial_year(plan, 2024, mlr_numerator=D("800000000.00"), mlr_denominator=D("1000000000.00"))
    obligation = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    assert obligation.mlr_remittance.amount == D("50000000.00")  # 85% x $1B - $800M

    events = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        services.obligation_mlr_recipient_set(actor=member("plan_compliance", plan), obligation=obligation,
                                              fund_code="demo-fund-1")
    assert AuditEvent.objects.count() == events
    obligation.refresh_from_db()
    assert obligation.mlr_remittance_fund_code in ("", None)
    services.obligation_mlr_recipient_set(actor=member("plan_finance", plan), obligation=obligation,
                                          fund_code="demo-fund-1")
    obligation.refresh_from_db()
    assert obligation.mlr_remittance_fund_code == "demo-fund-1"
    assert AuditEvent.objects.filter(action="reinvestment.obligation.mlr_recipient").count() == 1
