"""Wellness funds: funds, ledger balances and fund statements, contribution agreements,
statements and payments received.

Thin: each endpoint parses input and calls ``wellness_fund.services`` or reads through
``wellness_fund.selectors``; who may do what is decided there and in ``wellness_fund/access.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from moneyed import Money
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from organizations import access
from organizations.models import County, Organization, OrganizationKind
from wellness_fund import selectors, services
from wellness_fund.models import (
    AgreementStatus,
    ContributionAgreement,
    ContributionPayment,
    ContributionStatement,
    FiscalPeriod,
    FundingSource,
    FundingSourceKind,
    LedgerLeg,
    LedgerTransaction,
    OtherReceipt,
    Restriction,
    RestrictionKind,
    TransactionKind,
    WellnessFund,
)

from .actions import run_action
from .fields import DateField, MoneyField, money_json
from .filters import Filter
from .postaward import FundRollupActions
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet, ReadOnlyViewSet


def _date_param(request: Request, name: str, default: dt.date | None = None) -> dt.date | None:
    raw = request.query_params.get(name)
    if not raw:
        if default is None and name in {"start", "end"}:
            raise serializers.ValidationError({name: [serializers.ErrorDetail("This parameter is required.",
                                                                              code="required")]})
        return default
    return Filter(name, "date").parse(name, raw)


# --- funds, balances, statements -----------------------------------------------------------


class FundSerializer(serializers.ModelSerializer):
    ach = serializers.SlugRelatedField(slug_field="code", read_only=True)
    counties = serializers.SlugRelatedField(slug_field="fips", many=True, read_only=True)

    class Meta:
        model = WellnessFund
        fields = ["id", "code", "name", "ach", "counties", "fiscal_year_start_month", "currency", "is_active"]
        read_only_fields = fields


class RestrictionBalanceOut(serializers.Serializer):
    restriction = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    cash = MoneyField()
    awards_payable = MoneyField()
    available = MoneyField()


class FundBalancesOut(serializers.Serializer):
    fund = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    restrictions = RestrictionBalanceOut(many=True)


class InflowOut(serializers.Serializer):
    source = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    restricted = serializers.BooleanField()
    contributor = serializers.CharField()
    amount = MoneyField()


class FundStatementOut(serializers.Serializer):
    fund = serializers.CharField()
    currency = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    opening_balance = MoneyField()
    inflows = InflowOut(many=True)
    inflows_total = MoneyField()
    awards_committed = MoneyField()
    awards_deobligated = MoneyField()
    disbursed = MoneyField()
    returned = MoneyField()
    closing_balance = MoneyField()
    opening_available = MoneyField()
    closing_available = MoneyField()


def _m(value: Decimal, currency: str) -> dict[str, str] | None:
    return money_json(Money(value, currency))


def in_fund_currency(attrs: dict[str, Any], fund: WellnessFund) -> dict[str, Any]:
    """``attrs`` when its amount is in the fund's currency (the fund keeps its books in one)."""
    if str(attrs["amount"].currency) != fund.currency:
        raise serializers.ValidationError({"amount": f"The fund keeps its books in {fund.currency}."})
    return attrs


class FundCreateSerializer(StrictSerializer):
    code = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=255)
    ach = ScopedPrimaryKeyField(queryset=Organization.objects.filter(kind=OrganizationKind.ACH),
                                help_text="Id of the ACH that owns the fund (yours).")
    counties = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(), many=True,
                                            allow_empty=False, help_text="FIPS codes of the counties served.")
    fiscal_agent = serializers.SlugRelatedField(slug_field="code", queryset=Organization.objects.filter(is_active=True),
                                                required=False, allow_null=True,
                                                help_text="Code of the fiscal agent organization.")
    fiscal_year_start_month = serializers.IntegerField(min_value=1, max_value=12, required=False)
    governing_body_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    currency = serializers.ChoiceField(choices=list(settings.CURRENCIES), required=False)


class PeriodCloseSerializer(StrictSerializer):
    start = DateField()
    end = DateField()


