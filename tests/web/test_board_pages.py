"""Pages board members and the chair use: meetings, the live vote panel (open, ballot, recusal,
close, tally), reviews with the rubric and conflict declarations; refusals and bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from grants import services
from grants.models import AgendaItem, Ballot, Recusal, ReviewAssignment, Score
from tests.grants import factories as gf
from tests.organizations.factories import OrganizationFactory, member
from tests.web import grants_world as gw

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_session(w, opp):
    app = gf.submitted(w, opp, 0)
    meeting, items = gw.session(w, [app])
    return meeting, items[0]


def _votes():
    return (Ballot.objects.count(), Recusal.objects.count(),
            list(AgendaItem.objects.values_list("vote_status", flat=True)), AuditEvent.objects.count())


# --------------------------------------------------------------------------- meetings and the vote


def test_member_sees_the_meeting_and_the_pending_panel(client, w, in_session):
    meeting, item = in_session
    client.force_login(w.board[0])
    page = client.get(reverse("grants:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200 and item.title in page.content.decode()
    panel = client.get(reverse("grants:item_panel", args=[item.pk]), HTTP_HX_REQUEST="true")
    body = panel.content.decode()
    assert 'hx-trigger="every 2s' in body  # polls while pending
    assert "Open the vote" not in body  # only the chair opens


def test_chair_opens_members_vote_chair_closes_and_everyone_sees_the_tally(client, w, in_session):
    _meeting, item = in_session
    client.force_login(w.chair)
    panel = client.get(reverse("grants:item_panel", args=[item.pk]), HTTP_HX_REQUEST="true")
    data = {"open-form_token": gw.token(panel), "open-mover": str(w.chair.pk), "open-seconder": str(w.board[0].pk)}
    assert client.post(reverse("grants:item_open", args=[item.pk]), data).status_code == 302
    for voter, choice in ((w.chair, "yes"), (w.board[0], "yes"), (w.board[1], "no")):
        client.force_login(voter)
        panel = client.get(reverse("grants:item_panel", args=[item.pk]), HTTP_HX_REQUEST="true")
        response = client.post(reverse("grants:item_ballot", args=[item.pk]),
                               {"ballot-form_token": gw.token(panel), "ballot-choice": choice})
        assert response.status_code == 302
    client.force_login(w.chair)
    panel = client.get(reverse("grants:item_panel", args=[item.pk]), HTTP_HX_REQUEST="true")
    assert "3 of 4 have voted" in panel.content.decode()
    close = client.post(reverse("grants:item_close", args=[item.pk]), {"form_token": gw.token(
        client.get(reverse("grants:item_panel", args=[item.pk]), HTTP_HX_REQUEST="true"))})
    assert close.status_code == 302
    client.force_login(w.board[2])
    body = client.get(reverse("grants:item_panel", args=[item.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Passed" in body and "every 2s" not in body
    assert "<dt>Voted yes</dt><dd>2</dd>" in body and "<dt>Voted no</dt><dd>1</dd>" in body


def test_a_ballot_sent_twice_is_recorded_once(client, w, in_session):
    _meeting, item = in_session
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    client.force_login(w.board[1])
    data = {"ballot-form_token": "b" * 32, "ballot-choice": "yes"}
    client.post(reverse("grants:item_ballot", args=[item.pk]), data)
    client.post(reverse("grants:item_ballot", args=[item.pk]), data | {"ballot-choice": "no"})
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]
    assert AuditEvent.objects.filter(action="grants.board.ballot").count() == 1


def test_member_recuses_and_then_cannot_vote(client, w, in_session):
    _meeting, item = in_session
    client.force_login(w.board[2])
    response = client.post(reverse("grants:item_recuse", args=[item.pk]),
                           {"recuse-form_token": "r" * 32, "recuse-reason": "My sister runs the applicant."})
    assert response.status_code == 302
    assert Recusal.objects.get().member == w.board[2]
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    before = _votes()
    body = client.get(reverse("grants:item_panel", args=[item.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "You are recused from this item." in body and "Vote yes" not in body
    refused = client.post(reverse("grants:item_ballot", args=[item.pk]),
                          {"ballot-form_token": "s" * 32, "ballot-choice": "yes"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert "recused from this item" in refused.content.decode()
    assert _votes() == before


def test_recusal_without_a_reason_is_a_field_error_and_records_nothing(client, w, in_session):
    _meeting, item = in_session
    before = _votes()
    client.force_login(w.board[2])
    response = client.post(reverse("grants:item_recuse", args=[item.pk]),
                           {"recuse-form_token": "q" * 32, "recuse-reason": ""})
    assert response.status_code == 400
    assert 'id="id_recuse-reason_error"' in response.content.decode()
    assert _votes() == before


def test_a_member_who_is_not_chair_cannot_open_the_vote(client, w, in_session):
    _meeting, item = in_session
    before = _votes()
    client.force_login(w.board[0])
    data = {"open-form_token": "o" * 32, "open-mover": str(w.chair.pk), "open-seconder": str(w.board[0].pk)}
    response = client.post(reverse("grants:item_open", args=[item.pk]), data)
    assert response.status_code == 400
    assert "Only the chair" in response.content.decode()
    assert _votes() == before


def test_mover_and_seconder_must_differ(client, w, in_session):
    _meeting, item = in_session
    before = _votes()
    client.force_login(w.chair)
    data = {"open-form_token": "p" * 32, "open-mover": str(w.chair.pk), "open-seconder": str(w.chair.pk)}
    response = client.post(reverse("grants:item_open", args=[item.pk]), data)
    assert response.status_code == 400
    assert "The seconder must be someone other than the mover." in response.content.decode()
    assert _votes() == before


def test_another_ach_gets_404_for_meetings_and_items(client, w, in_session):
    meeting, item = in_session
    outsider = member("board_member", OrganizationFactory(code="other-ach", kind="ach"))
    before = _votes()
    client.force_login(outsider)
    assert client.get(reverse("grants:meeting_detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("grants:item_panel", args=[item.pk])).status_code == 404
    assert client.post(reverse("grants:item_recuse", args=[item.pk]),
                       {"recuse-form_token": "n" * 32, "recuse-reason": "x"}).status_code == 404
    assert _votes() == before


@pytest.mark.parametrize("size", [1, 4])
def test_meeting_list_queries_do_not_grow(client, w, django_assert_num_queries, size):
    body = gf.body(w)
    for _ in range(size):
        gf.meeting(w, body)
    client.force_login(w.board[0])
    client.get(reverse("grants:meeting_list"))
    # session, user (with the audit link's permission and the memberships the menu links to), count,
    # page rows (with body)
    with django_assert_num_queries(4):
        response = client.get(reverse("grants:meeting_list"))
    assert response.content.decode().count("Regular meeting") == size


# --------------------------------------------------------------------------- reviews


@pytest.fixture
def assigned(w, opp):
    app = gf.submitted(w, opp, 0)
    services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    return app


def test_reviewer_scores_with_the_rubric(client, w, assigned):
    client.force_login(w.board[0])
    page = client.get(reverse("grants:review", args=[assigned.pk]))
    assert page.status_code == 200 and "Community need" in page.content.decode()
    data = {"form_token": gw.token(page), "score_1": "4", "comment_1": "Clear need", "score_2": "3",
            "comment": "Good"}
    response = client.post(reverse("grants:review", args=[assigned.pk]), data)
    assert response.status_code == 302
    assert sorted(Score.objects.values_list("score", flat=True)) == [3, 4]
    assert ReviewAssignment.objects.get().status == "submitted"


def test_a_missing_score_is_a_field_error_and_saves_nothing(client, w, assigned):
    before = (Score.objects.count(), AuditEvent.objects.count())
    client.force_login(w.board[0])
    response = client.post(reverse("grants:review", args=[assigned.pk]),
                           {"form_token": "m" * 32, "score_1": "4", "score_2": "9"})
    assert response.status_code == 400
    assert 'id="id_score_2_error"' in response.content.decode()
    assert (Score.objects.count(), AuditEvent.objects.count()) == before


def test_a_member_not_assigned_gets_404_on_the_review(client, w, assigned):
    client.force_login(w.board[1])
    assert client.get(reverse("grants:review", args=[assigned.pk])).status_code == 404


def test_declaring_a_conflict_hides_the_application(client, w, assigned):
    client.force_login(w.board[0])
    response = client.post(reverse("grants:review_conflict", args=[assigned.pk]),
                           {"conflict-form_token": "c" * 32, "conflict-reason": "I sit on their board."})
    assert response.status_code == 302
    assert ReviewAssignment.objects.get().status == "conflicted"
    for name in ("review", "application_detail"):
        assert client.get(reverse(f"grants:{name}", args=[assigned.pk])).status_code == 404
    assert reverse("grants:review", args=[assigned.pk]) not in client.get(reverse("grants:review_list")).content.decode()


def test_conflict_without_a_reason_changes_nothing(client, w, assigned):
    before = (list(ReviewAssignment.objects.values_list("status", flat=True)), AuditEvent.objects.count())
    client.force_login(w.board[0])
    response = client.post(reverse("grants:review_conflict", args=[assigned.pk]),
                           {"conflict-form_token": "d" * 32, "conflict-reason": "  "})
    assert response.status_code == 400
    assert (list(ReviewAssignment.objects.values_list("status", flat=True)), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("size", [1, 4])
def test_review_list_queries_do_not_grow(client, w, opp, django_assert_num_queries, size):
    for _ in range(size):
        app = gf.submitted(w, gf.opportunity(w), 0)
        services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    client.force_login(w.board[0])
    client.get(reverse("grants:review_list"))
    # session, user (with the audit link's permission and the memberships the menu links to), count,
    # page rows
    with django_assert_num_queries(4):
        response = client.get(reverse("grants:review_list"))
    assert response.content.decode().count("/review/") == size


# --------------------------------------------------------------------------- the chair runs the meeting


def test_chair_starts_records_attendance_adjourns_and_certifies(client, w):
    meeting = gf.meeting(w, gf.body(w))
    client.force_login(w.chair)
    url = lambda name: reverse("grants:meeting_action", args=[meeting.pk, name])  # noqa: E731
    assert client.post(url("start"), {"form_token": "s" * 32}).status_code == 302
    assert client.post(url("attendance"), {"form_token": "a" * 32,
                                           "present": [str(w.chair.pk), str(w.board[0].pk)]}).status_code == 302
    assert client.post(url("adjourn"), {"form_token": "j" * 32}).status_code == 302
    assert client.post(url("certify"), {"form_token": "c" * 32}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "certified" and meeting.certified_by == w.chair
    assert set(meeting.attendance.values_list("member_id", flat=True)) == {w.chair.pk, w.board[0].pk}


def test_a_member_cannot_certify_the_minutes(client, w):
    meeting = gf.meeting(w, gf.body(w))
    services.meeting_start(actor=w.chair, meeting=meeting)
    services.meeting_adjourn(actor=w.chair, meeting=meeting)
    events = AuditEvent.objects.count()
    client.force_login(w.board[0])
    response = client.post(reverse("grants:meeting_action", args=[meeting.pk, "certify"]), {"form_token": "x" * 32})
    assert response.status_code == 400
    assert "Only the chair" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "adjourned" and AuditEvent.objects.count() == events


def test_unknown_meeting_action_is_404(client, w):
    meeting = gf.meeting(w, gf.body(w))
    client.force_login(w.chair)
    events = AuditEvent.objects.count()
    response = client.post(reverse("grants:meeting_action", args=[meeting.pk, "dissolve"]), {"form_token": "y" * 32})
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and AuditEvent.objects.count() == events
