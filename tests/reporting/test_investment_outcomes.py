"""Outcomes of direct investments in the Community Reinvestment Report: a program the plan operates
itself (a vaccination van) and one it pays a community organization for, each labelled, stratified as
rates and small cells suppressed as the funds' outcomes (PDF text and data twin)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import services as cs
from community.models import OutcomeMeasure
from organizations.actors import SETUP
from organizations.models import County, Organization
from reinvestment import services as rs
from reinvestment.models import DirectInvestment
from reporting.documents.community_reinvestment import tables
from reporting.kinds import render_pdf
from reporting.selectors.community_reinvestment import community_reinvestment_data
from tests.organizations.factories import member
from tests.reporting import pdf_text
from tests.reporting.factories import plan_year

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2030, 1, 1)
GENERATED = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
PERIOD = {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 12, 31)}


def _world(code: str):
    plan = plan_year(code=code, counties=1, credits=1, county_names=("Imperial",))
    imperial = County.objects.get(state="CA", name="Imperial")
    compliance = member("plan_compliance", plan, f"{code}-compliance")
    van = rs.direct_investment_record(
        actor=SETUP, plan=plan, operated_by_plan=True, purpose="Mobile vaccination van", county=imperial,
        domain="health_care", paid_on=dt.date(2026, 3, 1), amount=Decimal("40000.00"), cha_chip_aligned=False,
        cac_consulted=True, income_year=2024)
    measure = OutcomeMeasure.objects.create(code=f"{code}-flu", name="Adults vaccinated against flu",
                                            source_citation="Test measure.", suppress_below=11)
    # one small cell (4 of 9), so a second one is suppressed too
    cs.outcomes_record(actor=compliance, direct_investment=van, measure=measure, dimension="race",
                       period_start=PERIOD["period_start"], period_end=PERIOD["period_end"],
                       counts={"hispanic_latino": 84, "white": 60, "middle_eastern_north_african": 4, "asian": 30},
                       denominators={"hispanic_latino": 120, "white": 75, "middle_eastern_north_african": 9,
                                     "asian": 40})
    paid = DirectInvestment.objects.get(plan=plan, operated_by_plan=False)
    cs.outcomes_record(actor=compliance, direct_investment=paid, measure=measure, dimension="language",
                       period_start=PERIOD["period_start"], period_end=PERIOD["period_end"],
                       counts={"spanish": 50, "english": 40}, denominators={"spanish": 80, "english": 50})
    return plan, van, paid, measure, compliance


def test_the_report_shows_investment_outcomes_labelled_stratified_and_suppressed():
    plan, van, paid, measure, compliance = _world("invout")
    data = community_reinvestment_data({"plan": plan.code, "year": 2024}, as_of=AS_OF)
    assert data.voice is not None
    rows = [r for r in data.voice.investment_rates if r.investment == "Mobile vaccination van"]
    assert {r.operated_by for r in rows} == {"Operated by the plan"}
    by_group = {r.group: r for r in rows}
    assert by_group["Middle Eastern or North African"].suppressed
    assert sum(r.suppressed for r in rows) == 2  # complementary suppression
    assert by_group["Hispanic or Latino"].rate == Decimal(84) / Decimal(120)
    assert (by_group["Overall"].numerator, by_group["Overall"].denominator) == (178, 244)
    other = [r for r in data.voice.investment_rates if r.investment == paid.purpose]
    payee = Organization.objects.get(pk=paid.payee_id)
    assert other and {r.operated_by for r in other} == {f"Paid to {payee.legal_name}"}
    assert not any(r.suppressed for r in other)

    pdf = render_pdf("community-reinvestment", data, report_id="CRR-invout-2024-v1", version=1,
                     generated_at=GENERATED, draft=True)
    text = pdf_text.text(pdf)
    squashed = pdf_text.squash(text)
    for words in ("Outcomes of direct investments", "Mobile vaccination van (Operated by the plan)",
                  "Adults vaccinated against flu", "Middle Eastern or North African", "<11", "Hispanic or Latino",
                  "1 January 2026 to 31 December 2026", f"Paid to {payee.legal_name}"):
        assert pdf_text.squash(words) in squashed, words
    for code in ("middle_eastern_north_african", "hispanic_latino"):
        assert code not in text

    header, body = tables(data)["investment_outcomes"]
    cells = [dict(zip(header, row, strict=True)) for row in body]
    mena = next(c for c in cells if c["group"] == "Middle Eastern or North African")
    assert mena["numerator"] is None and mena["denominator"] is None and mena["suppressed"] is True
    assert mena["operated_by"] == "Operated by the plan" and mena["investment"] == "Mobile vaccination van"
    hispanic = next(c for c in cells if c["group"] == "Hispanic or Latino")
    assert (hispanic["numerator"], hispanic["denominator"]) == (84, 120)


def test_the_report_query_count_does_not_grow_with_investment_outcomes():
    plan, van, paid, measure, compliance = _world("invout-q")
    params = {"plan": plan.code, "year": 2024}
    community_reinvestment_data(params, as_of=AS_OF)  # warm caches
    with CaptureQueriesContext(connection) as before:
        community_reinvestment_data(params, as_of=AS_OF)
    cs.outcomes_record(actor=compliance, direct_investment=van, measure=measure, dimension="language",
                       period_start=PERIOD["period_start"], period_end=PERIOD["period_end"],
                       counts={"spanish": 30, "english": 50}, denominators={"spanish": 40, "english": 60})
    with CaptureQueriesContext(connection) as after:
        data = community_reinvestment_data(params, as_of=AS_OF)
    assert data.voice is not None and len({r.dimension for r in data.voice.investment_rates}) == 2
    assert len(after.captured_queries) == len(before.captured_queries)
