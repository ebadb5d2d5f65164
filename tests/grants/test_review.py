"""Review: assignment, automatic exclusion by affiliation, declared conflicts, scores, recommendation."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from audit.models import AuditEvent
from grants import selectors, services
from grants.models import Application, ReviewAssignment, Score
from organizations.access import AccessDenied
from organizations.actors import SETUP
from organizations.services import affiliation_record
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


def _counts():
    return (ReviewAssignment.objects.count(), Score.objects.count(), AuditEvent.objects.count(),
            list(ReviewAssignment.objects.values_list("status", flat=True).order_by("pk")))


def test_affiliated_reviewer_is_excluded_automatically_and_loses_access(w, opp):
    app = gf.submitted(w, opp, 0)
    affiliation_record(actor=SETUP, user=w.board[0], organization=w.cbos[0], kind="volunteer")
    assignment = services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    assert assignment.status == "conflicted" and assignment.conflict_source == "affiliation"
    with pytest.raises(Http404):
        selectors.application_get(user=w.board[0], pk=app.pk)
    assert selectors.application_get(user=w.board[1], pk=app.pk) == app


def test_expired_affiliation_does_not_exclude(w, opp):
    import datetime as dt

    app = gf.submitted(w, opp, 0)
    affiliation_record(actor=SETUP, user=w.board[0], organization=w.cbos[0], kind="employee",
                       since=dt.date(2015, 1, 1), until=dt.date(2019, 12, 31))
    assert services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0]).status == "assigned"


def test_declared_conflict_removes_access(w, opp):
    app = gf.submitted(w, opp, 0)
    assignment = services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    assert app.pk in {a.pk for a in selectors.applications_visible(user=w.board[0])}
    services.review_declare_conflict(actor=w.board[0], assignment=assignment, reason="Former employer")
    assert app.pk not in {a.pk for a in selectors.applications_visible(user=w.board[0])}
    with pytest.raises(Http404):
        selectors.reviews_for_application(user=w.board[0], application=app)


def test_conflicted_reviewer_scoring_is_refused_and_nothing_changes(w, opp):
    app = gf.submitted(w, opp, 0)
    assignment = services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    services.review_declare_conflict(actor=w.board[0], assignment=assignment, reason="Former employer")
    before = _counts()
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.review_submit(actor=w.board[0], application=app, scores={1: 5, 2: 5})
    assert _counts() == before


def test_unassigned_reviewer_scoring_is_refused_and_nothing_changes(w, opp):
    app = gf.submitted(w, opp, 0)
    services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    before = _counts()
    with pytest.raises(ValidationError, match="not assigned"):
        services.review_submit(actor=w.board[1], application=app, scores={1: 5, 2: 5})
    assert _counts() == before


@pytest.mark.parametrize(("scores", "message"), [
    ({1: 6, 2: 3}, "outside 0 to 5"),
    ({1: 3}, "missing: 2"),
    ({1: 3, 2: 3, 3: 1}, "No such criterion: 3"),
])
def test_bad_scores_are_refused(w, opp, scores, message):
    app = gf.submitted(w, opp, 0)
    services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    before = _counts()
    with pytest.raises(ValidationError, match=message):
        services.review_submit(actor=w.board[0], application=app, scores=scores)
    assert _counts() == before


def test_scores_can_be_revised_and_weighted_total_follows(w, opp):
    app = gf.submitted(w, opp, 0)
    services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    services.review_submit(actor=w.board[0], application=app, scores={1: (5, "Clear need"), 2: 0})
    services.review_submit(actor=w.board[0], application=app, scores={1: 5, 2: 5}, comment="Strong")
    rows = selectors.reviews_for_application(user=w.admin, application=app)
    assert [r["weighted_total"] for r in rows] == [pytest.approx(100)]
    assert str(rows[0]["weighted_total"]) == "100.00"
    assert Score.objects.filter(assignment__application=app).count() == 2


def test_only_fund_admin_assigns_and_reviewers_must_belong_to_the_ach(w, opp):
    app = gf.submitted(w, opp, 0)
    before = _counts()
    with pytest.raises(AccessDenied):
        services.reviewer_assign(actor=w.board[0], application=app, reviewer=w.board[1])
    with pytest.raises(ValidationError, match="not a member"):
        services.reviewer_assign(actor=w.admin, application=app, reviewer=w.staff[1])
    assert _counts() == before


def test_reviewer_cannot_be_assigned_to_a_draft(w, opp):
    app = gf.draft(w, opp, 0)
    with pytest.raises(ValidationError, match="not under review"):
        services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    assert ReviewAssignment.objects.count() == 0


def test_recommendation_follows_the_state_table(w, opp):
    app = gf.submitted(w, opp, 0)
    services.application_recommend(actor=w.admin, application=app, recommended=False, note="Out of scope")
    services.application_recommend(actor=w.admin, application=app, recommended=True)
    assert Application.objects.get(pk=app.pk).status == "recommended"
    draft = gf.draft(w, opp, 1)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="“Draft”, so it cannot become “Recommended”"):
        services.application_recommend(actor=w.admin, application=draft, recommended=True)
    assert Application.objects.get(pk=draft.pk).status == "draft" and AuditEvent.objects.count() == events


def test_a_draft_call_is_updated_and_an_open_one_refused(w):
    from grants.models import FundingOpportunity, RubricCriterion

    call = gf.opportunity(w, open_=False)
    values = {"restriction": call.restriction, "title": "Revised call", "total_budget": "90000.00",
              "award_min": "5000.00", "award_max": "40000.00", "opens_at": call.opens_at, "closes_at": call.closes_at,
              "rubric": [{"name": "Need", "weight": "70", "scale_max": 5}, {"name": "Reach", "weight": "30"}]}
    services.opportunity_update(actor=w.admin, opportunity=call, **values)
    call.refresh_from_db()
    assert call.title == "Revised call" and call.total_budget.amount == 90000
    assert list(call.rubric.order_by("number").values_list("name", flat=True)) == ["Need", "Reach"]
    services.opportunity_open(actor=w.admin, opportunity=call)
    before = (list(FundingOpportunity.objects.values_list("title", "status")), RubricCriterion.objects.count(),
              AuditEvent.objects.count())
    with pytest.raises(ValidationError, match="only a draft call can be edited"):
        services.opportunity_update(actor=w.admin, opportunity=call, **values | {"title": "Too late"})
    with pytest.raises(AccessDenied):
        services.opportunity_update(actor=w.board[0], opportunity=call, **values)
    assert (list(FundingOpportunity.objects.values_list("title", "status")), RubricCriterion.objects.count(),
            AuditEvent.objects.count()) == before
