"""Plan financial years, member months, policies, obligations and direct investments.

Thin: each endpoint parses input and calls ``reinvestment.services`` or
reads through its selectors; the rules (who may, what is valid, what follows) live there.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from moneyed import Money
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from organizations import access
from organizations.models import County, Organization, OrganizationKind
from reinvestment import selectors, services
from reinvestment.models import (
    DirectInvestment,
    FinancialYearStatus,
    MemberMonth,
    Obligation,
    ObligationStatus,
    PlanFinancialYear,
    ReinvestmentPolicy,
    SocialDriverDomain,
)

from .fields import MoneyField, money_json
from .filters import Filter
from .parsers import CSVTextParser, LimitedMultiPartParser
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet, ReadOnlyViewSet

PROGRESS = ["on_track", "at_risk", "shortfall", "met"]
PLANS = Organization.objects.filter(kind=OrganizationKind.PLAN)


def _plan_field(**kwargs: Any) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(queryset=PLANS, help_text="Id of the plan (an organization).", **kwargs)


def _amount(value: Money | None) -> Decimal | None:
    return None if value is None else value.amount


# --- financial years -----------------------------------------------------------------------


class FinancialYearSerializer(serializers.ModelSerializer):
    total_revenue = MoneyField()
    net_income = MoneyField()
    pretax_income = MoneyField(allow_null=True)
    mlr_numerator = MoneyField(allow_null=True)
    mlr_denominator = MoneyField(allow_null=True)
    gross_premium = MoneyField(allow_null=True)
    quality_measures_missed = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = PlanFinancialYear
        fields = ["id", "plan", "income_year", "currency", "status", "total_revenue", "net_income",
                  "pretax_income", "mlr_numerator", "mlr_denominator", "gross_premium",
                  "quality_standards_met", "quality_measures_missed", "supersedes", "amendment_reason",
                  "submitted_at", "locked_at", "created_at"]
        read_only_fields = fields


class FiguresSerializer(StrictSerializer):
    """Figures of a year; every amount in the same currency."""

    pretax_income = MoneyField(required=False, allow_null=True, allow_zero=True, allow_negative=True)
    mlr_numerator = MoneyField(required=False, allow_null=True, allow_zero=True)
    mlr_denominator = MoneyField(required=False, allow_null=True)
    gross_premium = MoneyField(required=False, allow_null=True, allow_zero=True)
    quality_standards_met = serializers.BooleanField(required=False)
    quality_measures_missed = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50)

    MONEY = ("total_revenue", "net_income", "pretax_income", "mlr_numerator", "mlr_denominator",
             "gross_premium")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        currencies = {str(v.currency) for k, v in attrs.items() if k in self.MONEY and v is not None}
        if len(currencies) > 1:
            raise serializers.ValidationError("Give every amount of a year in one currency.")
        attrs["_currency"] = currencies.pop() if currencies else None
        return attrs

    def figures(self) -> dict[str, Any]:
        return {k: (_amount(v) if k in self.MONEY else v)
                for k, v in self.validated_data.items() if not k.startswith("_")}


class FinancialYearCreateSerializer(FiguresSerializer):
    plan = _plan_field()
    income_year = serializers.IntegerField(min_value=1990, max_value=2200)
    total_revenue = MoneyField(allow_zero=True)
    net_income = MoneyField(allow_zero=True, allow_negative=True)


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

    def _respond(self, year: PlanFinancialYear, code: int = status.HTTP_200_OK) -> Response:
        return Response(FinancialYearSerializer(year).data, status=code)

    @extend_schema(request=FinancialYearCreateSerializer, responses={201: FinancialYearSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = FinancialYearCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        figures = incoming.figures()
        plan, income_year = figures.pop("plan"), figures.pop("income_year")
        year = services.financial_year_create(
            actor=request.user, plan=plan, income_year=income_year,
            currency=incoming.validated_data["_currency"], **figures,
        )
        return self._respond(year, status.HTTP_201_CREATED)

    @extend_schema(request=FinancialYearUpdateSerializer, responses={200: FinancialYearSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year = self.get_object()
        incoming = FinancialYearUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        _same_currency(year, incoming.validated_data["_currency"])
        return self._respond(services.financial_year_update(actor=request.user, financial_year=year,
                                                            **incoming.figures()))

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # PUT is not offered
        return self.http_method_not_allowed(request)

    @extend_schema(request=CountyFinancialsSerializer, responses={200: CountyFinancialOut(many=True)})
    @action(detail=True, methods=["post"], url_path="county-financials")
    def county_financials(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year = self.get_object()
        incoming = CountyFinancialsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rows = incoming.validated_data["counties"]
        for currency in {str(r[k].currency) for r in rows for k in ("revenue", "net_income")}:
            _same_currency(year, currency)
        saved = services.county_financials_set(
            actor=request.user, financial_year=year,
            figures={r["county"]: (r["revenue"].amount, r["net_income"].amount) for r in rows})
        return Response(CountyFinancialOut(saved, many=True).data)

    @extend_schema(request=None, responses={200: FinancialYearSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(services.financial_year_submit(actor=request.user, financial_year=self.get_object()))

    @extend_schema(request=None, responses={200: FinancialYearSerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(services.financial_year_lock(actor=request.user, financial_year=self.get_object()))

    @extend_schema(request=FinancialYearAmendSerializer, responses={201: FinancialYearSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year = self.get_object()
        incoming = FinancialYearAmendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        _same_currency(year, incoming.validated_data["_currency"])
        figures = incoming.figures()
        reason = figures.pop("reason")
        new = services.financial_year_amend(actor=request.user, financial_year=year, reason=reason, **figures)
        return self._respond(new, status.HTTP_201_CREATED)

    @extend_schema(request=ComputeObligationSerializer, responses={200: ObligationSerializer})
    @action(detail=True, methods=["post"], url_path="compute-obligation")
    def compute_obligation(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year = self.get_object()
        incoming = ComputeObligationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        obligation = services.obligation_compute(
            actor=request.user, financial_year=year, policy_code=incoming.validated_data["policy"])
        return Response(ObligationSerializer(obligation).data)


# --- member months -------------------------------------------------------------------------


class MemberMonthSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="fips", read_only=True)

    class Meta:
        model = MemberMonth
        fields = ["id", "plan", "county", "month", "member_months"]
        read_only_fields = fields


class MemberMonthRowSerializer(StrictSerializer):
    county = serializers.CharField(max_length=80, help_text="FIPS code or county name.")
    month = serializers.RegexField(r"^\d{4}-\d{2}(-01)?$", help_text="YYYY-MM (or the 1st: YYYY-MM-01).")
    member_months = serializers.IntegerField(min_value=0, max_value=2_000_000_000)


class MemberMonthImportSerializer(StrictSerializer):
    plan = _plan_field()
    year = serializers.IntegerField(min_value=1990, max_value=2200)
    rows = MemberMonthRowSerializer(many=True, allow_empty=False, max_length=5000)


class ImportRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the row in the request (from 0).")
    ok = serializers.BooleanField()
    message = serializers.CharField()


class MemberMonthImportResultSerializer(serializers.Serializer):
    written = serializers.IntegerField(help_text="Rows that changed (new or a different count).")
    rows = ImportRowSerializer(many=True)


class MemberMonthUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="CSV with the header plan,county,month,member_months.")


class UploadParamsSerializer(StrictSerializer):
    plan = _plan_field()
    year = serializers.IntegerField(min_value=1990, max_value=2200, help_text="Income year of the rows.")


class CSVRowOut(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line of the CSV (the header is line 1).")
    ok = serializers.BooleanField()
    message = serializers.CharField()


class MemberMonthUploadResultSerializer(serializers.Serializer):
    written = serializers.IntegerField(help_text="Rows that changed (new or a different count).")
    rows = CSVRowOut(many=True)


def _csv_text(request: Request) -> str:
    """The CSV of an upload: a text/csv body, or the ``file`` part of a multipart form."""
    if isinstance(request.data, str):
        return request.data
    incoming = MemberMonthUploadSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    raw = incoming.validated_data["file"].read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise serializers.ValidationError({"file": ["The file is not UTF-8 text."]}) from exc


class MemberMonthViewSet(ReadOnlyViewSet):
    """Enrollment by county and month; replaced in bulk by an import (all rows or none)."""

    serializer_class = MemberMonthSerializer
    filter_fields = {
        "plan": Filter("plan_id", "integer"),
        "county": Filter("county__fips", description="County FIPS code."),
        "year": Filter("month__year", "integer", minimum=1, maximum=9999),
    }
    ordering_fields = ["month", "member_months"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", MemberMonth.objects.all()) \
            .select_related("county").order_by("month", "county__name", "id")

    @extend_schema(request=MemberMonthImportSerializer, responses={200: MemberMonthImportResultSerializer})
    @action(detail=False, methods=["post"], url_path="import")
    def import_rows(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = MemberMonthImportSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        plan = data["plan"]
        rows = [{"plan": plan.code, "county": r["county"], "month": r["month"][:7],
                 "member_months": str(r["member_months"])} for r in data["rows"]]
        try:
            report = services.member_months_import(actor=request.user, plan=plan, year=data["year"], rows=rows)
        except services.MemberMonthImportError as exc:
            raise serializers.ValidationError({"rows": {
                str(r.line - 2): [serializers.ErrorDetail(r.message, code="invalid")]
                for r in exc.report.errors
            }}) from exc
        return Response({"written": report.written,
                         "rows": [{"index": r.line - 2, "ok": r.ok, "message": r.message} for r in report.rows]})

    @extend_schema(
        parameters=[OpenApiParameter("plan", int, required=True, description="Id of the plan."),
                    OpenApiParameter("year", int, required=True, description="Income year of the rows.")],
        request={"multipart/form-data": MemberMonthUploadSerializer, "text/csv": OpenApiTypes.STR},
        responses={200: MemberMonthUploadResultSerializer},
        description="Upload a member-month CSV (see the import rules): every row is checked; if any row is "
                    "bad nothing is written and the error lists each bad line under ``lines.<n>``.",
    )
    @action(detail=False, methods=["post"], url_path="upload",
            parser_classes=[LimitedMultiPartParser, CSVTextParser])
    def upload(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = UploadParamsSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        plan, year = params.validated_data["plan"], params.validated_data["year"]
        try:
            rows = services.read_csv(_csv_text(request))
        except csv.Error as exc:  # NUL bytes, a field over the csv module's size limit...
            raise serializers.ValidationError({"file": [f"The file is not readable CSV: {exc}."]}) from exc
        try:
            report = services.member_months_import(actor=request.user, plan=plan, year=year, rows=rows)
        except services.MemberMonthImportError as exc:
            if not exc.report.errors:
                raise serializers.ValidationError({"file": ["The file has no rows."]}) from exc
            error = serializers.ValidationError({"lines": {
                str(r.line): [serializers.ErrorDetail(r.message, code="invalid")] for r in exc.report.errors
            }})
            error.message = f"{len(exc.report.errors)} of {len(exc.report.rows)} rows are invalid; " \
                            "nothing was written."  # type: ignore[attr-defined]
            raise error from exc
        return Response({"written": report.written,
                         "rows": [{"line": r.line, "ok": r.ok, "message": r.message} for r in report.rows]})


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


# --- direct investments --------------------------------------------------------------------


class DirectInvestmentSerializer(serializers.ModelSerializer):
    payee = serializers.SlugRelatedField(slug_field="code", read_only=True)
    county = serializers.SlugRelatedField(slug_field="fips", read_only=True)
    amount = MoneyField()

    class Meta:
        model = DirectInvestment
        fields = ["id", "plan", "payee", "purpose", "county", "domain", "paid_on", "amount",
                  "cha_chip_aligned", "cac_consulted", "income_year", "policy_code", "recorded_at"]
        read_only_fields = fields


class DirectInvestmentCreateSerializer(StrictSerializer):
    plan = _plan_field()
    payee = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.filter(is_active=True),
        help_text="Code of the community organization paid.")
    purpose = serializers.CharField(max_length=255)
    county = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(),
                                          help_text="County FIPS code.")
    domain = serializers.ChoiceField(choices=SocialDriverDomain.choices)
    paid_on = serializers.DateField()
    amount = MoneyField()
    cha_chip_aligned = serializers.BooleanField()
    cac_consulted = serializers.BooleanField()
    income_year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2200)
    policy_code = serializers.CharField(required=False, allow_blank=True, max_length=30)


class DirectInvestmentViewSet(ListCreateRetrieveViewSet):
    """Money a plan paid straight to a community organization (credited to its obligation)."""

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
        incoming = DirectInvestmentCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        amount: Money = data.pop("amount")
        investment = services.direct_investment_record(
            actor=request.user, amount=amount.amount, currency=str(amount.currency), **data)
        return Response(DirectInvestmentSerializer(investment).data, status=status.HTTP_201_CREATED)
