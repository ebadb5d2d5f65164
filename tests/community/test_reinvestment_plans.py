"""Reinvestment plans: drafting, submission to the regulator of the plan's state, decisions, versions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from community import services
from community.models import (
    Decision,
    PlanStatus,
    ReinvestmentPlan,
    ReinvestmentPlanLine,
    ReinvestmentPlanTiming,
    ReinvestmentPlanVersion,
)
from organizations.access import AccessDenied
from organizations.actors import SETUP

from .conftest import make_cac

pytestmark = pytest.mark.django_db


def _held_meeting(w, organization=None, code="cw-cac"):
    body = make_cac(w, code=code, organization=organization)
    meeting = services.advisory_meeting_schedule(actor=SETUP, body=body,
                                                 meets_on=timezone.localdate() - dt.timedelta(days=3))
    return services.advisory_meeting_record(actor=SETUP, meeting=meeting, notes="Advice on 2024 lines.",
                                            attendees=list(body.members.all()))


def _draft(w, year: int = 2024) -> ReinvestmentPlan:
    rp = services.reinvestment_plan_create(actor=w.compliance, plan=w.plan, income_year=year)
    services.reinvestment_plan_line_add(actor=w.finance, reinvestment_plan=rp, county=w.imperial, domain="food",
                                        priority=w.food, description="Produce prescriptions", amount="1000.00")
    return rp


def test_whole_path_meeting_draft_return_resubmit_approve(world, client):
    meeting = _held_meeting(world)
    client.force_login(world.compliance)
    response = client.post(reverse("community:plan_list", args=[world.plan.code]), {"income_year": "2024"})
    assert response.status_code == 302
    rp = ReinvestmentPlan.objects.get(plan=world.plan, income_year=2024)
    assert rp.deadline == dt.date(2026, 9, 30) and rp.timing.unverified  # Q3 of N+2, held as data
    detail = reverse("community:plan_detail", args=[world.plan.code, rp.pk])
    response = client.post(detail, {"form": "line", "line-county": world.imperial.pk, "line-domain": "food",
                                     "line-priority": world.food.pk, "line-description": "Produce prescriptions",
                                     "line-amount": "$25,000.00"})
    assert response.status_code == 302
    response = client.post(detail, {"form": "meetings", "meetings-narrative": "Per the CAC.",
                                    "meetings-meetings": [meeting.pk]})
    assert response.status_code == 302
    assert client.post(reverse("community:plan_submit", args=[world.plan.code, rp.pk])).status_code == 302
    rp.refresh_from_db()
    assert rp.status == PlanStatus.SUBMITTED

    client.force_login(world.regulator)
    assert str(rp.plan) in client.get(reverse("community:review_list")).content.decode()
    review = reverse("community:review_detail", args=[rp.pk])
    assert client.post(review, {"decision": "returned", "comments": ""}).status_code == 400  # a return says why
    assert client.post(review, {"decision": "returned", "comments": "Add Riverside."}).status_code == 302
    rp.refresh_from_db()
    assert rp.status == PlanStatus.RETURNED

    client.force_login(world.compliance)
    response = client.post(detail, {"form": "line", "line-county": world.riverside.pk, "line-domain": "health_care",
                                    "line-priority": world.hypertension.pk, "line-description": "BP checks",
                                    "line-amount": "10000"})
    assert response.status_code == 302
    assert client.post(reverse("community:plan_submit", args=[world.plan.code, rp.pk])).status_code == 302

    client.force_login(world.regulator)
    assert client.post(review, {"decision": "approved"}).status_code == 302
    rp.refresh_from_db()
    assert rp.status == PlanStatus.APPROVED
    v1, v2 = rp.versions.order_by("number")
    assert (v1.decision, v1.comments, v1.total.amount, len(v1.lines)) == ("returned", "Add Riverside.",
                                                                          Decimal("25000.00"), 1)
    assert (v2.decision, v2.total.amount, len(v2.lines), v2.meeting_ids) == ("approved", Decimal("35000.00"), 2,
                                                                             [meeting.pk])
    assert v2.regulator.code == "cw-regulator" and v2.decided_by == "cw-regulator"
    actions = list(AuditEvent.objects.filter(action__startswith="community.reinvestment_plan.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["community.reinvestment_plan.create", "community.reinvestment_plan.line_add",
                       "community.reinvestment_plan.update", "community.reinvestment_plan.submit",
                       "community.reinvestment_plan.returned", "community.reinvestment_plan.line_add",
                       "community.reinvestment_plan.submit", "community.reinvestment_plan.approved"]
    # Approved: the plan's page shows both versions; nothing changes any more.
    client.force_login(world.compliance)
    page = client.get(detail).content.decode()
    assert "Add Riverside." in page and "Approved" in page
    with pytest.raises(ValidationError):
        services.reinvestment_plan_line_add(actor=world.finance, reinvestment_plan=rp, county=world.imperial,
                                            domain="food", description="More", amount="1.00")


def test_submitting_twice_is_refused_and_writes_nothing(world):
    rp = _draft(world)
    services.reinvestment_plan_submit(actor=world.compliance, reinvestment_plan=rp)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.reinvestment_plan_submit(actor=world.compliance, reinvestment_plan=rp)
    assert "status" in exc.value.message_dict
    assert ReinvestmentPlanVersion.objects.count() == 1 and AuditEvent.objects.count() == events


def test_an_empty_plan_cannot_be_submitted(world):
    rp = services.reinvestment_plan_create(actor=world.compliance, plan=world.plan, income_year=2024)
    with pytest.raises(ValidationError):
        services.reinvestment_plan_submit(actor=world.compliance, reinvestment_plan=rp)
    assert not ReinvestmentPlanVersion.objects.exists()


def test_only_a_regulator_of_the_plans_jurisdiction_decides(world, client):
    rp = _draft(world)
    services.reinvestment_plan_submit(actor=world.compliance, reinvestment_plan=rp)
    events = AuditEvent.objects.count()
    for actor in (world.compliance, world.finance, world.nv_regulator, world.other_compliance, world.fund_admin):
        with pytest.raises(AccessDenied):
            services.reinvestment_plan_decide(actor=actor, reinvestment_plan=rp, decision=Decision.APPROVED)
    for user in (world.compliance, world.nv_regulator, world.other_compliance):
        client.force_login(user)
        assert client.post(reverse("community:review_detail", args=[rp.pk]), {"decision": "approved"}).status_code == 404
    rp.refresh_from_db()
    assert rp.status == PlanStatus.SUBMITTED and AuditEvent.objects.count() == events
    assert not ReinvestmentPlanVersion.objects.exclude(decision="").exists()


def test_a_draft_is_not_the_regulators_to_see_or_decide(world, client):
    rp = _draft(world)
    with pytest.raises(AccessDenied):
        services.reinvestment_plan_decide(actor=world.regulator, reinvestment_plan=rp, decision=Decision.APPROVED)
    client.force_login(world.regulator)
    assert client.get(reverse("community:review_detail", args=[rp.pk])).status_code == 404


def test_a_decided_plan_cannot_be_decided_again(world):
    rp = _draft(world)
    services.reinvestment_plan_submit(actor=world.compliance, reinvestment_plan=rp)
    services.reinvestment_plan_decide(actor=world.regulator, reinvestment_plan=rp, decision=Decision.APPROVED)
    with pytest.raises(ValidationError):
        services.reinvestment_plan_decide(actor=world.regulator, reinvestment_plan=rp, decision=Decision.RETURNED,
                                          comments="Too late")


def test_lines_refuse_another_countys_priority_unserved_counties_and_bad_amounts(world):
    rp = services.reinvestment_plan_create(actor=world.compliance, plan=world.plan, income_year=2024)
    bad = [
        {"county": world.riverside, "priority": world.asthma, "amount": "10.00", "domain": "food"},
        {"county": world.san_diego, "priority": None, "amount": "10.00", "domain": "food"},
        {"county": world.imperial, "priority": None, "amount": "-5", "domain": "food"},
        {"county": world.imperial, "priority": None, "amount": "0", "domain": "food"},
        {"county": world.imperial, "priority": None, "amount": "10.00", "domain": "space"},
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            services.reinvestment_plan_line_add(actor=world.finance, reinvestment_plan=rp, description="x", **kwargs)
    with pytest.raises(AccessDenied):
        services.reinvestment_plan_line_add(actor=world.other_compliance, reinvestment_plan=rp, county=world.imperial,
                                            domain="food", description="x", amount="1.00")
    assert not ReinvestmentPlanLine.objects.exists()


def test_one_plan_per_cycle_and_a_timing_is_needed(world):
    _draft(world)
    with pytest.raises(ValidationError):
        services.reinvestment_plan_create(actor=world.compliance, plan=world.plan, income_year=2024)
    nv_plan = world.other_plan
    nv_plan.jurisdiction = "NV"
    nv_plan.save()
    from tests.organizations.factories import member

    with pytest.raises(ValidationError) as exc:
        services.reinvestment_plan_create(actor=member("plan_compliance", nv_plan), plan=nv_plan, income_year=2024)
    assert "income_year" in exc.value.message_dict
    assert ReinvestmentPlan.objects.count() == 1
    assert ReinvestmentPlanTiming.objects.get(jurisdiction="CA").deadline_for(2025) == dt.date(2027, 9, 30)


def test_cited_meetings_must_be_held_and_not_another_plans(world):
    rp = services.reinvestment_plan_create(actor=world.compliance, plan=world.plan, income_year=2024)
    other = _held_meeting(world, organization=world.other_plan, code="cw-other-cac")
    with pytest.raises(ValidationError):
        services.reinvestment_plan_update(actor=world.compliance, reinvestment_plan=rp, meetings=[other])
    body = make_cac(world)
    scheduled = services.advisory_meeting_schedule(actor=SETUP, body=body, meets_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.reinvestment_plan_update(actor=world.compliance, reinvestment_plan=rp, meetings=[scheduled])
    ach_meeting = _held_meeting(world, organization=world.ach, code="cw-ach-council")
    services.reinvestment_plan_update(actor=world.compliance, reinvestment_plan=rp, meetings=[ach_meeting])
    assert list(rp.meetings.all()) == [ach_meeting]


def test_a_line_of_a_submitted_plan_cannot_be_removed_from_the_page(world, client):
    rp = _draft(world)
    services.reinvestment_plan_submit(actor=world.compliance, reinvestment_plan=rp)
    line = rp.lines.get()
    client.force_login(world.finance)
    response = client.post(reverse("community:plan_line_remove", args=[world.plan.code, rp.pk, line.pk]), follow=True)
    assert response.status_code == 200 and "submitted" in response.content.decode().lower()
    assert ReinvestmentPlanLine.objects.filter(pk=line.pk).exists()
    client.force_login(world.other_compliance)
    response = client.post(reverse("community:plan_line_remove", args=[world.plan.code, rp.pk, line.pk]))
    assert response.status_code == 404


def test_submitting_twice_through_the_page_shows_the_refusal(world, client):
    rp = _draft(world)
    client.force_login(world.compliance)
    url = reverse("community:plan_submit", args=[world.plan.code, rp.pk])
    assert client.post(url).status_code == 302
    events = AuditEvent.objects.count()
    response = client.post(url)
    assert response.status_code == 400 and "already submitted" in response.content.decode()
    assert ReinvestmentPlanVersion.objects.count() == 1 and AuditEvent.objects.count() == events
