"""Allocation of credits to obligations: the automatic rule, a person's re-allocation, bad input,
reversal, amendments, the data migration, the database guard and query counts."""

import datetime as dt
import importlib
from decimal import Decimal as D

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from audit.models import AuditEvent
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment import selectors, services
from reinvestment.models import (
    AllocationRule,
    FulfilmentAllocation,
    Obligation,
    ObligationCredit,
)
from reporting.selectors.community_reinvestment import community_reinvestment_data
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory, county, financial_year, member_months
from tests.reinvestment.test_allocations_defects import _fund_payment, _line
from wellness_fund import services as fund_services

pytestmark = pytest.mark.django_db
IN_BOTH = dt.date(2028, 6, 1)  # inside the CA-DHCS windows of 2024 (2027..2029) and 2025 (2028..2030)


def state():
    """Every row and amount an allocation write could change, and the audit trail's length."""
    return (sorted(FulfilmentAllocation.objects.values_list("credit_id", "obligation_id", "amount")),
            sorted(ObligationCredit.objects.values_list("pk", "reversed_on")), AuditEvent.objects.count())


def year(plan, income_year, net_income, **kw):
    return financial_year(plan, income_year, revenue="1000000.00", net_income=net_income,
                          **(_line("medi-cal") | kw))


@pytest.fixture
def plan():
    p = PlanFactory()
    member_months(p, 2024, {"Imperial": 100, "Riverside": 300})
    return p


@pytest.fixture
def obligations(plan):
    """CA-DHCS 2024 (500.00, window 2027..2029) and 2025 (1,000.00, window 2028..2030)."""
    return [services.obligation_compute(actor=SETUP, financial_year=year(plan, y, n), policy_code="CA-DHCS")
            for y, n in ((2024, "10000.00"), (2025, "20000.00"))]


@pytest.fixture
def qtf(plan, obligations):
    """Covered California QTF 2024: 2% x 400,000 x 1 of 4 measures = 2,000.00 (window 2025)."""
    kw = {"gross_premium": D("400000.00"), "quality_standards_met": False, "quality_measures_missed": ["col"]}
    if _line("x"):
        member_months(plan, 2024, {"Imperial": 100, "Riverside": 300}, line_code="covered-california")
        fy = financial_year(plan, 2024, revenue="1000000.00", net_income="10000.00",
                            **(_line("covered-california") | kw))
    else:  # pragma: no cover - figures kept per plan-year only
        fy = obligations[0].financial_year
        services.financial_year_update(actor=SETUP, financial_year=fy, **kw)
    return services.obligation_compute(actor=SETUP, financial_year=fy, policy_code="CC-QTF")


def pay(plan, amount, ref, on=IN_BOTH, name="Imperial", **kw):
    return services.obligation_credit_record(
        actor=SETUP, plan=plan, county_amounts={county(name): D(amount)}, credited_on=on,
        source=kw.pop("source", "fund_contribution"), reference=ref, **kw)[0]


def allocated(credit):
    return sorted((a.obligation.income_year, a.obligation.policy_code, a.amount.amount)
                  for a in FulfilmentAllocation.objects.filter(credit=credit).select_related("obligation"))


# --- the automatic rule -----------------------------------------------------------------------


def test_rules_are_data_with_their_source():
    rules = {r.basis: r for r in AllocationRule.objects.all()}
    assert set(rules) == {"net_income", "pretax_income", "mlr_shortfall", "premium_at_risk"}
    assert rules["premium_at_risk"].qualifying_sources == ["purchaser_payment"]
    assert set(rules["net_income"].qualifying_sources) == {"fund_contribution", "direct_investment"}
    assert all(r.source_citation for r in rules.values())
    assert rules["net_income"].verified and not rules["pretax_income"].verified


