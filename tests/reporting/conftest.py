"""Fixtures: a plan with its staff, and the community reinvestment selector replaced by fixed data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from organizations.models import Organization, OrganizationKind, Role
from reporting.documents.community_reinvestment import CommunityReinvestmentReport
from reporting.kinds import KINDS
from tests.organizations.factories import OrganizationFactory, member
from tests.reporting.factories import community_reinvestment_data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def plan(db):
    return OrganizationFactory(code="test-plan", kind=OrganizationKind.PLAN,
                               legal_name="Golden Valley Health Plan, Inc.", jurisdiction="CA")


@pytest.fixture
def staff(plan):
    compliance = member(Role.PLAN_COMPLIANCE, plan)
    compliance.first_name, compliance.last_name, compliance.title = "Carlos", "Ramírez", "Chief Compliance Officer"
    compliance.save()
    return {"finance": member(Role.PLAN_FINANCE, plan), "compliance": compliance}


class FakeSource:
    """Stands in for the community reinvestment selector: data the test can change."""

    def __init__(self) -> None:
        self.data: CommunityReinvestmentReport = community_reinvestment_data(counties=4, investments=6)
        self.calls = 0
        self.fail_next: list[BaseException] = []

    def resolve(self, params: dict[str, Any]) -> Organization:
        plan = Organization.objects.filter(code=params["plan"], kind="plan").first()
        if plan is None:
            raise ValidationError({"plan": f"No plan {params['plan']!r}."})
        return plan

    def collect(self, params: dict[str, Any]) -> CommunityReinvestmentReport:
        self.calls += 1
        if self.fail_next:
            raise self.fail_next.pop(0)
        return self.data


@pytest.fixture
def fake_cr(monkeypatch, media):
    source = FakeSource()
    kind = KINDS["community-reinvestment"]
    monkeypatch.setattr(kind, "resolve", source.resolve)
    monkeypatch.setattr(kind, "collect", source.collect)
    return source


@pytest.fixture
def year_locked(plan, media):
    """test-plan's income year 2024 recorded with its audited statement, submitted and locked (attestable)."""
    from tests.reinvestment.factories import final_year

    return final_year(plan, 2024)
