"""A small world for the community tests: a plan with staff, an ACH with a fund, a regulator of the
plan's state and one of another state, county CHIPs for Imperial and Riverside."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from community import services
from community.models import AdvisoryBodyType, Constituency
from organizations.actors import SETUP
from organizations.models import OrganizationKind
from tests.organizations.factories import OrganizationFactory, member
from tests.wellness_fund import factories as wf


@pytest.fixture
def world(db):
    imperial, riverside = wf.county("Imperial"), wf.county("Riverside")
    plan = OrganizationFactory(code="cw-plan", kind=OrganizationKind.PLAN, jurisdiction="CA")
    plan.counties_served.set([imperial, riverside])
    other_plan = OrganizationFactory(code="cw-other-plan", kind=OrganizationKind.PLAN, jurisdiction="CA")
    ach = wf.ach("cw-ach")
    fund = wf.fund(code="cw-fund", owner=ach, counties=("Imperial",))
    regulator_org = OrganizationFactory(code="cw-regulator", kind=OrganizationKind.REGULATOR, jurisdiction="CA")
    nv_regulator_org = OrganizationFactory(code="cw-nv-regulator", kind=OrganizationKind.REGULATOR,
                                           jurisdiction="NV")
    compliance = member("plan_compliance", plan, "cw-compliance")
    finance = member("plan_finance", plan, "cw-finance")
    other_compliance = member("plan_compliance", other_plan, "cw-other-compliance")
    fund_admin = member("fund_admin", ach, "cw-fundadmin")
    regulator = member("regulator", regulator_org, "cw-regulator")
    nv_regulator = member("regulator", nv_regulator_org, "cw-nv-regulator")
    chip_imperial = services.health_plan_create(
        actor=SETUP, title="Imperial CHIP", publisher="Imperial County Public Health", counties=[imperial],
        period_start=2022, period_end=2026, priorities=["Asthma", "Food access"])
    chip_riverside = services.health_plan_create(
        actor=SETUP, title="Riverside CHIP", publisher="Riverside Public Health", counties=[riverside],
        period_start=2023, period_end=2027, priorities=["Hypertension"])
    return SimpleNamespace(
        plan=plan, other_plan=other_plan, ach=ach, fund=fund, imperial=imperial, riverside=riverside,
        compliance=compliance, finance=finance, other_compliance=other_compliance, fund_admin=fund_admin,
        regulator=regulator, nv_regulator=nv_regulator, chip_imperial=chip_imperial, chip_riverside=chip_riverside,
        asthma=chip_imperial.priorities.get(title="Asthma"), food=chip_imperial.priorities.get(title="Food access"),
        hypertension=chip_riverside.priorities.get(title="Hypertension"),
        san_diego=wf.county("San Diego"),
    )


def make_cac(w, code: str = "cw-cac", organization=None):
    org = organization or w.plan
    body = services.advisory_body_create(
        actor=SETUP, organization=org, body_type=AdvisoryBodyType.objects.get(code="cac"), code=code,
        name=f"CAC of {org.code}")
    services.advisory_member_add(actor=SETUP, body=body, name="Rosa", email="rosa@private.example",
                                 constituency=Constituency.objects.get(code="medi-cal-member"),
                                 joined_on=dt.date(2025, 1, 1), name_public=True)
    services.advisory_member_add(actor=SETUP, body=body, name="Hidden Person", email="hidden@private.example",
                                 constituency=Constituency.objects.get(code="cbo"), joined_on=dt.date(2025, 1, 1))
    return body