def test_oldest_unmet_obligation_first_then_the_next_year_rest_unallocated(plan, obligations):
    first = pay(plan, "400.00", "p1")
    split = pay(plan, "300.00", "p2")  # 100.00 completes 2024, the rest goes on to 2025
    assert allocated(first) == [(2024, "CA-DHCS", D("400.00"))]
    assert allocated(split) == [(2024, "CA-DHCS", D("100.00")), (2025, "CA-DHCS", D("200.00"))]
    nxt = pay(plan, "1200.00", "p3")  # 2025 needs 800.00; 400.00 is left over
    assert allocated(nxt) == [(2025, "CA-DHCS", D("800.00"))]
    named = pay(plan, "50.00", "p4", income_year=2024)  # the payer named a year that is met
    assert allocated(named) == []

    totals = selectors.fulfilment_totals_for_plan(plan)
    assert totals == {"paid": D("1950.00"), "allocated": D("1500.00"), "unallocated": D("450.00")}
    assert [(r["reference"], r["unallocated"]) for r in selectors.unallocated_credits_for_plan(plan)] == [
        ("p3", D("400.00")), ("p4", D("50.00"))]


def test_purchaser_payment_goes_to_premium_at_risk_only(plan, obligations, qtf):
    credits = services.purchaser_payment_record(actor=SETUP, obligation=qtf, amount="2000.00",
                                                paid_on=dt.date(2025, 6, 1), reference="QTF-INV-1")
    assert sum(c.amount.amount for c in credits) == D("2000.00")
    assert {c.county.name for c in credits} == {"Imperial", "Riverside"}  # split as the obligation is
    assert selectors.obligation_summary(qtf, dt.date(2025, 12, 31))["status"] == "met"
    assert selectors.obligation_summary(obligations[0], IN_BOTH)["fulfilled"] == D("0.00")
    with pytest.raises(ValidationError, match="not a premium-at-risk"):
        services.purchaser_payment_record(actor=SETUP, obligation=obligations[0], amount="1.00",
                                          paid_on=dt.date(2025, 6, 1), reference="X")


def test_payment_recorded_before_its_obligation_is_allocated_when_it_is_computed(plan):
    fy = year(plan, 2024, "10000.00")
    credit = pay(plan, "50.00", "early", income_year=2024)
    assert allocated(credit) == []
    obligation = services.obligation_compute(actor=SETUP, financial_year=fy, policy_code="CA-DHCS")
    assert allocated(credit) == [(2024, "CA-DHCS", D("50.00"))]
    assert selectors.obligation_summary(obligation, IN_BOTH)["fulfilled"] == D("50.00")


def test_amended_year_carries_allocations_to_the_new_obligation(plan, obligations):
    pay(plan, "300.00", "a1", income_year=2024)
    fy = obligations[0].financial_year
    services.financial_year_submit(actor=SETUP, financial_year=fy)
    services.financial_year_lock(actor=SETUP, financial_year=fy)
    services.financial_year_amend(actor=SETUP, financial_year=fy, reason="Restated", net_income=D("4000.00"))

    new = Obligation.objects.get(plan=plan, income_year=2024, policy_code="CA-DHCS", status="current")
    assert new.total.amount == D("200.00")
    assert selectors.obligation_summary(new, IN_BOTH)["fulfilled"] == D("200.00")  # up to the new total
    assert selectors.fulfilment_totals_for_plan(plan)["unallocated"] == D("100.00")
    assert not FulfilmentAllocation.objects.filter(obligation__status="superseded").exists()


def test_recomputed_above_its_allocations_an_obligation_takes_what_is_unallocated(plan, obligations):
    credit = pay(plan, "700.00", "g1", income_year=2024)  # 500.00 allocated, 200.00 left
    services.financial_year_update(actor=SETUP, financial_year=obligations[0].financial_year,
                                   net_income=D("12000.00"))  # 5% x 12,000 = 600.00
    assert allocated(credit) == [(2024, "CA-DHCS", D("600.00"))]


def test_recomputed_below_its_allocations_an_obligation_releases_the_excess(plan, obligations):
    credit = pay(plan, "450.00", "t1", income_year=2024)
    services.financial_year_update(actor=SETUP, financial_year=obligations[0].financial_year,
                                   net_income=D("6000.00"))  # 5% x 6,000 = 300.00
    assert allocated(credit) == [(2024, "CA-DHCS", D("300.00"))]
    assert selectors.fulfilment_totals_for_plan(plan)["unallocated"] == D("150.00")


# --- a person re-allocates ------------------------------------------------------------------


