"""CHIP priorities on opportunities and awards, and the CHIP-aligned earmark computed from the tags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from community import services
from grants.models import GrantPriorityTag
from grants.selectors.priorities import award_priorities, public_awards
from grants.services import priorities as grant_priorities
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment import selectors as reinvestment_selectors
from reinvestment import services as reinvestment_services
from reinvestment.models import Obligation, PolicyEarmark
from tests.api.factories import token_client
from tests.grants import factories as gf
from tests.organizations.factories import OrganizationFactory
from tests.reporting.grants_world import grants_world

pytestmark = pytest.mark.django_db


def _chip(*counties, title="Imperial CHIP", priorities=("Asthma", "Food access")):
    return services.health_plan_create(actor=SETUP, title=title, publisher="County public health",
                                       counties=list(counties), period_start=2022, period_end=2027,
                                       priorities=list(priorities))


def test_opportunities_and_awards_tag_priorities_of_a_county_they_serve():
    gw = grants_world(code="gp-plan")
    w, award = gw.world, gw.award
    imperial = award.application.counties.get()
    riverside_chip = _chip(gf.wf.county("Riverside"), title="Riverside CHIP", priorities=("Hypertension",))
    chip = _chip(imperial)
    asthma, food = chip.priorities.get(title="Asthma"), chip.priorities.get(title="Food access")
    opportunity = award.application.opportunity
    events = AuditEvent.objects.count()
    # a priority of another county's CHIP is refused, nothing written
    for call in (lambda: grant_priorities.award_priority_tag(actor=w.admin, award=award,
                                                             priority=riverside_chip.priorities.get()),
                 lambda: grant_priorities.opportunity_priority_tag(actor=w.admin, opportunity=opportunity,
                                                                   priority=riverside_chip.priorities.get())):
        with pytest.raises(ValidationError) as exc:
            call()
        assert "does not cover Imperial" in exc.value.message_dict["priority"][0]
    # so is anyone but the fund's administrators
    for actor in (w.staff[0], w.board[0]):
        with pytest.raises(AccessDenied):
            grant_priorities.award_priority_tag(actor=actor, award=award, priority=asthma)
    assert not GrantPriorityTag.objects.exists() and AuditEvent.objects.count() == events
    # the award serves its opportunity's priorities until it has its own
    grant_priorities.opportunity_priority_tag(actor=w.admin, opportunity=opportunity, priority=food)
    assert award_priorities([(award.pk, opportunity.pk)]) == {award.pk: ["Food access"]}
    grant_priorities.award_priority_tag(actor=w.admin, award=award, priority=asthma)
    assert award_priorities([(award.pk, opportunity.pk)]) == {award.pk: ["Asthma"]}
    with pytest.raises(ValidationError):  # the same tag twice
        grant_priorities.award_priority_tag(actor=w.admin, award=award, priority=asthma)
    assert GrantPriorityTag.objects.count() == 2 and AuditEvent.objects.count() == events + 2
    [row] = public_awards(w.fund)
    assert (row.grantee, row.amount, row.counties, row.priorities) == (
        str(award.grantee.display_name or award.grantee.legal_name), Decimal("20000.00"), ("Imperial",), ("Asthma",))


def test_the_chip_earmark_counts_tagged_investments_and_contributions_to_a_fund_that_declares_a_priority(
        django_assert_num_queries):
    gw = grants_world(code="gp-earmark")
    obligation = Obligation.objects.get(plan=gw.plan, income_year=2024)
    snapshot = dict(obligation.policy_snapshot)
    snapshot["earmarks"] = [{"code": "chp-aligned", "label": "Aligned with the CHIP", "minimum_share": "0.01",
                             "domains": [], "requires_cha_chip_alignment": True},
                            {"code": "partners", "label": "To SDOH/equity partners", "minimum_share": "0.01",
                             "domains": [], "requires_equity_partner": True}]
    Obligation.objects.filter(pk=obligation.pk).update(policy_snapshot=snapshot)
    obligation.refresh_from_db()

    def earmarks():
        summary = reinvestment_selectors.obligation_summary(obligation, dt.date(2030, 1, 1))
        return {e["code"]: e["fulfilled"] for e in summary["earmarks"]}

    before = earmarks()
    # recorded before the tags: the first direct investment was recorded as aligned (kept working)
    assert before["chp-aligned"] == Decimal("1000.00")
    imperial = gf.wf.county("Imperial")
    chip = _chip(imperial)
    payee = OrganizationFactory(code="gp-earmark-payee", kind="cbo")
    investment = reinvestment_services.direct_investment_record(
        actor=SETUP, plan=gw.plan, payee=payee, purpose="Asthma home visits", county=imperial, domain="health_care",
        paid_on=dt.date(2026, 3, 1), amount=Decimal("5000.00"), cha_chip_aligned=False, cac_consulted=True,
        income_year=2024)
    assert earmarks()["chp-aligned"] == before["chp-aligned"]  # not tagged yet
    services.priority_tag_investment(actor=SETUP, priority=chip.priorities.get(title="Asthma"), investment=investment)
    tagged = earmarks()["chp-aligned"]
    assert tagged == before["chp-aligned"] + Decimal("5000.00")
    # the contribution to the fund counts once the fund declares a priority
    services.priority_tag_fund(actor=SETUP, priority=chip.priorities.get(title="Food access"), fund=gw.world.fund)
    contributed = sum(a.amount.amount for a in obligation.fulfilments.filter(credit__source="fund_contribution"))
    assert contributed > 0
    assert earmarks()["chp-aligned"] == tagged + contributed
    # payments to community-based organizations count toward the equity-partner share
    assert earmarks()["partners"] >= Decimal("5000.00")
    with django_assert_num_queries(2):  # the tags are read in the same query as the allocations
        reinvestment_selectors.obligation_summary(obligation, dt.date(2030, 1, 1))


def test_a_policy_earmark_requiring_alignment_reads_the_tags_through_the_report_too():
    from reporting.selectors.community_reinvestment import community_reinvestment_data

    gw = grants_world(code="gp-report")
    obligation = Obligation.objects.get(plan=gw.plan, income_year=2024)
    PolicyEarmark.objects.create(policy=obligation.policy, code="chp-aligned", label="Aligned with the CHIP",
                                 minimum_share=Decimal("0.0001"), requires_cha_chip_alignment=True)
    snapshot = dict(obligation.policy_snapshot)
    snapshot["earmarks"] = [{"code": "chp-aligned", "label": "Aligned with the CHIP", "minimum_share": "0.0001",
                             "domains": [], "requires_cha_chip_alignment": True}]
    Obligation.objects.filter(pk=obligation.pk).update(policy_snapshot=snapshot)
    chip = _chip(gf.wf.county("Imperial"))
    services.priority_tag_fund(actor=SETUP, priority=chip.priorities.get(title="Asthma"), fund=gw.world.fund)
    data = community_reinvestment_data({"plan": gw.plan.code, "year": 2024}, as_of=dt.date(2030, 1, 1))
    [earmark] = data.earmarks
    contributions = sum(i.amount for i in data.investments if i.source == "fund_contribution")
    assert earmark.actual >= contributions > 0 and earmark.met
    assert all(i.cha_chip_aligned for i in data.investments if i.source == "fund_contribution")
    assert data.voice is not None and data.voice.chip_earmark.startswith("Met: ")


def test_grant_priority_tags_through_the_api():
    gw = grants_world(code="gp-api")
    w, award = gw.world, gw.award
    chip = _chip(gf.wf.county("Imperial"))
    other = _chip(gf.wf.county("Riverside"), title="Riverside CHIP", priorities=("Hypertension",))
    api = token_client(w.admin)
    url = "/api/grant-priority-tags/"
    events = AuditEvent.objects.count()
    bad = api.post(url, {"priority": other.priorities.get().pk, "award": award.pk}, format="json")
    assert bad.status_code == 400 and "priority" in bad.json()["error"]["fields"]
    both = api.post(url, {"priority": chip.priorities.first().pk, "award": award.pk,
                          "opportunity": award.application.opportunity_id}, format="json")
    assert both.status_code == 400
    assert not GrantPriorityTag.objects.exists() and AuditEvent.objects.count() == events
    ok = api.post(url, {"priority": chip.priorities.get(title="Asthma").pk, "award": award.pk}, format="json")
    assert ok.status_code == 201 and ok.json()["priority_title"] == "Asthma"
    assert api.get(url).json()["count"] == 1
    grantee = token_client(w.staff[0])  # a grantee's staff does not see the fund's tags, nor writes them
    assert grantee.get(url).json()["count"] == 0
    assert grantee.post(url, {"priority": chip.priorities.get(title="Food access").pk, "award": award.pk},
                        format="json").status_code == 403
    assert GrantPriorityTag.objects.count() == 1
    schema = api.get("/api/schema/").content.decode()
    assert "/api/grant-priority-tags/" in schema and "/api/disparity-targets/" in schema
