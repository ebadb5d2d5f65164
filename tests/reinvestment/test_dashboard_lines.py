"""The obligations dashboard with several obligations in one income year (one per policy and line
of business): each obligation's counties are shown and named, none merged into another."""

from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.actors import SETUP
from organizations.models import Role
from reinvestment import services
from reinvestment.models import Obligation
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory, financial_year

pytestmark = pytest.mark.django_db


def _member_months(plan, line, counts):
    rows = [{"plan": plan.code, "county": name, "month": f"2024-{m:02d}", "member_months": str(n),
             "line_of_business": line} for name, n in counts.items() for m in range(1, 13)]
    services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=rows)


@pytest.fixture
def plan():
    plan = PlanFactory(code="plan-lines", jurisdiction="CA")
    _member_months(plan, "medi-cal", {"Imperial": 100, "Riverside": 300})
    _member_months(plan, "covered-california", {"Riverside": 50})
    services.obligations_compute_applicable(actor=SETUP, financial_year=financial_year(plan, 2024))
    services.obligations_compute_applicable(actor=SETUP, financial_year=financial_year(plan, 2023))
    services.obligations_compute_applicable(actor=SETUP, financial_year=financial_year(
        plan, 2024, line_of_business="covered-california", revenue="50000000.00", net_income="1000000.00",
        gross_premium=D("40000000.00"), quality_standards_met=False, quality_measures_missed=["col"]))
    return plan


def test_each_obligation_of_the_year_shows_its_own_counties_and_line(client, plan, django_assert_num_queries):
    dhcs = Obligation.objects.get(plan=plan, policy_code="CA-DHCS", income_year=2024)
    qtf = Obligation.objects.get(plan=plan, policy_code="CC-QTF")
    client.force_login(member(Role.PLAN_FINANCE, plan))
    url = reverse("reinvestment:dashboard", args=[plan.code])
    client.get(url + "?year=2023")  # warm the session
    cache.clear()  # both years' figures computed, not read from the cache
    # the same number of queries as for a year with one obligation (the year 2023 below)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url + "?year=2023").context["summaries"][0]["policy"] == "CA-DHCS"
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    summaries = response.context["summaries"]
    assert [(s["policy"], s["line_of_business"]) for s in summaries] == [
        ("CA-DHCS", "Medi-Cal"), ("CC-QTF", "Covered California")]
    # each obligation's county split is its own line's, adding up to its own total
    by_policy = {s["policy"]: {c["county"]: c["allocated"] for c in s["counties"]} for s in summaries}
    assert set(by_policy["CA-DHCS"]) == {"Imperial", "Riverside"}
    assert by_policy["CC-QTF"] == {"Riverside": qtf.total.amount}  # Covered California members only
    assert sum(by_policy["CA-DHCS"].values()) == dhcs.total.amount
    # named on the page, with a chart and a table each
    assert "Obligation by county: CA-DHCS, Medi-Cal" in html
    assert "Obligation by county: CC-QTF, Covered California" in html
    assert 'id="county-chart"' in html and 'id="county-chart-2"' in html
    assert "This year has 2 obligations" in html
    # the table of obligations says which line of business each is of
    rows = {(r["policy"], r["line_of_business"]) for r in response.context["table"].page.object_list}
    assert rows == {("CA-DHCS", "Medi-Cal"), ("CC-QTF", "Covered California")}
    assert "Line of business" in html


def test_the_page_is_in_spanish_too(client, plan):
    user = member(Role.PLAN_FINANCE, plan)
    client.force_login(user)
    html = client.get(reverse("reinvestment:dashboard", args=[plan.code]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Obligación por condado: CC-QTF, Covered California" in html
    assert "Este año tiene 2 obligaciones" in html
