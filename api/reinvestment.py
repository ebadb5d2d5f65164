"""Plan financial years, policies, obligations, allocations of payments to obligations and
direct investments (member months: ``api/member_months.py``).

Thin: each endpoint parses input and calls ``reinvestment.services`` or
reads through its selectors; the rules (who may, what is valid, what follows) live there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from moneyed import Money
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from organizations import access
from organizations.models import County, Organization, OrganizationKind
from reinvestment import selectors, services
from reinvestment.models import (
    DirectInvestment,
    FinancialYearStatus,
    FulfilmentAllocation,
    Obligation,
    ObligationStatus,
    PlanFinancialYear,
    ReinvestmentPolicy,
    SocialDriverDomain,
)
from reinvestment.sources import describe

from .actions import run_action
from .fields import DateField, MoneyField, money_json
from .filters import Filter
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet, ReadOnlyViewSet

PROGRESS = ["on_track", "at_risk", "shortfall", "met"]
PLANS = Organization.objects.filter(kind=OrganizationKind.PLAN)


def plan_field(**kwargs: Any) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(queryset=PLANS, help_text="Id of the plan (an organization).", **kwargs)


# --- financial years -----------------------------------------------------------------------


class FinancialYearSerializer(serializers.ModelSerializer):
    total_revenue = MoneyField()
    net_income = MoneyField()
    pretax_income = MoneyField(allow_null=True)
    mlr_numerator = MoneyField(allow_null=True)
    mlr_denominator = MoneyField(allow_null=True)
    gross_premium = MoneyField(allow_null=True)
    quality_measures_missed = serializers.ListField(child=serializers.CharField())
    line_of_business = serializers.SlugRelatedField(slug_field="code", read_only=True)
    mlr_rebate_reinvested = MoneyField(allow_null=True)
    mlr_rebate_returned = MoneyField(allow_null=True)
    applicable_policies = serializers.SerializerMethodField(
        help_text="Codes of the policies that apply to this year (the ones compute-obligation accepts).")

    class Meta:
        model = PlanFinancialYear
        fields = ["id", "plan", "income_year", "line_of_business", "currency", "status", "total_revenue",
                  "net_income", "pretax_income", "mlr_numerator", "mlr_denominator", "gross_premium",
                  "mlr_rebate_reinvested", "mlr_rebate_returned",
                  "quality_standards_met", "quality_measures_missed", "supersedes", "amendment_reason",
                  "submitted_at", "locked_at", "created_at", "applicable_policies"]
        read_only_fields = fields

    def get_applicable_policies(self, year: PlanFinancialYear) -> list[str]:
        return [p.code for p in selectors.applicable_policies(year)]


class FiguresSerializer(StrictSerializer):
    """Figures of a year; every amount in the same currency."""

    pretax_income = MoneyField(required=False, allow_null=True, allow_zero=True, allow_negative=True)
    mlr_numerator = MoneyField(required=False, allow_null=True, allow_zero=True)
    mlr_denominator = MoneyField(required=False, allow_null=True)
    gross_premium = MoneyField(required=False, allow_null=True, allow_zero=True)
    mlr_rebate_reinvested = MoneyField(required=False, allow_null=True, allow_zero=True,
                                       help_text="Of an MLR rebate the plan may keep: the part reinvested.")
    mlr_rebate_returned = MoneyField(required=False, allow_null=True, allow_zero=True,
                                     help_text="Of an MLR rebate the plan may keep: the part returned.")
    quality_standards_met = serializers.BooleanField(required=False)
    quality_measures_missed = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50)

    MONEY = ("total_revenue", "net_income", "pretax_income", "mlr_numerator", "mlr_denominator",
             "gross_premium", "mlr_rebate_reinvested", "mlr_rebate_returned")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        currencies = {str(v.currency) for k, v in attrs.items() if k in self.MONEY and v is not None}
        if len(currencies) > 1:
            raise serializers.ValidationError("Give every amount of a year in one currency.")
        attrs["_currency"] = currencies.pop() if currencies else None
        year: PlanFinancialYear | None = self.context.get("object")
        if year is not None:
            _same_currency(year, attrs["_currency"])
        return attrs

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in super().service_kwargs().items() if not k.startswith("_")}


class FinancialYearCreateSerializer(FiguresSerializer):
    plan = plan_field()
    income_year = serializers.IntegerField(min_value=1990, max_value=2200)
    line_of_business = serializers.CharField(
        max_length=30, required=False,
        help_text="Code of the line of business, e.g. medi-cal, covered-california, calpers-hmo; "
                  "default: the plan's state's Medicaid line.")
    total_revenue = MoneyField(allow_zero=True)
    net_income = MoneyField(allow_zero=True, allow_negative=True)

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "currency": self.validated_data["_currency"]}


class FinancialYearAmendSerializer(FiguresSerializer):
    reason = serializers.CharField(max_length=2000)
    total_revenue = MoneyField(required=False, allow_zero=True)
    net_income = MoneyField(required=False, allow_zero=True, allow_negative=True)


class FinancialYearUpdateSerializer(FiguresSerializer):
    """Figures to change on a draft or submitted year (only those given change)."""

    total_revenue = MoneyField(required=False, allow_zero=True)
    net_income = MoneyField(required=False, allow_zero=True, allow_negative=True)


class CountyFigureSerializer(StrictSerializer):
    county = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(),
                                          help_text="County FIPS code.")
    revenue = MoneyField(allow_zero=True)
    net_income = MoneyField(allow_zero=True, allow_negative=True)


class CountyFinancialsSerializer(StrictSerializer):
    counties = CountyFigureSerializer(many=True, max_length=100,
                                      help_text="Replaces every county's figures of the year.")

    def validate_counties(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[str] = set()
        for row in value:
            if row["county"].fips in seen:
                raise serializers.ValidationError(f"County {row['county'].fips} is given twice.")
            seen.add(row["county"].fips)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for currency in {str(r[k].currency) for r in attrs["counties"] for k in ("revenue", "net_income")}:
            _same_currency(self.context["object"], currency)
        return attrs

    def service_kwargs(self) -> dict[str, Any]:
        return {"figures": {r["county"]: (r["revenue"].amount, r["net_income"].amount)
                            for r in self.validated_data["counties"]}}


class CountyFinancialOut(serializers.Serializer):
    county = serializers.CharField(source="county.fips")
    name = serializers.CharField(source="county.name")
    revenue = MoneyField()
    net_income = MoneyField()


def _same_currency(year: PlanFinancialYear, currency: str | None) -> None:
    if currency is not None and currency != year.currency:
        raise serializers.ValidationError({"non_field_errors": [f"Amounts must be in {year.currency}."]})


class ComputeObligationSerializer(StrictSerializer):
    policy = serializers.CharField(max_length=30, help_text="Policy code, e.g. CA-DHCS.")

    def service_kwargs(self) -> dict[str, Any]:
        return {"policy_code": self.validated_data["policy"]}


class ObligationSerializer(serializers.ModelSerializer):
    total = MoneyField()
    mlr_remittance = MoneyField()

    class Meta:
        model = Obligation
        fields = ["id", "plan", "financial_year", "income_year", "policy_code", "policy_version", "currency",
                  "total", "mlr_remittance", "window_start", "window_end", "deadline", "status",
                  "computed_at", "frozen_at"]
        read_only_fields = fields


class FinancialYearViewSet(ListCreateRetrieveViewSet, mixins.UpdateModelMixin):
    """A plan's annual results: record (draft), edit (PATCH, while draft or submitted), set the
    county figures, submit, lock, amend, and compute obligations."""

    serializer_class = FinancialYearSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_fields = {
        "plan": Filter("plan_id", "integer"),
        "income_year": Filter("income_year", "integer", minimum=0, maximum=32767),
        "status": Filter("status", "choice", choices=FinancialYearStatus.values),
    }
    ordering_fields = ["income_year", "created_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", PlanFinancialYear.objects.all()) \
            .order_by("-income_year", "-id")

    @extend_schema(request=FinancialYearCreateSerializer, responses={201: FinancialYearSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.financial_year_create, input=FinancialYearCreateSerializer,
                          output=FinancialYearSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=FinancialYearUpdateSerializer, responses={200: FinancialYearSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.financial_year_update, target="financial_year",
                          input=FinancialYearUpdateSerializer, output=FinancialYearSerializer)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # PUT is not offered
        return self.http_method_not_allowed(request)

    @extend_schema(request=CountyFinancialsSerializer, responses={200: CountyFinancialOut(many=True)})
    @action(detail=True, methods=["post"], url_path="county-financials")
    def county_financials(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.county_financials_set, target="financial_year",
                          input=CountyFinancialsSerializer, output=lambda saved: CountyFinancialOut(saved, many=True).data)

    @extend_schema(request=None, responses={200: FinancialYearSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.financial_year_submit, target="financial_year",
                          output=FinancialYearSerializer)

    @extend_schema(request=None, responses={200: FinancialYearSerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.financial_year_lock, target="financial_year",
                          output=FinancialYearSerializer)

    @extend_schema(request=FinancialYearAmendSerializer, responses={201: FinancialYearSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.financial_year_amend, target="financial_year",
                          input=FinancialYearAmendSerializer, output=FinancialYearSerializer,
                          status=status.HTTP_201_CREATED)

    @extend_schema(request=ComputeObligationSerializer, responses={200: ObligationSerializer})
    @action(detail=True, methods=["post"], url_path="compute-obligation")
    def compute_obligation(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.obligation_compute, target="financial_year",
                          input=ComputeObligationSerializer, output=ObligationSerializer)


# --- policies ------------------------------------------------------------------------------


class PolicyBracketOut(serializers.Serializer):
    position = serializers.IntegerField()
    lower_kind = serializers.CharField()
    lower_value = serializers.CharField(allow_null=True)
    upper_kind = serializers.CharField()
    upper_value = serializers.CharField(allow_null=True)
    rate = serializers.CharField(help_text="Decimal rate as a string, e.g. 0.05.")


class PolicyEarmarkOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    minimum_share = serializers.CharField()
    domains = serializers.ListField(child=serializers.CharField())
    requires_cha_chip_alignment = serializers.BooleanField()
    requires_equity_partner = serializers.BooleanField()


class PolicySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    jurisdiction = serializers.CharField()
    currency = serializers.CharField()
    effective_from_year = serializers.IntegerField()
    effective_to_year = serializers.IntegerField(allow_null=True)
    basis = serializers.CharField()
    brackets = PolicyBracketOut(many=True)
    quality_addon_rate = serializers.CharField()
    quality_measures = serializers.JSONField()
    floor = serializers.CharField(allow_null=True)
    cap = serializers.CharField(allow_null=True)
    mlr_minimum = serializers.CharField(allow_null=True)
    mlr_remittance_required = serializers.BooleanField()
    allocation_basis = serializers.CharField()
    window_start_offset = serializers.IntegerField()
    window_end_offset = serializers.IntegerField()
    on_track_min_pace = serializers.CharField()
    earmarks = PolicyEarmarkOut(many=True)
    source_citation = serializers.CharField()

    def to_representation(self, instance: ReinvestmentPolicy) -> Any:
        return super().to_representation({"id": instance.pk, **selectors.policy_snapshot(instance)})


class PolicyViewSet(ReadOnlyViewSet):
    """Reinvestment policy versions (reference data every signed-in user may read)."""

    serializer_class = PolicySerializer
    filter_fields = {"code": Filter("code"), "jurisdiction": Filter("jurisdiction")}
    ordering_fields = ["code", "version", "effective_from_year"]

    def get_queryset(self) -> Any:
        return selectors.policies_list().prefetch_related("brackets", "earmarks")


# --- allocations ---------------------------------------------------------------------------


class AllocationSerializer(serializers.Serializer):
    """Part of a payment counted toward one obligation; ``source`` names the payment in words."""

    id = serializers.IntegerField()
    obligation = serializers.IntegerField(source="obligation_id")
    credit = serializers.IntegerField(source="credit_id")
    source = serializers.SerializerMethodField(
        help_text='The payment in words, e.g. "Contribution payment of 2026-01-15 to Imperial Valley Wellness Fund".')
    source_kind = serializers.CharField(source="credit.source")
    county = serializers.CharField(source="county.name")
    credited_on = serializers.DateField()
    amount = MoneyField()
    automatic = serializers.SerializerMethodField(help_text="Allocated by the automatic rule (else by a person).")
    reason = serializers.CharField()

    def get_source(self, allocation: FulfilmentAllocation) -> str:
        words = self.context.get("words") or describe([allocation.credit])
        return words[allocation.credit_id]

    def get_automatic(self, allocation: FulfilmentAllocation) -> bool:
        return allocation.rule_id is not None


class ObligationAllocationsOut(serializers.Serializer):
    obligation = serializers.IntegerField()
    required = MoneyField()
    allocated = MoneyField()
    remaining = MoneyField()
    allocations = AllocationSerializer(many=True)


class AllocationMoveSerializer(StrictSerializer):
    """Move ``amount`` of the allocation to ``obligation`` (an obligation of the same plan)."""

    obligation = serializers.IntegerField(help_text="Id of the obligation to move the amount to.")
    amount = MoneyField()
    reason = serializers.CharField(max_length=2000, allow_blank=True, help_text="Why the money is moved (audited).")

    def service_kwargs(self) -> dict[str, Any]:
        allocation: FulfilmentAllocation = self.context["object"]
        request = self.context["request"]
        target = access.scoped(request.user, "view", Obligation.objects.filter(plan_id=allocation.plan_id)) \
            .filter(pk=self.validated_data["obligation"]).first()
        if target is None:  # another plan's obligation is the same as none
            raise exceptions.NotFound()
        amount = self.validated_data["amount"]
        if str(amount.currency) != str(allocation.amount.currency):
            raise serializers.ValidationError({"amount": [f"Give the amount in {allocation.amount.currency}."]})
        return {"obligation": target, "amount": amount.amount, "reason": self.validated_data["reason"]}


class AllocationViewSet(ReadOnlyViewSet):
    """Allocations of a plan's payments to its obligations (each part counts toward one obligation);
    plan finance moves an amount to another obligation with a reason."""

    serializer_class = AllocationSerializer
    filter_fields = {"plan": Filter("plan_id", "integer"), "obligation": Filter("obligation_id", "integer")}
    ordering_fields = ["credited_on"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", FulfilmentAllocation.objects.all()) \
            .select_related("credit", "credit__payee", "county").order_by("credited_on", "id")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        page = getattr(self, "_page_rows", None)
        if page is not None:
            context["words"] = describe([a.credit for a in page])
        return context

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        self._page_rows = page if page is not None else list(queryset)
        return page

    @extend_schema(request=AllocationMoveSerializer, responses={200: AllocationSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.allocation_move, target="allocation",
                          input=AllocationMoveSerializer, output=AllocationSerializer)


def obligation_allocations(obligation: Obligation) -> dict[str, Any]:
    """The body of ``GET /api/obligations/<id>/allocations/`` (three queries at most)."""
    rows = list(selectors.allocations_for_obligation(obligation))
    words = describe([a.credit for a in rows])
    cur = obligation.currency
    allocated = sum((a.amount.amount for a in rows), Decimal("0.00"))
    required = obligation.total.amount
    return {
        "obligation": obligation.pk,
        "required": money_json(Money(required, cur)),
        "allocated": money_json(Money(allocated, cur)),
        "remaining": money_json(Money(max(required - allocated, Decimal("0.00")), cur)),
        "allocations": AllocationSerializer(rows, many=True, context={"words": words}).data,
    }


# --- obligations ---------------------------------------------------------------------------


class ExplanationLineOut(serializers.Serializer):
    text = serializers.CharField()
    amount = MoneyField()


class CountyAllocationOut(serializers.Serializer):
    county = serializers.CharField()
    fips = serializers.CharField()
    weight = serializers.CharField(help_text="Member months, revenue or net income (policy's basis).")
    allocated = MoneyField()
    fulfilled = MoneyField()
    remaining = MoneyField()


class EarmarkProgressOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    minimum_share = serializers.CharField()
    required = MoneyField()
    fulfilled = MoneyField()
    remaining = MoneyField()
    met = serializers.BooleanField()


class ObligationDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField()
    income_year = serializers.IntegerField()
    policy = serializers.CharField()
    version = serializers.IntegerField()
    policy_name = serializers.CharField()
    source_citation = serializers.CharField()
    currency = serializers.CharField()
    obligation_status = serializers.ChoiceField(choices=ObligationStatus.choices)
    computed_at = serializers.DateTimeField()
    frozen_at = serializers.DateTimeField(allow_null=True)
    total = MoneyField()
    lines = ExplanationLineOut(many=True)
    mlr_remittance = MoneyField()
    mlr_lines = ExplanationLineOut(many=True)
    mlr_remittance_fund_code = serializers.CharField()
    as_of = serializers.DateField()
    fulfilled = MoneyField()
    remaining = MoneyField()
    percent = serializers.CharField(help_text="Fulfilled share in percent, 2 decimals.")
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=PROGRESS, help_text="Fulfilment progress as of as_of.")
    counties = CountyAllocationOut(many=True)
    earmarks = EarmarkProgressOut(many=True)


def _summary_json(summary: dict[str, Any]) -> dict[str, Any]:
    cur = summary["currency"]

    def m(value: Decimal) -> dict[str, str] | None:
        return money_json(Money(value, cur))

    out = dict(summary)
    out["plan"] = out.pop("plan_id")
    for key in ("total", "mlr_remittance", "fulfilled", "remaining"):
        out[key] = m(summary[key])
    out["percent"] = str(summary["percent"])
    out["lines"] = [{"text": x["text"], "amount": m(x["amount"])} for x in summary["lines"]]
    out["mlr_lines"] = [{"text": x["text"], "amount": m(x["amount"])} for x in summary["mlr_lines"]]
    out["counties"] = [
        {"county": c["county"], "fips": c["fips"], "weight": str(c["weight"]),
         "allocated": m(c["allocated"]), "fulfilled": m(c["fulfilled"]), "remaining": m(c["remaining"])}
        for c in summary["counties"]
    ]
    out["earmarks"] = [
        {"code": e["code"], "label": e["label"], "minimum_share": str(e["minimum_share"]),
         "required": m(e["required"]), "fulfilled": m(e["fulfilled"]), "remaining": m(e["remaining"]),
         "met": e["met"]}
        for e in summary["earmarks"]
    ]
    return out


class ObligationViewSet(ReadOnlyViewSet):
    """Obligations computed from financial years; the detail explains each step and each county."""

    serializer_class = ObligationSerializer
    filter_fields = {
        "plan": Filter("plan_id", "integer"),
        "income_year": Filter("income_year", "integer", minimum=0, maximum=32767),
        "policy": Filter("policy_code"),
        "status": Filter("status", "choice", choices=ObligationStatus.values),
    }
    ordering_fields = ["income_year", "computed_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", Obligation.objects.all()) \
            .order_by("-income_year", "policy_code", "id")

    @extend_schema(
        parameters=[OpenApiParameter("as_of", dt.date, description="Fulfilment counted up to this day "
                                                                   "(default: today).")],
        responses={200: ObligationDetailSerializer},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obligation = self.get_object()
        raw = request.query_params.get("as_of")
        as_of = Filter("as_of", "date").parse("as_of", raw) if raw else timezone.localdate()
        return Response(_summary_json(selectors.obligation_summary(obligation, as_of)))

    @extend_schema(request=None, responses={200: ObligationAllocationsOut})
    @action(detail=True, methods=["get"])
    def allocations(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The payments counted toward the obligation, each with its source in words."""
        return Response(obligation_allocations(self.get_object()))


