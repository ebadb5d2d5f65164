"""Grants: funding opportunities, applications (draft, submit, withdraw) and awards.

Thin: input is parsed here and handed to ``grants.services``; reads go through
``grants.selectors`` (which also hides applications from conflicted reviewers).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from moneyed import Money
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grants import selectors, services
from grants.models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Attachment,
    Award,
    AwardStatus,
    BallotChoice,
    BudgetCategory,
    Decision,
    FundingOpportunity,
    GoverningBody,
    Meeting,
    MeetingStatus,
    OpportunityStatus,
    Recusal,
    ReviewAssignment,
    SocialDriverDomain,
    TrancheBasis,
    VoteStatus,
)
from grants.selectors import reports as report_selectors
from organizations import access
from organizations.models import County, Organization, OrganizationKind, User
from wellness_fund.models import Restriction, WellnessFund

from .fields import AwareDateTimeField, MoneyField, money_json
from .filters import Filter
from .parsers import LimitedMultiPartParser
from .postaward import AwardPostAwardActions, CloseOutSerializer
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet, ReadOnlyViewSet

# --- opportunities -------------------------------------------------------------------------


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

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        for key in ("total_budget", "award_min", "award_max"):
            data[key] = data[key].amount
        return data


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

    def _transition(self, service: Any) -> Response:
        opportunity = service(actor=self.request.user, opportunity=self.get_object())
        return Response(OpportunitySerializer(opportunity).data)

    @extend_schema(request=OpportunityCreateSerializer, responses={201: OpportunitySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = OpportunityCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        opportunity = services.opportunity_create(actor=request.user, **incoming.service_kwargs())
        return Response(OpportunitySerializer(self.get_queryset().get(pk=opportunity.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: OpportunitySerializer})
    @action(detail=True, methods=["post"], url_path="open")
    def open_call(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._transition(services.opportunity_open)

    @extend_schema(request=None, responses={200: OpportunitySerializer})
    @action(detail=True, methods=["post"], url_path="close")
    def close_call(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._transition(services.opportunity_close)


# --- applications --------------------------------------------------------------------------


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
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    domains = serializers.ListField(child=serializers.ChoiceField(choices=SocialDriverDomain.choices),
                                    required=False, max_length=20)
    target_populations = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    eligibility_answers = serializers.DictField(child=serializers.CharField(max_length=2000), required=False)
    counties = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(), many=True,
                                            required=False, help_text="County FIPS codes.")
    budget_lines = BudgetLineSerializer(many=True, required=False, max_length=200,
                                        help_text="Replaces every budget line of the draft.")

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("opportunity", None)
        data.pop("applicant", None)
        amount: Money | None = data.get("requested_amount")
        if amount is not None:
            data["requested_amount"] = amount.amount
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
        incoming = ApplicationStartSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        application = services.application_start(
            actor=request.user, opportunity=incoming.validated_data["opportunity"],
            applicant=incoming.validated_data["applicant"], **incoming.service_kwargs())
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DraftFieldsSerializer, responses={200: ApplicationSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        application = self.get_object()
        incoming = DraftFieldsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        saved = services.application_save_draft(actor=request.user, application=application,
                                                **incoming.service_kwargs())
        return Response(ApplicationSerializer(saved).data)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # PUT is not offered
        return self.http_method_not_allowed(request)

    @extend_schema(request=None, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        application = services.application_submit(actor=request.user, application=self.get_object())
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(request=WithdrawSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        application = self.get_object()
        incoming = WithdrawSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.application_withdraw(actor=request.user, application=application, **incoming.validated_data)
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer},
                   description="Attach a file to a draft (multipart/form-data). The type is checked from the "
                               "content, not the name, and the size against the opportunity's limit.")
    @action(detail=True, methods=["post"], parser_classes=[UploadParser])
    def attachments(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        application = self.get_object()
        incoming = AttachmentUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = incoming.validated_data["file"]
        attachment = services.application_attach(
            actor=request.user, application=application, label=incoming.validated_data["label"],
            filename=upload.name, content=upload.read())
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RecommendSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def recommend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        application = self.get_object()
        incoming = RecommendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.application_recommend(actor=request.user, application=application, **incoming.validated_data)
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)


# --- awards --------------------------------------------------------------------------------


class AwardSerializer(serializers.ModelSerializer):
    grantee = serializers.SlugRelatedField(slug_field="code", read_only=True)
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    restriction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    amount = MoneyField()

    class Meta:
        model = Award
        fields = ["id", "application", "grantee", "fund", "restriction", "amount", "period_start", "period_end",
                  "conditions", "status", "commitment_reference", "committed_on", "accepted_name",
                  "accepted_title", "accepted_at", "created_at"]
        read_only_fields = fields


class AwardAcceptSerializer(StrictSerializer):
    name = serializers.CharField(max_length=255, help_text="Name of the person signing for the grantee.")
    title = serializers.CharField(max_length=255, help_text="Their title.")


class TrancheSpecSerializer(StrictSerializer):
    basis = serializers.ChoiceField(choices=TrancheBasis.choices)
    value = serializers.RegexField(r"^\d{1,14}(\.\d{1,2})?$",
                                   help_text="Percent of the award (basis percent) or an amount (basis fixed), "
                                             "as a decimal string.")
    due_on = serializers.DateField()
    requires_report = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100,
                                               help_text="Number of the report that must be accepted first.")


class AwardCreateSerializer(StrictSerializer):
    decision = ScopedPrimaryKeyField(queryset=Decision.objects.all())
    amount = MoneyField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    tranches = TrancheSpecSerializer(many=True, allow_empty=False, max_length=50)
    conditions = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class TrancheOut(serializers.Serializer):
    number = serializers.IntegerField()
    basis = serializers.CharField()
    percent = serializers.CharField(allow_null=True)
    amount = MoneyField()
    due_on = serializers.DateField()
    requires_report = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()


class ReportDueOut(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.CharField()


class AwardScheduleOut(serializers.Serializer):
    award = serializers.IntegerField()
    reference = serializers.CharField()
    amount = MoneyField()
    status = serializers.CharField()
    tranches = TrancheOut(many=True)
    reports = ReportDueOut(many=True, help_text="Grantee reports due under the award.")


class AwardHistoryEventOut(serializers.Serializer):
    kind = serializers.CharField(help_text="award, amendment:<kind>, payment or closed.")
    on = serializers.DateField()
    text = serializers.CharField()
    amount = MoneyField(required=False, help_text="Payments.")
    amount_change = MoneyField(required=False, help_text="Amendments.")
    reference = serializers.CharField(required=False, help_text="Payment reference.")
    before = serializers.JSONField(required=False, help_text="Amendments: terms before.")
    after = serializers.JSONField(required=False, help_text="Amendments: terms after.")


class AwardViewSet(AwardPostAwardActions, ListCreateRetrieveViewSet):
    """Awards: the fund administrator creates one from an approved decision (committing the money);
    the grantee accepts the offer. Each award has its payment tranches and grantee reports due;
    the fund administrator amends an accepted award and closes it out."""

    serializer_class = AwardSerializer
    filter_fields = {"status": Filter("status", "choice", choices=AwardStatus.values),
                     "fund": Filter("fund_id", "integer"), "grantee": Filter("grantee_id", "integer")}
    ordering_fields = ["created_at", "committed_on"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", Award.objects.all()) \
            .select_related("grantee", "fund", "restriction").order_by("-created_at", "-id")

    @extend_schema(request=AwardCreateSerializer, responses={201: AwardSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = AwardCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        amount: Money = data.pop("amount")
        award = services.award_create(actor=request.user, amount=amount.amount, **data)
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: AwardScheduleOut})
    @action(detail=True, methods=["get"])
    def schedule(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = selectors.award_with_schedule(award=self.get_object())
        cur = data["currency"]
        return Response({
            "award": data["award_id"], "reference": data["reference"],
            "amount": money_json(Money(data["amount"], cur)), "status": data["status"],
            "tranches": [{**t, "percent": None if t["percent"] is None else str(t["percent"]),
                          "amount": money_json(Money(t["amount"], cur))} for t in data["tranches"]],
            "reports": data["reports"],
        })

    @extend_schema(request=AwardAcceptSerializer, responses={200: AwardSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        award = self.get_object()
        incoming = AwardAcceptSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        accepted = services.award_accept(actor=request.user, award=award, **incoming.validated_data)
        return Response(AwardSerializer(accepted).data)

    @extend_schema(responses={200: AwardHistoryEventOut(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        award = self.get_object()
        cur = str(award.amount.currency)
        events = report_selectors.award_history(user=request.user, pk=award.pk)
        return Response([{**e, **{k: money_json(Money(e[k], cur)) for k in ("amount", "amount_change") if k in e}}
                         for e in events])

    @extend_schema(request=CloseOutSerializer, responses={200: AwardSerializer})
    @action(detail=True, methods=["post"], url_path="close-out")
    def close_out(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        award = self.get_object()
        incoming = CloseOutSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        closed = services.award_closeout(actor=request.user, award=award, **incoming.validated_data)
        return Response(AwardSerializer(closed).data)





# --- reviews and conflicts -----------------------------------------------------------------


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

    def _respond(self, assignment: ReviewAssignment, code: int = status.HTTP_200_OK) -> Response:
        return Response(ReviewAssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data, status=code)

    @extend_schema(request=ReviewAssignSerializer, responses={201: ReviewAssignmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = ReviewAssignSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        assignment = services.reviewer_assign(actor=request.user, **incoming.validated_data)
        return self._respond(assignment, status.HTTP_201_CREATED)

    @extend_schema(request=ConflictSerializer, responses={200: ReviewAssignmentSerializer})
    @action(detail=True, methods=["post"], url_path="declare-conflict")
    def declare_conflict(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = self.get_object()
        incoming = ConflictSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.review_declare_conflict(actor=request.user, assignment=assignment, **incoming.validated_data)
        return self._respond(assignment)

    @extend_schema(request=ReviewSubmitSerializer, responses={200: ReviewAssignmentSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = self.get_object()
        incoming = ReviewSubmitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if assignment.reviewer_id != request.user.pk:
            raise access.AccessDenied("Only the assigned reviewer scores an application.")
        services.review_submit(actor=request.user, application=assignment.application,
                               scores=incoming.validated_data["scores"],
                               comment=incoming.validated_data["comment"])
        return self._respond(assignment)


# --- meetings and votes --------------------------------------------------------------------


class AgendaItemSerializer(serializers.ModelSerializer):
    mover = serializers.CharField(source="mover.username", allow_null=True, read_only=True, default=None)
    seconder = serializers.CharField(source="seconder.username", allow_null=True, read_only=True, default=None)

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "number", "kind", "title", "motion", "mover", "seconder", "vote_status",
                  "opened_at", "closed_at", "outcome", "seated_count", "present_count", "recused_count",
                  "quorum_required", "yes_count", "no_count", "abstain_count"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    items = AgendaItemSerializer(many=True, read_only=True)
    present = serializers.SerializerMethodField(help_text="Usernames of the members recorded present.")

    class Meta:
        model = Meeting
        fields = ["id", "body", "title", "scheduled_at", "location", "status", "started_at", "adjourned_at",
                  "certified_at", "minutes_notes", "present", "items"]
        read_only_fields = fields

    def get_present(self, meeting: Meeting) -> list[str]:
        return sorted(a.member.username for a in meeting.attendance.all())


class MeetingScheduleSerializer(StrictSerializer):
    body = ScopedPrimaryKeyField(queryset=GoverningBody.objects.all(), help_text="Id of the governing body.")
    title = serializers.CharField(max_length=255)
    scheduled_at = AwareDateTimeField(help_text="Date-time with its offset.")
    location = serializers.CharField(max_length=255, required=False, allow_blank=True)


class AttendanceSerializer(StrictSerializer):
    members = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True),
                                           many=True, allow_empty=False,
                                           help_text="Usernames of the seated members present.")


class MinutesSerializer(StrictSerializer):
    notes = serializers.CharField(max_length=100000, required=False, allow_blank=True,
                                  help_text="Narrative of the minutes (replaces the current one when given).")


class AgendaEntryIn(StrictSerializer):
    application = ScopedPrimaryKeyField(queryset=Application.objects.all())
    amount = MoneyField(help_text="Amount to approve (at most the amount requested).")


class AgendaItemAddSerializer(StrictSerializer):
    meeting = ScopedPrimaryKeyField(queryset=Meeting.objects.all())
    title = serializers.CharField(max_length=255)
    motion = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    entries = AgendaEntryIn(many=True, allow_empty=False, max_length=200,
                            help_text="One application, or a slate of them.")


class RecusalSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class RecusalOut(serializers.ModelSerializer):
    member = serializers.CharField(source="member.username", read_only=True)

    class Meta:
        model = Recusal
        fields = ["id", "item", "member", "automatic", "reason"]
        read_only_fields = fields


class VoteOpenSerializer(StrictSerializer):
    mover = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    seconder = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))


class BallotSerializer(StrictSerializer):
    choice = serializers.ChoiceField(choices=BallotChoice.choices)


class BallotOut(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    member = serializers.CharField(source="member.username")
    choice = serializers.CharField()


class SeatOut(serializers.Serializer):
    member = serializers.CharField(source="member.username")
    title = serializers.CharField()
    is_chair = serializers.BooleanField()
    is_voting = serializers.BooleanField()
    seated_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)


class GoverningBodySerializer(serializers.ModelSerializer):
    ach = serializers.SlugRelatedField(slug_field="code", read_only=True)
    quorum_rule = serializers.CharField(source="quorum_rule.code", read_only=True)
    passing_rule = serializers.CharField(source="passing_rule.code", read_only=True)
    seats = SeatOut(many=True, read_only=True)

    class Meta:
        model = GoverningBody
        fields = ["id", "ach", "name", "quorum_rule", "passing_rule", "seats"]
        read_only_fields = fields


class GoverningBodyViewSet(ReadOnlyViewSet):
    """Boards of the caller's ACH with their seats (meetings are scheduled for a body)."""

    serializer_class = GoverningBodySerializer
    filter_fields = {"ach": Filter("ach_id", "integer")}
    ordering_fields = ["name"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", GoverningBody.objects.all()) \
            .select_related("ach", "quorum_rule", "passing_rule").prefetch_related("seats__member") \
            .order_by("name", "id")


class MeetingViewSet(ListCreateRetrieveViewSet):
    """Board meetings of the caller's ACH, with their agenda and vote results.

    The fund administrator schedules a meeting; the chair of its body starts it, records
    attendance, adjourns it and certifies its minutes (anyone else: 403).
    """

    serializer_class = MeetingSerializer
    filter_fields = {"status": Filter("status", "choice", choices=MeetingStatus.values)}
    ordering_fields = ["scheduled_at"]

    def get_queryset(self) -> Any:
        return selectors.meetings_visible(user=self.request.user) \
            .prefetch_related("items__mover", "items__seconder", "attendance__member") \
            .order_by("-scheduled_at", "-id")

    def _respond(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        return Response(MeetingSerializer(self.get_queryset().get(pk=meeting.pk)).data, status=code)

    @extend_schema(request=MeetingScheduleSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = MeetingScheduleSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        meeting = services.meeting_schedule(actor=request.user, **incoming.validated_data)
        return self._respond(meeting, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(services.meeting_start(actor=request.user, meeting=self.get_object()))

    @extend_schema(request=AttendanceSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        incoming = AttendanceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.attendance_record(actor=request.user, meeting=meeting, **incoming.validated_data)
        return self._respond(meeting)

    @extend_schema(request=MinutesSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def adjourn(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        incoming = MinutesSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._respond(services.meeting_adjourn(actor=request.user, meeting=meeting,
                                                      notes=incoming.validated_data.get("notes")))

    @extend_schema(request=MinutesSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"], url_path="certify-minutes")
    def certify_minutes(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        incoming = MinutesSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._respond(services.minutes_certify(actor=request.user, meeting=meeting,
                                                      notes=incoming.validated_data.get("notes")))


class AgendaItemViewSet(ListCreateRetrieveViewSet):
    """Motions on the agenda: the fund administrator adds them; the chair opens and closes the
    vote; present members cast ballots; a seated member may recuse with a reason."""

    serializer_class = AgendaItemSerializer
    filter_fields = {"meeting": Filter("meeting_id", "integer"),
                     "vote_status": Filter("vote_status", "choice", choices=VoteStatus.values)}
    ordering_fields = ["number"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", AgendaItem.objects.all()) \
            .select_related("mover", "seconder").order_by("meeting_id", "number", "id")

    def _respond(self, item: AgendaItem, code: int = status.HTTP_200_OK) -> Response:
        return Response(AgendaItemSerializer(self.get_queryset().get(pk=item.pk)).data, status=code)

    @extend_schema(request=AgendaItemAddSerializer, responses={201: AgendaItemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = AgendaItemAddSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        entries = [(e["application"], e["amount"].amount) for e in data.pop("entries")]
        item = services.agenda_item_add(actor=request.user, entries=entries, **data)
        return self._respond(item, status.HTTP_201_CREATED)

    @extend_schema(request=RecusalSerializer, responses={201: RecusalOut})
    @action(detail=True, methods=["post"])
    def recuse(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        incoming = RecusalSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        recusal = services.recusal_declare(actor=request.user, item=item, **incoming.validated_data)
        return Response(RecusalOut(recusal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoteOpenSerializer, responses={200: AgendaItemSerializer})
    @action(detail=True, methods=["post"], url_path="open-vote")
    def open_vote(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        incoming = VoteOpenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._respond(services.vote_open(actor=request.user, item=item, **incoming.validated_data))

    @extend_schema(request=None, responses={200: AgendaItemSerializer})
    @action(detail=True, methods=["post"], url_path="close-vote")
    def close_vote(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(services.vote_close(actor=request.user, item=self.get_object()))

    @extend_schema(request=BallotSerializer, responses={200: BallotOut})
    @action(detail=True, methods=["post"])
    def ballot(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        incoming = BallotSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        cast = services.ballot_cast(actor=request.user, item=item, **incoming.validated_data)
        return Response(BallotOut(cast).data)
