"""Stratified outcomes of a direct investment, including a program the plan operates itself: recorded
by the plan's own staff (service, page, API); another plan's investment looks like it does not exist;
bad input writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from community import services
from community.models import OutcomeMeasure, StratifiedOutcome
from community.selectors import taxonomy_in_force
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment import services as rs
from tests.api.factories import token_client

pytestmark = pytest.mark.django_db
PERIOD = {"period_start": dt.date(2025, 7, 1), "period_end": dt.date(2026, 6, 30)}


@pytest.fixture
def measure():
    return OutcomeMeasure.objects.get(code="people-served")


def _van(plan, county, purpose="Mobile vaccination van"):
    return rs.direct_investment_record(
        actor=SETUP, plan=plan, operated_by_plan=True, purpose=purpose, county=county, domain="health_care",
        paid_on=dt.date(2026, 2, 1), amount=Decimal("40000.00"), cha_chip_aligned=False, cac_consulted=True,
        income_year=2025)


def _counts():
    return StratifiedOutcome.objects.count(), AuditEvent.objects.count()


def test_the_plans_staff_record_outcomes_of_a_program_it_operates(world, measure):
    van = _van(world.plan, world.imperial)
    rows = services.outcomes_record(actor=world.compliance, direct_investment=van, measure=measure,
                                    dimension="race", counts={"hispanic_latino": 84, "white": 4},
                                    denominators={"hispanic_latino": 120, "white": 9}, **PERIOD)
    assert {(r.category, r.count, r.denominator) for r in rows} == {("hispanic_latino", 84, 120), ("white", 4, 9)}
    assert all(r.direct_investment_id == van.pk and r.fund_id is None for r in rows)
    event = AuditEvent.objects.filter(action="community.outcomes.record").latest("id")
    assert event.after["counts"] == {"hispanic_latino": 84, "white": 4}
    # a fund and an investment may record the same cell: each has its own
    services.outcomes_record(actor=world.fund_admin, fund=world.fund, measure=measure, dimension="race",
                             counts={"hispanic_latino": 84}, **PERIOD)
    with pytest.raises(ValidationError):  # but the investment records a dimension once per period
        services.outcomes_record(actor=world.finance, direct_investment=van, measure=measure, dimension="race",
                                 counts={"asian": 1}, **PERIOD)
    assert StratifiedOutcome.objects.filter(direct_investment=van).count() == 2


def test_refusals_write_nothing(world, measure):
    van = _van(world.plan, world.imperial)
    theirs = _van(world.other_plan, world.imperial, purpose="Their van")
    before = _counts()
    with pytest.raises(AccessDenied):  # another plan's investment
        services.outcomes_record(actor=world.compliance, direct_investment=theirs, measure=measure,
                                 dimension="race", counts={"asian": 10}, **PERIOD)
    with pytest.raises(AccessDenied):  # the ACH's fund administrators are not the plan's staff
        services.outcomes_record(actor=world.fund_admin, direct_investment=van, measure=measure,
                                 dimension="race", counts={"asian": 10}, **PERIOD)
    bad = [
        {"direct_investment": van, "counts": {"asian": 10}, "denominators": {"asian": 5}},  # count > denominator
        {"direct_investment": van, "counts": {"asian": 10, "martian": 2}},  # not in the taxonomy
        {"direct_investment": van, "fund": world.fund, "counts": {"asian": 10}},  # both targets
        {"counts": {"asian": 10}},  # neither
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            services.outcomes_record(actor=world.compliance, measure=measure, dimension="race", **PERIOD,
                                     **kwargs)
    assert _counts() == before


def test_the_database_holds_exactly_one_target_per_cell(world, measure):
    van = _van(world.plan, world.imperial)
    [row] = services.outcomes_record(actor=world.compliance, direct_investment=van, measure=measure,
                                     dimension="race", counts={"asian": 10}, **PERIOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        StratifiedOutcome.objects.filter(pk=row.pk).update(fund=world.fund)
    with pytest.raises(IntegrityError), transaction.atomic():
        StratifiedOutcome.objects.filter(pk=row.pk).update(direct_investment=None)


def test_the_staff_page_records_and_lists_outcomes_in_english_and_spanish(world, measure, client):
    van = _van(world.plan, world.imperial)
    url = reverse("community:investment_outcomes", args=[world.plan.code, van.pk])
    client.force_login(world.compliance)
    page = client.get(url).content.decode()
    assert "Operated by the plan" in page and "Mobile vaccination van" in page and "No outcomes recorded yet" in page
    assert 'name="dimension"' in page
    page = client.get(url, {"dimension": "race"}).content.decode()
    assert "Hispanic or Latino: count" in page
    categories = list(taxonomy_in_force().dimensions.get(code="race").categories.all())
    index = {c.code: i for i, c in enumerate(categories)}
    data = {"dimension": "race", "measure": measure.pk, "period_start": "2025-07-01", "period_end": "2026-06-30",
            f"count_{index['hispanic_latino']}": "84", f"denominator_{index['hispanic_latino']}": "120"}
    before = _counts()
    # count above its denominator: refused on the form, nothing written
    response = client.post(url, {**data, f"count_{index['white']}": "10", f"denominator_{index['white']}": "5"})
    assert response.status_code == 400 and _counts() == before
    # a period whose taxonomy is not in force: the service's refusal, shown on the page
    response = client.post(url, {**data, "period_start": "1990-01-01", "period_end": "1990-12-31"})
    assert response.status_code == 400 and _counts() == before
    response = client.post(url, data)
    assert response.status_code == 302
    assert StratifiedOutcome.objects.get(direct_investment=van).denominator == 120
    page = client.get(url).content.decode()
    assert "Hispanic or Latino" in page and "70.0" in page and "hispanic_latino" not in page
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Operado por el plan" in page and "Resultados" in page
    # the priorities page links here
    assert url in client.get(reverse("community:investment_priorities", args=[world.plan.code, van.pk])
                             ).content.decode()


def test_another_plans_investment_is_404_on_the_page_and_nothing_is_written(world, measure, client):
    theirs = _van(world.other_plan, world.imperial, purpose="Their van")
    before = _counts()
    client.force_login(world.compliance)
    data = {"dimension": "race", "measure": measure.pk, "period_start": "2025-07-01", "period_end": "2026-06-30",
            "count_0": "10"}
    for plan_code in (world.plan.code, world.other_plan.code):
        url = reverse("community:investment_outcomes", args=[plan_code, theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert _counts() == before


def test_outcomes_of_an_investment_through_the_api(world, measure):
    van = _van(world.plan, world.imperial)
    theirs = _van(world.other_plan, world.imperial, purpose="Their van")
    api = token_client(world.compliance)
    body = {"direct_investment": van.pk, "measure": "people-served", "period_start": "2025-07-01",
            "period_end": "2026-06-30", "dimension": "race", "counts": {"asian": 30, "white": 12},
            "denominators": {"asian": 40, "white": 20}}
    before = _counts()
    for changes in ({"direct_investment": theirs.pk},  # another plan's: does not exist
                    {"fund": world.fund.pk},  # both targets (and the fund is not theirs)
                    {"counts": {"asian": 50}, "denominators": {"asian": 40}},
                    {"counts": {"klingon": 2}}):
        response = api.post("/api/stratified-outcomes/", {**body, **changes}, format="json")
        assert response.status_code == 400, response.content
    response = api.post("/api/stratified-outcomes/", {**body, "direct_investment": theirs.pk}, format="json")
    assert "does not exist" in str(response.json()["error"]["fields"]["direct_investment"])
    assert _counts() == before
    response = api.post("/api/stratified-outcomes/", body, format="json")
    assert response.status_code == 201, response.content
    assert {r["direct_investment"] for r in response.json()["results"]} == {van.pk}
    listed = api.get(f"/api/stratified-outcomes/?direct_investment={van.pk}").json()
    assert listed["count"] == 2
    assert token_client(world.other_compliance).get("/api/stratified-outcomes/").json()["count"] == 0


def test_the_demo_has_a_plan_operated_van_with_stratified_outcomes(client):
    from organizations.models import User
    from reinvestment.models import DirectInvestment
    from tests.helpers import load_demo

    load_demo(through="community")
    counts = (DirectInvestment.objects.count(), StratifiedOutcome.objects.count())
    load_demo(through="community")  # twice: nothing added
    assert (DirectInvestment.objects.count(), StratifiedOutcome.objects.count()) == counts
    van = DirectInvestment.objects.get(operated_by_plan=True)
    assert van.payee_id == van.plan_id
    rows = StratifiedOutcome.objects.filter(direct_investment=van)
    assert rows.exists() and all(r.denominator is not None and r.count <= r.denominator for r in rows)
    client.force_login(User.objects.get(username="compliance"))
    page = client.get(reverse("community:investment_outcomes", args=[van.plan.code, van.pk])).content.decode()
    assert "Operated by the plan" in page and "Adults vaccinated against flu (demo)" in page