def test_move_part_of_an_allocation_with_a_reason_audited(plan, obligations):
    credit = pay(plan, "400.00", "m1")
    allocation = FulfilmentAllocation.objects.get(credit=credit)
    finance = member("plan_finance", plan)

    moved = services.allocation_move(actor=finance, allocation=allocation, obligation=obligations[1],
                                     amount="150.00", reason="Board asked to count it toward 2025")

    assert allocated(credit) == [(2024, "CA-DHCS", D("250.00")), (2025, "CA-DHCS", D("150.00"))]
    assert moved.rule_id is None and moved.reason == "Board asked to count it toward 2025"
    event = AuditEvent.objects.filter(action="reinvestment.allocation.move").get()
    assert event.reason == "Board asked to count it toward 2025" and event.actor_id == finance.pk
    # the rest of it, back again: the emptied allocation disappears
    services.allocation_move(actor=finance, allocation=FulfilmentAllocation.objects.get(pk=allocation.pk),
                             obligation=obligations[1], amount="250.00", reason="All of it")
    assert allocated(credit) == [(2025, "CA-DHCS", D("400.00"))]


def test_allocate_unallocated_money_by_hand(plan, obligations):
    credit = pay(plan, "700.00", "u1", income_year=2024)  # 500.00 to 2024, 200.00 unallocated
    services.allocation_create(actor=SETUP, credit=credit, obligation=obligations[1], amount="200.00",
                               reason="The rest counts toward 2025")
    assert allocated(credit) == [(2024, "CA-DHCS", D("500.00")), (2025, "CA-DHCS", D("200.00"))]


def test_only_plan_finance_reallocates(plan, obligations):
    allocation = FulfilmentAllocation.objects.get(credit=pay(plan, "10.00", "acc"))
    before = state()
    with pytest.raises(AccessDenied):
        services.allocation_move(actor=member("plan_compliance", plan), allocation=allocation,
                                 obligation=obligations[1], amount="1.00", reason="x")
    with pytest.raises(AccessDenied):
        services.allocation_move(actor=member("plan_finance", PlanFactory()), allocation=allocation,
                                 obligation=obligations[1], amount="1.00", reason="x")
    assert state() == before


# --- bad input: refused, nothing written ---------------------------------------------------


def _frozen_obligation(plan):
    fy = year(plan, 2023, "10000.00")
    obligation = services.obligation_compute(actor=SETUP, financial_year=fy, policy_code="CA-DHCS")
    services.financial_year_submit(actor=SETUP, financial_year=fy)
    services.financial_year_lock(actor=SETUP, financial_year=fy)
    obligation.refresh_from_db()
    assert obligation.status == "frozen"
    return obligation


@pytest.mark.parametrize("case", ["above_source", "other_plan", "frozen", "premium_from_community",
                                  "above_obligation", "no_reason", "zero", "move_above_allocation"])
def test_bad_allocations_are_refused_and_write_nothing(plan, obligations, qtf, case):
    credit = pay(plan, "700.00", "bad", income_year=2024)  # 500.00 to 2024, 200.00 unallocated
    allocation = FulfilmentAllocation.objects.get(credit=credit)
    target, amount, reason, call = obligations[1], "200.00", "a reason", services.allocation_create
    kw = {"credit": credit}
    if case == "above_source":
        amount = "200.01"
    elif case == "other_plan":
        other = PlanFactory()
        member_months(other, 2025, {"Imperial": 1}, months=1)
        target = services.obligation_compute(actor=SETUP, financial_year=year(other, 2025, "20000.00"),
                                             policy_code="CA-DHCS")
    elif case == "frozen":
        target = _frozen_obligation(plan)
    elif case == "premium_from_community":
        target = qtf
    elif case == "above_obligation":
        services.allocation_create(actor=SETUP, credit=credit, obligation=obligations[1], amount="100.00",
                                   reason="part")
        pay(plan, "900.00", "fill", income_year=2025)  # 2025 now fully met
    elif case == "no_reason":
        reason = "  "
    elif case == "zero":
        amount = "0.00"
    elif case == "move_above_allocation":
        call, kw, amount = services.allocation_move, {"allocation": allocation}, "500.01"
    before = state()

    with pytest.raises(ValidationError):
        call(actor=SETUP, obligation=target, amount=amount, reason=reason, **kw)

    assert state() == before


