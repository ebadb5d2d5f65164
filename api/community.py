"""Advisory bodies and their meetings, community health plans (CHA/CHIP) and priority tags, the
equity taxonomy, and reinvestment plans submitted to the regulator.

Thin: each endpoint parses input and calls ``community.services`` (through ``run_action``) or
reads through ``community.selectors``; the rules (who may, what is valid) live there.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from community import selectors, services
from community.models import (
    AdvisoryBody,
    AdvisoryBodyType,
    AdvisoryMeeting,
    AdvisoryMember,
    CommunityHealthPlan,
    Constituency,
    Decision,
    DisparityReference,
    DisparityTarget,
    EquityTaxonomy,
    HealthPriority,
    InvestmentMeeting,
    MeetingStatus,
    OutcomeMeasure,
    PlanStatus,
    PriorityTag,
    ReinvestmentPlan,
    ReinvestmentPlanLine,
    ReinvestmentPlanVersion,
    StratifiedOutcome,
)
from grants.models import Award, AwardMeeting, FundingOpportunity, GrantPriorityTag
from grants.services import advisory as grant_advisory
from grants.services import priorities as grant_priorities
from organizations import access
from organizations.models import County, Organization, OrganizationKind
from reinvestment.models import DirectInvestment, SocialDriverDomain
from wellness_fund.models import WellnessFund

from .actions import run_action
from .fields import DateField, MoneyField
from .filters import Filter
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet, ReadOnlyViewSet

# --- advisory bodies and meetings -----------------------------------------------------------------


class AdvisoryMemberSerializer(serializers.ModelSerializer):
    constituency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AdvisoryMember
        fields = ["id", "name", "email", "constituency", "name_public", "joined_on", "left_on"]
        read_only_fields = fields


class AdvisoryBodySerializer(serializers.ModelSerializer):
    body_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    members = AdvisoryMemberSerializer(many=True, read_only=True)

    class Meta:
        model = AdvisoryBody
        fields = ["id", "code", "name", "description", "organization", "fund", "body_type", "members", "created_at"]
        read_only_fields = fields


class AdvisoryBodyCreateSerializer(StrictSerializer):
    organization = ScopedPrimaryKeyField(
        queryset=Organization.objects.filter(kind__in=[OrganizationKind.PLAN, OrganizationKind.ACH]),
        help_text="Id of the plan or ACH the body belongs to.")
    body_type = serializers.SlugRelatedField(slug_field="code", queryset=AdvisoryBodyType.objects.all(),
                                             help_text="cac, ach-steering, resident-panel...")
    code = serializers.SlugField(max_length=60, help_text="Address of the public page.")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class AdvisoryMemberAddSerializer(StrictSerializer):
    name = serializers.CharField(max_length=160)
    email = serializers.EmailField(required=False, allow_blank=True)
    constituency = serializers.SlugRelatedField(slug_field="code", queryset=Constituency.objects.all())
    joined_on = DateField()
    name_public = serializers.BooleanField(required=False, default=False)


class AdvisoryBodyViewSet(ListCreateRetrieveViewSet):
    """Advisory bodies of the caller's organizations (their public pages: /community/bodies/<code>/)."""

    serializer_class = AdvisoryBodySerializer
    filter_fields = {"organization": Filter("organization_id", "integer")}
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", AdvisoryBody.objects.all()) \
            .select_related("organization", "body_type").prefetch_related("members__constituency").order_by("name")

    @extend_schema(request=AdvisoryBodyCreateSerializer, responses={201: AdvisoryBodySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.advisory_body_create, input=AdvisoryBodyCreateSerializer,
                          output=AdvisoryBodySerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdvisoryMemberAddSerializer, responses={201: AdvisoryMemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.advisory_member_add, target="body", input=AdvisoryMemberAddSerializer,
                          output=AdvisoryMemberSerializer, status=status.HTTP_201_CREATED)


class AdvisoryMeetingSerializer(serializers.ModelSerializer):
    topics = serializers.SerializerMethodField()
    attendees = serializers.SerializerMethodField(help_text="Ids of the members present.")

    class Meta:
        model = AdvisoryMeeting
        fields = ["id", "body", "meets_on", "starts_at", "location", "status", "agenda", "agenda_posted_at", "notes",
                  "notes_posted_at", "public_attendees", "topics", "attendees"]
        read_only_fields = fields

    def get_topics(self, meeting: AdvisoryMeeting) -> list[str]:
        return [t.title for t in meeting.topics.all()]

    def get_attendees(self, meeting: AdvisoryMeeting) -> list[int]:
        return sorted(a.member_id for a in meeting.attendance.all())


class AdvisoryMeetingScheduleSerializer(StrictSerializer):
    body = ScopedPrimaryKeyField(queryset=AdvisoryBody.objects.all(), help_text="Id of the advisory body.")
    meets_on = DateField()
    starts_at = serializers.TimeField(required=False, allow_null=True)
    location = serializers.CharField(max_length=255, required=False, allow_blank=True)
    agenda = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    topics = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=50)


class AdvisoryAgendaSerializer(StrictSerializer):
    agenda = serializers.CharField(max_length=20000)
    topics = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=50)


