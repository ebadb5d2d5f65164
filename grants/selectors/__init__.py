"""Every read of the grants app that a page, report or command needs, as plain data.

List selectors run a fixed number of queries whatever the number of rows
(tested with ``django_assert_num_queries`` at two sizes); each says which.

Scores: a reviewer's **weighted total** is on a 0-100 scale:
``100 * sum(weight * (score - scale_min) / (scale_max - scale_min)) / sum(weight)``,
rounded half up to 2 places. Only submitted, unconflicted reviews count. An
application's **mean** is the average of its reviewers' totals, its
**spread** the highest minus the lowest; the **rank** orders by mean
(highest first; unreviewed applications last).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from moneyed import Money

from money import round_cents
from organizations import access
from wellness_fund import commitments
from wellness_fund.models import WellnessFund

from ..models import (
    AgendaEntry,
    AgendaItem,
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Award,
    Ballot,
    FundingOpportunity,
    Meeting,
    Recusal,
    ReviewAssignment,
    RubricCriterion,
    Score,
)

# Re-exported: reports and roll-ups after the award live in their own modules.
from .reports import award_history as award_history
from .reports import report_detail as report_detail
from .reports import report_get as report_get
from .reports import reports_visible as reports_visible
from .rollups import fund_rollup as fund_rollup
from .rollups import plan_outcomes as plan_outcomes
from .rollups import plan_rollup as plan_rollup

HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- opportunities


def opportunities_visible(*, user: Any) -> QuerySet[FundingOpportunity]:
    """Opportunities the user may see (ACH staff: their funds'; CBO staff: open ones). One query."""
    return access.scoped(user, "view", FundingOpportunity.objects.all()).select_related(
        "fund", "restriction"
    ).order_by("closes_at", "id")


# --------------------------------------------------------------------------- applications


def _conflicted_for(user: Any) -> QuerySet[ReviewAssignment]:
    return ReviewAssignment.objects.filter(reviewer_id=getattr(user, "pk", None),
                                           status=AssignmentStatus.CONFLICTED)


def applications_scope(*, user: Any) -> QuerySet[Application]:
    """Applications ``user`` may view: access rules, minus those where the user has a review conflict."""
    qs = access.scoped(user, "view", Application.objects.all())
    return qs.exclude(pk__in=_conflicted_for(user).values("application_id"))


def applications_visible(*, user: Any, opportunity: FundingOpportunity | None = None) -> list[Application]:
    """Applications with applicant, opportunity, counties and budget lines. 3 queries:
    applications (joined with applicant and opportunity), counties, budget lines."""
    qs = applications_scope(user=user)
    if opportunity is not None:
        qs = qs.filter(opportunity=opportunity)
    return list(
        qs.select_related("applicant", "opportunity").prefetch_related("counties", "budget_lines")
        .order_by("opportunity_id", "id")
    )


def application_get(*, user: Any, pk: Any) -> Application:
    """One application, or 404 when out of scope, unknown, or the user has a review conflict on it."""
    return access.get_object_or_404(
        user, "view", applications_scope(user=user).select_related("applicant", "opportunity__fund"), pk=pk
    )


def application_detail(*, user: Any, pk: Any) -> dict[str, Any]:
    """One application with its budget lines, counties and attachments, as plain data.

    404 when out of scope or the user has a review conflict on it. 5 queries:
    memberships, application (+applicant, opportunity), counties, budget lines, attachments.
    """
    app = access.get_object_or_404(
        user, "view",
        applications_scope(user=user).select_related("applicant", "opportunity")
        .prefetch_related("counties", "budget_lines", "attachments"),
        pk=pk,
    )
    return {
        "application_id": app.pk,
        "opportunity": app.opportunity.title,
        "applicant": str(app.applicant),
        "status": app.status,
        "contact": {"name": app.contact_name, "email": app.contact_email, "phone": app.contact_phone},
        "project_title": app.project_title,
        "project_summary": app.project_summary,
        "requested_amount": app.requested_amount.amount if app.requested_amount is not None else None,
        "period_start": app.period_start,
        "period_end": app.period_end,
        "counties": [c.name for c in app.counties.all()],
        "domains": list(app.domains),
        "target_populations": app.target_populations,
        "eligibility_answers": dict(app.eligibility_answers),
        "budget_lines": [
            {"number": b.number, "category": b.category, "description": b.description, "amount": b.amount.amount}
            for b in app.budget_lines.all()
        ],
        "budget_total": sum((b.amount.amount for b in app.budget_lines.all()), Decimal("0.00")),
        "attachments": [
            {"id": a.pk, "label": a.label, "name": a.original_name, "type": a.file_type, "size_bytes": a.size_bytes}
            for a in app.attachments.all()
        ],
        "submitted_at": app.submitted_at,
    }


# --------------------------------------------------------------------------- reviews


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


def _assignments_prefetch() -> Prefetch:
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
    app = Application.objects.prefetch_related(_assignments_prefetch()).get(pk=application.pk)
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
    rows = []
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


# --------------------------------------------------------------------------- board


def _name(user: Any) -> str | None:
    return str(user) if user is not None else None


def ballots_for_item(*, item: AgendaItem) -> list[dict[str, Any]]:
    """Each ballot of an item (member, choice, time). One query (ballots joined with members)."""
    return [
        {"member_id": b.member_id, "member": str(b.member), "choice": b.choice, "cast_at": b.cast_at}
        for b in Ballot.objects.filter(item=item).select_related("member").order_by("member__last_name", "member_id")
    ]


def meeting_minutes(*, meeting: Meeting) -> dict[str, Any]:
    """The minutes as plain data: attendance, and per item the motion, mover, seconder, each member's
    vote, each recusal (with reason), the figures and the outcome, the decisions.

    8 queries whatever the number of items and members: meeting (with body,
    rules, certifier), seats, attendance, items (with mover, seconder),
    entries (with applications and applicants), recusals, ballots, decisions.
    """
    meeting = Meeting.objects.select_related(
        "body__ach", "body__quorum_rule", "body__passing_rule", "certified_by"
    ).get(pk=meeting.pk)
    from ..services.board import seats_on

    day = timezone.localdate(meeting.scheduled_at)
    seats = seats_on(meeting.body, day)
    present = {a.member_id for a in meeting.attendance.all()}
    items = list(
        meeting.items.select_related("mover", "seconder").prefetch_related(
            Prefetch("entries", queryset=AgendaEntry.objects.select_related("application__applicant")
                     .order_by("id")),
            Prefetch("recusals", queryset=Recusal.objects.select_related("member").order_by("member_id")),
            Prefetch("ballots", queryset=Ballot.objects.select_related("member").order_by("member_id")),
            "decisions",
        ).order_by("number")
    )
    members = [
        {"member_id": s.member_id, "name": str(s.member), "title": s.title, "chair": s.is_chair,
         "voting": s.is_voting, "present": s.member_id in present}
        for s in seats
    ]
    out_items = []
    for item in items:
        ballots = {b.member_id: b.choice for b in item.ballots.all()}
        recusals = {r.member_id: r for r in item.recusals.all()}
        votes = []
        for s in seats:
            if not s.is_voting:
                continue
            if s.member_id in recusals:
                vote = "recused"
            elif s.member_id not in present:
                vote = "absent"
            else:
                vote = ballots.get(s.member_id, "not voting")
            votes.append({"member_id": s.member_id, "name": str(s.member), "vote": vote})
        decisions = {d.application_id: d for d in item.decisions.all()}
        out_items.append({
            "number": item.number,
            "title": item.title,
            "kind": item.kind,
            "motion": item.motion,
            "mover": _name(item.mover),
            "seconder": _name(item.seconder),
            "vote_status": item.vote_status,
            "outcome": item.outcome,
            "opened_at": item.opened_at,
            "closed_at": item.closed_at,
            "figures": {
                "seated": item.seated_count, "present_not_recused": item.present_count,
                "recused": item.recused_count, "quorum_required": item.quorum_required,
                "yes": item.yes_count, "no": item.no_count, "abstain": item.abstain_count,
            },
            "applications": [
                {"application_id": e.application_id, "applicant": str(e.application.applicant),
                 "project_title": e.application.project_title, "amount": e.amount.amount,
                 "decision": decisions[e.application_id].outcome if e.application_id in decisions else None}
                for e in item.entries.all()
            ],
            "recusals": [
                {"member_id": r.member_id, "name": str(r.member), "automatic": r.automatic, "reason": r.reason}
                for r in recusals.values()
            ],
            "votes": votes,
        })
    return {
        "meeting_id": meeting.pk,
        "body": meeting.body.name,
        "ach": str(meeting.body.ach),
        "title": meeting.title,
        "scheduled_at": meeting.scheduled_at,
        "location": meeting.location,
        "status": meeting.status,
        "quorum_rule": meeting.body.quorum_rule.description,
        "passing_rule": meeting.body.passing_rule.description,
        "members": members,
        "items": out_items,
        "notes": meeting.minutes_notes,
        "certified": meeting.certified_at is not None,
        "certified_at": meeting.certified_at,
        "certified_by": _name(meeting.certified_by),
    }


def meetings_visible(*, user: Any) -> QuerySet[Meeting]:
    return access.scoped(user, "view", Meeting.objects.all()).select_related("body").order_by("-scheduled_at")


# --------------------------------------------------------------------------- awards


def awards_visible(*, user: Any) -> list[Award]:
    """Awards the user may see (grantee staff: their own; ACH staff: their funds'). One query."""
    return list(
        access.scoped(user, "view", Award.objects.all())
        .select_related("grantee", "fund", "restriction", "application__opportunity").order_by("-created_at", "id")
    )


def award_with_schedule(*, award: Award) -> dict[str, Any]:
    """An award with its tranches and report schedule, as plain data (3 queries)."""
    award = Award.objects.select_related(
        "grantee", "fund", "restriction", "application__opportunity", "decision__item__meeting", "accepted_by"
    ).get(pk=award.pk)
    reports = list(award.reports.order_by("number"))
    tranches = list(award.tranches.order_by("number"))
    number_of = {r.pk: r.number for r in reports}
    return {
        "award_id": award.pk,
        "reference": award.commitment_reference,
        "grantee": str(award.grantee),
        "fund": award.fund.code,
        "restriction": award.restriction.code,
        "opportunity": award.application.opportunity.title,
        "project_title": award.application.project_title,
        "amount": award.amount.amount,
        "currency": str(award.amount.currency),
        "approved_amount": award.decision.approved_amount.amount,
        "approved_at_meeting": str(award.decision.item.meeting),
        "period_start": award.period_start,
        "period_end": award.period_end,
        "conditions": award.conditions,
        "status": award.status,
        "committed_on": award.committed_on,
        "accepted": {"name": award.accepted_name, "title": award.accepted_title, "at": award.accepted_at}
        if award.accepted_at else None,
        "tranches": [
            {"number": t.number, "basis": t.basis, "percent": t.percent, "amount": t.amount.amount,
             "due_on": t.due_on, "requires_report": number_of.get(t.requires_report_id), "status": t.status}
            for t in tranches
        ],
        "reports": [
            {"number": r.number, "kind": r.kind, "period_start": r.period_start, "period_end": r.period_end,
             "due_on": r.due_on, "status": r.status}
            for r in reports
        ],
    }


# --------------------------------------------------------------------------- pipeline

STAGES = ("applied", "recommended", "approved", "awarded")
_STAGE_FILTERS = {
    "applied": Q(applications__submitted_at__isnull=False),
    "recommended": Q(applications__status__in=["recommended", "approved", "declined", "awarded"]),
    "approved": Q(applications__status__in=["approved", "awarded"]),
    "awarded": Q(applications__status="awarded"),
}


def pipeline(*, fund: WellnessFund, as_of: dt.date | None = None) -> dict[str, Any]:
    """Per opportunity of ``fund``: count and amount at each stage, and the money available to award.

    Stages are cumulative: *applied* = ever submitted (requested amounts),
    *recommended* = recommended by the administrator, whatever the board then
    decided (requested amounts), *approved* = approved by the board (approved
    amounts), *awarded* = awarded (award amounts). Available: per restriction
    through ``wellness_fund.commitments.available_to_award``; the fund's figure
    is their sum. Queries: 3 for the opportunities, plus the ledger's per restriction.
    """
    annotations: dict[str, Any] = {}
    for stage, condition in _STAGE_FILTERS.items():
        annotations[f"{stage}_count"] = Count("applications", filter=condition, distinct=True)
    annotations["applied_amount"] = Sum("applications__requested_amount", filter=_STAGE_FILTERS["applied"])
    annotations["recommended_amount"] = Sum("applications__requested_amount", filter=_STAGE_FILTERS["recommended"])
    annotations["approved_amount"] = Sum("applications__decision__approved_amount", filter=_STAGE_FILTERS["approved"])
    annotations["awarded_amount"] = Sum("applications__award__amount", filter=_STAGE_FILTERS["awarded"])
    opportunities = list(
        FundingOpportunity.objects.filter(fund=fund).select_related("restriction")
        .annotate(**annotations).order_by("opens_at", "id")
    )
    restrictions = list(fund.restrictions.order_by("code"))
    available = {r.pk: commitments.available_to_award(fund=fund, restriction=r, as_of=as_of) for r in restrictions}
    zero = Decimal("0.00")
    rows = []
    for o in opportunities:
        rows.append({
            "opportunity_id": o.pk,
            "title": o.title,
            "status": o.status,
            "restriction": o.restriction.code,
            "total_budget": o.total_budget.amount,
            "stages": {
                stage: {"count": getattr(o, f"{stage}_count"),
                        "amount": (getattr(o, f"{stage}_amount") or zero).quantize(Decimal("0.01"))}
                for stage in STAGES
            },
            "restriction_available": available[o.restriction_id].amount,
        })
    total: Money = sum((m for m in available.values()), Money(0, fund.currency))
    return {
        "fund": fund.code,
        "fund_name": fund.name,
        "currency": fund.currency,
        "available": total.amount.quantize(Decimal("0.01")),
        "available_by_restriction": {r.code: available[r.pk].amount for r in restrictions},
        "opportunities": rows,
    }

