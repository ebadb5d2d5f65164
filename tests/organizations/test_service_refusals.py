"""Authorization lives in the service: every writing service refuses a person without the role.

Each case builds valid arguments for one service (so the only thing wrong is who acts), calls
it as a signed-in user who lacks the role the action needs (usually another role in the same
organization), and checks that ``AccessDenied`` is raised and that nothing was written: no row
of any of the project's tables and no audit event. A named system actor passes the same checks
and is named in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record
from organizations.access import AccessDenied
from organizations.actors import BEAT, SETUP, Actor, SystemActor, User
from organizations.models import OrganizationKind, Role
from tests.organizations.factories import OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db

D = Decimal
PROJECT_APPS = ("organizations", "audit", "notifications", "reinvestment", "wellness_fund", "grants", "reporting",
                "api")


def table_counts() -> dict[str, int]:
    """Row count of every table of the project's apps (audit events included)."""
    return {
        model._meta.label: model._default_manager.count()
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }


@dataclass
class Case:
    """``call(actor)`` runs the service with valid arguments; ``outsider`` lacks the role it needs."""

    call: Callable[[Actor], Any]
    outsider: User


# --------------------------------------------------------------------------- reinvestment


def _plan_with_year(obligation: bool = False) -> tuple[Any, Any]:
    from reinvestment import services
    from tests.reinvestment.factories import PlanFactory, financial_year, member_months

    plan = PlanFactory.create()
    member_months(plan, 2024, {"Imperial": 1000, "Riverside": 2000})
    year = financial_year(plan, 2024)
    if obligation:
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    return plan, year


def reinvestment_financial_year_create() -> Case:
    from reinvestment import services
    from tests.reinvestment.factories import PlanFactory

    plan = PlanFactory.create()
    return Case(lambda a: services.financial_year_create(
        actor=a, plan=plan, income_year=2024, total_revenue=D("2000000000.00"), net_income=D("200000000.00")),
        member(Role.PLAN_COMPLIANCE, plan))


def reinvestment_financial_year_lock() -> Case:
    from reinvestment import services

    plan, year = _plan_with_year(obligation=True)
    services.financial_year_submit(actor=SETUP, financial_year=year)
    return Case(lambda a: services.financial_year_lock(actor=a, financial_year=year),
                member(Role.PLAN_COMPLIANCE, plan))


def reinvestment_financial_year_enter() -> Case:
    from reinvestment import services
    from tests.reinvestment.factories import PlanFactory

    plan = PlanFactory.create()
    return Case(lambda a: services.financial_year_enter(
        actor=a, plan=plan, income_year=2024, total_revenue=D("2000000000.00"), net_income=D("200000000.00")),
        member(Role.PLAN_COMPLIANCE, plan))


def reinvestment_obligation_compute() -> Case:
    from reinvestment import services

    plan, year = _plan_with_year()
    return Case(lambda a: services.obligation_compute(actor=a, financial_year=year, policy_code="CA-DHCS"),
                member(Role.PLAN_COMPLIANCE, plan))


def reinvestment_member_months_import() -> Case:
    from reinvestment import services
    from tests.reinvestment.factories import PlanFactory

    plan = PlanFactory.create()
    rows = [{"plan": plan.code, "county": "Imperial", "month": f"2024-{m:02d}", "member_months": "1000"}
            for m in range(1, 13)]
    return Case(lambda a: services.member_months_import(actor=a, plan=plan, year=2024, rows=rows),
                member(Role.PLAN_COMPLIANCE, plan))


def reinvestment_obligation_credit_record() -> Case:
    from reinvestment import services
    from tests.reinvestment.factories import county

    plan, _year = _plan_with_year(obligation=True)
    return Case(lambda a: services.obligation_credit_record(
        actor=a, plan=plan, county_amounts={county("Imperial"): D("100.00")}, credited_on=dt.date(2025, 3, 1),
        source="direct_investment", reference="di-1"), member(Role.PLAN_COMPLIANCE, plan))


def reinvestment_direct_investment_record() -> Case:
    from reinvestment import services
    from tests.reinvestment.factories import CBOFactory, county

    plan, _year = _plan_with_year(obligation=True)
    cbo = CBOFactory.create()
    return Case(lambda a: services.direct_investment_record(
        actor=a, plan=plan, payee=cbo, purpose="Mobile clinic", county=county("Imperial"), domain="health_care",
        paid_on=dt.date(2025, 3, 1), amount=D("2500.00"), cha_chip_aligned=True, cac_consulted=True),
        member(Role.PLAN_COMPLIANCE, plan))


# --------------------------------------------------------------------------- wellness fund


