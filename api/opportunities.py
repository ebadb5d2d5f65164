"""Calls for proposals (funding opportunities): the ACH's own in any state, and every open call
for CBO staff. The fund administrator creates a draft call (rubric, eligibility questions and
reporting template), opens and closes it.

Thin: input is parsed here and handed to ``grants.services``; reads go through ``grants.selectors``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grants import selectors, services
from grants.models import FundingOpportunity, OpportunityStatus, SocialDriverDomain
from organizations.models import County
from wellness_fund.models import Restriction, WellnessFund

from .actions import run_action
from .fields import AwareDateTimeField, MoneyField
from .filters import Filter
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet


class OpportunitySerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    restriction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    counties = serializers.SlugRelatedField(slug_field="fips", many=True, read_only=True)
    domains = serializers.ListField(child=serializers.CharField())
    total_budget = MoneyField()
    award_min = MoneyField()
    award_max = MoneyField()

    class Meta:
        model = FundingOpportunity
        fields = ["id", "title", "description", "fund", "restriction", "status", "total_budget", "award_min",
                  "award_max", "opens_at", "closes_at", "time_zone", "counties", "domains",
                  "attachment_max_bytes", "created_at"]
        read_only_fields = fields


class RubricCriterionIn(StrictSerializer):
    name = serializers.CharField(max_length=255)
    weight = serializers.RegexField(r"^\d{1,6}(\.\d{1,4})?$", help_text="Relative weight, a decimal string.")
    scale_min = serializers.IntegerField(min_value=0, max_value=1000, required=False, default=0)
    scale_max = serializers.IntegerField(min_value=1, max_value=1000, required=False, default=5)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class EligibilityQuestionIn(StrictSerializer):
    text = serializers.CharField(max_length=2000)
    choices = serializers.ListField(child=serializers.CharField(max_length=200), min_length=2, max_length=20,
                                    required=False, default=["yes", "no"])
    disqualifying = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20,
                                          required=False, default=list,
                                          help_text="Answers that make an applicant ineligible.")


class ReportMetricIn(StrictSerializer):
    code = serializers.SlugField(max_length=50)
    label = serializers.CharField(max_length=255)
    unit = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class ReportingTemplateIn(StrictSerializer):
    frequency_months = serializers.IntegerField(min_value=0, max_value=12, required=False,
                                                help_text="Months per progress report (0: final report only).")
    due_days_after_period = serializers.IntegerField(min_value=0, max_value=365, required=False)
    final_due_days_after_end = serializers.IntegerField(min_value=0, max_value=365, required=False)
    metrics = ReportMetricIn(many=True, required=False, max_length=50)
    demographics = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=10)


class OpportunityCreateSerializer(StrictSerializer):
    fund = ScopedPrimaryKeyField(queryset=WellnessFund.objects.all())
    restriction = ScopedPrimaryKeyField(queryset=Restriction.objects.all(),
                                        help_text="Bucket of the fund the awards are paid from.")
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    total_budget = MoneyField()
    award_min = MoneyField()
    award_max = MoneyField()
    opens_at = AwareDateTimeField()
    closes_at = AwareDateTimeField()
    time_zone = serializers.CharField(max_length=64, required=False)
    counties = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(), many=True,
                                            required=False, help_text="County FIPS codes.")
    domains = serializers.ListField(child=serializers.ChoiceField(choices=SocialDriverDomain.choices),
                                    required=False, max_length=20)
    attachment_max_bytes = serializers.IntegerField(min_value=1, max_value=100 * 1024 * 1024, required=False)
    rubric = RubricCriterionIn(many=True, allow_empty=False, max_length=50)
    eligibility_questions = EligibilityQuestionIn(many=True, required=False, max_length=50)
    reporting = ReportingTemplateIn(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        currencies = {str(attrs[k].currency) for k in ("total_budget", "award_min", "award_max")}
        if currencies != {settings.DEFAULT_CURRENCY}:
            raise serializers.ValidationError(f"Amounts must be in {settings.DEFAULT_CURRENCY}.")
        return attrs


class OpportunityViewSet(ListCreateRetrieveViewSet):
    """Calls for proposals: the ACH's own (any state), and every open call for CBO staff.

    The fund administrator creates a draft call (with its rubric, eligibility questions and
    reporting template), opens and closes it.
    """

    serializer_class = OpportunitySerializer
    filter_fields = {"status": Filter("status", "choice", choices=OpportunityStatus.values),
                     "fund": Filter("fund_id", "integer")}
    ordering_fields = ["closes_at", "opens_at", "title"]

    def get_queryset(self) -> Any:
        return selectors.opportunities_visible(user=self.request.user).prefetch_related("counties")

    @extend_schema(request=OpportunityCreateSerializer, responses={201: OpportunitySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.opportunity_create, input=OpportunityCreateSerializer,
                          output=OpportunitySerializer, reread=True, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: OpportunitySerializer})
    @action(detail=True, methods=["post"], url_path="open")
    def open_call(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.opportunity_open, target="opportunity",
                          output=OpportunitySerializer)

    @extend_schema(request=None, responses={200: OpportunitySerializer})
    @action(detail=True, methods=["post"], url_path="close")
    def close_call(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.opportunity_close, target="opportunity",
                          output=OpportunitySerializer)
