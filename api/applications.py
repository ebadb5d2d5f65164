"""Applications of CBOs to calls for proposals: start a draft, save it (PATCH), attach files,
submit, withdraw; the fund administrator recommends a submitted one to the board (or not).

Thin: input is parsed here and handed to ``grants.services``; reads go through ``grants.selectors``
(which also hides applications from conflicted reviewers).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grants import selectors, services
from grants.models import (
    Application,
    ApplicationStatus,
    Attachment,
    BudgetCategory,
    FundingOpportunity,
    SocialDriverDomain,
)
from organizations.models import County, Organization, OrganizationKind

from .actions import run_action
from .fields import DateField, MoneyField
from .filters import Filter
from .parsers import LimitedMultiPartParser
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet


class BudgetLineSerializer(StrictSerializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    description = serializers.CharField(max_length=255)
    amount = MoneyField()


class BudgetLineOut(serializers.Serializer):
    number = serializers.IntegerField()
    category = serializers.CharField()
    description = serializers.CharField()
    amount = MoneyField()


class ApplicationSerializer(serializers.ModelSerializer):
    applicant = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_amount = MoneyField(allow_null=True)
    counties = serializers.SlugRelatedField(slug_field="fips", many=True, read_only=True)
    domains = serializers.ListField(child=serializers.CharField())
    eligibility_answers = serializers.DictField(child=serializers.CharField())
    budget_lines = BudgetLineOut(many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "opportunity", "applicant", "status", "contact_name", "contact_email", "contact_phone",
                  "project_title", "project_summary", "requested_amount", "period_start", "period_end",
                  "counties", "domains", "target_populations", "eligibility_answers", "budget_lines",
                  "created_at", "submitted_at", "withdrawn_at"]
        read_only_fields = fields


class DraftFieldsSerializer(StrictSerializer):
    contact_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    project_title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    project_summary = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    requested_amount = MoneyField(required=False, allow_null=True)
    period_start = DateField(required=False, allow_null=True)
    period_end = DateField(required=False, allow_null=True)
    domains = serializers.ListField(child=serializers.ChoiceField(choices=SocialDriverDomain.choices),
                                    required=False, max_length=20)
    target_populations = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    eligibility_answers = serializers.DictField(child=serializers.CharField(max_length=2000), required=False)
    counties = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(), many=True,
                                            required=False, help_text="County FIPS codes.")
    budget_lines = BudgetLineSerializer(many=True, required=False, max_length=200,
                                        help_text="Replaces every budget line of the draft.")

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        if "budget_lines" in data:
            data["budget_lines"] = [{**line, "amount": line["amount"].amount} for line in data["budget_lines"]]
        return data


class ApplicationStartSerializer(DraftFieldsSerializer):
    opportunity = ScopedPrimaryKeyField(queryset=FundingOpportunity.objects.all())
    applicant = ScopedPrimaryKeyField(queryset=Organization.objects.filter(kind=OrganizationKind.CBO),
                                      help_text="Id of the applying organization (yours).")


class AttachmentUploadSerializer(StrictSerializer):
    label = serializers.CharField(max_length=255, help_text="What the file is, e.g. 'Budget narrative'.")
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, PNG or JPEG (checked from the content).")

    def service_kwargs(self) -> dict[str, Any]:
        upload = self.validated_data["file"]
        return {"label": self.validated_data["label"], "filename": upload.name, "content": upload.read()}


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "application", "label", "original_name", "file_type", "size_bytes", "sha256",
                  "uploaded_at"]
        read_only_fields = fields


class RecommendSerializer(StrictSerializer):
    recommended = serializers.BooleanField(help_text="True: put before the board; false: not recommended.")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class WithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class UploadParser(LimitedMultiPartParser):
    """Attachments may be larger than a JSON body; the opportunity's own limit is checked by the service."""

    limit = 100 * 1024 * 1024  # bytes: the largest attachment limit an opportunity may set


class ApplicationViewSet(ListCreateRetrieveViewSet, mixins.UpdateModelMixin):
    """A CBO's applications: start a draft, save it (PATCH), attach files, submit, withdraw;
    the fund administrator recommends a submitted one to the board (or not)."""

    serializer_class = ApplicationSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_fields = {"status": Filter("status", "choice", choices=ApplicationStatus.values),
                     "opportunity": Filter("opportunity_id", "integer"),
                     "applicant": Filter("applicant_id", "integer")}
    ordering_fields = ["created_at", "submitted_at"]

    def get_queryset(self) -> Any:
        return selectors.applications_scope(user=self.request.user) \
            .select_related("applicant").prefetch_related("counties", "budget_lines").order_by("-created_at", "-id")

    @extend_schema(request=ApplicationStartSerializer, responses={201: ApplicationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.application_start, input=ApplicationStartSerializer,
                          output=ApplicationSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=DraftFieldsSerializer, responses={200: ApplicationSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.application_save_draft, target="application",
                          input=DraftFieldsSerializer, output=ApplicationSerializer)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # PUT is not offered
        return self.http_method_not_allowed(request)

    @extend_schema(request=None, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.application_submit, target="application",
                          output=ApplicationSerializer, reread=True)

    @extend_schema(request=WithdrawSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.application_withdraw, target="application",
                          input=WithdrawSerializer, output=ApplicationSerializer, reread=True)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer},
                   description="Attach a file to a draft (multipart/form-data). The type is checked from the "
                               "content, not the name, and the size against the opportunity's limit.")
    @action(detail=True, methods=["post"], parser_classes=[UploadParser])
    def attachments(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.application_attach, target="application",
                          input=AttachmentUploadSerializer, output=AttachmentSerializer,
                          status=status.HTTP_201_CREATED)

    @extend_schema(request=RecommendSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def recommend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.application_recommend, target="application",
                          input=RecommendSerializer, output=ApplicationSerializer, reread=True)
