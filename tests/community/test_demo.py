"""The demo data gives every community page something to show, and loads twice without change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import AdvisoryMeeting, PlanStatus, PriorityTag, ReinvestmentPlan
from organizations.models import User
from tests.helpers import load_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_and_every_page_shows_it(client):
    load_demo(through="community")
    counts = (AdvisoryMeeting.objects.count(), ReinvestmentPlan.objects.count(), PriorityTag.objects.count())
    load_demo(through="community")
    assert (AdvisoryMeeting.objects.count(), ReinvestmentPlan.objects.count(), PriorityTag.objects.count()) == counts
    assert counts[0] == 2 and counts[1] == 1 and counts[2] >= 2
    rp = ReinvestmentPlan.objects.get()
    assert rp.status == PlanStatus.APPROVED and rp.versions.count() == 2
    assert client.get(reverse("community:public_body", args=["golden-valley-cac"])).status_code == 200
    held = AdvisoryMeeting.objects.get(status="held")
    page = client.get(reverse("community:public_meeting", args=["golden-valley-cac", held.pk])).content.decode()
    assert "promotores" in page and "@demo.example" not in page
    assert "Imperial County" in client.get(reverse("community:health_plans")).content.decode()
    client.force_login(User.objects.get(username="compliance"))
    assert client.get(reverse("community:plan_detail", args=["demo-plan", rp.pk])).status_code == 200
    assert client.get(reverse("community:manage_bodies", args=["demo-plan"])).status_code == 200
    client.force_login(User.objects.get(username="regulator"))
    assert client.get(reverse("community:review_detail", args=[rp.pk])).status_code == 200


def test_demo_fund_page_shows_awards_with_priorities_rates_and_a_disparity_target(client):
    from community.models import DisparityTarget, InvestmentMeeting
    from grants.models import AwardMeeting, GrantPriorityTag

    load_demo(through="grants.demo_priorities")
    assert DisparityTarget.objects.count() == 1 and GrantPriorityTag.objects.exists()
    links = (InvestmentMeeting.objects.count(), AwardMeeting.objects.count(), AdvisoryMeeting.objects.count())
    assert links[:2] == (1, 1)
    load_demo(through="grants.demo_priorities")  # twice: nothing added
    assert DisparityTarget.objects.count() == 1
    assert (InvestmentMeeting.objects.count(), AwardMeeting.objects.count(), AdvisoryMeeting.objects.count()) == links
    discussed = AwardMeeting.objects.select_related("meeting__body", "award__fund").get()
    assert discussed.meeting.status == "held" and discussed.meeting.body.organization_id == discussed.award.fund.ach_id
    page = client.get(reverse("community:public_fund", args=["demo-fund-1"])).content.decode()
    assert "Well-child visits completed (demo)" in page and "fewer than 11" in page
    assert "Hispanic or Latino" in page and "White" in page and "Totals by county" in page
    tag = GrantPriorityTag.objects.filter(award__isnull=False).select_related("priority").first()
    assert tag is not None and tag.priority.title in page