def wellness_fund_create() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import services

    ach = wf.ach()
    return Case(lambda a: services.fund_create(actor=a, code="refused-fund", name="Refused", ach=ach,
                                               counties=[wf.county()]), member(Role.BOARD_MEMBER, ach))


def wellness_restriction_create() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import services

    fund = wf.fund()
    return Case(lambda a: services.restriction_create(actor=a, fund=fund, code="youth", name="Youth",
                                                      kind="purpose", purpose="Youth programs"),
                member(Role.BOARD_CHAIR, fund.ach))


def wellness_receipt_record() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import services

    fund = wf.fund()
    src = wf.source(fund)
    return Case(lambda a: services.receipt_record(actor=a, funding_source=src, amount=D("500.00"),
                                                  received_on=dt.date(2026, 1, 15), reference="gift-1"),
                member(Role.BOARD_MEMBER, fund.ach))


def wellness_agreement_close() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import services

    fund = wf.fund()
    plan = wf.plan()
    agreement = wf.agreement(fund, plan)
    # the plan's finance staff see the agreement but do not change it
    return Case(lambda a: services.agreement_close(actor=a, agreement=agreement, ends_on=dt.date(2026, 12, 31)),
                member(Role.PLAN_FINANCE, plan))


def wellness_statement_issue() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import services

    fund = wf.fund()
    plan = wf.plan()
    agreement = wf.agreement(fund, plan)
    wf.member_months(plan, "Imperial", dt.date(2026, 1, 1), 1000)
    return Case(lambda a: services.statement_issue(actor=a, agreement=agreement, period_start=dt.date(2026, 1, 1)),
                member(Role.BOARD_MEMBER, fund.ach))


def wellness_contribution_payment_record() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import services

    fund = wf.fund()
    plan = wf.plan()
    agreement = wf.agreement(fund, plan)
    wf.member_months(plan, "Imperial", dt.date(2026, 1, 1), 1000)
    services.statement_issue(actor=SETUP, agreement=agreement, period_start=dt.date(2026, 1, 1))
    return Case(lambda a: services.contribution_payment_record(
        actor=a, agreement=agreement, amount=D("1250.00"), received_on=dt.date(2026, 3, 1), bank_reference="B-1"),
        member(Role.PLAN_COMPLIANCE, plan))


def wellness_transaction_reverse() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import services

    fund = wf.fund()
    receipt = wf.receive(fund, "800.00")
    return Case(lambda a: services.transaction_reverse(actor=a, transaction_to_reverse=receipt.transaction,
                                                       on=dt.date(2026, 2, 1)),
                member(Role.BOARD_MEMBER, fund.ach))


def wellness_fiscal_period_close() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import services

    fund = wf.fund()
    wf.receive(fund, "800.00")
    return Case(lambda a: services.fiscal_period_close(actor=a, fund=fund, start=dt.date(2026, 1, 1),
                                                       end=dt.date(2026, 1, 31)),
                member(Role.BOARD_CHAIR, fund.ach))


def wellness_award_commit() -> Case:
    from tests.wellness_fund import factories as wf
    from wellness_fund import commitments

    fund = wf.fund()
    wf.receive(fund, "800.00")
    return Case(lambda a: commitments.award_commit(actor=a, fund=fund, restriction=wf.general(fund),
                                                   amount=D("100.00"), reference="grants.award:1",
                                                   on=dt.date(2026, 2, 1)),
                member(Role.PLAN_FINANCE, wf.plan()))


# --------------------------------------------------------------------------- grants


def grants_opportunity_create() -> Case:
    from grants import services
    from tests.grants import factories as gf
    from tests.wellness_fund import factories as wf

    w = gf.world(cbos=1, board=1)
    now = timezone.now()
    return Case(lambda a: services.opportunity_create(
        actor=a, fund=w.fund, restriction=w.restriction, title="Refused call", total_budget="100000.00",
        award_min="5000.00", award_max="50000.00", opens_at=now, closes_at=now + dt.timedelta(days=14),
        rubric=gf.RUBRIC, eligibility_questions=gf.QUESTIONS, counties=[wf.county()], domains=["food"]),
        w.board[0])


def grants_application_start() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=2, board=1)
    opp = gf.opportunity(w)
    # staff of another CBO cannot apply in this one's name
    return Case(lambda a: services.application_start(actor=a, opportunity=opp, applicant=w.cbos[0],
                                                     **gf.complete_fields()), w.staff[1])


def grants_review_submit() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=1, board=1)
    app = gf.submitted(w, gf.opportunity(w))
    services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    # the applicant's own staff are no reviewers
    return Case(lambda a: services.review_submit(actor=a, application=app, scores={1: 4, 2: 3}), w.staff[0])


