"""Review: assignment of reviewers, conflicts of interest, rubric scores, recommendation.

* The fund administrator assigns reviewers, who must be members of the ACH.
  A reviewer affiliated with the applicant on the day of assignment
  (``organizations.selectors.affiliated_pairs``: a recorded affiliation in
  force, or a membership of the applicant) is excluded automatically: the
  assignment is recorded as ``conflicted`` with the affiliation as reason.
* Any reviewer may declare a conflict; the assignment becomes ``conflicted``
  and the reviewer loses access to the application (``grants.selectors``).
* Only an assigned, unconflicted reviewer scores, on every criterion of the
  rubric, each within its scale; scores may be revised until the
  administrator's recommendation is final.
* The administrator marks each application recommended or not recommended.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, snapshot
from notifications.models import InboxKind
from notifications.services import inbox_notify
from organizations.actors import Actor
from organizations.models import Membership, User
from organizations.selectors import affiliated_pairs

from .. import states
from ..models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    ConflictSource,
    ReviewAssignment,
    Score,
)
from ._common import error, locked, person, require_ach_person, require_fund_admin, user_or_none

UNDER_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED, ApplicationStatus.NOT_RECOMMENDED)


def reviewer_assign(*, actor: Actor, application: Application, reviewer: User) -> ReviewAssignment:
    """Assign ``reviewer``; an affiliated reviewer is recorded as excluded (status ``conflicted``)."""
    ach = application.opportunity.fund.ach
    require_fund_admin(actor, ach)
    if application.status not in UNDER_REVIEW:
        raise error("application", _("A %(status)s application is not under review.")
                    % {"status": application.get_status_display().lower()})
    if not Membership.objects.filter(user=reviewer, organization=ach, is_active=True).exists():
        raise error("reviewer", _("The reviewer is not a member of the fund's ACH."))
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise error("reviewer", _("This reviewer is already assigned to this application."))
    conflicted = (reviewer.pk, application.applicant_id) in affiliated_pairs(
        user_ids=[reviewer.pk], organization_ids=[application.applicant_id], on=timezone.localdate()
    )
    with transaction.atomic():
        assignment = ReviewAssignment(application=application, reviewer=reviewer, assigned_by=user_or_none(actor))
        if conflicted:
            assignment.status = AssignmentStatus.CONFLICTED
            assignment.conflict_source = ConflictSource.AFFILIATION
            assignment.conflict_reason = f"Affiliated with the applicant {application.applicant}."
        assignment.save()
        record(actor=actor, action="grants.review.assign", obj=assignment, after=snapshot(assignment),
               organization=ach)
        if not conflicted:
            inbox_notify(actor=actor, kind=InboxKind.REVIEW_ASSIGNED, about=application,
                         link=reverse("grants:review", args=[application.pk]), recipients=[reviewer],
                         params={"title": application.project_title, "applicant": str(application.applicant)},
                         organization=ach)
    return assignment


def review_declare_conflict(*, actor: Actor, assignment: ReviewAssignment, reason: str) -> ReviewAssignment:
    """The reviewer declares a conflict of interest: no more access to the application, scores excluded."""
    require_ach_person(actor, assignment.application.opportunity.fund.ach)
    if assignment.reviewer_id != person(actor).pk:
        raise error("reviewer", _("Only the assigned reviewer can declare their own conflict."))
    if not reason.strip():
        raise error("reason", _("Say what the conflict is."))
    with transaction.atomic():
        current = locked(assignment)
        states.require_transition(states.REVIEW_ASSIGNMENT, current.status, AssignmentStatus.CONFLICTED)
        before = snapshot(current, ["status", "conflict_source", "conflict_reason"])
        current.status = AssignmentStatus.CONFLICTED
        current.conflict_source = ConflictSource.DECLARED
        current.conflict_reason = reason.strip()
        current.save(update_fields=["status", "conflict_source", "conflict_reason"])
        record(actor=actor, action="grants.review.declare_conflict", obj=current, before=before,
               after=snapshot(current, ["status", "conflict_source", "conflict_reason"]),
               organization=current.application.opportunity.fund.ach)
    assignment.status = current.status
    return current


def review_submit(
    *, actor: Actor, application: Application, scores: Mapping[int, tuple[int, str] | int], comment: str = ""
) -> ReviewAssignment:
    """Score ``application`` as ``actor``: ``scores`` maps criterion number -> score or (score, comment).

    Refused for a reviewer who is not assigned, or who has a conflict.
    """
    require_ach_person(actor, application.opportunity.fund.ach)
    assignment = ReviewAssignment.objects.filter(application=application, reviewer_id=person(actor).pk).first()
    if assignment is None:
        raise error("reviewer", _("You are not assigned to review this application."))
    with transaction.atomic():
        current = locked(assignment)
        if current.status == AssignmentStatus.CONFLICTED:
            raise error("reviewer", _("A reviewer with a conflict of interest cannot score this application."))
        if application.status not in UNDER_REVIEW:
            raise error("application", _("This application is no longer under review."))
        states.require_transition(states.REVIEW_ASSIGNMENT, current.status, AssignmentStatus.SUBMITTED)
        criteria = {c.number: c for c in application.opportunity.rubric.all()}
        missing = sorted(set(criteria) - {int(k) for k in scores})
        extra = sorted({int(k) for k in scores} - set(criteria))
        if missing:
            raise error("scores", _("Score every criterion; missing: %(missing)s.") % {"missing": ", ".join(map(str, missing))})
        if extra:
            raise error("scores", _("No such criterion: %(extra)s.") % {"extra": ", ".join(map(str, extra))})
        rows = []
        for number, value in scores.items():
            criterion = criteria[int(number)]
            score, note = (value, "") if isinstance(value, int) else value
            if isinstance(score, bool) or not isinstance(score, int):
                raise error("scores", _("Criterion %(n)s: a score is a whole number.") % {"n": number})
            if not criterion.scale_min <= score <= criterion.scale_max:
                raise error("scores", _("Criterion %(n)s (%(name)s): %(score)s is outside %(low)s to %(high)s.")
                            % {"n": number, "name": criterion.name, "score": score, "low": criterion.scale_min,
                               "high": criterion.scale_max})
            rows.append(Score(assignment=current, criterion=criterion, score=score, comment=str(note)))
        before = {"status": current.status,
                  "scores": list(current.scores.values("criterion__number", "score", "comment"))}
        current.scores.all().delete()
        Score.objects.bulk_create(rows)
        current.status = AssignmentStatus.SUBMITTED
        current.comment = comment
        current.submitted_at = timezone.now()
        current.save(update_fields=["status", "comment", "submitted_at"])
        after = {"status": current.status, "comment": comment,
                 "scores": [{"criterion__number": r.criterion.number, "score": r.score, "comment": r.comment}
                            for r in rows]}
        record(actor=actor, action="grants.review.submit", obj=current, before=before, after=after,
               organization=application.opportunity.fund.ach)
    return current


def application_recommend(
    *, actor: Actor, application: Application, recommended: bool, note: str = ""
) -> Application:
    """The fund administrator marks an application recommended (for the board) or not."""
    require_fund_admin(actor, application.opportunity.fund.ach)
    target = ApplicationStatus.RECOMMENDED if recommended else ApplicationStatus.NOT_RECOMMENDED
    with transaction.atomic():
        current = locked(application)
        states.require_transition(states.APPLICATION, current.status, target)
        before = snapshot(current, ["status", "recommendation_note"])
        current.status = target
        current.recommendation_note = note
        current.save(update_fields=["status", "recommendation_note"])
        record(actor=actor, action="grants.application.recommend", obj=current, before=before,
               after=snapshot(current, ["status", "recommendation_note"]),
               organization=current.opportunity.fund.ach)
    application.status = current.status
    return current