def test_moving_money_out_of_a_frozen_obligation_is_refused(plan, obligations):
    frozen = _frozen_obligation(plan)
    credit = pay(plan, "100.00", "fz", income_year=2023)  # new payments still count toward it
    allocation = FulfilmentAllocation.objects.get(credit=credit, obligation=frozen)
    before = state()
    with pytest.raises(ValidationError, match="frozen"):
        services.allocation_move(actor=SETUP, allocation=allocation, obligation=obligations[1], amount="1.00",
                                 reason="x")
    assert state() == before


# --- reversal -------------------------------------------------------------------------------


def test_reversal_removes_every_allocation_of_the_payment_in_its_transaction(plan, obligations):
    fund, payment = _fund_payment(plan, amount="600.00")  # 2027-02: income year 2024 named
    credits = list(ObligationCredit.objects.filter(reference=f"wellness_fund.contributionpayment:{payment.pk}"))
    assert sum(a.amount.amount for c in credits for a in c.allocations.all()) == D("500.00")

    fund_services.contribution_payment_reverse(actor=SETUP, payment=payment, on=dt.date(2027, 3, 1),
                                               reason="Bounced")

    assert not FulfilmentAllocation.objects.filter(credit__in=credits).exists()
    assert set(ObligationCredit.objects.filter(pk__in=[c.pk for c in credits])
               .values_list("reversed_on", flat=True)) == {dt.date(2027, 3, 1)}
    assert selectors.fulfilment_totals_for_plan(plan)["paid"] == D("0.00")
    assert AuditEvent.objects.filter(action="reinvestment.credit.reverse").count() == len(credits)
    # a reversed payment's credit cannot be allocated by hand either
    with pytest.raises(ValidationError, match="reversed"):
        services.allocation_create(actor=SETUP, credit=credits[0], obligation=obligations[0], amount="1.00",
                                   reason="x")


def test_reversing_an_already_reversed_payment_is_refused(plan, obligations):
    fund, payment = _fund_payment(plan)
    fund_services.contribution_payment_reverse(actor=SETUP, payment=payment, on=dt.date(2027, 3, 1),
                                               reason="Bounced")
    before = state()
    with pytest.raises(ValidationError, match="already been reversed"):
        fund_services.contribution_payment_reverse(actor=SETUP, payment=payment, on=dt.date(2027, 3, 2),
                                                   reason="Again")
    with pytest.raises(ValidationError, match="already reversed"):
        services.credits_reverse(actor=SETUP, source="fund_contribution",
                                 references=[f"wellness_fund.contributionpayment:{payment.pk}"],
                                 on=dt.date(2027, 3, 2))
    assert state() == before


# --- existing data --------------------------------------------------------------------------