# --- direct investments --------------------------------------------------------------------


class DirectInvestmentSerializer(serializers.ModelSerializer):
    payee = serializers.SlugRelatedField(slug_field="code", read_only=True)
    county = serializers.SlugRelatedField(slug_field="fips", read_only=True)
    amount = MoneyField()

    class Meta:
        model = DirectInvestment
        fields = ["id", "plan", "payee", "operated_by_plan", "purpose", "county", "domain", "paid_on", "amount",
                  "cha_chip_aligned", "cac_consulted", "income_year", "policy_code", "recorded_at"]
        read_only_fields = fields


class DirectInvestmentCreateSerializer(StrictSerializer):
    plan = plan_field()
    payee = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="Code of the community organization paid; omitted when the plan operates the program itself.")
    operated_by_plan = serializers.BooleanField(
        required=False, default=False,
        help_text="A program the plan runs itself (a vaccination van, a promotores program); its payee is the plan.")
    purpose = serializers.CharField(max_length=255)
    county = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(),
                                          help_text="County FIPS code.")
    domain = serializers.ChoiceField(choices=SocialDriverDomain.choices)
    paid_on = DateField()
    amount = MoneyField()
    cha_chip_aligned = serializers.BooleanField()
    cac_consulted = serializers.BooleanField()
    income_year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2200)
    policy_code = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        data["currency"] = str(self.validated_data["amount"].currency)
        return data


class DirectInvestmentViewSet(ListCreateRetrieveViewSet):
    """Money a plan paid straight to a community organization, or spent on a program it operates itself
    (credited to its obligation)."""

    serializer_class = DirectInvestmentSerializer
    filter_fields = {
        "plan": Filter("plan_id", "integer"),
        "income_year": Filter("income_year", "integer", minimum=0, maximum=32767),
        "domain": Filter("domain", "choice", choices=SocialDriverDomain.values),
        "county": Filter("county__fips", description="County FIPS code."),
    }
    ordering_fields = ["paid_on", "recorded_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", DirectInvestment.objects.all()) \
            .select_related("payee", "county").order_by("-paid_on", "-id")

    @extend_schema(request=DirectInvestmentCreateSerializer, responses={201: DirectInvestmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.direct_investment_record, input=DirectInvestmentCreateSerializer,
                          output=DirectInvestmentSerializer, status=status.HTTP_201_CREATED)
