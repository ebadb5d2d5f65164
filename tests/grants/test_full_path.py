"""The whole path: a call, three applications, reviews with conflicts, a board meeting with a
recusal, two awards committed in the ledger and one refused for lack of funds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from grants import selectors, services
from grants.models import Application, Award, Decision, FundingOpportunity, ReportSchedule, Tranche
from organizations.actors import SETUP
from organizations.services import affiliation_record
from tests.grants import factories as gf
from tests.wellness_fund import factories as wf
from wellness_fund import commitments

pytestmark = pytest.mark.django_db

TRANCHES = [
    {"basis": "percent", "value": "50", "due_on": dt.date(2027, 1, 15)},
    {"basis": "percent", "value": "50", "due_on": dt.date(2027, 8, 15), "requires_report": 1},
]


def test_call_to_awards_with_conflicts_recusal_and_a_refusal_for_lack_of_funds():
    # given a fund holding 45,000 and a board of a chair and three members
    w = gf.world(cbos=3, board=3)
    wf.receive(w.fund, "45000.00")
    chair = w.chair
    b0, b1, b2 = w.board
    affiliation_record(actor=SETUP, user=b1, organization=w.cbos[1], kind="board_member")
    opp = gf.opportunity(w)

    # when three CBOs apply
    a = gf.submitted(w, opp, 0, "20000.00")
    b = gf.submitted(w, opp, 1, "15000.00")
    c = gf.submitted(w, opp, 2, "30000.00")

    # and reviewers are assigned: b1 is excluded from b automatically, b2 declares a conflict on c
    for app in (a, b, c):
        for reviewer in (b0, b1, b2):
            services.reviewer_assign(actor=w.admin, application=app, reviewer=reviewer)
    assert b.assignments.get(reviewer=b1).status == "conflicted"
    services.review_declare_conflict(actor=b2, assignment=c.assignments.get(reviewer=b2),
                                     reason="My sister runs the program.")
    scores = {a: {b0: {1: 5, 2: 4}, b1: {1: 4, 2: 4}, b2: {1: 3, 2: 3}},
              b: {b0: {1: 4, 2: 3}, b2: {1: 3, 2: 3}},
              c: {b0: {1: 2, 2: 2}, b1: {1: 3, 2: 2}}}
    for app, by_reviewer in scores.items():
        for reviewer, s in by_reviewer.items():
            services.review_submit(actor=reviewer, application=app, scores=s)

    # then the ranking orders by mean weighted total with the spread between reviewers
    ranking = selectors.review_ranking(opportunity=opp)
    assert [r["application_id"] for r in ranking] == [a.pk, b.pk, c.pk]
    top = ranking[0]
    assert top["totals"] == [Decimal("92.00"), Decimal("80.00"), Decimal("60.00")]
    assert top["mean"] == Decimal("77.33") and top["spread"] == Decimal("32.00")
    assert ranking[2]["reviews_conflicted"] == 1
    # and the conflicted reviewer no longer sees c
    assert c.pk not in {x.pk for x in selectors.applications_visible(user=b2)}
    assert a.pk in {x.pk for x in selectors.applications_visible(user=b2)}

    for app in (a, b, c):
        services.application_recommend(actor=w.admin, application=app, recommended=True)
    FundingOpportunity.objects.filter(pk=opp.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    opp.refresh_from_db()
    services.opportunity_close(actor=w.admin, opportunity=opp)

    # when the board meets: a slate (a, b) where b1 is recused, and c alone
    body = gf.body(w)
    meeting = gf.meeting(w, body)
    slate = services.agenda_item_add(actor=w.admin, meeting=meeting, title="Slate",
                                     entries=[(a, "20000.00"), (b, "15000.00")])
    single = services.agenda_item_add(actor=w.admin, meeting=meeting, title="Vaccines", entries=[(c, "30000.00")])
    services.meeting_start(actor=chair, meeting=meeting)
    services.attendance_record(actor=chair, meeting=meeting, members=[chair, b0, b1, b2])
    services.vote_open(actor=chair, item=slate, mover=chair, seconder=b0)
    for voter, choice in ((chair, "yes"), (b0, "yes"), (b2, "no")):
        services.ballot_cast(actor=voter, item=slate, choice=choice)
    with pytest.raises(ValidationError, match="recused"):
        services.ballot_cast(actor=b1, item=slate, choice="yes")
    services.vote_close(actor=chair, item=slate)
    # b2 declared a conflict on c at review: recused from its vote, neither seconding nor voting
    with pytest.raises(ValidationError, match="not recused"):
        services.vote_open(actor=chair, item=single, mover=b1, seconder=b2)
    services.vote_open(actor=chair, item=single, mover=b1, seconder=b0)
    for voter in (chair, b0, b1):
        services.ballot_cast(actor=voter, item=single, choice="yes")
    with pytest.raises(ValidationError, match="You declared a conflict of interest when reviewing"):
        services.ballot_cast(actor=b2, item=single, choice="yes")
    services.vote_close(actor=chair, item=single)
    services.meeting_adjourn(actor=chair, meeting=meeting)
    services.minutes_certify(actor=chair, meeting=meeting)

    # then the minutes record mover, seconder, every vote and the recusal
    minutes = selectors.meeting_minutes(meeting=meeting)
    first = minutes["items"][0]
    assert (first["mover"], first["seconder"], first["outcome"]) == (str(chair), str(b0), "passed")
    assert {v["member_id"]: v["vote"] for v in first["votes"]} == {
        chair.pk: "yes", b0.pk: "yes", b1.pk: "recused", b2.pk: "no"}
    assert first["recusals"][0]["member_id"] == b1.pk and first["recusals"][0]["automatic"]
    assert first["figures"] | {} == {"seated": 4, "present_not_recused": 3, "recused": 1,
                                     "quorum_required": 2, "yes": 2, "no": 1, "abstain": 0}
    assert minutes["certified"]

    # when awards are made: a and b fit in the 45,000; c (30,000) does not fit in the 10,000 left
    award_a = services.award_create(actor=w.admin, decision=Decision.objects.get(application=a), amount="20000.00",
                                    period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31),
                                    tranches=TRANCHES, conditions="Quarterly check-ins.")
    services.award_create(actor=w.admin, decision=Decision.objects.get(application=b), amount="15000.00",
                          period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31), tranches=TRANCHES)
    counts = (Award.objects.count(), Tranche.objects.count(), ReportSchedule.objects.count(), AuditEvent.objects.count())
    with pytest.raises(commitments.InsufficientFundsError):
        services.award_create(actor=w.admin, decision=Decision.objects.get(application=c), amount="30000.00",
                              period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31),
                              tranches=TRANCHES)

    # then the refusal changed nothing, and the ledger holds the two commitments
    assert (Award.objects.count(), Tranche.objects.count(), ReportSchedule.objects.count(),
            AuditEvent.objects.count()) == counts
    assert Application.objects.get(pk=c.pk).status == "approved"
    assert commitments.available_to_award(fund=w.fund, restriction=w.restriction).amount == Decimal("10000.00")
    assert commitments.committed_for(reference=award_a.commitment_reference).amount == Decimal("20000.00")

    # and the grantee accepts the award terms online
    services.award_accept(actor=w.staff[0], award=award_a, name="María López", title="Program Director")
    detail = selectors.award_with_schedule(award=award_a)
    assert detail["status"] == "accepted" and detail["accepted"]["name"] == "María López"
    assert [t["amount"] for t in detail["tranches"]] == [Decimal("10000.00"), Decimal("10000.00")]
    assert [(r["kind"], r["due_on"]) for r in detail["reports"]] == [
        ("progress", dt.date(2027, 7, 30)), ("final", dt.date(2028, 2, 29))]
    assert detail["tranches"][1]["requires_report"] == 1

    pipe = selectors.pipeline(fund=w.fund)
    stages = pipe["opportunities"][0]["stages"]
    assert {k: v["count"] for k, v in stages.items()} == {"applied": 3, "recommended": 3, "approved": 3, "awarded": 2}
    assert stages["awarded"]["amount"] == Decimal("35000.00")
    assert stages["applied"]["amount"] == Decimal("65000.00")
    assert pipe["available"] == Decimal("10000.00")
