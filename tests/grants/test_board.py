"""Board decisions: quorum and passing rules as data, recusals, votes, minutes and their certification."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from audit.models import AuditEvent
from grants import selectors, services
from grants.models import AgendaItem, Application, Ballot, Decision, Recusal, VotingRule
from organizations.actors import SETUP
from organizations.services import affiliation_record
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


def _snapshot():
    return (Ballot.objects.count(), Recusal.objects.count(), Decision.objects.count(), AuditEvent.objects.count(),
            list(AgendaItem.objects.values_list("vote_status", "outcome").order_by("pk")))


@pytest.mark.parametrize(("code", "count", "basis", "met", "required"), [
    ("majority-seated-not-recused", 2, 4, False, 3),
    ("majority-seated-not-recused", 3, 4, True, 3),
    ("majority-seated-not-recused", 2, 3, True, 2),
    ("majority-votes-cast", 1, 2, False, 2),
    ("two-thirds-votes-cast", 2, 3, True, 2),
    ("two-thirds-votes-cast", 3, 5, False, 4),
])
def test_seeded_rules_compute_with_integers(code, count, basis, met, required):
    rule = VotingRule.objects.get(code=code, version=1)
    assert rule.is_met(count, basis) is met
    assert rule.required(basis) == required


def test_affiliated_member_is_recused_automatically_and_cannot_vote(w, recommended):
    affiliation_record(actor=SETUP, user=w.board[0], organization=w.cbos[0], kind="family", notes="Spouse")
    body = gf.body(w)
    meeting = gf.meeting(w, body)
    item = services.agenda_item_add(actor=w.admin, meeting=meeting, title="A", entries=[(recommended[0], "20000.00")])
    recusal = Recusal.objects.get(item=item)
    assert recusal.member == w.board[0] and recusal.automatic and "Affiliated" in recusal.reason
    services.meeting_start(actor=w.chair, meeting=meeting)
    services.attendance_record(actor=w.chair, meeting=meeting, members=[w.chair, *w.board])
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[1])
    before = _snapshot()
    with pytest.raises(ValidationError, match="recused"):
        services.ballot_cast(actor=w.board[0], item=item, choice="yes")
    assert _snapshot() == before


def test_mover_must_not_be_recused(w, session):
    meeting, (item, _) = session
    services.recusal_declare(actor=w.board[0], item=item, reason="Consulted for the applicant last year")
    before = _snapshot()
    with pytest.raises(ValidationError, match="not recused"):
        services.vote_open(actor=w.chair, item=item, mover=w.board[0], seconder=w.board[1])
    assert _snapshot() == before


def test_vote_without_quorum_is_refused(w, recommended):
    meeting, (item,) = gf.session(w, recommended[:1], recommend=False, titles=["A"],
                                  present=[w.chair, w.board[0]])  # 2 of 4
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    assert "No quorum: 2" in exc.value.message_dict["quorum"][0] and "3 needed" in exc.value.message_dict["quorum"][0]
    assert _snapshot() == before


def test_quorum_does_not_count_recused_members_for_the_item(w, recommended):
    # 4 seated voting members, 2 present: no quorum (2 is not more than half of 4);
    # once an absent member recuses, the basis is 3 and 2 present is a quorum.
    meeting, (item,) = gf.session(w, recommended[:1], recommend=False, titles=["A"],
                                  present=[w.chair, w.board[0]])
    with pytest.raises(ValidationError, match="No quorum"):
        services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    services.recusal_declare(actor=w.board[2], item=item, reason="Board of a partner")
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    item.refresh_from_db()
    assert item.vote_status == "open"


def test_quorum_rule_on_all_seated_members_counts_recused_members(w, recommended):
    meeting, (item,) = gf.session(w, recommended[:1], recommend=False, titles=["A"],
                                  present=[w.chair, w.board[0]], quorum="majority-seated")
    services.recusal_declare(actor=w.board[2], item=item, reason="Board of a partner")
    with pytest.raises(ValidationError, match="No quorum"):
        services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    assert AgendaItem.objects.get(pk=item.pk).vote_status == "pending"


def test_ballot_outside_an_open_vote_is_refused(w, session):
    meeting, (item, _) = session
    before = _snapshot()
    with pytest.raises(ValidationError, match="not open"):
        services.ballot_cast(actor=w.board[0], item=item, choice="yes")
    assert _snapshot() == before
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    services.ballot_cast(actor=w.board[0], item=item, choice="yes")
    services.vote_close(actor=w.chair, item=item)
    before = _snapshot()
    with pytest.raises(ValidationError, match="not open"):
        services.ballot_cast(actor=w.board[1], item=item, choice="no")
    assert _snapshot() == before


def test_absent_member_and_non_member_cannot_vote(w, recommended):
    meeting, (item,) = gf.session(w, recommended[:1], recommend=False, titles=["A"],
                                  present=[w.chair, w.board[0], w.board[1]])
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    before = _snapshot()
    with pytest.raises(ValidationError, match="not recorded as present"):
        services.ballot_cast(actor=w.board[2], item=item, choice="yes")
    with pytest.raises(ValidationError, match="not a seated voting member"):
        services.ballot_cast(actor=w.admin, item=item, choice="yes")
    with pytest.raises(ValidationError, match="not a vote"):
        services.ballot_cast(actor=w.board[0], item=item, choice="maybe")
    assert _snapshot() == before


def test_only_the_chair_opens_and_closes(w, session):
    meeting, (item, _) = session
    before = _snapshot()
    with pytest.raises(ValidationError, match="Only the chair"):
        services.vote_open(actor=w.board[0], item=item, mover=w.board[0], seconder=w.board[1])
    assert _snapshot() == before


def test_failed_vote_declines_and_abstentions_do_not_count(w, session):
    meeting, (item, _) = session
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    for voter, choice in ((w.chair, "yes"), (w.board[0], "no"), (w.board[1], "abstain"), (w.board[2], "abstain")):
        services.ballot_cast(actor=voter, item=item, choice=choice)
    services.vote_close(actor=w.chair, item=item)
    item.refresh_from_db()
    assert (item.outcome, item.yes_count, item.no_count, item.abstain_count) == ("failed", 1, 1, 2)
    decision = Decision.objects.get(item=item)
    assert decision.outcome == "declined" and decision.approved_amount is None
    assert decision.application.status == "declined"


def test_a_member_may_change_their_vote_while_open(w, session):
    meeting, (item, _) = session
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    services.ballot_cast(actor=w.board[0], item=item, choice="no")
    services.ballot_cast(actor=w.board[0], item=item, choice="yes")
    services.ballot_cast(actor=w.chair, item=item, choice="yes")
    services.vote_close(actor=w.chair, item=item)
    assert AgendaItem.objects.get(pk=item.pk).outcome == "passed"
    assert Ballot.objects.filter(item=item).count() == 2


def test_self_recusal_needs_a_reason_and_no_prior_vote(w, session):
    meeting, (item, _) = session
    with pytest.raises(ValidationError, match="reason"):
        services.recusal_declare(actor=w.board[0], item=item, reason=" ")
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    services.ballot_cast(actor=w.board[1], item=item, choice="yes")
    before = _snapshot()
    with pytest.raises(ValidationError, match="has voted"):
        services.recusal_declare(actor=w.board[1], item=item, reason="Second thoughts")
    assert _snapshot() == before


def test_agenda_refuses_unrecommended_applications_and_amounts_above_request(w, opp, recommended):
    body = gf.body(w)
    meeting = gf.meeting(w, body)
    unrecommended = gf.submitted(w, opp, 2)
    count = AgendaItem.objects.count()
    with pytest.raises(ValidationError, match="not recommended"):
        services.agenda_item_add(actor=w.admin, meeting=meeting, title="X", entries=[(unrecommended, "1000.00")])
    with pytest.raises(ValidationError, match=r"more than the \$20,000\.00 requested"):
        services.agenda_item_add(actor=w.admin, meeting=meeting, title="X", entries=[(recommended[0], "20000.01")])
    assert AgendaItem.objects.count() == count
    services.agenda_item_add(actor=w.admin, meeting=meeting, title="A", entries=[(recommended[0], "20000.00")])
    with pytest.raises(ValidationError, match="already on an agenda item"):
        services.agenda_item_add(actor=w.admin, meeting=meeting, title="Again", entries=[(recommended[0], "100.00")])
    assert AgendaItem.objects.count() == count + 1


def test_meeting_and_vote_state_tables_are_enforced(w, session):
    meeting, (item, other) = session
    before = _snapshot()
    with pytest.raises(ValidationError, match="cannot become “Vote closed”"):
        services.vote_close(actor=w.chair, item=item)
    with pytest.raises(ValidationError, match="cannot become “Minutes certified”"):
        services.minutes_certify(actor=w.chair, meeting=meeting)
    with pytest.raises(ValidationError, match="cannot become “In session”"):
        services.meeting_start(actor=w.chair, meeting=meeting)
    assert _snapshot() == before
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    with pytest.raises(ValidationError, match="Another vote is open"):
        services.vote_open(actor=w.chair, item=other, mover=w.chair, seconder=w.board[0])
    with pytest.raises(ValidationError, match="Close the open vote"):
        services.meeting_adjourn(actor=w.chair, meeting=meeting)


def _certified(w, session):
    meeting, (item, other) = session
    gf.approve(w, item)
    services.meeting_adjourn(actor=w.chair, meeting=meeting, notes="Public comment: none.")
    services.minutes_certify(actor=w.chair, meeting=meeting)
    return meeting, item, other


def test_certified_minutes_refuse_changes_through_services(w, session):
    meeting, item, other = _certified(w, session)
    before = _snapshot()
    with pytest.raises(ValidationError, match="certified"):
        services.recusal_declare(actor=w.board[2], item=other, reason="Late")
    with pytest.raises(ValidationError, match="certified"):
        services.vote_open(actor=w.chair, item=other, mover=w.chair, seconder=w.board[0])
    with pytest.raises(ValidationError, match="certified"):
        services.agenda_item_add(actor=w.admin, meeting=meeting, title="Late", entries=[(other.entries.get().application, "1.00")])
    assert _snapshot() == before
    minutes = selectors.meeting_minutes(meeting=meeting)
    assert minutes["certified_by"] == str(w.chair) and minutes["notes"] == "Public comment: none."


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_changes_to_certified_minutes_from_any_client():
    w = gf.world(cbos=3, board=3)
    opp = gf.opportunity(w)
    apps = [gf.submitted(w, opp, 0, "20000.00"), gf.submitted(w, opp, 1, "15000.00")]
    meeting, item, _ = _certified(w, gf.session(w, apps))
    statements = [
        ("UPDATE grants_ballot SET choice = 'no' WHERE item_id = %s", [item.pk]),
        ("DELETE FROM grants_ballot WHERE item_id = %s", [item.pk]),
        ("INSERT INTO grants_ballot (item_id, member_id, choice, cast_at) VALUES (%s, %s, 'yes', now())",
         [item.pk, w.board[2].pk]),
        ("UPDATE grants_agendaitem SET outcome = 'failed' WHERE id = %s", [item.pk]),
        ("UPDATE grants_meeting SET minutes_notes = 'rewritten' WHERE id = %s", [meeting.pk]),
        ("INSERT INTO grants_recusal (item_id, member_id, automatic, reason, recorded_at) "
         "VALUES (%s, %s, false, 'late', now())", [item.pk, w.board[2].pk]),
        ("DELETE FROM grants_attendance WHERE meeting_id = %s", [meeting.pk]),
        ("UPDATE grants_decision SET outcome = 'declined', approved_amount = NULL WHERE item_id = %s", [item.pk]),
    ]
    for sql, params in statements:
        with pytest.raises((InternalError, ProgrammingError, IntegrityError), match="certified"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
    assert list(Ballot.objects.filter(item=item).values_list("choice", flat=True)) == ["yes", "yes", "yes"]
    assert AgendaItem.objects.get(pk=item.pk).outcome == "passed"
    assert Application.objects.get(pk=apps[0].pk).status == "approved"


def test_a_conflict_declared_at_review_recuses_the_member_from_the_board_vote(w, opp):
    app = gf.under_review(w, opp, 0, reviewers=[w.board[2]])
    assignment = app.assignments.get(reviewer=w.board[2])
    services.review_declare_conflict(actor=w.board[2], assignment=assignment, reason="My sister chairs its board")
    meeting, (item,) = gf.session(w, [app])
    recusal = Recusal.objects.get(item=item, member=w.board[2])
    assert recusal.automatic
    assert recusal.reason == f"Conflict of interest declared at review of “{app.project_title}”: My sister chairs its board"
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    before = _snapshot()
    with pytest.raises(ValidationError, match="You declared a conflict of interest when reviewing"):
        services.ballot_cast(actor=w.board[2], item=item, choice="yes")
    assert _snapshot() == before


def test_a_conflict_declared_after_the_vote_opened_still_refuses_the_vote(w, opp):
    app = gf.under_review(w, opp, 0, reviewers=[w.board[2]])
    meeting, (item,) = gf.session(w, [app])
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    assignment = app.assignments.get(reviewer=w.board[2])
    assert not Recusal.objects.filter(item=item, member=w.board[2]).exists()
    services.review_declare_conflict(actor=w.board[2], assignment=assignment, reason="Former employee")
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        services.ballot_cast(actor=w.board[2], item=item, choice="no")
    assert "cannot vote on it" in exc.value.message_dict["member"][0]
    assert _snapshot() == before
    # The other members vote as before.
    services.ballot_cast(actor=w.board[1], item=item, choice="yes")
