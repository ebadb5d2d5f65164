"""Review of applications: the fund administrator assigns reviewers; a reviewer scores the
application or declares a conflict. A reviewer sees their own assignments; the ACH's staff see
those of their funds.

Thin: input is parsed here and handed to ``grants.services``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grants import services
from grants.models import Application, AssignmentStatus, ReviewAssignment
from organizations import access
from organizations.actors import Actor
from organizations.models import User

from .actions import run_action
from .filters import Filter
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet


class ScoreOut(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion.number")
    score = serializers.IntegerField()
    comment = serializers.CharField()


class ReviewAssignmentSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    scores = ScoreOut(many=True, read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = ["id", "application", "reviewer", "status", "conflict_source", "conflict_reason", "comment",
                  "assigned_at", "submitted_at", "scores"]
        read_only_fields = fields


class ReviewAssignSerializer(StrictSerializer):
    application = ScopedPrimaryKeyField(queryset=Application.objects.all())
    reviewer = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True),
                                            help_text="Username of a member of the ACH.")


class ConflictSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500)


class CriterionScoreSerializer(StrictSerializer):
    score = serializers.IntegerField(min_value=0, max_value=1000)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReviewSubmitSerializer(StrictSerializer):
    scores = serializers.DictField(child=CriterionScoreSerializer(),
                                   help_text="Criterion number -> score (and an optional comment).")
    comment = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")

    def validate_scores(self, value: dict[str, Any]) -> dict[int, tuple[int, str]]:
        out: dict[int, tuple[int, str]] = {}
        for key, item in value.items():
            if not str(key).isdigit() or len(str(key)) > 4:
                raise serializers.ValidationError(f"{key!r} is not a criterion number.")
            out[int(key)] = (item["score"], item.get("comment", ""))
        return out


class ReviewAssignmentViewSet(ListCreateRetrieveViewSet):
    """Review assignments: the fund administrator assigns; the reviewer scores or declares a conflict.

    A reviewer sees their own assignments; the ACH's staff see those of their funds.
    """

    serializer_class = ReviewAssignmentSerializer
    filter_fields = {"application": Filter("application_id", "integer"),
                     "status": Filter("status", "choice", choices=AssignmentStatus.values)}
    ordering_fields = ["assigned_at", "submitted_at"]

    def get_queryset(self) -> Any:
        user = self.request.user
        scoped = access.scoped(user, "view", ReviewAssignment.objects.all())
        own = ReviewAssignment.objects.filter(reviewer_id=user.pk)
        return (scoped | own).distinct().select_related("reviewer") \
            .prefetch_related("scores__criterion").order_by("-assigned_at", "-id")

    @extend_schema(request=ReviewAssignSerializer, responses={201: ReviewAssignmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.reviewer_assign, input=ReviewAssignSerializer,
                          output=ReviewAssignmentSerializer, reread=True, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConflictSerializer, responses={200: ReviewAssignmentSerializer})
    @action(detail=True, methods=["post"], url_path="declare-conflict")
    def declare_conflict(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.review_declare_conflict, target="assignment",
                          input=ConflictSerializer, output=ReviewAssignmentSerializer, reread=True)

    @extend_schema(request=ReviewSubmitSerializer, responses={200: ReviewAssignmentSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, _submit_own_review, target="assignment", input=ReviewSubmitSerializer,
                          output=ReviewAssignmentSerializer, reread=True)


def _submit_own_review(*, actor: Actor, assignment: ReviewAssignment, scores: dict[int, tuple[int, str]],
                       comment: str) -> ReviewAssignment:
    """Scores for the assignment of the URL, which must be the caller's own: the service scores
    the acting reviewer's assignment for the application."""
    if assignment.reviewer_id != getattr(actor, "pk", None):
        raise access.AccessDenied("Only the assigned reviewer scores an application.")
    return services.review_submit(actor=actor, application=assignment.application, scores=scores, comment=comment)
