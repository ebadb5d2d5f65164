"""The obligations dashboard reads lean rows: ``obligation_rows`` and ``obligation_progress`` give
the same figures as the full ``obligation_summary`` a report reads, and the page's queries stay
the same when a plan's payments grow tenfold."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from organizations.actors import SETUP
from organizations.models import Role
from reinvestment import selectors, services
from reinvestment.models import FulfilmentAllocation, Obligation
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory, county, financial_year, member_months
from tests.reinvestment.test_allocations_defects import _line

pytestmark = pytest.mark.django_db
IN_WINDOW = dt.date(2028, 6, 1)  # inside the CA-DHCS windows of 2024 (2027..2029) and 2025 (2028..2030)
SHOWN = ("id", "income_year", "policy", "version", "total", "fulfilled", "remaining", "percent", "window_start",
         "window_end", "deadline", "status", "counties", "as_of")


@pytest.fixture
def plan():
    return plan_with_obligations("plan-progress")


def plan_with_obligations(code):
    """A plan with CA-DHCS obligations for income years 2024 and 2025 over two counties."""
    p = PlanFactory(code=code)
    member_months(p, 2024, {"Imperial": 100, "Riverside": 300})
    member_months(p, 2025, {"Imperial": 200, "Riverside": 200})
    for income_year, net_income in ((2024, "10000.00"), (2025, "20000.00")):
        fy = financial_year(p, income_year, revenue="1000000.00", net_income=net_income, **_line("medi-cal"))
        services.obligation_compute(actor=SETUP, financial_year=fy, policy_code="CA-DHCS")
    return p


def pay(plan, amount, ref, on=IN_WINDOW, name="Imperial"):
    return services.obligation_credit_record(
        actor=SETUP, plan=plan, county_amounts={county(name): D(amount)}, credited_on=on,
        source="fund_contribution", reference=ref)


def payments(plan, n):
    """``n`` payments over three counties (one the obligations allocate nothing to), the last
    one credited after the day the dashboard is read."""
    names = ["Imperial", "Riverside", "Kern"]
    for i in range(n):
        on = IN_WINDOW + dt.timedelta(days=400) if i == n - 1 else IN_WINDOW - dt.timedelta(days=i)
        pay(plan, f"{7 + i}.25", f"progress-{n}-{i}", on=on, name=names[i % 3])


def test_rows_and_progress_give_the_summary_figures(plan):
    payments(plan, 9)
    assert FulfilmentAllocation.objects.filter(county=county("Kern")).exists()
    as_of = IN_WINDOW + dt.timedelta(days=1)
    rows = selectors.obligation_rows(plan=plan, as_of=as_of)
    progress = selectors.obligation_progress(rows, as_of)
    by_id = {o.pk: o for o in selectors.obligations_for_plan(plan)}
    assert [p["id"] for p in progress] == [r["id"] for r in rows] == list(by_id)
    for row, got in zip(rows, progress, strict=True):
        obligation = by_id[row["id"]]
        summary = selectors.obligation_summary(obligation, as_of)
        assert {k: got[k] for k in SHOWN} == {k: summary[k] for k in SHOWN}
        assert row["total"] == obligation.total.amount
        assert row["fulfilled"] == obligation.fulfilled_amount  # every allocation, the late one too
        assert row["line_of_business"] == obligation.financial_year.line_of_business.name
        assert row["pace"] == D(obligation.policy_snapshot["on_track_min_pace"])
    assert any(c["county"] == "Kern" and c["allocated"] == 0 and c["fulfilled"] > 0
               for p in progress for c in p["counties"])
    assert any(r["fulfilled"] != p["fulfilled"] for r, p in zip(rows, progress, strict=True))


def test_progress_of_no_obligation_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.obligation_progress([], IN_WINDOW) == []


@pytest.mark.parametrize("n", [3, 30])
def test_dashboard_queries_stay_the_same_when_payments_grow_tenfold(client, plan, django_assert_num_queries, n):
    payments(plan, n)
    assert FulfilmentAllocation.objects.filter(plan=plan).count() >= n
    client.force_login(member(Role.PLAN_FINANCE, plan))
    url = reverse("reinvestment:dashboard", args=[plan.code])
    client.get(url)  # warm the session
    cache.clear()  # the figures are computed, not read from the cache (tests/reinvestment/test_figures_stamp.py)
    # session, user (with the audit link's permission and the memberships, the plan among them), its
    # figures stamp; obligations with fulfilment (1); the chosen year's county allocations (1)
    # and fulfilment by county (1); the plan's unallocated money (1)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    obligation = Obligation.objects.get(plan=plan, income_year=2025)
    summary = selectors.obligation_summary(obligation, timezone.localdate())
    html = response.content.decode()
    assert f"${summary['total']:,.2f}" in html and f"${summary['fulfilled']:,.2f}" in html