def grants_governing_body_create() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=1, board=1)
    rule = gf.rule("majority-seated-not-recused")
    return Case(lambda a: services.governing_body_create(actor=a, ach=w.ach, name="Refused board",
                                                         quorum_rule=rule, passing_rule=rule), w.chair)


def grants_meeting_start() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=1, board=1)
    meeting = gf.meeting(w, gf.body(w))
    return Case(lambda a: services.meeting_start(actor=a, meeting=meeting), w.staff[0])


def grants_award_accept() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=2, board=2)
    award = gf.award(w, i=0, accept=False)
    return Case(lambda a: services.award_accept(actor=a, award=award, name="Someone Else", title="Director"),
                w.staff[1])


def grants_tranche_release() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=1, board=2)
    award = gf.award(w)
    tranche = award.tranches.get(number=1)
    return Case(lambda a: services.tranche_release(actor=a, tranche=tranche), w.board[0])


def grants_report_save_draft() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=2, board=2)
    award = gf.award(w, i=0)
    schedule = award.reports.get(number=1)
    return Case(lambda a: services.report_save_draft(actor=a, schedule=schedule, **gf.report_content()),
                w.staff[1])


def grants_amendment_extend() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=1, board=2)
    award = gf.award(w)
    return Case(lambda a: services.amendment_extend(actor=a, award=award, period_end=dt.date(2028, 6, 30),
                                                    reason="Harvest season delays"), w.chair)


def grants_award_closeout() -> Case:
    from grants import services
    from tests.grants import factories as gf

    w = gf.world(cbos=1, board=2)
    award = gf.award(w)
    return Case(lambda a: services.award_closeout(actor=a, award=award), w.staff[0])


def grants_report_reminders_send() -> Case:
    from grants.services.reminders import report_reminders_send
    from tests.grants import factories as gf

    w = gf.world(cbos=1, board=2)
    award = gf.award(w)
    due = award.reports.get(number=1).due_on
    # the fund administrator reads the digest; sending reminders is the beat's
    return Case(lambda a: report_reminders_send(actor=a, today=due), w.admin)


# --------------------------------------------------------------------------- reporting


def reporting_report_request() -> Case:
    from reporting import services
    from tests.reporting.factories import plan_year

    plan = plan_year(code="plan-refused", counties=1, credits=1)
    return Case(lambda a: services.report_request(actor=a, kind="community-reinvestment",
                                                  params={"plan": plan.code, "year": 2024}, enqueue=False),
                member(Role.PLAN_FINANCE, OrganizationFactory.create(kind=OrganizationKind.PLAN)))


def reporting_report_generate() -> Case:
    from reporting import services
    from tests.reporting.factories import plan_year

    plan = plan_year(code="plan-gen", counties=1, credits=1)
    run = services.report_request(actor=SETUP, kind="community-reinvestment",
                                  params={"plan": plan.code, "year": 2024}, enqueue=False)
    return Case(lambda a: services.report_generate(actor=a, run_id=run.pk),
                member(Role.PLAN_FINANCE, OrganizationFactory.create(kind=OrganizationKind.PLAN)))


def reporting_report_attest() -> Case:
    from reporting import services
    from tests.reporting.factories import plan_year

    plan = plan_year(code="plan-att", counties=1, credits=1)
    run = services.report_request(actor=SETUP, kind="community-reinvestment",
                                  params={"plan": plan.code, "year": 2024}, enqueue=False)
    draft = services.report_generate(actor=SETUP, run_id=run.pk)
    finance = member(Role.PLAN_FINANCE, plan)
    finance.first_name, finance.last_name, finance.title = "Fiona", "Nguyen", "Director of Finance"
    finance.save()
    return Case(lambda a: services.report_attest(actor=a, artifact=draft), finance)


# --------------------------------------------------------------------------- notifications


def notifications_queue() -> Case:
    from notifications.services import notification_queue

    return Case(lambda a: notification_queue(actor=a, key="refused:1", recipient="a@example.org", subject="s",
                                             body="b"), member(Role.FUND_ADMIN, OrganizationFactory.create(kind="ach")))


def notifications_send() -> Case:
    from notifications.services import notification_queue, notification_send

    notification, _ = notification_queue(actor=BEAT, key="refused:2", recipient="a@example.org", subject="s",
                                         body="b")
    return Case(lambda a: notification_send(actor=a, notification_id=notification.pk),
                member(Role.FUND_ADMIN, OrganizationFactory.create(kind="ach")))


# --------------------------------------------------------------------------- organizations and api


def organizations_organization_create() -> Case:
    from organizations import services

    return Case(lambda a: services.organization_create(actor=a, code="refused-org", kind="cbo",
                                                       legal_name="Refused Org"),
                member(Role.FUND_ADMIN, OrganizationFactory.create(kind="ach")))


