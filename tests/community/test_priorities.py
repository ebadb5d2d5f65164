"""Community health plans (CHA/CHIP) and tagging their priorities on investments and funds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from community import selectors, services
from community.models import PriorityTag
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment import services as reinvestment_services
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _investment(w, county):
    payee = OrganizationFactory(code=f"cw-payee-{county.fips}", kind="cbo")
    return reinvestment_services.direct_investment_record(
        actor=SETUP, plan=w.plan, payee=payee, purpose="Asthma education", county=county, domain="health_care",
        paid_on=dt.date(2026, 3, 1), amount=Decimal("1000.00"), cha_chip_aligned=True, cac_consulted=True,
        income_year=2024)


def test_a_priority_of_another_countys_chip_cannot_be_tagged_on_an_investment(world):
    investment = _investment(world, world.riverside)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.priority_tag_investment(actor=world.finance, priority=world.asthma, investment=investment)
    assert "priority" in exc.value.message_dict
    assert not PriorityTag.objects.exists() and AuditEvent.objects.count() == events
    tag = services.priority_tag_investment(actor=world.finance, priority=world.hypertension, investment=investment)
    assert selectors.priorities_for_investment(investment) == [world.hypertension]
    with pytest.raises(ValidationError):  # the same tag twice
        services.priority_tag_investment(actor=world.compliance, priority=world.hypertension, investment=investment)
    assert PriorityTag.objects.get() == tag


def test_only_the_investing_plans_staff_tag_it(world):
    investment = _investment(world, world.imperial)
    for actor in (world.other_compliance, world.fund_admin, world.regulator):
        with pytest.raises(AccessDenied):
            services.priority_tag_investment(actor=actor, priority=world.asthma, investment=investment)
    assert not PriorityTag.objects.exists()


def test_a_fund_declares_priorities_of_its_counties_and_contributions_inherit_them(world):
    with pytest.raises(ValidationError):
        services.priority_tag_fund(actor=world.fund_admin, priority=world.hypertension, fund=world.fund)
    with pytest.raises(AccessDenied):
        services.priority_tag_fund(actor=world.compliance, priority=world.asthma, fund=world.fund)
    services.priority_tag_fund(actor=world.fund_admin, priority=world.asthma, fund=world.fund)
    assert selectors.priorities_for_fund(world.fund) == [world.asthma]
    from types import SimpleNamespace

    payment = SimpleNamespace(agreement=SimpleNamespace(fund=world.fund))
    assert selectors.priorities_for_contribution(payment) == [world.asthma]  # type: ignore[arg-type]


def test_a_tag_names_exactly_one_target_in_the_database(world):
    investment = _investment(world, world.imperial)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityTag.objects.create(priority=world.asthma, direct_investment=investment, fund=world.fund)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityTag.objects.create(priority=world.asthma)


def test_a_health_plan_needs_counties_a_period_in_order_and_a_region_when_regional(world):
    with pytest.raises(ValidationError):
        services.health_plan_create(actor=SETUP, title="X", publisher="Y", counties=[], period_start=2020,
                                    period_end=2022)
    with pytest.raises(ValidationError):
        services.health_plan_create(actor=SETUP, title="X", publisher="Y", counties=[world.imperial],
                                    period_start=2024, period_end=2022)
    with pytest.raises(ValidationError):
        services.health_plan_create(actor=SETUP, title="X", publisher="Y", counties=[world.imperial, world.riverside],
                                    period_start=2022, period_end=2024)
    with pytest.raises(AccessDenied):
        services.health_plan_create(actor=world.compliance, title="X", publisher="Y", counties=[world.imperial],
                                    period_start=2022, period_end=2024)
    regional = services.health_plan_create(actor=SETUP, title="Inland CHIP", publisher="Y", region_name="Inland",
                                           counties=[world.imperial, world.riverside], period_start=2022,
                                           period_end=2024, priorities=["Heat"])
    assert set(selectors.priorities_for_county(world.riverside, 2023)) == {world.hypertension,
                                                                         regional.priorities.get()}
    assert list(selectors.priorities_for_county(world.riverside, 2027)) == [world.hypertension]


def test_tag_pages(world, client):
    investment = _investment(world, world.imperial)
    client.force_login(world.finance)
    url = reverse("community:investment_priorities", args=[world.plan.code, investment.pk])
    assert client.post(url, {"priority": world.hypertension.pk}).status_code == 400  # not offered: another county
    assert client.post(url, {"priority": world.asthma.pk}).status_code == 302
    assert "Asthma" in client.get(url).content.decode()
    client.force_login(world.other_compliance)
    assert client.get(url).status_code == 404
    client.force_login(world.fund_admin)
    fund_url = reverse("community:fund_priorities", args=[world.fund.code])
    assert client.post(fund_url, {"priority": world.food.pk}).status_code == 302
    assert PriorityTag.objects.filter(fund=world.fund, priority=world.food).exists()
    public = client.__class__().get(reverse("community:health_plans"))
    assert public.status_code == 200 and "Imperial CHIP" in public.content.decode()