class FiscalPeriodOut(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = FiscalPeriod
        fields = ["id", "fund", "start", "end", "closed_at"]
        read_only_fields = fields


class FundViewSet(FundRollupActions, ListCreateRetrieveViewSet):
    """Funds of the caller's ACH, with ledger balances and sources-and-uses statements.

    The ACH's fund administrator creates a fund and closes its accounting periods in order.
    """

    serializer_class = FundSerializer
    filter_fields = {"code": Filter("code"), "ach": Filter("ach_id", "integer"),
                     "is_active": Filter("is_active", "boolean")}
    ordering_fields = ["code", "name"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", WellnessFund.objects.all()) \
            .select_related("ach").prefetch_related("counties").order_by("code", "id")

    @extend_schema(request=FundCreateSerializer, responses={201: FundSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.fund_create, input=FundCreateSerializer, output=FundSerializer,
                          reread=True, status=status.HTTP_201_CREATED)

    @extend_schema(request=PeriodCloseSerializer, responses={201: FiscalPeriodOut})
    @action(detail=True, methods=["post"], url_path="close-period")
    def close_period(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.fiscal_period_close, target="fund", input=PeriodCloseSerializer,
                          output=FiscalPeriodOut, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("as_of", dt.date, description="Balances at the end of this "
                                                                             "day (default: all postings).")],
                   responses={200: FundBalancesOut})
    @action(detail=True, methods=["get"])
    def balances(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fund = self.get_object()
        as_of = _date_param(request, "as_of")
        rows = selectors.fund_balances(fund=fund, as_of=as_of)
        return Response({"fund": fund.code, "as_of": as_of, "restrictions": [
            {"restriction": r["restriction"], "name": r["name"], "kind": r["kind"],
             "cash": _m(r["cash"], r["currency"]), "awards_payable": _m(r["awards_payable"], r["currency"]),
             "available": _m(r["available"], r["currency"])} for r in rows]})

    @extend_schema(parameters=[OpenApiParameter("start", dt.date, required=True),
                               OpenApiParameter("end", dt.date, required=True)],
                   responses={200: FundStatementOut})
    @action(detail=True, methods=["get"])
    def statement(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fund = self.get_object()
        start, end = _date_param(request, "start"), _date_param(request, "end")
        assert start is not None and end is not None
        if end < start:
            raise serializers.ValidationError({"end": [serializers.ErrorDetail("The end is before the start.",
                                                                               code="invalid")]})
        data = selectors.fund_statement(fund=fund, start=start, end=end)
        cur = data["currency"]
        # The balances per restriction are the fund's balances endpoint's (``as_of``), not repeated here.
        out = {k: v for k, v in data.items() if k not in ("opening_balances", "closing_balances")}
        for key in ("opening_balance", "inflows_total", "awards_committed", "awards_deobligated", "disbursed",
                    "returned", "closing_balance", "opening_available", "closing_available"):
            out[key] = _m(data[key], cur)
        out["inflows"] = [dict(r, amount=_m(r["amount"], cur)) for r in data["inflows"]]
        return Response(out)


# --- restrictions, funding sources, receipts --------------------------------------------


class RestrictionSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.CharField(help_text="unrestricted, purpose, county or source.")
    county = serializers.SlugRelatedField(slug_field="fips", read_only=True)

    class Meta:
        model = Restriction
        fields = ["id", "fund", "code", "name", "kind", "purpose", "county"]
        read_only_fields = fields


class RestrictionCreateSerializer(StrictSerializer):
    fund = ScopedPrimaryKeyField(queryset=WellnessFund.objects.all())
    code = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=RestrictionKind.choices)
    purpose = serializers.CharField(max_length=255, required=False, allow_blank=True)
    county = serializers.SlugRelatedField(slug_field="fips", queryset=County.objects.all(), required=False,
                                          allow_null=True, help_text="County FIPS code (county restrictions).")


class RestrictionViewSet(ListCreateRetrieveViewSet):
    """Buckets of a fund's money (what it may be awarded for); the fund administrator adds them."""

    serializer_class = RestrictionSerializer
    filter_fields = {"fund": Filter("fund_id", "integer"),
                     "kind": Filter("kind", "choice", choices=RestrictionKind.values)}
    ordering_fields = ["code"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", Restriction.objects.all()) \
            .select_related("fund", "county").order_by("fund_id", "code", "id")

    @extend_schema(request=RestrictionCreateSerializer, responses={201: RestrictionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.restriction_create, input=RestrictionCreateSerializer,
                          output=RestrictionSerializer, status=status.HTTP_201_CREATED)


class FundingSourceSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.CharField(help_text="Kind of source, e.g. philanthropy.")
    restriction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    contributor = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = FundingSource
        fields = ["id", "fund", "code", "name", "kind", "is_restricted", "restriction", "contributor"]
        read_only_fields = fields


class FundingSourceCreateSerializer(StrictSerializer):
    fund = ScopedPrimaryKeyField(queryset=WellnessFund.objects.all())
    code = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=FundingSourceKind.choices)
    restriction = ScopedPrimaryKeyField(queryset=Restriction.objects.all(), required=False, allow_null=True,
                                        help_text="Bucket its receipts go to (default: the unrestricted one).")
    contributor = serializers.SlugRelatedField(slug_field="code", queryset=Organization.objects.filter(is_active=True),
                                               required=False, allow_null=True,
                                               help_text="Code of the paying organization, if any.")


class FundingSourceViewSet(ListCreateRetrieveViewSet):
    """Where a fund's money comes from; the fund administrator adds sources."""

    serializer_class = FundingSourceSerializer
    filter_fields = {"fund": Filter("fund_id", "integer"),
                     "kind": Filter("kind", "choice", choices=FundingSourceKind.values)}
    ordering_fields = ["code"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", FundingSource.objects.all()) \
            .select_related("fund", "restriction", "contributor").order_by("fund_id", "code", "id")

    @extend_schema(request=FundingSourceCreateSerializer, responses={201: FundingSourceSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.funding_source_create, input=FundingSourceCreateSerializer,
                          output=FundingSourceSerializer, status=status.HTTP_201_CREATED)


class ReceiptSerializer(serializers.ModelSerializer):
    amount = MoneyField()

    class Meta:
        model = OtherReceipt
        fields = ["id", "funding_source", "amount", "received_on", "reference", "transaction"]
        read_only_fields = fields


class ReceiptRecordSerializer(StrictSerializer):
    funding_source = ScopedPrimaryKeyField(queryset=FundingSource.objects.all())
    amount = MoneyField()
    received_on = DateField()
    reference = serializers.CharField(max_length=120, help_text="The payer's reference (unique per source).")
    memo = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return in_fund_currency(attrs, attrs["funding_source"].fund)


class ReceiptViewSet(ListCreateRetrieveViewSet):
    """Money received from sources other than a plan agreement (grants, philanthropy...)."""

    serializer_class = ReceiptSerializer
    filter_fields = {"funding_source": Filter("funding_source_id", "integer"),
                     "fund": Filter("funding_source__fund_id", "integer"),
                     "received_on": Filter("received_on", "date")}
    ordering_fields = ["received_on"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", OtherReceipt.objects.all()).order_by("-received_on", "-id")

    @extend_schema(request=ReceiptRecordSerializer, responses={201: ReceiptSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.receipt_record, input=ReceiptRecordSerializer,
                          output=ReceiptSerializer, status=status.HTTP_201_CREATED)


# --- ledger ------------------------------------------------------------------------------


class LegOut(serializers.ModelSerializer):
    account = serializers.CharField(source="account.code")
    amount = MoneyField()

    class Meta:
        model = LedgerLeg
        fields = ["account", "side", "amount"]
        read_only_fields = fields


class LedgerTransactionSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    legs = LegOut(many=True, read_only=True)

    class Meta:
        model = LedgerTransaction
        fields = ["id", "fund", "kind", "posted_on", "reference", "memo", "reverses", "created_at", "legs"]
        read_only_fields = fields


class ReverseSerializer(StrictSerializer):
    on = DateField(help_text="Posting date of the reversal (an open period, not before the original).")
    memo = serializers.CharField(max_length=255, required=False, allow_blank=True)


class LedgerTransactionViewSet(ReadOnlyViewSet):
    """The fund's posted ledger (append-only; corrections are reversing transactions, which the
    fund administrator posts)."""

    serializer_class = LedgerTransactionSerializer
    filter_fields = {"fund": Filter("fund_id", "integer"),
                     "kind": Filter("kind", "choice", choices=TransactionKind.values),
                     "posted_from": Filter("posted_on__gte", "date"),
                     "posted_to": Filter("posted_on__lte", "date"),
                     "reference": Filter("reference")}
    ordering_fields = ["posted_on", "created_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", LedgerTransaction.objects.all()) \
            .select_related("fund") \
            .prefetch_related(Prefetch("legs", queryset=LedgerLeg.objects.select_related("account"))) \
            .order_by("-posted_on", "-id")

    @extend_schema(request=ReverseSerializer, responses={201: LedgerTransactionSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.transaction_reverse, target="transaction_to_reverse",
                          input=ReverseSerializer, output=LedgerTransactionSerializer, reread=True,
                          status=status.HTTP_201_CREATED)


# --- contribution agreements ---------------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    pmpm_rate = serializers.DecimalField(max_digits=10, decimal_places=4, coerce_to_string=True,
                                         help_text="USD per member month, as a string.")
    revenue_share_percent = serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=True)
    fixed_amount = MoneyField()

    class Meta:
        model = ContributionAgreement
        fields = ["id", "code", "fund", "plan", "basis", "frequency", "pmpm_rate", "revenue_share_percent",
                  "fixed_amount", "due_days_after_period", "starts_on", "ends_on", "status"]
        read_only_fields = fields


class AgreementCloseSerializer(StrictSerializer):
    ends_on = DateField()


class AgreementViewSet(ReadOnlyViewSet):
    """Agreements between a plan and a fund; the fund's administrator closes them."""

    serializer_class = AgreementSerializer
    filter_fields = {"fund": Filter("fund_id", "integer"), "plan": Filter("plan_id", "integer"),
                     "status": Filter("status", "choice", choices=AgreementStatus.values)}
    ordering_fields = ["code", "starts_on"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", ContributionAgreement.objects.all()) \
            .select_related("fund", "plan").order_by("code", "id")

    @extend_schema(request=AgreementCloseSerializer, responses={200: AgreementSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.agreement_close, target="agreement", input=AgreementCloseSerializer,
                          output=AgreementSerializer)


# --- statements and payments ---------------------------------------------------------------


class StatementSerializer(serializers.ModelSerializer):
    agreement = serializers.SlugRelatedField(slug_field="code", read_only=True)
    pmpm_rate = serializers.DecimalField(max_digits=10, decimal_places=4, coerce_to_string=True)
    revenue_share_percent = serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=True)
    pmpm_amount = MoneyField()
    shareable_revenue = MoneyField()
    revenue_share_amount = MoneyField()
    fixed_amount = MoneyField()
    expected_amount = MoneyField()

    class Meta:
        model = ContributionStatement
        fields = ["id", "agreement", "period_start", "period_end", "due_on", "member_months", "pmpm_rate",
                  "pmpm_amount", "shareable_revenue", "revenue_share_percent", "revenue_share_amount",
                  "fixed_amount", "expected_amount", "issued_at"]
        read_only_fields = fields


class StatementIssueSerializer(StrictSerializer):
    agreement = ScopedPrimaryKeyField(queryset=ContributionAgreement.objects.all())
    period_start = DateField()
    shareable_revenue = MoneyField(required=False, allow_zero=True)

    def service_kwargs(self) -> dict[str, Any]:
        return {"shareable_revenue": Decimal(0), **super().service_kwargs()}


class StatementViewSet(ListCreateRetrieveViewSet):
    """What a plan owes a fund per period (issued from member months and the agreement)."""

    serializer_class = StatementSerializer
    filter_fields = {"agreement": Filter("agreement_id", "integer"),
                     "fund": Filter("agreement__fund_id", "integer"),
                     "plan": Filter("agreement__plan_id", "integer")}
    ordering_fields = ["period_start", "due_on"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", ContributionStatement.objects.all()) \
            .select_related("agreement").order_by("-period_start", "-id")

    @extend_schema(request=StatementIssueSerializer, responses={201: StatementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.statement_issue, input=StatementIssueSerializer,
                          output=StatementSerializer, status=status.HTTP_201_CREATED)


class PaymentSerializer(serializers.ModelSerializer):
    amount = MoneyField()

    class Meta:
        model = ContributionPayment
        fields = ["id", "agreement", "statement", "amount", "received_on", "bank_reference", "recorded_at"]
        read_only_fields = fields


class PaymentRecordSerializer(StrictSerializer):
    agreement = ScopedPrimaryKeyField(queryset=ContributionAgreement.objects.all())
    statement = ScopedPrimaryKeyField(queryset=ContributionStatement.objects.all(), required=False)
    amount = MoneyField()
    received_on = DateField()
    bank_reference = serializers.CharField(max_length=120)
    income_year = serializers.IntegerField(required=False, min_value=1990, max_value=2200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return in_fund_currency(attrs, attrs["agreement"].fund)


class PaymentViewSet(ListCreateRetrieveViewSet):
    """Payments a fund received from a plan; recording one credits the plan's obligation."""

    serializer_class = PaymentSerializer
    filter_fields = {"agreement": Filter("agreement_id", "integer"),
                     "statement": Filter("statement_id", "integer"),
                     "received_on": Filter("received_on", "date")}
    ordering_fields = ["received_on", "recorded_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", ContributionPayment.objects.all()) \
            .order_by("-received_on", "-id")

    @extend_schema(request=PaymentRecordSerializer, responses={201: PaymentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.contribution_payment_record, input=PaymentRecordSerializer,
                          output=PaymentSerializer, status=status.HTTP_201_CREATED)
