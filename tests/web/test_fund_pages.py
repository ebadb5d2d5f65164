"""Pages fund administrators use: fund balances and statement, calls (open, close), the pipeline,
reviewer assignment, recommendation, the agenda and awards; refusals and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from grants import services
from grants.models import AgendaItem, Application, Award, FundingOpportunity, ReviewAssignment
from organizations.actors import SETUP
from tests.grants import factories as gf
from tests.organizations.factories import OrganizationFactory, member
from tests.web import grants_world as gw
from tests.wellness_fund import factories as wf
from wellness_fund import commitments
from wellness_fund.models import LedgerLeg

pytestmark = pytest.mark.django_db


def _available(w):
    return commitments.available_to_award(fund=w.fund, restriction=w.restriction).amount


# --------------------------------------------------------------------------- fund pages


def test_fund_page_shows_available_to_award_by_restriction(client, w):
    wf.receive(w.fund, "1234567.89")
    client.force_login(w.admin)
    response = client.get(reverse("wellness_fund:fund_detail", args=[w.fund.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("$1,234,567.89") >= 2  # the restriction row and the fund total
    assert 'id="available-chart"' in body


def test_fund_statement_for_a_period(client, w):
    wf.receive(w.fund, "500.00", on=dt.date(2026, 1, 15))
    client.force_login(w.board[0])
    response = client.get(reverse("wellness_fund:fund_statement", args=[w.fund.code]),
                          {"start": "2026-01-01", "end": "2026-01-31"})
    assert response.status_code == 200
    assert "$500.00" in response.content.decode()


def test_fund_statement_with_a_backwards_period_shows_the_error(client, w):
    client.force_login(w.admin)
    response = client.get(reverse("wellness_fund:fund_statement", args=[w.fund.code]),
                          {"start": "2026-02-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert 'id="id_end_error"' in response.content.decode()


def test_another_ach_and_a_cbo_get_404_for_the_fund(client, w):
    other_admin = member("fund_admin", OrganizationFactory(code="ach-elsewhere", kind="ach"))
    for user in (other_admin, w.staff[0]):
        client.force_login(user)
        assert client.get(reverse("wellness_fund:fund_detail", args=[w.fund.code])).status_code == 404
        assert client.get(reverse("wellness_fund:fund_statement", args=[w.fund.code])).status_code == 404
        assert client.get(reverse("grants:pipeline", args=[w.fund.code])).status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_fund_list_queries_do_not_grow(client, w, django_assert_num_queries, size):
    for _ in range(size - 1):
        wf.fund(owner=w.ach)
    client.force_login(w.admin)
    client.get(reverse("wellness_fund:fund_list"))
    # session, user (with the audit link's permission and the memberships the menu links to), count,
    # page rows (with ACH)
    with django_assert_num_queries(4):
        response = client.get(reverse("wellness_fund:fund_list"))
    assert response.content.decode().count("/funds/gfund-") + response.content.decode().count("/funds/f") >= size


def test_pipeline_counts_each_stage(client, w, opp):
    gf.submitted(w, opp, 0, "20000.00")
    client.force_login(w.admin)
    body = client.get(reverse("grants:pipeline", args=[w.fund.code])).content.decode()
    assert "1 · $20,000.00" in body


# --------------------------------------------------------------------------- calls


def test_admin_opens_and_closes_a_call_once(client, w):
    call = gf.opportunity(w, open_=False)
    client.force_login(w.admin)
    page = client.get(reverse("grants:opportunity_detail", args=[call.pk]))
    token = gw.token(page)
    url = reverse("grants:opportunity_transition", args=[call.pk, "open"])
    assert client.post(url, {"form_token": token}).status_code == 302
    assert client.post(url, {"form_token": token}).status_code == 302  # repeated: nothing more
    assert FundingOpportunity.objects.get(pk=call.pk).status == "open"
    assert AuditEvent.objects.filter(action__contains="opportunity.open").count() == 1


def test_closing_a_call_before_its_close_time_is_refused_and_changes_nothing(client, w):
    call = gf.opportunity(w)
    events = AuditEvent.objects.count()
    client.force_login(w.admin)
    response = client.post(reverse("grants:opportunity_transition", args=[call.pk, "close"]),
                           {"form_token": "k" * 32})
    assert response.status_code == 400
    assert "it cannot close earlier" in response.content.decode()
    assert FundingOpportunity.objects.get(pk=call.pk).status == "open"
    assert AuditEvent.objects.count() == events


def test_a_board_member_cannot_open_a_call(client, w):
    call = gf.opportunity(w, open_=False)
    client.force_login(w.board[0])
    events = AuditEvent.objects.count()
    response = client.post(reverse("grants:opportunity_transition", args=[call.pk, "open"]),
                           {"form_token": "j" * 32})
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()
    assert FundingOpportunity.objects.get(pk=call.pk).status == "draft"
    assert AuditEvent.objects.count() == events


# --------------------------------------------------------------------------- applications


def test_admin_assigns_a_reviewer_and_recommends(client, w, opp):
    app = gf.submitted(w, opp, 0)
    client.force_login(w.admin)
    client.post(reverse("grants:application_assign", args=[app.pk]),
                {"assign-form_token": "a" * 32, "assign-reviewer": str(w.board[0].pk)})
    assert ReviewAssignment.objects.get().reviewer == w.board[0]
    client.post(reverse("grants:application_recommend", args=[app.pk]),
                {"recommend-form_token": "b" * 32, "recommend-recommended": "yes", "recommend-note": "Strong"})
    assert Application.objects.get(pk=app.pk).status == "recommended"


def test_assigning_the_same_reviewer_twice_shows_the_error(client, w, opp):
    app = gf.submitted(w, opp, 0)
    services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    events = AuditEvent.objects.count()
    client.force_login(w.admin)
    response = client.post(reverse("grants:application_assign", args=[app.pk]),
                           {"assign-form_token": "c" * 32, "assign-reviewer": str(w.board[0].pk)})
    assert response.status_code == 400
    assert "already assigned" in response.content.decode()
    assert ReviewAssignment.objects.count() == 1 and AuditEvent.objects.count() == events


def test_admin_puts_an_application_on_the_agenda(client, w, opp):
    app = gf.submitted(w, opp, 0)
    services.application_recommend(actor=w.admin, application=app, recommended=True)
    meeting = gf.meeting(w, gf.body(w))
    client.force_login(w.admin)
    response = client.post(reverse("grants:application_agenda", args=[app.pk]), {
        "agenda-form_token": "e" * 32, "agenda-meeting": str(meeting.pk), "agenda-title": "Promotores",
        "agenda-amount": "20,000.00", "agenda-motion": ""})
    assert response.status_code == 302
    assert AgendaItem.objects.get().entries.get().amount.amount == Decimal("20000.00")


def test_agenda_amount_above_the_request_is_refused(client, w, opp):
    app = gf.submitted(w, opp, 0)
    services.application_recommend(actor=w.admin, application=app, recommended=True)
    meeting = gf.meeting(w, gf.body(w))
    client.force_login(w.admin)
    response = client.post(reverse("grants:application_agenda", args=[app.pk]), {
        "agenda-form_token": "f" * 32, "agenda-meeting": str(meeting.pk), "agenda-title": "Promotores",
        "agenda-amount": "20,000.01"})
    assert response.status_code == 400
    assert "more than the $20,000.00 requested" in response.content.decode()
    assert AgendaItem.objects.count() == 0


def test_admin_creates_the_award_once(client, w, opp):
    wf.receive(w.fund, "30000.00")
    app = gf.submitted(w, opp, 0)
    _m, items = gw.session(w, [app])
    gw.approve(w, items[0])
    client.force_login(w.admin)
    page = client.get(reverse("grants:application_detail", args=[app.pk]))
    assert "Make the award" in page.content.decode()
    data = {"award-form_token": "g" * 32, "award-amount": "20,000.00", "award-period_start": "2027-01-01",
            "award-period_end": "2027-12-31", "award-first_percent": "50", "award-first_due": "2027-01-15",
            "award-second_due": "2027-07-15"}
    first = client.post(reverse("grants:application_award", args=[app.pk]), data)
    second = client.post(reverse("grants:application_award", args=[app.pk]), data)
    award = Award.objects.get()
    assert first["Location"] == second["Location"] == reverse("grants:award_detail", args=[award.pk])
    assert [t.amount.amount for t in award.tranches.order_by("number")] == [Decimal("10000.00")] * 2
    assert _available(w) == Decimal("10000.00")


def test_award_above_the_available_money_shows_the_error_and_commits_nothing(client, w, opp):
    wf.receive(w.fund, "30000.00")
    app = gf.submitted(w, opp, 0)
    _m, items = gw.session(w, [app])
    gw.approve(w, items[0])
    # another commitment leaves 5,000 available, less than the 20,000 approved
    commitments.award_commit(actor=SETUP, fund=w.fund, restriction=w.restriction, amount=Decimal("25000.00"),
                             reference="test:other", on=dt.date(2026, 2, 1))
    before = (Award.objects.count(), _available(w), AuditEvent.objects.count())
    client.force_login(w.admin)
    data = {"award-form_token": "h" * 32, "award-amount": "20,000.00", "award-period_start": "2027-01-01",
            "award-period_end": "2027-12-31", "award-first_percent": "100", "award-first_due": "2027-01-15"}
    response = client.post(reverse("grants:application_award", args=[app.pk]), data)
    assert response.status_code == 400
    assert (Award.objects.count(), _available(w), AuditEvent.objects.count()) == before


def test_award_amount_with_fractions_of_a_cent_is_a_field_error(client, w, opp):
    wf.receive(w.fund, "30000.00")
    app = gf.submitted(w, opp, 0)
    _m, items = gw.session(w, [app])
    gw.approve(w, items[0])
    client.force_login(w.admin)
    data = {"award-form_token": "i" * 32, "award-amount": "19,999.999", "award-period_start": "2027-01-01",
            "award-period_end": "2027-12-31", "award-first_percent": "100", "award-first_due": "2027-01-15"}
    response = client.post(reverse("grants:application_award", args=[app.pk]), data)
    assert response.status_code == 400
    assert 'id="id_award-amount_error"' in response.content.decode()
    assert Award.objects.count() == 0


def test_admin_of_another_ach_gets_404_on_the_application_and_its_actions(client, w, opp):
    app = gf.submitted(w, opp, 0)
    other_admin = member("fund_admin", OrganizationFactory(code="ach-far", kind="ach"))
    client.force_login(other_admin)
    assert client.get(reverse("grants:application_detail", args=[app.pk])).status_code == 404
    events = AuditEvent.objects.count()
    response = client.post(reverse("grants:application_recommend", args=[app.pk]),
                           {"recommend-form_token": "l" * 32, "recommend-recommended": "yes"})
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()
    assert Application.objects.get(pk=app.pk).status == "submitted"
    assert AuditEvent.objects.count() == events


def test_fund_admin_never_sees_drafts(client, w, opp):
    app = gf.draft(w, opp, 0)
    client.force_login(w.admin)
    assert client.get(reverse("grants:application_detail", args=[app.pk])).status_code == 404


# --------------------------------------------------------------------------- tranches and reports


def test_admin_releases_and_pays_a_tranche(client, w, opp):
    award = gw.accepted(w, opp, 0)
    tranche = award.tranches.get()
    client.force_login(w.admin)
    page = client.get(reverse("grants:award_detail", args=[award.pk]))
    assert "Release tranche 1 ($20,000.00)" in page.content.decode()
    assert client.post(reverse("grants:tranche_release", args=[tranche.pk]),
                       {"release-form_token": "t" * 32}).status_code == 302
    data = {"pay-form_token": "u" * 32, "pay-paid_on": dt.date.today().isoformat(), "pay-amount": "20,000.00",
            "pay-payment_reference": "ACH-123"}
    assert client.post(reverse("grants:tranche_pay", args=[tranche.pk]), data).status_code == 302
    assert client.post(reverse("grants:tranche_pay", args=[tranche.pk]), data).status_code == 302  # repeated
    tranche.refresh_from_db()
    assert tranche.status == "paid"
    assert commitments.disbursed_for(reference=award.commitment_reference).amount == Decimal("20000.00")


def test_paying_without_a_reference_is_refused_and_posts_nothing(client, w, opp):
    award = gw.accepted(w, opp, 0)
    tranche = award.tranches.get()
    services.tranche_release(actor=w.admin, tranche=tranche)
    client.force_login(w.admin)
    data = {"pay-form_token": "v" * 32, "pay-paid_on": dt.date.today().isoformat(), "pay-amount": "20,000.00",
            "pay-payment_reference": ""}
    events, legs = AuditEvent.objects.count(), LedgerLeg.objects.count()
    response = client.post(reverse("grants:tranche_pay", args=[tranche.pk]), data)
    assert response.status_code == 400
    assert "bank transfer or check reference" in response.content.decode()
    assert (AuditEvent.objects.count(), LedgerLeg.objects.count()) == (events, legs)
    assert tranche.__class__.objects.get(pk=tranche.pk).status == "released"
    assert commitments.disbursed_for(reference=award.commitment_reference).amount == Decimal("0")


def test_a_board_member_cannot_release_a_tranche(client, w, opp):
    award = gw.accepted(w, opp, 0)
    tranche = award.tranches.get()
    client.force_login(w.board[0])
    assert client.post(reverse("grants:tranche_release", args=[tranche.pk]),
                       {"release-form_token": "x" * 32}).status_code == 404
    tranche.refresh_from_db()
    assert tranche.status == "scheduled"


def test_admin_returns_a_report_with_a_comment(client, w, opp):
    award = gw.accepted(w, opp, 0)
    schedule = award.reports.order_by("number").first()
    client.force_login(w.staff[0])
    assert gw.write_report(client, schedule, 5).status_code == 302
    client.force_login(w.admin)
    refused = client.post(reverse("grants:report", args=[schedule.pk]),
                          {"decide-form_token": "z" * 32, "decide-decision": "return", "decide-comment": ""})
    assert refused.status_code == 400
    assert "Say what needs to be revised." in refused.content.decode()
    schedule.refresh_from_db()
    assert schedule.status == "submitted"
    client.post(reverse("grants:report", args=[schedule.pk]),
                {"decide-form_token": "w" * 32, "decide-decision": "return", "decide-comment": "Add the ages."})
    schedule.refresh_from_db()
    assert schedule.status == "returned"


# --------------------------------------------------------------------------- new calls

CALL = {"form_token": "n" * 32, "title": "Food security 2027", "description": "", "total_budget": "100,000.00",
        "award_min": "5,000.00", "award_max": "25,000.00", "opens_at": "2027-01-05T09:00",
        "closes_at": "2027-02-05T17:00", "domains": ["food"], "rubric_rows": "2",
        "criterion_1_name": "Community need", "criterion_1_weight": "60", "criterion_1_max": "5",
        "criterion_2_name": "Feasibility", "criterion_2_weight": "40", "criterion_2_max": "5",
        "questions": "Is the organization a nonprofit? | no", "metrics": "participants | Participants | people",
        "frequency_months": "6"}


def test_admin_creates_a_call_once(client, w):
    client.force_login(w.admin)
    page = client.get(reverse("grants:opportunity_create", args=[w.fund.code]))
    data = CALL | {"form_token": gw.token(page), "restriction": str(w.restriction.pk)}
    first = client.post(reverse("grants:opportunity_create", args=[w.fund.code]), data)
    second = client.post(reverse("grants:opportunity_create", args=[w.fund.code]), data)
    call = FundingOpportunity.objects.get()
    assert first["Location"] == second["Location"] == reverse("grants:opportunity_detail", args=[call.pk])
    assert call.status == "draft" and call.award_max.amount == Decimal("25000.00")
    assert [c.weight for c in call.rubric.order_by("number")] == [Decimal("60"), Decimal("40")]
    assert call.eligibility_questions.get().disqualifying_answers == ["no"]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"award_max": "200,000.00"}, "award_max", "must not exceed the total budget"),
    ({"criterion_1_max": ""}, "criterion_1_max", "Fill in the whole row, or leave it empty."),
    ({"criterion_2_weight": "heavy"}, "criterion_2_weight", "Enter a number."),
    ({"criterion_2_weight": "0"}, "criterion_2_weight", "greater than or equal to 0.01"),
    ({"criterion_1_name": "x" * 256}, "criterion_1_name", "at most 255 characters"),
    ({"criterion_1_max": "1000"}, "criterion_1_max", "less than or equal to 100"),
    ({"criterion_1_name": "", "criterion_1_weight": "", "criterion_1_max": "", "criterion_2_name": "",
      "criterion_2_weight": "", "criterion_2_max": ""}, "criterion_1_name", "Give at least one criterion"),
    ({"title": ""}, "title", "This field is required."),
    ({"closes_at": "2027-01-01T09:00"}, "closes_at", "must come after the open date-time"),
    ({"total_budget": "100000.001"}, "total_budget", "at most two decimal places"),
])
def test_bad_call_input_is_shown_beside_the_field_and_creates_nothing(client, w, changes, field, message):
    events = AuditEvent.objects.count()
    client.force_login(w.admin)
    data = CALL | {"restriction": str(w.restriction.pk)} | changes
    response = client.post(reverse("grants:opportunity_create", args=[w.fund.code]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in body and message in body
    assert FundingOpportunity.objects.count() == 0 and AuditEvent.objects.count() == events


def test_board_member_and_other_ach_get_404_on_new_call(client, w):
    other_admin = member("fund_admin", OrganizationFactory(code="ach-new", kind="ach"))
    for user in (w.board[0], other_admin):
        client.force_login(user)
        assert client.get(reverse("grants:opportunity_create", args=[w.fund.code])).status_code == 404
        data = CALL | {"restriction": str(w.restriction.pk)}
        assert client.post(reverse("grants:opportunity_create", args=[w.fund.code]), data).status_code == 404
    assert FundingOpportunity.objects.count() == 0