def organizations_membership_grant() -> Case:
    from organizations import services

    ach = OrganizationFactory.create(kind="ach")
    person = UserFactory.create()
    # a fund administrator does not hand out roles in their own ACH: the site administrator does
    return Case(lambda a: services.membership_grant(actor=a, user=person, organization=ach,
                                                    role=Role.BOARD_MEMBER), member(Role.FUND_ADMIN, ach))


def organizations_affiliation_record() -> Case:
    from organizations import services

    person = member(Role.BOARD_MEMBER, OrganizationFactory.create(kind="ach"))
    cbo = OrganizationFactory.create(kind="cbo")
    # the administrator of another ACH is not the administrator of this person's organization
    return Case(lambda a: services.affiliation_record(actor=a, user=person, organization=cbo, kind="volunteer"),
                member(Role.FUND_ADMIN, OrganizationFactory.create(kind="ach")))


def organizations_user_language_set() -> Case:
    from organizations import services

    person = UserFactory.create()
    # another person (even a fund administrator) does not choose this person's language
    return Case(lambda a: services.user_language_set(actor=a, user=person, language="es"),
                member(Role.FUND_ADMIN, OrganizationFactory.create(kind="ach")))


def api_token_revoke() -> Case:
    from api.services import token_create, token_revoke

    owner = UserFactory.create()
    token, _raw = token_create(actor=owner, name="laptop")
    return Case(lambda a: token_revoke(actor=a, token=token), UserFactory.create())


CASES: dict[str, Callable[[], Case]] = {
    f.__name__: f for f in (
        reinvestment_financial_year_create, reinvestment_financial_year_lock, reinvestment_financial_year_enter,
        reinvestment_obligation_compute, reinvestment_member_months_import, reinvestment_obligation_credit_record,
        reinvestment_direct_investment_record,
        wellness_fund_create, wellness_restriction_create, wellness_receipt_record, wellness_agreement_close,
        wellness_statement_issue, wellness_contribution_payment_record, wellness_transaction_reverse,
        wellness_fiscal_period_close, wellness_award_commit,
        grants_opportunity_create, grants_application_start, grants_review_submit, grants_governing_body_create,
        grants_meeting_start, grants_award_accept, grants_tranche_release, grants_report_save_draft,
        grants_amendment_extend, grants_award_closeout, grants_report_reminders_send,
        reporting_report_request, reporting_report_generate, reporting_report_attest,
        notifications_queue, notifications_send,
        organizations_organization_create, organizations_membership_grant, organizations_affiliation_record,
        organizations_user_language_set, api_token_revoke,
    )
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_person_without_the_role_is_refused_and_nothing_is_written(name):
    case = CASES[name]()
    before = table_counts()
    with pytest.raises(AccessDenied):
        case.call(case.outsider)
    assert table_counts() == before


# Services that a named system actor may run, each with a person who may not.
SYSTEM_RUNS = ["wellness_transaction_reverse", "wellness_fiscal_period_close", "reinvestment_financial_year_create",
               "grants_tranche_release", "organizations_organization_create", "notifications_send"]


@pytest.mark.parametrize("name", SYSTEM_RUNS)
def test_a_system_actor_passes_and_is_named_in_the_audit_trail(name):
    case = CASES[name]()
    actor = SystemActor("refusal-test")
    before = AuditEvent.objects.count()
    case.call(actor)
    events = AuditEvent.objects.order_by("pk")[before:]
    assert events, "the write was audited"
    assert {(e.actor_id, e.actor_label) for e in events} == {(None, "system:refusal-test")}


def test_the_site_administrator_passes_a_role_check():
    case = reinvestment_financial_year_create()
    admin = UserFactory.create(is_superuser=True)
    year = case.call(admin)
    event = AuditEvent.objects.get(action="reinvestment.financial_year.create", object_id=str(year.pk))
    assert event.actor == admin and event.actor_label == admin.username


def test_person_only_acts_refuse_a_system_actor():
    """Acceptance of an award and attestation of a report carry a person's name: no system actor."""
    accept = grants_award_accept()
    attest = reporting_report_attest()
    before = table_counts()
    for case in (accept, attest):
        with pytest.raises(AccessDenied):
            case.call(SETUP)
    assert table_counts() == before


def test_record_refuses_a_missing_actor():
    from django.contrib.auth.models import AnonymousUser
    from django.db import transaction

    org = OrganizationFactory.create()
    for nobody in (None, AnonymousUser()):
        with pytest.raises(TypeError), transaction.atomic():
            record(actor=nobody, action="test.nobody", obj=org)  # type: ignore[arg-type]
    assert not AuditEvent.objects.filter(action="test.nobody").exists()