class AdvisoryMeetingRecordSerializer(StrictSerializer):
    notes = serializers.CharField(max_length=20000)
    attendees = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=500,
                                      help_text="Ids of the members present (members of this meeting's body).")
    public_attendees = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    topics = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=50)

    def validate_attendees(self, ids: list[int]) -> list[AdvisoryMember]:
        meeting: AdvisoryMeeting = self.context["object"]
        members = list(AdvisoryMember.objects.filter(body_id=meeting.body_id, pk__in=ids))
        unknown = sorted(set(ids) - {m.pk for m in members})
        if unknown:
            raise serializers.ValidationError(f"{unknown[0]} is not a member of this meeting's body.")
        return members


class AdvisoryMeetingViewSet(ListCreateRetrieveViewSet):
    """Meetings of the caller's advisory bodies: schedule, post the agenda, record as held."""

    serializer_class = AdvisoryMeetingSerializer
    filter_fields = {
        "body": Filter("body_id", "integer"),
        "status": Filter("status", "choice", choices=MeetingStatus.values),
    }
    ordering_fields = ["meets_on"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", AdvisoryMeeting.objects.all()) \
            .prefetch_related("topics", "attendance").order_by("-meets_on", "-id")

    @extend_schema(request=AdvisoryMeetingScheduleSerializer, responses={201: AdvisoryMeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.advisory_meeting_schedule, input=AdvisoryMeetingScheduleSerializer,
                          output=AdvisoryMeetingSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdvisoryAgendaSerializer, responses={200: AdvisoryMeetingSerializer})
    @action(detail=True, methods=["post"])
    def agenda(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.advisory_meeting_post_agenda, target="meeting",
                          input=AdvisoryAgendaSerializer, output=AdvisoryMeetingSerializer, reread=True)

    @extend_schema(request=AdvisoryMeetingRecordSerializer, responses={200: AdvisoryMeetingSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.advisory_meeting_record, target="meeting",
                          input=AdvisoryMeetingRecordSerializer, output=AdvisoryMeetingSerializer, reread=True)


# --- community health plans and priority tags ------------------------------------------------------


class HealthPrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthPriority
        fields = ["id", "position", "title", "description"]
        read_only_fields = fields


class CommunityHealthPlanSerializer(serializers.ModelSerializer):
    counties = serializers.SlugRelatedField(slug_field="fips", many=True, read_only=True)
    priorities = HealthPrioritySerializer(many=True, read_only=True)

    class Meta:
        model = CommunityHealthPlan
        fields = ["id", "kind", "title", "publisher", "region_name", "counties", "url", "period_start", "period_end",
                  "verified", "priorities"]
        read_only_fields = fields


class HealthPlanViewSet(ReadOnlyViewSet):
    """County (or regional) CHA/CHIP documents and their priorities: public reference data."""

    serializer_class = CommunityHealthPlanSerializer
    filter_fields = {"county": Filter("counties__fips", description="County FIPS code.")}
    ordering_fields = ["period_end", "title"]

    def get_queryset(self) -> Any:
        return selectors.health_plans()


class PriorityTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityTag
        fields = ["id", "priority", "direct_investment", "fund", "tagged_at"]
        read_only_fields = fields


class PriorityTagCreateSerializer(StrictSerializer):
    priority = serializers.PrimaryKeyRelatedField(queryset=HealthPriority.objects.select_related("health_plan"))
    direct_investment = ScopedPrimaryKeyField(queryset=DirectInvestment.objects.all(), required=False)
    fund = ScopedPrimaryKeyField(queryset=WellnessFund.objects.all(), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("direct_investment" in attrs) == ("fund" in attrs):
            raise serializers.ValidationError("Name exactly one of direct_investment and fund.")
        return attrs


class PriorityTagViewSet(ListCreateRetrieveViewSet):
    """CHIP priorities tagged on direct investments, or declared by wellness funds."""

    serializer_class = PriorityTagSerializer
    filter_fields = {"fund": Filter("fund_id", "integer"), "direct_investment": Filter("direct_investment_id", "integer")}
    ordering_fields = ["tagged_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", PriorityTag.objects.all()).order_by("id")

    @extend_schema(request=PriorityTagCreateSerializer, responses={201: PriorityTagSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if isinstance(request.data, dict) and "fund" in request.data:
            return run_action(self, request, services.priority_tag_fund, input=_FundTag,
                              output=PriorityTagSerializer, status=status.HTTP_201_CREATED)
        return run_action(self, request, services.priority_tag_investment, input=_InvestmentTag,
                          output=PriorityTagSerializer, status=status.HTTP_201_CREATED)


class _FundTag(PriorityTagCreateSerializer):
    def service_kwargs(self) -> dict[str, Any]:
        return {"priority": self.validated_data["priority"], "fund": self.validated_data["fund"]}


class _InvestmentTag(PriorityTagCreateSerializer):
    def service_kwargs(self) -> dict[str, Any]:
        return {"priority": self.validated_data["priority"], "investment": self.validated_data["direct_investment"]}


# --- equity taxonomy ---------------------------------------------------------------------------


class EquityTaxonomySerializer(serializers.ModelSerializer):
    dimensions = serializers.SerializerMethodField()

    class Meta:
        model = EquityTaxonomy
        fields = ["id", "version", "name", "effective_from", "source_citation", "notes", "dimensions"]
        read_only_fields = fields

    def get_dimensions(self, taxonomy: EquityTaxonomy) -> list[dict[str, Any]]:
        return [{"code": d.code, "name": d.name, "multiple": d.multiple, "verified": d.verified,
                 "source_citation": d.source_citation,
                 "categories": [{"code": c.code, "name": c.name, "kind": c.kind, "parent": c.parent_code}
                                for c in d.categories.all()]}
                for d in taxonomy.dimensions.all()]


class EquityCategoryCheckSerializer(StrictSerializer):
    dimension = serializers.CharField(max_length=40)
    categories = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1, max_length=50)
    on = DateField(required=False)


class EquityTaxonomyViewSet(ReadOnlyViewSet):
    """Versions of the equity dimensions; ``validate`` checks an answer against the version in force."""

    serializer_class = EquityTaxonomySerializer
    ordering_fields = ["effective_from", "version"]

    def get_queryset(self) -> Any:
        return EquityTaxonomy.objects.prefetch_related("dimensions__categories").order_by("-effective_from")

    @extend_schema(request=EquityCategoryCheckSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def validate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = EquityCategoryCheckSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        on = d.get("on") or timezone.localdate()
        found = selectors.categories_in_force(d["dimension"], d["categories"], on)
        return Response({"taxonomy_version": selectors.taxonomy_in_force(on).version, "dimension": d["dimension"],
                         "categories": [{"code": c.code, "name": c.name, "kind": c.kind} for c in found]})


# --- reinvestment plans ------------------------------------------------------------------------------


class ReinvestmentPlanLineSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="fips", read_only=True)
    amount = MoneyField()

    class Meta:
        model = ReinvestmentPlanLine
        fields = ["id", "county", "domain", "priority", "description", "amount"]
        read_only_fields = fields


class ReinvestmentPlanVersionSerializer(serializers.ModelSerializer):
    total = MoneyField()

    class Meta:
        model = ReinvestmentPlanVersion
        fields = ["number", "narrative", "lines", "meeting_ids", "total", "submitted_at", "submitted_by", "decision",
                  "decided_at", "decided_by", "comments"]
        read_only_fields = fields


class ReinvestmentPlanSerializer(serializers.ModelSerializer):
    lines = ReinvestmentPlanLineSerializer(many=True, read_only=True)
    versions = ReinvestmentPlanVersionSerializer(many=True, read_only=True)
    meetings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    deadline_unverified = serializers.BooleanField(source="timing.unverified", read_only=True)

    class Meta:
        model = ReinvestmentPlan
        fields = ["id", "plan", "income_year", "jurisdiction", "status", "narrative", "deadline", "deadline_unverified",
                  "meetings", "lines", "versions", "created_at"]
        read_only_fields = fields


class ReinvestmentPlanCreateSerializer(StrictSerializer):
    plan = ScopedPrimaryKeyField(queryset=Organization.objects.filter(kind=OrganizationKind.PLAN),
                                 help_text="Id of the plan (an organization).")
    income_year = serializers.IntegerField(min_value=1990, max_value=2200)
    narrative = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class ReinvestmentPlanLineAddSerializer(StrictSerializer):
    county = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(), help_text="County FIPS.")
    domain = serializers.ChoiceField(choices=SocialDriverDomain.choices)
    priority = serializers.PrimaryKeyRelatedField(queryset=HealthPriority.objects.select_related("health_plan"),
                                                  required=False, allow_null=True)
    description = serializers.CharField(max_length=255)
    amount = MoneyField()

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        data["currency"] = str(self.validated_data["amount"].currency)
        return data


class ReinvestmentPlanUpdateSerializer(StrictSerializer):
    narrative = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    meetings = serializers.PrimaryKeyRelatedField(
        queryset=AdvisoryMeeting.objects.select_related("body__organization"), many=True, required=False,
        help_text="Ids of held advisory meetings behind the plan (their pages are public).")


class ReinvestmentPlanDecideSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comments = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class ReinvestmentPlanViewSet(ListCreateRetrieveViewSet):
    """A plan's reinvestment plan per income year: lines, meetings, submission and the regulator's decision."""

    serializer_class = ReinvestmentPlanSerializer
    filter_fields = {
        "plan": Filter("plan_id", "integer"),
        "income_year": Filter("income_year", "integer", minimum=0, maximum=32767),
        "status": Filter("status", "choice", choices=PlanStatus.values),
    }
    ordering_fields = ["income_year", "deadline"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", ReinvestmentPlan.objects.all()) \
            .select_related("timing").prefetch_related("lines__county", "versions", "meetings") \
            .order_by("-income_year", "id")

    @extend_schema(request=ReinvestmentPlanCreateSerializer, responses={201: ReinvestmentPlanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.reinvestment_plan_create, input=ReinvestmentPlanCreateSerializer,
                          output=ReinvestmentPlanSerializer, reread=True, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReinvestmentPlanLineAddSerializer, responses={201: ReinvestmentPlanLineSerializer})
    @action(detail=True, methods=["post"])
    def lines(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.reinvestment_plan_line_add, target="reinvestment_plan",
                          input=ReinvestmentPlanLineAddSerializer, output=ReinvestmentPlanLineSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReinvestmentPlanUpdateSerializer, responses={200: ReinvestmentPlanSerializer})
    @action(detail=True, methods=["post"], url_path="update")
    def update_plan(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.reinvestment_plan_update, target="reinvestment_plan",
                          input=ReinvestmentPlanUpdateSerializer, output=ReinvestmentPlanSerializer, reread=True)

    @extend_schema(request=None, responses={200: ReinvestmentPlanSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.reinvestment_plan_submit, target="reinvestment_plan",
                          output=ReinvestmentPlanSerializer, reread=True)

    @extend_schema(request=ReinvestmentPlanDecideSerializer, responses={200: ReinvestmentPlanSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.reinvestment_plan_decide, target="reinvestment_plan",
                          input=ReinvestmentPlanDecideSerializer, output=ReinvestmentPlanSerializer, reread=True)


# --- stratified outcomes -------------------------------------------------------------------------------


class StratifiedOutcomeSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    measure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    taxonomy_version = serializers.IntegerField(source="taxonomy.version", read_only=True)

    class Meta:
        model = StratifiedOutcome
        fields = ["id", "fund", "direct_investment", "measure", "period_start", "period_end", "taxonomy_version",
                  "dimension", "category", "count", "denominator", "recorded_at"]
        read_only_fields = fields


class StratifiedOutcomeRecordSerializer(StrictSerializer):
    fund = ScopedPrimaryKeyField(queryset=WellnessFund.objects.all(), required=False,
                                 help_text="Id of the wellness fund (or give direct_investment).")
    direct_investment = ScopedPrimaryKeyField(
        queryset=DirectInvestment.objects.select_related("plan"), required=False,
        help_text="Id of one of the plan's direct investments, including a program the plan operates itself "
                  "(or give fund).")
    measure = serializers.SlugRelatedField(slug_field="code", queryset=OutcomeMeasure.objects.all())
    period_start = DateField()
    period_end = DateField()
    dimension = serializers.CharField(max_length=40)
    counts = serializers.DictField(child=serializers.IntegerField(min_value=0), allow_empty=False,
                                   help_text='Category code -> count, e.g. {"asian": 40, "declined": 3}.')
    denominators = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)


class StratifiedOutcomeBatchSerializer(serializers.Serializer):
    results = StratifiedOutcomeSerializer(many=True, read_only=True, help_text="The cells recorded.")


class StratifiedOutcomeViewSet(ListCreateRetrieveViewSet):
    """Outcomes by equity dimension of a fund or of a direct investment (one of them); each category is
    checked against the taxonomy in force."""

    serializer_class = StratifiedOutcomeSerializer
    filter_fields = {"fund": Filter("fund_id", "integer"),
                     "direct_investment": Filter("direct_investment_id", "integer"),
                     "dimension": Filter("dimension")}
    ordering_fields = ["period_end", "recorded_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", StratifiedOutcome.objects.all()) \
            .select_related("fund", "measure", "taxonomy").order_by("-period_end", "dimension", "id")

    @extend_schema(request=StratifiedOutcomeRecordSerializer, responses={201: StratifiedOutcomeBatchSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.outcomes_record, input=StratifiedOutcomeRecordSerializer,
                          output=lambda rows: {"results": StratifiedOutcomeSerializer(rows, many=True).data},
                          status=status.HTTP_201_CREATED)


# --- CHIP priorities of opportunities and awards ----------------------------------------------------------


class GrantPriorityTagSerializer(serializers.ModelSerializer):
    priority_title = serializers.CharField(source="priority.title", read_only=True)

    class Meta:
        model = GrantPriorityTag
        fields = ["id", "priority", "priority_title", "opportunity", "award", "tagged_at"]
        read_only_fields = fields


class GrantPriorityTagCreateSerializer(StrictSerializer):
    priority = serializers.PrimaryKeyRelatedField(queryset=HealthPriority.objects.select_related("health_plan"),
                                                  help_text="Id of a priority of a CHIP covering a county served.")
    opportunity = ScopedPrimaryKeyField(queryset=FundingOpportunity.objects.select_related("fund__ach"),
                                        required=False, help_text="Id of the funding opportunity.")
    award = ScopedPrimaryKeyField(queryset=Award.objects.select_related("fund__ach", "application"), required=False,
                                  help_text="Id of the award.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("opportunity" in attrs) == ("award" in attrs):
            raise serializers.ValidationError("Name exactly one of opportunity and award.")
        return attrs


class GrantPriorityTagViewSet(ListCreateRetrieveViewSet):
    """CHIP priorities tagged on funding opportunities and awards (an award without tags of its own
    serves its opportunity's)."""

    serializer_class = GrantPriorityTagSerializer
    filter_fields = {"opportunity": Filter("opportunity_id", "integer"), "award": Filter("award_id", "integer")}
    ordering_fields = ["tagged_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", GrantPriorityTag.objects.all()) \
            .select_related("priority").order_by("id")

    @extend_schema(request=GrantPriorityTagCreateSerializer, responses={201: GrantPriorityTagSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if isinstance(request.data, dict) and "award" in request.data:
            return run_action(self, request, grant_priorities.award_priority_tag, input=_AwardTag,
                              output=GrantPriorityTagSerializer, status=status.HTTP_201_CREATED)
        return run_action(self, request, grant_priorities.opportunity_priority_tag, input=_OpportunityTag,
                          output=GrantPriorityTagSerializer, status=status.HTTP_201_CREATED)


class _AwardTag(GrantPriorityTagCreateSerializer):
    def service_kwargs(self) -> dict[str, Any]:
        return {"priority": self.validated_data["priority"], "award": self.validated_data["award"]}


class _OpportunityTag(GrantPriorityTagCreateSerializer):
    def service_kwargs(self) -> dict[str, Any]:
        return {"priority": self.validated_data["priority"], "opportunity": self.validated_data["opportunity"]}


# --- advisory meetings where investments and awards were discussed -----------------------------------


class InvestmentMeetingSerializer(serializers.ModelSerializer):
    meets_on = serializers.DateField(source="meeting.meets_on", read_only=True)
    body = serializers.CharField(source="meeting.body.name", read_only=True)

    class Meta:
        model = InvestmentMeeting
        fields = ["id", "direct_investment", "meeting", "meets_on", "body", "linked_at"]
        read_only_fields = fields


class InvestmentMeetingLinkSerializer(StrictSerializer):
    direct_investment = ScopedPrimaryKeyField(queryset=DirectInvestment.objects.select_related("plan"),
                                              help_text="Id of one of the plan's direct investments.")
    meeting = ScopedPrimaryKeyField(queryset=AdvisoryMeeting.objects.select_related("body"),
                                    help_text="Id of a held meeting of one of the plan's advisory bodies.")

    def service_kwargs(self) -> dict[str, Any]:
        return {"investment": self.validated_data["direct_investment"], "meeting": self.validated_data["meeting"]}


class InvestmentMeetingViewSet(ListCreateRetrieveViewSet):
    """Advisory meetings where a direct investment was discussed (held meetings of the plan's own
    bodies); ``unlink`` removes a link."""

    serializer_class = InvestmentMeetingSerializer
    filter_fields = {"direct_investment": Filter("direct_investment_id", "integer"),
                     "meeting": Filter("meeting_id", "integer")}
    ordering_fields = ["linked_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", InvestmentMeeting.objects.all()) \
            .select_related("meeting__body", "direct_investment__plan").order_by("id")

    @extend_schema(request=InvestmentMeetingLinkSerializer, responses={201: InvestmentMeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.investment_meeting_link, input=InvestmentMeetingLinkSerializer,
                          output=InvestmentMeetingSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def unlink(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.investment_meeting_unlink, target="link",
                          output=lambda _: None, status=status.HTTP_204_NO_CONTENT)


class AwardMeetingSerializer(serializers.ModelSerializer):
    meets_on = serializers.DateField(source="meeting.meets_on", read_only=True)
    body = serializers.CharField(source="meeting.body.name", read_only=True)

    class Meta:
        model = AwardMeeting
        fields = ["id", "award", "meeting", "meets_on", "body", "linked_at"]
        read_only_fields = fields


class AwardMeetingLinkSerializer(StrictSerializer):
    award = ScopedPrimaryKeyField(queryset=Award.objects.select_related("fund__ach"), help_text="Id of the award.")
    meeting = ScopedPrimaryKeyField(queryset=AdvisoryMeeting.objects.select_related("body"),
                                    help_text="Id of a held meeting of one of the fund's ACH's advisory bodies.")


class AwardMeetingViewSet(ListCreateRetrieveViewSet):
    """Advisory meetings where an award was discussed (held meetings of the fund's ACH's bodies);
    ``unlink`` removes a link."""

    serializer_class = AwardMeetingSerializer
    filter_fields = {"award": Filter("award_id", "integer"), "meeting": Filter("meeting_id", "integer")}
    ordering_fields = ["linked_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", AwardMeeting.objects.all()) \
            .select_related("meeting__body", "award__fund__ach").order_by("id")

    @extend_schema(request=AwardMeetingLinkSerializer, responses={201: AwardMeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, grant_advisory.award_meeting_link, input=AwardMeetingLinkSerializer,
                          output=AwardMeetingSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def unlink(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, grant_advisory.award_meeting_unlink, target="link",
                          output=lambda _: None, status=status.HTTP_204_NO_CONTENT)


# --- disparity targets ---------------------------------------------------------------------------------------


class DisparityTargetSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    measure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    taxonomy_version = serializers.IntegerField(source="taxonomy.version", read_only=True)

    class Meta:
        model = DisparityTarget
        fields = ["id", "fund", "measure", "taxonomy_version", "dimension", "group", "reference",
                  "reference_category", "baseline_start", "baseline_end", "target_start", "target_end", "reduction",
                  "rationale", "set_by", "set_at"]
        read_only_fields = fields


class DisparityTargetCreateSerializer(StrictSerializer):
    fund = ScopedPrimaryKeyField(queryset=WellnessFund.objects.select_related("ach"), help_text="Id of the fund.")
    measure = serializers.SlugRelatedField(slug_field="code", queryset=OutcomeMeasure.objects.all())
    dimension = serializers.CharField(max_length=40, help_text="A dimension code of the taxonomy in force.")
    group = serializers.CharField(max_length=60, help_text="The category whose gap is to be reduced.")
    reference = serializers.ChoiceField(choices=DisparityReference.choices,
                                        help_text="overall (the overall rate) or group (a reference group).")
    reference_category = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                               help_text="With reference=group: the reference group's category.")
    baseline_start = DateField()
    baseline_end = DateField()
    target_start = DateField()
    target_end = DateField()
    reduction = serializers.DecimalField(max_digits=5, decimal_places=4,
                                         help_text="Share of the baseline gap to close: 0.25 = reduce it by 25%.")
    rationale = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class DisparityTargetViewSet(ListCreateRetrieveViewSet):
    """Disparity goals of a fund's stratified measures: reduce the gap between a group and the overall
    rate, or a reference group, by a share between a baseline and a target period."""

    serializer_class = DisparityTargetSerializer
    filter_fields = {"fund": Filter("fund_id", "integer"), "dimension": Filter("dimension")}
    ordering_fields = ["target_end"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", DisparityTarget.objects.all()) \
            .select_related("fund", "measure", "taxonomy").order_by("fund_id", "dimension", "group", "id")

    @extend_schema(request=DisparityTargetCreateSerializer, responses={201: DisparityTargetSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.disparity_target_set, input=DisparityTargetCreateSerializer,
                          output=DisparityTargetSerializer, reread=True, status=status.HTTP_201_CREATED)
