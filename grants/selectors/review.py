"""Reviews and the ranking of an opportunity's applications.

Scores: a reviewer's **weighted total** is on a 0-100 scale:
``100 * sum(weight * (score - scale_min) / (scale_max - scale_min)) / sum(weight)``,
rounded half up to 2 places. Only submitted, unconflicted reviews count. An
application's **mean** is the average of its reviewers' totals, its
**spread** the highest minus the lowest; the **rank** orders by mean
(highest first; unreviewed applications last).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from money import round_cents

from ..models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    FundingOpportunity,
    ReviewAssignment,
    RubricCriterion,
    Score,
)
from .applications import application_get, applications_scope

HUNDRED = Decimal(100)


def weighted_total(scores: Iterable[Score], criteria: dict[int, RubricCriterion]) -> Decimal | None:
    """The 0-100 weighted total of one reviewer's scores (None when a criterion is unscored)."""
    by_criterion = {s.criterion_id: s.score for s in scores}
    if not criteria or set(by_criterion) != set(criteria):
        return None
    weights = sum((c.weight for c in criteria.values()), Decimal(0))
    points = sum(
        (c.weight * Decimal(by_criterion[pk] - c.scale_min) / Decimal(c.scale_max - c.scale_min)
         for pk, c in criteria.items()),
        Decimal(0),
    )
    return round_cents(HUNDRED * points / weights)


def _assignments_prefetch() -> Prefetch[str, QuerySet[ReviewAssignment], str]:
    return Prefetch(
        "assignments",
        queryset=ReviewAssignment.objects.select_related("reviewer").prefetch_related("scores")
        .order_by("id"),
    )


def _review_rows(application: Application, criteria: dict[int, RubricCriterion]) -> list[dict[str, Any]]:
    rows = []
    for a in application.assignments.all():
        scores = list(a.scores.all())
        counted = a.status == AssignmentStatus.SUBMITTED
        rows.append({
            "assignment_id": a.pk,
            "reviewer_id": a.reviewer_id,
            "reviewer": str(a.reviewer),
            "status": a.status,
            "conflict_source": a.conflict_source,
            "conflict_reason": a.conflict_reason,
            "comment": a.comment if counted else "",
            "scores": [
                {"criterion": criteria[s.criterion_id].number, "name": criteria[s.criterion_id].name,
                 "score": s.score, "comment": s.comment}
                for s in sorted(scores, key=lambda s: criteria[s.criterion_id].number)
            ] if counted else [],
            "weighted_total": weighted_total(scores, criteria) if counted else None,
        })
    return rows


def reviews_for_application(*, user: Any, application: Application) -> list[dict[str, Any]]:
    """Each reviewer's status, scores and weighted total (conflicted reviews carry no scores).

    4 queries: criteria, application (with assignments via prefetch: assignments
    joined with reviewer, scores). Refused (404) to a user out of scope or conflicted.
    """
    application = application_get(user=user, pk=application.pk) if user is not None else application
    criteria = {c.pk: c for c in RubricCriterion.objects.filter(opportunity_id=application.opportunity_id)}
    app = Application.objects.filter(pk=application.pk).prefetch_related(_assignments_prefetch()).get()
    return _review_rows(app, criteria)


def review_ranking(*, opportunity: FundingOpportunity, user: Any = None) -> list[dict[str, Any]]:
    """Applications of ``opportunity`` ranked by mean weighted total, with the spread between reviewers.

    4 queries: criteria, applications (joined with applicant), assignments
    (joined with reviewer), scores. With ``user`` the list is limited to what
    the user may see (conflicts excluded).
    """
    criteria = {c.pk: c for c in RubricCriterion.objects.filter(opportunity=opportunity)}
    qs = applications_scope(user=user) if user is not None else Application.objects.all()
    apps = list(
        qs.filter(opportunity=opportunity).exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .select_related("applicant").prefetch_related(_assignments_prefetch()).order_by("id")
    )
    rows: list[dict[str, Any]] = []
    for app in apps:
        reviews = _review_rows(app, criteria)
        totals = [r["weighted_total"] for r in reviews if r["weighted_total"] is not None]
        mean = round_cents(sum(totals, Decimal(0)) / len(totals)) if totals else None
        rows.append({
            "application_id": app.pk,
            "applicant": str(app.applicant),
            "project_title": app.project_title,
            "status": app.status,
            "requested_amount": app.requested_amount.amount if app.requested_amount is not None else None,
            "reviews_counted": len(totals),
            "reviews_conflicted": sum(1 for r in reviews if r["status"] == AssignmentStatus.CONFLICTED),
            "totals": totals,
            "mean": mean,
            "spread": (max(totals) - min(totals)) if totals else None,
        })
    rows.sort(key=lambda r: (r["mean"] is None, -(r["mean"] or 0), r["application_id"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["mean"] is not None else None
    return rows
