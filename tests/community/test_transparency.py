"""A wellness fund's public transparency page, read by an anonymous visitor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from community import services
from community.models import AdvisoryBodyType, Constituency, OutcomeMeasure
from community.transparency import PublicAward, totals
from grants.services import priorities as grant_priorities
from organizations.actors import SETUP
from tests.reporting.grants_world import grants_world
from tests.wellness_fund import factories as wf

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_sees_awards_totals_meetings_and_suppressed_counts_and_nothing_private(
        django_assert_max_num_queries):
    gw = grants_world(code="tp-plan")
    w, award = gw.world, gw.award
    chip = services.health_plan_create(actor=SETUP, title="Imperial CHIP", publisher="Imperial Public Health",
                                       counties=[wf.county("Imperial")], period_start=2022, period_end=2027,
                                       priorities=["Asthma and air quality"])
    grant_priorities.award_priority_tag(actor=w.admin, award=award, priority=chip.priorities.get())
    steering = services.advisory_body_create(actor=w.admin, organization=w.ach, fund=w.fund, code="tp-steering",
                                             body_type=AdvisoryBodyType.objects.get(code="ach-steering"),
                                             name="Imperial steering council")
    person = services.advisory_member_add(actor=w.admin, body=steering, name="Private Person",
                                          email="private.person@example.org",
                                          constituency=Constituency.objects.get(code="cbo"),
                                          joined_on=dt.date(2025, 1, 1))
    meeting = services.advisory_meeting_schedule(actor=w.admin, body=steering, meets_on=dt.date(2026, 3, 3),
                                                 agenda="1. Awards", topics=["Which asthma programs to fund"])
    services.advisory_meeting_record(actor=w.admin, meeting=meeting, notes="Discussed the call.", attendees=[person])
    measure = OutcomeMeasure.objects.get(code="people-served")
    services.outcomes_record(actor=w.admin, fund=w.fund, measure=measure, dimension="race",
                             period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31),
                             counts={"hispanic_latino": 120, "white": 40, "middle_eastern_north_african": 4})
    url = reverse("community:public_fund", args=[w.fund.code])
    visitor = Client()
    with django_assert_max_num_queries(20):
        response = visitor.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    grantee = award.grantee.display_name or award.grantee.legal_name
    for shown in (grantee, "$20,000.00", "Imperial", "Food", "Asthma and air quality", "Totals by county",
                  "Totals by domain", "Imperial steering council", "Which asthma programs to fund",
                  "fewer than 11", "Hispanic or Latino", "120"):
        assert shown in html, shown
    # a second small cell is suppressed so the first cannot be derived from the total
    assert html.count("fewer than 11") == 2 and ">40<" not in html and ">4<" not in html
    for private in ("private.person@example.org", "Private Person", "Quarterly check-ins", "tp-plan-pay-1",
                    "hispanic_latino", "health_care"):
        assert private not in html, private
    with translation.override("en"):  # the request switches the language; leave it as it was
        spanish = visitor.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Totales por condado" in spanish and "Reuniones de asesoría" in spanish


def test_totals_split_an_award_between_its_counties_to_the_cent():
    from decimal import Decimal

    award = PublicAward(grantee="A", amount=Decimal("100.00"), currency="USD", counties=("X", "Y", "Z"),
                        domains=("Food",), priorities=(), committed_on=dt.date(2026, 1, 1))
    by_county, by_domain = totals([award])
    assert [t.amount for t in by_county] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(t.amount for t in by_county) == Decimal("100.00") == by_domain[0].amount
