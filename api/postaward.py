"""After the award: tranche release and payment, grantee reports, roll-ups (amendments and
close-out are actions of the award, ``api/awards.py``).

Thin: input is parsed here and handed to ``grants.services`` (disbursements, reports); reads go
through ``grants.selectors`` (report detail, roll-ups). Who may act is decided there: the fund
administrator of the fund's ACH releases, pays and reviews reports; the grantee's CBO staff write
and submit reports.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from moneyed import Money
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grants import services
from grants.models import (
    Disbursement,
    ReportSchedule,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from grants.selectors import reports as report_selectors
from grants.selectors import rollups
from organizations import access

from .actions import run_action
from .fields import DateField, MoneyField, WholeNumberField, line_amounts, money_json
from .filters import Filter
from .serializers import StrictSerializer
from .views import ReadOnlyViewSet

DECIMAL = r"^-?\d{1,12}(\.\d{1,2})?$"


def _m(value: Decimal | None, currency: str = "USD") -> dict[str, str] | None:
    return None if value is None else money_json(Money(value, currency))


# --- tranches and disbursements ------------------------------------------------------------


class TrancheSerializer(serializers.ModelSerializer):
    amount = MoneyField()
    basis = serializers.CharField(help_text="percent or fixed.")
    status = serializers.CharField(help_text="scheduled, released, paid or cancelled.")
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True, allow_null=True)
    requires_report = serializers.IntegerField(source="requires_report.number", allow_null=True, default=None,
                                               help_text="Number of the report that must be accepted first.")
    paid_on = serializers.SerializerMethodField()

    class Meta:
        model = Tranche
        fields = ["id", "award", "number", "basis", "percent", "amount", "due_on", "requires_report", "status",
                  "released_at", "paid_on"]
        read_only_fields = fields

    def get_paid_on(self, tranche: Tranche) -> dt.date | None:
        disbursement = getattr(tranche, "disbursement", None)
        return disbursement.paid_on if disbursement else None


class DisbursementSerializer(serializers.ModelSerializer):
    amount = MoneyField()

    class Meta:
        model = Disbursement
        fields = ["id", "award", "tranche", "paid_on", "amount", "payment_reference", "transaction", "recorded_at"]
        read_only_fields = fields


class DisbursementRecordSerializer(StrictSerializer):
    paid_on = DateField()
    amount = MoneyField(help_text="The tranche's amount.")
    payment_reference = serializers.CharField(max_length=120, help_text="Bank transfer or check number.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        tranche: Tranche = self.context["object"]
        if str(attrs["amount"].currency) != str(tranche.amount.currency):
            raise serializers.ValidationError({"amount": f"The award is in {tranche.amount.currency}."})
        return attrs


class TrancheViewSet(ReadOnlyViewSet):
    """Payment tranches of awards: the fund administrator releases a tranche, then records its payment."""

    serializer_class = TrancheSerializer
    filter_fields = {"award": Filter("award_id", "integer"),
                     "status": Filter("status", "choice", choices=TrancheStatus.values)}
    ordering_fields = ["due_on", "number"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", Tranche.objects.all()) \
            .select_related("requires_report", "disbursement").order_by("award_id", "number", "id")

    @extend_schema(request=None, responses={200: TrancheSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.tranche_release, target="tranche", output=TrancheSerializer,
                          reread=True)

    @extend_schema(request=DisbursementRecordSerializer, responses={201: DisbursementSerializer})
    @action(detail=True, methods=["post"])
    def disburse(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.disbursement_record, target="tranche",
                          input=DisbursementRecordSerializer, output=DisbursementSerializer,
                          status=status.HTTP_201_CREATED)


# --- grantee reports -------------------------------------------------------------------------


class ReportRowSerializer(serializers.Serializer):
    report_id = serializers.IntegerField()
    award_id = serializers.IntegerField()
    grantee = serializers.CharField()
    number = serializers.IntegerField()
    kind = serializers.CharField(help_text="progress or final.")
    status = serializers.CharField(help_text="due, submitted, returned or accepted.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()
    late = serializers.BooleanField()
    overdue = serializers.BooleanField()


class BudgetRowOut(serializers.Serializer):
    number = serializers.IntegerField()
    category = serializers.CharField()
    description = serializers.CharField()
    budget = MoneyField()
    spent_period = MoneyField()
    spent_to_date = MoneyField()
    remaining = MoneyField()
    percent_spent = serializers.CharField(help_text="Percent of the budget spent to date, 2 decimals.")
    variance = MoneyField(help_text="Spent to date - expected by the end of the period (positive: ahead).")


class MetricOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    actual = serializers.CharField(allow_null=True)


class PeopleCellOut(serializers.Serializer):
    category = serializers.CharField()
    count = serializers.IntegerField()


class ReportEventOut(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)


class ReportDetailSerializer(ReportRowSerializer):
    progress = serializers.CharField(allow_blank=True)
    successes = serializers.CharField(allow_blank=True)
    challenges = serializers.CharField(allow_blank=True)
    total_served = serializers.IntegerField(allow_null=True)
    review_comment = serializers.CharField(allow_blank=True)
    budget = BudgetRowOut(many=True)
    metrics = MetricOut(many=True)
    people = serializers.DictField(child=PeopleCellOut(many=True), help_text="Dimension -> counts by category.")
    history = ReportEventOut(many=True)


class MetricIn(StrictSerializer):
    actual = serializers.RegexField(DECIMAL, required=False, allow_null=True, help_text="Decimal string.")
    target = serializers.RegexField(DECIMAL, required=False, allow_null=True, help_text="Decimal string.")


class ReportDraftSerializer(StrictSerializer):
    progress = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    successes = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    challenges = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    total_served = WholeNumberField(min_value=0, max_value=100_000_000, required=False)
    expenditures = serializers.DictField(child=MoneyField(allow_zero=True), required=False,
                                         help_text="Budget line number -> spent in the period (replaces all).")
    metrics = serializers.DictField(child=MetricIn(), required=False,
                                    help_text="Metric code -> actual (and target); replaces all.")
    people = serializers.DictField(child=serializers.DictField(child=WholeNumberField(min_value=0,
                                                                                      max_value=100_000_000)),
                                   required=False, help_text="Dimension -> {category: people}; replaces all.")

    def validate_expenditures(self, value: dict[str, Money]) -> dict[int, Decimal]:
        return line_amounts(value)


class ReviewCommentSerializer(StrictSerializer):
    comment = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class RevisionRequestSerializer(StrictSerializer):
    comment = serializers.CharField(max_length=20000, help_text="What needs to be revised.")


def _detail_json(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    out["budget"] = [{**row, **{k: _m(row[k]) for k in ("budget", "spent_period", "spent_to_date", "remaining",
                                                        "variance")},
                      "percent_spent": str(row["percent_spent"])} for row in data["budget"]]
    out["metrics"] = [{**m, "target": None if m["target"] is None else str(m["target"]),
                       "actual": None if m["actual"] is None else str(m["actual"])} for m in data["metrics"]]
    out["history"] = [{k: e[k] for k in ("kind", "at", "actor", "comment")} for e in data["history"]]
    return out


class GranteeReportViewSet(ReadOnlyViewSet, mixins.UpdateModelMixin):
    """Grantee reports due under awards: the grantee saves a draft (PATCH) and submits it; the fund
    administrator accepts it or asks for a revision (then it is edited and submitted again)."""

    serializer_class = ReportRowSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_fields = {"award": Filter("award_id", "integer"),
                     "status": Filter("status", "choice", choices=ReportStatus.values)}
    ordering_fields = ["due_on", "number"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", ReportSchedule.objects.all()) \
            .select_related("award__grantee", "content").prefetch_related("content__events") \
            .order_by("due_on", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        today = timezone.localdate()
        rows = [{"report_id": s.pk, "award_id": s.award_id, "grantee": str(s.award.grantee), "number": s.number,
                 "kind": s.kind, "status": s.status, "period_start": s.period_start, "period_end": s.period_end,
                 "due_on": s.due_on, **report_selectors.lateness(s, getattr(s, "content", None), today)}
                for s in page]
        return self.get_paginated_response(ReportRowSerializer(rows, many=True).data)

    def _detail(self, schedule: ReportSchedule) -> dict[str, Any]:
        return _detail_json(report_selectors.report_detail(user=self.request.user, pk=schedule.pk))

    @extend_schema(responses={200: ReportDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    @extend_schema(request=ReportDraftSerializer, responses={200: ReportDetailSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.report_save_draft, target="schedule", input=ReportDraftSerializer,
                          output=self._detail, reply_with_object=True)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # PUT is not offered
        return self.http_method_not_allowed(request)

    @extend_schema(request=None, responses={200: ReportDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.report_submit, target="schedule", output=self._detail)

    @extend_schema(request=ReviewCommentSerializer, responses={200: ReportDetailSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.report_accept, target="schedule", input=ReviewCommentSerializer,
                          output=self._detail)

    @extend_schema(request=RevisionRequestSerializer, responses={200: ReportDetailSerializer})
    @action(detail=True, methods=["post"], url_path="request-revision")
    def request_revision(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.report_return, target="schedule",
                          input=RevisionRequestSerializer, output=self._detail)


# --- roll-ups ----------------------------------------------------------------------------------


class FiguresOut(serializers.Serializer):
    awarded = MoneyField(help_text="Committed - de-obligated.")
    disbursed = MoneyField(help_text="Paid out, net of unspent money returned.")
    spent = MoneyField(help_text="Expenditures in accepted reports.")
    returned = MoneyField(help_text="Unspent money paid back.")


class ByRestrictionOut(FiguresOut):
    restriction = serializers.CharField()


class ByCountyOut(FiguresOut):
    county = serializers.CharField()


class ByDomainOut(FiguresOut):
    domain = serializers.CharField()


class ByPeriodOut(FiguresOut):
    period = serializers.CharField(help_text="2027, 2027-Q1 or 2027-01.")


class AwardFiguresOut(FiguresOut):
    award_id = serializers.IntegerField()
    reference = serializers.CharField()
    restriction = serializers.CharField()
    status = serializers.CharField()
    total_served = serializers.IntegerField()


class PeopleRowOut(serializers.Serializer):
    category = serializers.CharField(help_text="The category's code (a county's FIPS code for a county).")
    label = serializers.CharField(help_text="The category's name in the equity taxonomy (the county's name).")
    count = serializers.IntegerField()


class PeopleDimensionOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PeopleOut(serializers.Serializer):
    """People served keyed by dimension code: ``county`` and every dimension of the equity taxonomy
    in force (those of taxonomy version 1 are listed; ``dimensions`` names the ones present)."""

    total = serializers.IntegerField()
    dimensions = PeopleDimensionOut(many=True)
    county = PeopleRowOut(many=True)
    race = PeopleRowOut(many=True)
    ethnicity = PeopleRowOut(many=True)
    language = PeopleRowOut(many=True)
    disability = PeopleRowOut(many=True)
    sexual_orientation = PeopleRowOut(many=True)
    gender_identity = PeopleRowOut(many=True)
    sex = PeopleRowOut(many=True)
    age_band = PeopleRowOut(many=True)


class FundRollupOut(FiguresOut):
    fund = serializers.CharField()
    currency = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    by_restriction = ByRestrictionOut(many=True)
    by_county = ByCountyOut(many=True)
    by_domain = ByDomainOut(many=True)
    by_period = ByPeriodOut(many=True)
    people = PeopleOut()
    awards = AwardFiguresOut(many=True)


PERIODS = ["year", "quarter", "month"]


def _figures_json(row: dict[str, Any], currency: str) -> dict[str, Any]:
    return {k: (_m(v, currency) if k in rollups.FIGURES else v) for k, v in row.items()}


class FundRollupActions:
    """``GET /api/funds/{id}/rollup/``: the fund's awards rolled up (its own staff; people unsuppressed)."""

    @extend_schema(parameters=[OpenApiParameter("start", dt.date), OpenApiParameter("end", dt.date),
                               OpenApiParameter("period", str, enum=PERIODS, description="Grouping of by_period.")],
                   responses={200: FundRollupOut})
    @action(detail=True, methods=["get"])
    def rollup(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fund = self.get_object()  # type: ignore[attr-defined]
        params = {name: Filter(name, "date").parse(name, request.query_params[name])
                  for name in ("start", "end") if request.query_params.get(name)}
        period = request.query_params.get("period") or "year"
        if period not in PERIODS:
            raise serializers.ValidationError({"period": [f"One of {', '.join(PERIODS)}."]})
        data = rollups.fund_rollup(fund=fund, period=period, **params)
        cur = data["currency"]
        out = _figures_json(data, cur)
        for key in ("by_restriction", "by_county", "by_domain", "by_period", "awards"):
            out[key] = [_figures_json(row, cur) for row in data[key]]
        return Response(out)
