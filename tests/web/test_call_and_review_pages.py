"""A call's rubric edited as rows, draft calls edited, and the reviewer's page (the whole
application beside the rubric, the conflict declaration first, the conflict carried to the vote).

Every refusal shows the error beside the field and writes nothing (rows and audit events counted).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from grants import services
from grants.models import EligibilityQuestion, FundingOpportunity, Recusal, RubricCriterion
from tests.grants import factories as gf
from tests.organizations.factories import OrganizationFactory, member
from tests.web import grants_world as gw
from tests.web.test_fund_pages import CALL

pytestmark = pytest.mark.django_db


def _state():
    return (FundingOpportunity.objects.count(), RubricCriterion.objects.count(), EligibilityQuestion.objects.count(),
            list(FundingOpportunity.objects.order_by("pk").values_list("title", "status")),
            list(RubricCriterion.objects.order_by("pk").values_list("name", "weight", "scale_max")),
            AuditEvent.objects.count())


def _call_data(w, **changes):
    return CALL | {"restriction": str(w.restriction.pk)} | changes


def test_the_rubric_is_rows_with_add_and_remove_and_nothing_is_saved_until_create(client, w):
    client.force_login(w.admin)
    url = reverse("grants:opportunity_create", args=[w.fund.code])
    page = client.get(url).content.decode()
    assert page.count('name="criterion_') == 9 and "Add a criterion" in page and "name | weight" not in page
    before = _state()
    added = client.post(url, _call_data(w, add_row="1"))
    body = added.content.decode()
    assert added.status_code == 200 and 'name="criterion_3_name"' in body and 'value="Feasibility"' in body
    assert "usa-error-message" not in body
    removed = client.post(url, _call_data(w, remove_row="1"))
    body = removed.content.decode()
    assert 'name="criterion_2_name"' not in body and 'name="criterion_1_name"' in body
    assert 'value="Feasibility"' in body and 'value="Community need"' not in body
    assert _state() == before
    created = client.post(url, _call_data(w, rubric_rows="3", criterion_3_name="Equity", criterion_3_weight="12.5",
                                          criterion_3_max="4"))
    assert created.status_code == 302
    call = FundingOpportunity.objects.get()
    assert list(call.rubric.order_by("number").values_list("name", "weight", "scale_min", "scale_max")) == [
        ("Community need", Decimal("60.00"), 0, 5), ("Feasibility", Decimal("40.00"), 0, 5),
        ("Equity", Decimal("12.50"), 0, 4)]


def test_an_empty_row_in_the_middle_is_ignored(client, w):
    client.force_login(w.admin)
    data = _call_data(w, rubric_rows="3", criterion_2_name="", criterion_2_weight="", criterion_2_max="",
                      criterion_3_name="Equity", criterion_3_weight="10", criterion_3_max="3")
    assert client.post(reverse("grants:opportunity_create", args=[w.fund.code]), data).status_code == 302
    assert list(FundingOpportunity.objects.get().rubric.values_list("number", "name").order_by("number")) == [
        (1, "Community need"), (2, "Equity")]


def _draft(w):
    return gf.opportunity(w, open_=False)


def test_a_draft_call_is_edited_and_its_rubric_replaced(client, w):
    call = _draft(w)
    client.force_login(w.admin)
    detail = client.get(reverse("grants:opportunity_detail", args=[call.pk])).content.decode()
    assert reverse("grants:opportunity_edit", args=[call.pk]) in detail
    page = client.get(reverse("grants:opportunity_edit", args=[call.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and f'value="{call.title}"' in body
    for c in call.rubric.all():
        assert f'value="{c.name}"' in body
    events = AuditEvent.objects.count()
    data = _call_data(w, form_token=gw.token(page), title="Food security, revised")
    response = client.post(reverse("grants:opportunity_edit", args=[call.pk]), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Food security, revised" and call.status == "draft"
    assert list(call.rubric.order_by("number").values_list("name", flat=True)) == ["Community need", "Feasibility"]
    assert AuditEvent.objects.filter(action="grants.opportunity.update").count() == 1
    assert AuditEvent.objects.count() == events + 1
    again = client.post(reverse("grants:opportunity_edit", args=[call.pk]), data)  # double submit
    assert again.status_code == 302 and AuditEvent.objects.count() == events + 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "This field is required."),
    ({"title": "x" * 256}, "title", "at most 255 characters"),
    ({"criterion_1_weight": "much"}, "criterion_1_weight", "Enter a number."),
    ({"award_max": "200,000.00"}, "award_max", "must not exceed the total budget"),
    ({"restriction": "999999"}, "restriction", "Select a valid choice"),
])
def test_bad_input_on_the_draft_edit_is_refused_beside_the_field(client, w, changes, field, message):
    call = _draft(w)
    client.force_login(w.admin)
    before = _state()
    response = client.post(reverse("grants:opportunity_edit", args=[call.pk]),
                           _call_data(w, form_token="q" * 32, **changes))
    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in body and message in body
    assert _state() == before


def test_an_open_call_is_not_edited(client, w):
    call = gf.opportunity(w)  # open
    client.force_login(w.admin)
    page = client.get(reverse("grants:opportunity_edit", args=[call.pk])).content.decode()
    assert "only a draft call can be edited" in page and 'id="opportunity-form"' not in page
    assert reverse("grants:opportunity_edit", args=[call.pk]) not in client.get(
        reverse("grants:opportunity_detail", args=[call.pk])).content.decode()
    before = _state()
    response = client.post(reverse("grants:opportunity_edit", args=[call.pk]), _call_data(w, form_token="r" * 32))
    assert response.status_code == 400
    assert "This call is open: only a draft call can be edited." in response.content.decode()
    assert _state() == before


def test_another_ach_and_a_board_member_get_404_on_the_edit(client, w):
    call = _draft(w)
    other_admin = member("fund_admin", OrganizationFactory(code="ach-other", kind="ach"))
    before = _state()
    for user in (other_admin, w.board[0], w.staff[0]):
        client.force_login(user)
        assert client.get(reverse("grants:opportunity_edit", args=[call.pk])).status_code == 404
        assert client.post(reverse("grants:opportunity_edit", args=[call.pk]),
                           _call_data(w, form_token="s" * 32)).status_code == 404
    assert _state() == before


# --------------------------------------------------------------------------- the reviewer's page


def test_the_reviewer_sees_the_conflict_declaration_first_and_the_whole_application(client, w, opp):
    app = gf.under_review(w, opp, 0, reviewers=[w.board[0]])
    client.force_login(w.board[0])
    body = client.get(reverse("grants:review", args=[app.pk])).content.decode()
    conflict = body.index("do you have a conflict of interest?")
    assert conflict < body.index("The application") < body.index('name="score_1"')
    assert app.project_title in body and "Budget lines" in body
    for line in app.budget_lines.all():
        assert line.description in body
    for q in opp.eligibility_questions.all():
        assert q.text in body
    assert app.period_start.strftime("%Y") in body and "Imperial" in body
    assert "Attachments" in body
    for c in opp.rubric.all():
        assert c.name in body


def test_a_conflict_declared_at_review_shows_on_the_board_vote(client, w, opp):
    app = gf.under_review(w, opp, 0, reviewers=[w.board[2]])
    client.force_login(w.board[2])
    page = client.get(reverse("grants:review", args=[app.pk]))
    response = client.post(reverse("grants:review_conflict", args=[app.pk]),
                           {"conflict-form_token": "c" * 32, "conflict-reason": "I sit on its board"})
    assert response.status_code == 302 and page.status_code == 200
    meeting, (item,) = gf.session(w, [app])
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    recusal = Recusal.objects.get(item=item, member=w.board[2])
    assert "I sit on its board" in recusal.reason
    client.force_login(w.admin)
    minutes = client.get(reverse("grants:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Conflict of interest declared at review" in minutes
    client.force_login(w.board[2])
    panel = client.get(reverse("grants:item_panel", args=[item.pk])).content.decode()
    assert "You are recused from this item." in panel and "Vote yes" not in panel
    ballots = item.ballots.count()
    events = AuditEvent.objects.count()
    refused = client.post(reverse("grants:item_ballot", args=[item.pk]),
                          {"ballot-form_token": "b" * 32, "ballot-choice": "yes"})
    assert refused.status_code == 400
    assert "You declared a conflict of interest when reviewing" in refused.content.decode()
    assert item.ballots.count() == ballots and AuditEvent.objects.count() == events