def test_migration_turns_credits_into_allocations_without_touching_frozen_obligations(plan, obligations, qtf):
    frozen = _frozen_obligation(plan)
    frozen_before = Obligation.objects.filter(pk=frozen.pk).values().get()
    rows = [  # as credits were before allocations existed
        ("untagged-2024", 2024, "", D("30.00")), ("tagged-qtf", 2024, "CC-QTF", D("20.00")),
        ("untagged-2023", 2023, "", D("10.00")), ("no-obligation", 2019, "", D("5.00")),
    ]
    credits = {ref: ObligationCredit.objects.create(
        plan=plan, income_year=y, county=county("Imperial"), source="fund_contribution", reference=ref,
        credited_on=IN_BOTH, amount=amount, policy_code=code) for ref, y, code, amount in rows}
    migration = importlib.import_module("reinvestment.migrations.0005_fulfilment_allocations")

    migration.credits_to_allocations(django_apps, None)
    migration.credits_to_allocations(django_apps, None)  # twice: nothing more

    got = {ref: allocated(c) for ref, c in credits.items()}
    assert got == {
        "untagged-2024": [(2024, "CA-DHCS", D("30.00"))],  # the oldest live one not premium at risk
        "tagged-qtf": [(2024, "CC-QTF", D("20.00"))],
        "untagged-2023": [(2023, "CA-DHCS", D("10.00"))],
        "no-obligation": [],
    }
    assert Obligation.objects.filter(pk=frozen.pk).values().get() == frozen_before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_refuses_over_allocation_and_allocations_of_reversed_credits():
    plan = PlanFactory()
    member_months(plan, 2024, {"Imperial": 100}, months=1)
    obligation = services.obligation_compute(actor=SETUP, financial_year=year(plan, 2024, "10000.00"),
                                             policy_code="CA-DHCS")
    credit = pay(plan, "100.00", "db", income_year=2024)
    allocation = FulfilmentAllocation.objects.get(credit=credit)
    with pytest.raises(Exception, match="allocated 100.01"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reinvestment_fulfilmentallocation SET amount = 100.01 WHERE id = %s", [allocation.pk])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(Exception, match="reversed"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reinvestment_obligationcredit SET reversed_on = '2027-01-01' WHERE id = %s", [credit.pk])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reinvestment_obligationcredit SET amount = 1 WHERE id = %s", [credit.pk])
    other = PlanFactory()
    with pytest.raises(Exception, match="different plans"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reinvestment_fulfilmentallocation SET plan_id = %s WHERE id = %s", [other.pk, allocation.pk])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    allocation.refresh_from_db()
    assert allocation.amount.amount == D("100.00") and obligation.fulfilments.count() == 1


# --- query counts ---------------------------------------------------------------------------


def _plan_with(n):
    """A plan with n income years (one obligation each) and 3n payments allocated across them."""
    p = PlanFactory()
    member_months(p, 2024, {"Imperial": 10, "Riverside": 20}, months=1)
    for i in range(n):
        fy = year(p, 2023 + i, "40000.00")  # 2,000.00 each
        services.obligation_compute(actor=SETUP, financial_year=fy, policy_code="CA-DHCS")
        for k in range(3):
            pay(p, "5.00", f"q{p.pk}:{i}:{k}", name=["Imperial", "Riverside"][k % 2], income_year=2023 + i,
                domain="food")
    return p


@pytest.mark.parametrize("n", [1, 10])
def test_dashboard_and_report_selectors_take_the_same_queries_at_ten_times_the_size(
        django_assert_num_queries, n):
    plan = _plan_with(n)
    obligation = Obligation.objects.filter(plan=plan).order_by("income_year").first()
    with django_assert_num_queries(1):
        rows = selectors.obligation_rows(plan=plan, as_of=IN_BOTH)
    assert len(rows) == n and all(r["fulfilled"] == D("15.00") for r in rows)
    with django_assert_num_queries(2):
        summary = selectors.obligation_summary(obligation, IN_BOTH)
    assert summary["fulfilled"] == D("15.00")
    with django_assert_num_queries(1):
        assert selectors.unmet_income_years_on(plan=plan, on=dt.date(2026, 6, 1)) == [2023]
    with django_assert_num_queries(2):
        assert selectors.fulfilment_totals_for_plan(plan)["allocated"] == D("15.00") * n
    with django_assert_num_queries(1):
        assert selectors.unallocated_credits_for_plan(plan) == []


def test_report_data_queries_do_not_grow_with_allocations(django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext

    plans = {}
    for payments in (3, 30):
        plan = plans[payments] = PlanFactory(code=f"plan-q{payments}")
        member_months(plan, 2024, {"Imperial": 10, "Riverside": 20}, months=1)
        services.obligation_compute(actor=SETUP, financial_year=year(plan, 2024, "40000.00"),
                                    policy_code="CA-DHCS")
        for k in range(payments):
            pay(plan, "5.00", f"r{payments}:{k}", name=["Imperial", "Riverside"][k % 2], income_year=2024,
                on=dt.date(2026, 1, 5))
    as_of = dt.date(2026, 6, 30)
    community_reinvestment_data({"plan": plans[3].code, "year": 2024}, as_of)  # warm caches
    with CaptureQueriesContext(connection) as small:
        data = community_reinvestment_data({"plan": plans[3].code, "year": 2024}, as_of)
    assert data.fulfilled == D("15.00")
    with django_assert_num_queries(len(small.captured_queries)):
        data = community_reinvestment_data({"plan": plans[30].code, "year": 2024}, as_of)
    assert data.fulfilled == D("150.00")
