"""The ranking counts only submitted, unconflicted reviews: a conflict declared after scoring removes them."""

from decimal import Decimal

import pytest

from grants import selectors, services
from grants.models import Score
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


def _row(opp, app):
    return next(r for r in selectors.review_ranking(opportunity=opp) if r["application_id"] == app.pk)


def test_scores_submitted_then_conflicted_leave_the_mean_and_the_count(w, opp):
    app = gf.under_review(w, opp)
    # rubric: need 60%, feasibility 40%, both 0..5
    services.review_submit(actor=w.board[0], application=app, scores={1: 5, 2: 5})  # 100.00
    services.review_submit(actor=w.board[1], application=app, scores={1: 0, 2: 0})  # 0.00
    services.review_submit(actor=w.board[2], application=app, scores={1: 5, 2: 0})  # 60.00
    before = _row(opp, app)
    assert (before["reviews_counted"], before["mean"], before["reviews_conflicted"]) == (3, Decimal("53.33"), 0)

    assignment = app.assignments.get(reviewer=w.board[1])
    services.review_declare_conflict(actor=w.board[1], assignment=assignment, reason="Board of the applicant")

    after = _row(opp, app)
    assert after["reviews_counted"] == 2
    assert after["totals"] == [Decimal("100.00"), Decimal("60.00")]
    assert after["mean"] == Decimal("80.00") and after["spread"] == Decimal("40.00")
    assert after["reviews_conflicted"] == 1 and after["rank"] == 1
    # the scores are still stored: it is the conflict that takes them out of the ranking
    assert Score.objects.filter(assignment=assignment).count() == 2
    conflicted = next(r for r in selectors.reviews_for_application(user=w.admin, application=app)
                      if r["reviewer_id"] == w.board[1].pk)
    assert conflicted["status"] == "conflicted" and conflicted["scores"] == []
    assert conflicted["weighted_total"] is None


def test_a_conflict_after_scoring_can_reorder_the_ranking(w, opp):
    first, second = gf.under_review(w, opp, 0), gf.under_review(w, opp, 1)
    for reviewer, a, b in ((w.board[0], {1: 5, 2: 5}, {1: 4, 2: 4}), (w.board[1], {1: 0, 2: 0}, {1: 4, 2: 4})):
        services.review_submit(actor=reviewer, application=first, scores=a)
        services.review_submit(actor=reviewer, application=second, scores=b)
    # first: mean(100, 0) = 50; second: mean(80, 80) = 80
    assert [r["application_id"] for r in selectors.review_ranking(opportunity=opp)] == [second.pk, first.pk]

    services.review_declare_conflict(actor=w.board[1], assignment=first.assignments.get(reviewer=w.board[1]),
                                     reason="Former employee of the applicant")

    ranking = selectors.review_ranking(opportunity=opp)
    assert [(r["application_id"], r["mean"]) for r in ranking] == [(first.pk, Decimal("100.00")),
                                                                   (second.pk, Decimal("80.00"))]

