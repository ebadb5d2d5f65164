"""Review: assignments of reviewers to applications and their rubric scores."""


from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ._common import _choices
from .applications import (
    Application,
)
from .opportunities import (
    RubricCriterion,
)


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Scores submitted")
    CONFLICTED = "conflicted", _("Conflict of interest")


class ConflictSource(models.TextChoices):
    NONE = "", _("None")
    AFFILIATION = "affiliation", _("Recorded affiliation with the applicant")
    DECLARED = "declared", _("Declared by the reviewer")


class ReviewAssignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="review_assignments")
    status = models.CharField(max_length=16, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED)
    conflict_source = models.CharField(max_length=16, choices=ConflictSource.choices, blank=True)
    conflict_reason = models.CharField(max_length=500, blank=True)
    comment = models.TextField(blank=True, help_text="Overall comment of the reviewer.")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_unique_reviewer"),
            models.CheckConstraint(condition=Q(status__in=_choices(AssignmentStatus)),
                                   name="assignment_status_valid"),
            # A conflict is always explained: where it came from and why.
            models.CheckConstraint(
                condition=~Q(status="conflicted") | (~Q(conflict_source="") & ~Q(conflict_reason="")),
                name="assignment_conflict_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.application}"


class Score(models.Model):
    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assignment", "criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


