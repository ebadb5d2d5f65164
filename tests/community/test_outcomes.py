"""Stratified outcomes and a wellness fund's public transparency page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from community import services
from community.models import OutcomeMeasure, StratifiedOutcome
from organizations.access import AccessDenied
from tests.api.factories import token_client

pytestmark = pytest.mark.django_db
PERIOD = {"period_start": dt.date(2025, 7, 1), "period_end": dt.date(2026, 6, 30)}


@pytest.fixture
def measure():
    return OutcomeMeasure.objects.get(code="people-served")


def test_outcomes_refuse_categories_outside_the_taxonomy_and_write_nothing(world, measure):
    events = AuditEvent.objects.count()
    bad = [
        {"dimension": "race", "counts": {"asian": 10, "martian": 2}},
        {"dimension": "shoe_size", "counts": {"42": 1}},
        {"dimension": "race", "counts": {"asian": -1}},
        {"dimension": "race", "counts": {}},
        {"dimension": "race", "counts": {"asian": 10}, "denominators": {"asian": 5}},
        {"dimension": "race", "counts": {"asian": 10}, "denominators": {"white": 50}},
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            services.outcomes_record(actor=world.fund_admin, fund=world.fund, measure=measure, **PERIOD, **kwargs)
    with pytest.raises(AccessDenied):
        services.outcomes_record(actor=world.compliance, fund=world.fund, measure=measure, dimension="race",
                                 counts={"asian": 10}, **PERIOD)
    assert not StratifiedOutcome.objects.exists() and AuditEvent.objects.count() == events


def test_a_dimension_is_recorded_once_per_period(world, measure):
    rows = services.outcomes_record(actor=world.fund_admin, fund=world.fund, measure=measure, dimension="race",
                                    counts={"asian": 40, "declined": 3, "not_reported": 5}, **PERIOD)
    assert len(rows) == 3 and {r.taxonomy.version for r in rows} == {1}
    with pytest.raises(ValidationError):
        services.outcomes_record(actor=world.fund_admin, fund=world.fund, measure=measure, dimension="race",
                                 counts={"white": 1}, **PERIOD)
    assert StratifiedOutcome.objects.count() == 3


def test_the_public_fund_page_suppresses_small_cells(world, measure, client):
    services.outcomes_record(actor=world.fund_admin, fund=world.fund, measure=measure, dimension="race",
                             counts={"hispanic_latino": 120, "middle_eastern_north_african": 4, "white": 40,
                                     "asian": 0}, **PERIOD)
    services.priority_tag_fund(actor=world.fund_admin, priority=world.asthma, fund=world.fund)
    html = client.get(reverse("community:public_fund", args=[world.fund.code])).content.decode()
    assert "Hispanic or Latino" in html and "120" in html and "Asthma" in html
    assert "Middle Eastern or North African" in html and "fewer than 11" in html
    assert ">4<" not in html
    assert ">40<" not in html  # suppressed too: the total would reveal the small cell
    assert client.get(reverse("community:public_fund", args=["no-such-fund"])).status_code == 404


def test_outcomes_through_the_api(world, measure):
    api = token_client(world.fund_admin)
    body = {"fund": world.fund.pk, "measure": "people-served", "period_start": "2025-07-01",
            "period_end": "2026-06-30", "dimension": "language", "counts": {"spanish": 30, "klingon": 2}}
    response = api.post("/api/stratified-outcomes/", body, format="json")
    assert response.status_code == 400 and "category" in response.json()["error"]["fields"]
    body["counts"] = {"spanish": 30, "declined": 2}
    response = api.post("/api/stratified-outcomes/", body, format="json")
    assert response.status_code == 201 and len(response.json()["results"]) == 2
    assert token_client(world.compliance).post("/api/stratified-outcomes/", body, format="json").status_code == 400
