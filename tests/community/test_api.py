"""The community endpoints of the API: the same rules as the pages, in the API's error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from audit.models import AuditEvent
from community import services
from community.models import (
    AdvisoryMeeting,
    MeetingStatus,
    PlanStatus,
    ReinvestmentPlan,
    ReinvestmentPlanVersion,
)
from organizations.actors import SETUP
from tests.api.factories import money, token_client

from .conftest import make_cac

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_meeting_record_refuses_a_future_meeting_and_another_organizations(world):
    body = make_cac(world)
    other = make_cac(world, code="cw-other-cac", organization=world.other_plan)
    api = token_client(world.compliance)
    future = api.post("/api/advisory-meetings/", {"body": body.pk, "meets_on": str(timezone.localdate()
                                                                                   + dt.timedelta(days=3)),
                                                  "agenda": "1. Hello", "topics": ["Food"]}, format="json")
    assert future.status_code == 201, future.json()
    meeting_id = future.json()["id"]
    response = api.post(f"/api/advisory-meetings/{meeting_id}/record/", {"notes": "Early"}, format="json")
    assert response.status_code == 400 and "meets_on" in response.json()["error"]["fields"]
    assert AdvisoryMeeting.objects.get(pk=meeting_id).status == MeetingStatus.SCHEDULED
    theirs = services.advisory_meeting_schedule(actor=SETUP, body=other, meets_on=timezone.localdate())
    events = AuditEvent.objects.count()
    response = api.post(f"/api/advisory-meetings/{theirs.pk}/record/", {"notes": "Not mine"}, format="json")
    assert response.status_code == 404 and AuditEvent.objects.count() == events
    response = api.post("/api/advisory-meetings/", {"body": other.pk, "meets_on": "2026-01-01"}, format="json")
    assert response.status_code == 400  # another organization's body "does not exist"
    past = services.advisory_meeting_schedule(actor=SETUP, body=body, meets_on=timezone.localdate())
    stranger = other.members.first()
    response = api.post(f"/api/advisory-meetings/{past.pk}/record/",
                        {"notes": "N", "attendees": [stranger.pk]}, format="json")
    assert response.status_code == 400
    rosa = body.members.get(name="Rosa")
    response = api.post(f"/api/advisory-meetings/{past.pk}/record/",
                        {"notes": "Held.", "attendees": [rosa.pk], "public_attendees": 2}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "held"
    assert response.json()["attendees"] == [rosa.pk]


def test_bodies_members_and_reference_lists(world):
    api = token_client(world.fund_admin)
    response = api.post("/api/advisory-bodies/", {"organization": world.ach.pk, "body_type": "ach-steering",
                                                  "code": "cw-steering", "name": "Steering council"}, format="json")
    assert response.status_code == 201, response.json()
    body_id = response.json()["id"]
    response = api.post(f"/api/advisory-bodies/{body_id}/members/",
                        {"name": "Luz", "constituency": "medi-cal-member", "joined_on": "2025-03-01"}, format="json")
    assert response.status_code == 201
    assert token_client(world.compliance).get(f"/api/advisory-bodies/{body_id}/").status_code == 404
    chips = api.get("/api/community-health-plans/?county=06025").json()
    assert [c["title"] for c in chips["results"]] == ["Imperial CHIP"]
    response = api.post("/api/priority-tags/", {"priority": world.asthma.pk, "fund": world.fund.pk}, format="json")
    assert response.status_code == 201
    response = api.post("/api/priority-tags/", {"priority": world.hypertension.pk, "fund": world.fund.pk},
                        format="json")
    assert response.status_code == 400


def test_equity_validate(world):
    api = token_client(world.compliance)
    ok = api.post("/api/equity-taxonomies/validate/", {"dimension": "race",
                                                       "categories": ["middle_eastern_north_african", "white"]},
                  format="json")
    assert ok.status_code == 200 and ok.json()["taxonomy_version"] == 1
    bad = api.post("/api/equity-taxonomies/validate/", {"dimension": "race", "categories": ["martian"]},
                   format="json")
    assert bad.status_code == 400 and "category" in bad.json()["error"]["fields"]
    assert api.get("/api/equity-taxonomies/").status_code == 200


def test_reinvestment_plan_through_the_api(world):
    plan_api, regulator_api = token_client(world.compliance), token_client(world.regulator)
    response = plan_api.post("/api/reinvestment-plans/", {"plan": world.plan.pk, "income_year": 2024}, format="json")
    assert response.status_code == 201 and response.json()["deadline"] == "2026-09-30"
    assert response.json()["deadline_unverified"] is True
    rp_id = response.json()["id"]
    line = plan_api.post(f"/api/reinvestment-plans/{rp_id}/lines/",
                         {"county": "06065", "domain": "health_care", "priority": world.asthma.pk,
                          "description": "x", "amount": money("100.00")}, format="json")
    assert line.status_code == 400  # a priority of Imperial's CHIP on a Riverside line
    line = plan_api.post(f"/api/reinvestment-plans/{rp_id}/lines/",
                         {"county": "06065", "domain": "health_care", "priority": world.hypertension.pk,
                          "description": "BP checks", "amount": money("100.00")}, format="json")
    assert line.status_code == 201
    assert regulator_api.get(f"/api/reinvestment-plans/{rp_id}/").status_code == 404  # a draft is the plan's own
    assert plan_api.post(f"/api/reinvestment-plans/{rp_id}/submit/").status_code == 200
    again = plan_api.post(f"/api/reinvestment-plans/{rp_id}/submit/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"
    nv_api = token_client(world.nv_regulator)
    events = AuditEvent.objects.count()
    own = plan_api.post(f"/api/reinvestment-plans/{rp_id}/decide/", {"decision": "approved"}, format="json")
    assert own.status_code == 403
    nv = nv_api.post(f"/api/reinvestment-plans/{rp_id}/decide/", {"decision": "approved"}, format="json")
    assert nv.status_code == 404 and AuditEvent.objects.count() == events
    assert ReinvestmentPlan.objects.get(pk=rp_id).status == PlanStatus.SUBMITTED
    returned = regulator_api.post(f"/api/reinvestment-plans/{rp_id}/decide/",
                                  {"decision": "returned", "comments": "More detail."}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert plan_api.post(f"/api/reinvestment-plans/{rp_id}/submit/").status_code == 200
    approved = regulator_api.post(f"/api/reinvestment-plans/{rp_id}/decide/", {"decision": "approved"},
                                  format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert [v["decision"] for v in approved.json()["versions"]] == ["returned", "approved"]
    assert ReinvestmentPlanVersion.objects.filter(reinvestment_plan_id=rp_id).count() == 2
