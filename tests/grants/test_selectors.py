"""Selectors: fixed query counts at two sizes, and the plain data they return."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from grants import selectors, services
from grants.models import Decision
from tests.grants import factories as gf
from tests.wellness_fund import factories as wf

pytestmark = pytest.mark.django_db


def _built(n: int):
    """n applications reviewed by two reviewers, each on its own agenda item, approved and awarded."""
    w = gf.world(cbos=n, board=3)
    wf.receive(w.fund, "100000.00")
    opp = gf.opportunity(w)
    apps = [gf.submitted(w, opp, i, "10000.00") for i in range(n)]
    for app in apps:
        for reviewer in w.board[:2]:
            services.reviewer_assign(actor=w.admin, application=app, reviewer=reviewer)
            services.review_submit(actor=reviewer, application=app, scores={1: 4, 2: 3})
    meeting, items = gf.session(w, apps)
    services.recusal_declare(actor=w.board[2], item=items[0], reason="Knows the director")
    for item in items:
        gf.approve(w, item)
    for app in apps:
        services.award_create(actor=w.admin, decision=Decision.objects.get(application=app), amount="10000.00",
                              period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31),
                              tranches=[{"basis": "percent", "value": "100", "due_on": dt.date(2027, 1, 15)}])
    return w, opp, meeting, items


@pytest.mark.parametrize("n", [1, 3])
def test_application_and_review_selectors_run_fixed_queries(n, django_assert_num_queries):
    w, opp, meeting, items = _built(n)
    admin = type(w.admin).objects.get(pk=w.admin.pk)  # no cached memberships
    # memberships, applications (+applicant, opportunity), counties, budget lines
    with django_assert_num_queries(4):
        apps = selectors.applications_visible(user=admin, opportunity=opp)
        assert len(apps) == n and all(len(a.budget_lines.all()) == 2 for a in apps)
    # criteria, applications, assignments (+reviewer), scores
    with django_assert_num_queries(4):
        ranking = selectors.review_ranking(opportunity=opp)
    assert len(ranking) == n and all(r["spread"] == 0 and r["reviews_counted"] == 2 for r in ranking)
    assert [r["rank"] for r in ranking] == list(range(1, n + 1))


@pytest.mark.parametrize("n", [1, 3])
def test_board_selectors_run_fixed_queries(n, django_assert_num_queries):
    w, opp, meeting, items = _built(n)
    # meeting, seats, attendance, items, entries, recusals, ballots, decisions
    with django_assert_num_queries(8):
        minutes = selectors.meeting_minutes(meeting=meeting)
    assert len(minutes["items"]) == n
    assert minutes["items"][0]["recusals"][0]["reason"] == "Knows the director"
    assert all(item["outcome"] == "passed" for item in minutes["items"])
    with django_assert_num_queries(1):
        ballots = selectors.ballots_for_item(item=items[-1])
    assert sorted(b["choice"] for b in ballots) == ["yes", "yes", "yes"]


@pytest.mark.parametrize("n", [1, 3])
def test_award_selectors_run_fixed_queries(n, django_assert_num_queries):
    w, opp, meeting, items = _built(n)
    admin = type(w.admin).objects.get(pk=w.admin.pk)
    with django_assert_num_queries(2):
        awards = selectors.awards_visible(user=admin)
        assert len({str(a.grantee) + a.application.opportunity.title for a in awards}) == n
    with django_assert_num_queries(3):
        detail = selectors.award_with_schedule(award=awards[0])
    assert detail["tranches"][0]["percent"] is not None and len(detail["reports"]) == 2


def test_cbo_sees_only_its_own_awards_and_anonymous_nothing():
    w, opp, meeting, items = _built(2)
    mine = selectors.awards_visible(user=w.staff[0])
    assert [a.grantee for a in mine] == [w.cbos[0]]
    assert selectors.awards_visible(user=AnonymousUser()) == []
    assert selectors.applications_visible(user=AnonymousUser()) == []


@pytest.mark.parametrize("reviewers", [1, 3])
def test_reviews_for_application_runs_fixed_queries(reviewers, django_assert_num_queries):
    w = gf.world(cbos=1, board=3)
    opp = gf.opportunity(w)
    app = gf.submitted(w, opp, 0)
    for reviewer in w.board[:reviewers]:
        services.reviewer_assign(actor=w.admin, application=app, reviewer=reviewer)
        services.review_submit(actor=reviewer, application=app, scores={1: 5, 2: (4, "Solid plan")})
    admin = type(w.admin).objects.get(pk=w.admin.pk)
    # memberships + application (access check), criteria, application, assignments (+reviewer), scores
    with django_assert_num_queries(6):
        rows = selectors.reviews_for_application(user=admin, application=app)
    assert len(rows) == reviewers
    assert all(str(r["weighted_total"]) == "92.00" and r["scores"][1]["comment"] == "Solid plan" for r in rows)


@pytest.mark.parametrize("voters", [1, 4])
def test_ballots_for_item_runs_one_query(voters, django_assert_num_queries):
    w = gf.world(cbos=1, board=3)
    opp = gf.opportunity(w)
    app = gf.submitted(w, opp, 0)
    services.application_recommend(actor=w.admin, application=app, recommended=True)
    meeting = gf.meeting(w, gf.body(w))
    item = services.agenda_item_add(actor=w.admin, meeting=meeting, title="A", entries=[(app, "20000.00")])
    services.meeting_start(actor=w.chair, meeting=meeting)
    services.attendance_record(actor=w.chair, meeting=meeting, members=[w.chair, *w.board])
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    for voter in [w.chair, *w.board][:voters]:
        services.ballot_cast(actor=voter, item=item, choice="abstain")
    with django_assert_num_queries(1):
        ballots = selectors.ballots_for_item(item=item)
    assert [b["choice"] for b in ballots] == ["abstain"] * voters


@pytest.mark.parametrize("files", [1, 3])
def test_application_detail_runs_fixed_queries_and_hides_conflicted(files, django_assert_num_queries):
    w = gf.world(cbos=1, board=3)
    opp = gf.opportunity(w)
    app = gf.draft(w, opp, 0)
    for i in range(files):
        services.application_attach(actor=w.staff[0], application=app, label=f"Letter {i}",
                                    filename=f"letter{i}.pdf", content=gf.PDF)
    staff = type(w.staff[0]).objects.get(pk=w.staff[0].pk)
    with django_assert_num_queries(5):
        detail = selectors.application_detail(user=staff, pk=app.pk)
    assert len(detail["attachments"]) == files and str(detail["budget_total"]) == "20000.00"
    services.application_submit(actor=w.staff[0], application=app)
    assignment = services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    services.review_declare_conflict(actor=w.board[0], assignment=assignment, reason="Relative on staff")
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.application_detail(user=w.board[0], pk=app.pk)
    assert selectors.application_detail(user=w.board[1], pk=app.pk)["status"] == "submitted"
