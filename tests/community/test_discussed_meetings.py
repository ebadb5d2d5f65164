"""Direct investments and awards linked to the advisory meetings where they were discussed; the
CHIP priority pages of opportunities and awards; what the public meeting page shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from community import services as cs
from community.models import AdvisoryBodyType, InvestmentMeeting
from grants.models import Award, AwardMeeting, GrantPriorityTag
from grants.services import advisory
from organizations.access import AccessDenied
from organizations.actors import SETUP
from organizations.models import OrganizationKind
from reinvestment import services as rs
from tests.organizations.factories import OrganizationFactory, member
from tests.reporting.grants_world import grants_world
from tests.wellness_fund import factories as wf

pytestmark = pytest.mark.django_db


def _body(org, code):
    return cs.advisory_body_create(actor=SETUP, organization=org, code=code, name=f"Council {code}",
                                   body_type=AdvisoryBodyType.objects.get(code="cac"))


def _held(body, day=dt.date(2025, 5, 6), topic="Asthma"):
    meeting = cs.advisory_meeting_schedule(actor=SETUP, body=body, meets_on=day, topics=[topic])
    return cs.advisory_meeting_record(actor=SETUP, meeting=meeting, notes="Members spoke.", public_attendees=3)


def _world(code="dm"):
    gw = grants_world(code=code)
    w = gw.world
    imperial, riverside = wf.county("Imperial"), wf.county("Riverside")
    chip = cs.health_plan_create(actor=SETUP, title="Imperial CHIP", publisher="Imperial Public Health",
                                 counties=[imperial], period_start=2022, period_end=2027,
                                 priorities=["Asthma", "Food access"])
    other_chip = cs.health_plan_create(actor=SETUP, title="Riverside CHIP", publisher="Riverside Public Health",
                                       counties=[riverside], period_start=2022, period_end=2027,
                                       priorities=["Hypertension"])
    payee = OrganizationFactory.create(code=f"{code}-payee", kind=OrganizationKind.CBO, legal_name="Promotores Unidos")
    investment = rs.direct_investment_record(
        actor=SETUP, plan=gw.plan, payee=payee, purpose="Confidential pilot with clinic X", county=imperial,
        domain="health_care", paid_on=dt.date(2026, 4, 1), amount=Decimal("30000.00"), cha_chip_aligned=False,
        cac_consulted=True, income_year=2024)
    plan_body, ach_body = _body(gw.plan, f"{code}-cac"), _body(w.ach, f"{code}-council")
    other_ach = OrganizationFactory.create(code=f"{code}-other-ach", kind=OrganizationKind.ACH)
    other_body = _body(other_ach, f"{code}-other")
    scheduled = cs.advisory_meeting_schedule(actor=SETUP, body=ach_body, meets_on=dt.date(2099, 1, 5),
                                             topics=["Next year"])
    plan_scheduled = cs.advisory_meeting_schedule(actor=SETUP, body=plan_body, meets_on=dt.date(2099, 1, 5))
    compliance = member("plan_compliance", gw.plan, f"{code}-compliance")
    return {
        "gw": gw, "w": w, "award": gw.award, "investment": investment, "compliance": compliance,
        "asthma": chip.priorities.get(title="Asthma"), "hypertension": other_chip.priorities.get(),
        "plan_meeting": _held(plan_body), "ach_meeting": _held(ach_body),
        "other_meeting": _held(other_body), "scheduled": scheduled, "plan_scheduled": plan_scheduled,
    }


def _counts():
    return (InvestmentMeeting.objects.count(), AwardMeeting.objects.count(), GrantPriorityTag.objects.count(),
            AuditEvent.objects.count())


def test_an_investment_links_only_held_meetings_of_its_own_plans_bodies():
    d = _world("dm-inv")
    investment, compliance = d["investment"], d["compliance"]
    before = _counts()
    for meeting, field in ((d["ach_meeting"], "meeting"), (d["other_meeting"], "meeting"),
                           (d["plan_scheduled"], "meeting")):
        with pytest.raises(ValidationError) as exc:
            cs.investment_meeting_link(actor=compliance, investment=investment, meeting=meeting)
        assert field in exc.value.message_dict
    # a meeting recorded as held but dated in the future is not held yet either
    future = d["plan_meeting"]
    type(future).objects.filter(pk=future.pk).update(meets_on=dt.date(2099, 2, 2))
    future.refresh_from_db()
    with pytest.raises(ValidationError):
        cs.investment_meeting_link(actor=compliance, investment=investment, meeting=future)
    type(future).objects.filter(pk=future.pk).update(meets_on=dt.date(2025, 5, 6))
    future.refresh_from_db()
    # staff of another plan, or the fund's administrator: not theirs
    other = member("plan_compliance", OrganizationFactory.create(code="dm-inv-other", kind=OrganizationKind.PLAN))
    for actor in (other, d["w"].admin):
        with pytest.raises(AccessDenied):
            cs.investment_meeting_link(actor=actor, investment=investment, meeting=future)
    assert _counts() == before
    link = cs.investment_meeting_link(actor=compliance, investment=investment, meeting=future)
    assert _counts() == (before[0] + 1, before[1], before[2], before[3] + 1)
    with pytest.raises(ValidationError):  # the same link twice
        cs.investment_meeting_link(actor=compliance, investment=investment, meeting=future)
    assert _counts() == (before[0] + 1, before[1], before[2], before[3] + 1)
    cs.investment_meeting_unlink(actor=compliance, link=link)
    assert _counts() == (before[0], before[1], before[2], before[3] + 2)


def test_an_award_links_only_held_meetings_of_its_funds_ach():
    d = _world("dm-award")
    award, admin = d["award"], d["w"].admin
    before = _counts()
    for meeting in (d["plan_meeting"], d["other_meeting"], d["scheduled"]):
        with pytest.raises(ValidationError) as exc:
            advisory.award_meeting_link(actor=admin, award=award, meeting=meeting)
        assert "meeting" in exc.value.message_dict
    for actor in (d["w"].staff[0], d["w"].board[0], d["compliance"]):  # grantee, board member, plan staff
        with pytest.raises(AccessDenied):
            advisory.award_meeting_link(actor=actor, award=award, meeting=d["ach_meeting"])
    assert _counts() == before
    link = advisory.award_meeting_link(actor=admin, award=award, meeting=d["ach_meeting"])
    assert (link.award, link.meeting) == (award, d["ach_meeting"])
    assert _counts() == (before[0], before[1] + 1, before[2], before[3] + 1)
    with pytest.raises(ValidationError):
        advisory.award_meeting_link(actor=admin, award=award, meeting=d["ach_meeting"])
    advisory.award_meeting_unlink(actor=admin, link=link)
    assert _counts() == (before[0], before[1], before[2], before[3] + 2)


def test_the_chip_priority_pages_of_an_opportunity_and_an_award():
    d = _world("dm-pages")
    w, award = d["w"], d["award"]
    opportunity = award.application.opportunity
    admin, board, grantee = Client(), Client(), Client()
    admin.force_login(w.admin)
    board.force_login(w.board[0])
    grantee.force_login(w.staff[0])
    for name, target, pk in (("grants:opportunity_priorities", "opportunity", opportunity.pk),
                             ("grants:award_priorities", "award", award.pk)):
        url = reverse(name, args=[pk])
        # reachable from the record's page
        page = reverse("grants:opportunity_detail" if target == "opportunity" else "grants:award_detail", args=[pk])
        shown = admin.get(page).content.decode()
        assert "CHIP priorities" in shown and url in shown
        assert url not in grantee.get(page).content.decode()
        assert grantee.get(url).status_code == 404
        # a priority of another county's CHIP: refused beside the field, nothing written
        before = _counts()
        refused = admin.post(url, {"form": "priority", "priority": d["hypertension"].pk})
        assert refused.status_code == 400
        assert 'id="id_priority-error"' in refused.content.decode() or "usa-error-message" in refused.content.decode()
        assert _counts() == before
        # only the Imperial CHIP's priorities are offered
        assert "Hypertension" not in admin.get(url).content.decode()
        # a board member sees but does not change
        assert board.get(url).status_code == 200
        assert board.post(url, {"form": "priority", "priority": d["asthma"].pk}).status_code == 404
        assert _counts() == before
        assert admin.post(url, {"form": "priority", "priority": d["asthma"].pk}).status_code == 302
        tag = GrantPriorityTag.objects.get(**{target: pk})
        assert "Asthma" in admin.get(url).content.decode()
        assert "Asthma" in admin.get(page).content.decode()
        assert admin.post(url, {"form": "remove", "tag": tag.pk}).status_code == 302
        assert not GrantPriorityTag.objects.filter(**{target: pk}).exists()
        assert AuditEvent.objects.count() == before[3] + 2
    # in Spanish
    admin.cookies["django_language"] = "es"
    spanish = admin.get(reverse("grants:award_priorities", args=[award.pk])).content.decode()
    assert "Prioridades del CHIP de una subvención" in spanish and "Etiquetar la prioridad" in spanish
    detail = admin.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    assert "Se habló en" in detail and "Vincular la reunión" in detail


def test_the_award_page_links_a_meeting_and_refuses_another_organizations_beside_the_field():
    d = _world("dm-award-page")
    w, award = d["w"], d["award"]
    admin = Client()
    admin.force_login(w.admin)
    url = reverse("grants:award_meetings", args=[award.pk])
    before = _counts()
    for meeting in (d["other_meeting"], d["plan_meeting"], d["scheduled"]):
        refused = admin.post(url, {"form": "meeting", "meeting-meeting": meeting.pk})
        assert refused.status_code == 400 and "usa-error-message" in refused.content.decode()
    assert _counts() == before
    assert admin.post(url, {"form": "meeting", "meeting-meeting": d["ach_meeting"].pk}).status_code == 302
    page = admin.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    assert "Discussed at" in page and d["ach_meeting"].body.name in page
    link = AwardMeeting.objects.get(award=award)
    # the grantee sees its award page, neither the section nor the form, and cannot post
    grantee = Client()
    grantee.force_login(w.staff[0])
    assert "Discussed at" not in grantee.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    assert grantee.post(url, {"form": "unlink", "link": link.pk}).status_code == 404
    assert admin.post(url, {"form": "unlink", "link": link.pk}).status_code == 302
    assert not AwardMeeting.objects.exists()


def test_the_investment_page_lists_and_links_meetings():
    d = _world("dm-inv-page")
    investment, plan = d["investment"], d["gw"].plan
    client = Client()
    client.force_login(d["compliance"])
    url = reverse("community:investment_priorities", args=[plan.code, investment.pk])
    page = client.get(url).content.decode()
    assert "Discussed at" in page and "No advisory meeting is linked yet." in page
    before = _counts()
    for meeting in (d["ach_meeting"], d["other_meeting"], d["plan_scheduled"]):
        refused = client.post(url, {"form": "meeting", "meeting-meeting": meeting.pk})
        assert refused.status_code == 400 and "usa-error-message" in refused.content.decode()
    assert _counts() == before
    assert client.post(url, {"form": "meeting", "meeting-meeting": d["plan_meeting"].pk}).status_code == 302
    assert d["plan_meeting"].body.name in client.get(url).content.decode()
    link = InvestmentMeeting.objects.get()
    assert client.post(url, {"form": "unlink", "link": link.pk}).status_code == 302
    assert not InvestmentMeeting.objects.exists()
    client.cookies["django_language"] = "es"
    assert "Se habló en" in client.get(url).content.decode()


def test_the_public_meeting_page_says_what_was_discussed_and_nothing_private():
    d = _world("dm-public")
    award, investment = d["award"], d["investment"]
    cs.investment_meeting_link(actor=d["compliance"], investment=investment, meeting=d["plan_meeting"])
    advisory.award_meeting_link(actor=d["w"].admin, award=award, meeting=d["ach_meeting"])
    visitor = Client()
    plan_page = visitor.get(reverse("community:public_meeting",
                                    args=[d["plan_meeting"].body.code, d["plan_meeting"].pk]))
    assert plan_page.status_code == 200
    text = plan_page.content.decode()
    assert "Discussed here" in text and "Direct investment in Promotores Unidos, $30,000.00" in text
    assert "Confidential pilot" not in text  # the investment's purpose is the plan's own
    ach_page = visitor.get(reverse("community:public_meeting",
                                   args=[d["ach_meeting"].body.code, d["ach_meeting"].pk])).content.decode()
    grantee = award.grantee.display_name or award.grantee.legal_name
    assert f"Award to {grantee}, $20,000.00" in ach_page
    assert award.application.contact_email not in ach_page  # nothing of the application
    spanish = visitor.get(reverse("community:public_meeting", args=[d["ach_meeting"].body.code,
                                                                     d["ach_meeting"].pk]),
                          HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Se trató aquí" in spanish and f"Subvención a {grantee}" in spanish
    # a cancelled award is not shown
    Award.objects.filter(pk=award.pk).update(status="cancelled")
    assert "Award to" not in visitor.get(reverse("community:public_meeting", args=[
        d["ach_meeting"].body.code, d["ach_meeting"].pk])).content.decode()
