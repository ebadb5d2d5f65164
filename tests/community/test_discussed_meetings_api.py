"""Linking direct investments and awards to the advisory meetings where they were discussed,
through the API: the services' rules in the API's error shape; another organization's meeting or
link is refused with nothing written; the links are read-only in the admin; the investment list
links each investment to its community pages."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from community.models import InvestmentMeeting
from grants.models import AwardMeeting
from organizations.models import OrganizationKind
from tests.api.factories import token_client
from tests.organizations.factories import OrganizationFactory, UserFactory, member

from .test_discussed_meetings import _counts, _world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_an_investment_is_linked_listed_and_unlinked_through_the_api():
    d = _world("dm-api-inv")
    investment = d["investment"]
    api = token_client(d["compliance"])
    stranger = token_client(member("plan_compliance", OrganizationFactory.create(code="dm-api-other",
                                                                                  kind=OrganizationKind.PLAN)))
    url = "/api/investment-meetings/"
    before = _counts()
    # another organization's meeting, the ACH's, a meeting not held yet: refused, nothing written
    for meeting in (d["other_meeting"], d["ach_meeting"], d["plan_scheduled"]):
        response = api.post(url, {"direct_investment": investment.pk, "meeting": meeting.pk}, format="json")
        assert response.status_code == 400, response.json()
        assert "meeting" in response.json()["error"]["fields"]
    response = api.post(url, {"direct_investment": investment.pk, "meeting": d["plan_meeting"].pk,
                              "award": 1}, format="json")
    assert response.status_code == 400 and "award" in response.json()["error"]["fields"]
    assert _counts() == before
    # another plan's staff: the investment "does not exist"
    response = stranger.post(url, {"direct_investment": investment.pk,
                                                 "meeting": d["plan_meeting"].pk}, format="json")
    assert response.status_code == 400 and "direct_investment" in response.json()["error"]["fields"]
    assert _counts() == before

    response = api.post(url, {"direct_investment": investment.pk, "meeting": d["plan_meeting"].pk}, format="json")
    assert response.status_code == 201, response.json()
    link = InvestmentMeeting.objects.get()
    assert response.json()["id"] == link.pk and response.json()["meeting"] == d["plan_meeting"].pk
    assert _counts() == (before[0] + 1, before[1], before[2], before[3] + 1)
    twice = api.post(url, {"direct_investment": investment.pk, "meeting": d["plan_meeting"].pk}, format="json")
    assert twice.status_code == 400 and InvestmentMeeting.objects.count() == 1

    listed = api.get(f"{url}?direct_investment={investment.pk}").json()
    assert [r["id"] for r in listed["results"]] == [link.pk]
    assert stranger.get(url).json()["count"] == 0
    assert stranger.get(f"{url}{link.pk}/").status_code == 404

    after_link = _counts()
    response = stranger.post(f"{url}{link.pk}/unlink/", format="json")
    assert response.status_code == 404 and _counts() == after_link
    response = api.post(f"{url}{link.pk}/unlink/", format="json")
    assert response.status_code == 204
    assert not InvestmentMeeting.objects.exists() and _counts()[3] == after_link[3] + 1
    assert api.post(f"{url}{link.pk}/unlink/", format="json").status_code == 404


def test_an_award_is_linked_listed_and_unlinked_through_the_api():
    d = _world("dm-api-award")
    award, admin = d["award"], d["w"].admin
    api = token_client(admin)
    url = "/api/award-meetings/"
    before = _counts()
    for meeting in (d["plan_meeting"], d["other_meeting"], d["scheduled"]):
        response = api.post(url, {"award": award.pk, "meeting": meeting.pk}, format="json")
        assert response.status_code == 400, response.json()
        assert "meeting" in response.json()["error"]["fields"]
    assert _counts() == before

    response = api.post(url, {"award": award.pk, "meeting": d["ach_meeting"].pk}, format="json")
    assert response.status_code == 201, response.json()
    link = AwardMeeting.objects.get()
    assert (response.json()["award"], response.json()["meeting"]) == (award.pk, d["ach_meeting"].pk)
    assert _counts() == (before[0], before[1] + 1, before[2], before[3] + 1)
    assert [r["id"] for r in api.get(f"{url}?award={award.pk}").json()["results"]] == [link.pk]

    grantee = token_client(d["w"].staff[0])  # the grantee's staff do not see the fund's links
    plan_staff = token_client(d["compliance"])
    assert grantee.get(url).json()["count"] == 0
    after_link = _counts()
    assert grantee.post(f"{url}{link.pk}/unlink/", format="json").status_code == 404
    assert plan_staff.post(f"{url}{link.pk}/unlink/", format="json").status_code == 404
    assert _counts() == after_link
    response = api.post(f"{url}{link.pk}/unlink/", format="json")
    assert response.status_code == 204
    assert not AwardMeeting.objects.exists() and _counts()[3] == after_link[3] + 1


def test_the_schema_documents_the_meeting_links():
    d = _world("dm-api-schema")
    paths = token_client(d["compliance"]).get("/api/schema/?format=json").json()["paths"]
    for base in ("/api/investment-meetings/", "/api/award-meetings/"):
        assert {"get", "post"} <= set(paths[base])
        assert "204" in paths[base + "{id}/unlink/"]["post"]["responses"]


def test_the_links_are_read_only_in_the_admin():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for model in (InvestmentMeeting, AwardMeeting):
        model_admin = site._registry[model]
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_the_investment_list_links_each_investment_to_its_community_pages():
    d = _world("dm-api-list")
    investment, plan = d["investment"], d["gw"].plan
    client = Client()
    client.force_login(d["compliance"])
    html = client.get(reverse("reinvestment:investment_list", args=[plan.code])).content.decode()
    assert reverse("community:investment_priorities", args=[plan.code, investment.pk]) in html
    assert reverse("community:investment_outcomes", args=[plan.code, investment.pk]) in html
    es = client.get(reverse("reinvestment:investment_list", args=[plan.code]), HTTP_ACCEPT_LANGUAGE="es").content
    assert "Prioridades y resultados" in es.decode()
