"""Awards: created from an approved board decision (committing the money), accepted by the
grantee, amended (reallocation, extension, amount change) and closed out by the fund administrator.

Thin: input is parsed here and handed to ``grants.services``; reads go through ``grants.selectors``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from moneyed import Money
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grants import selectors, services
from grants.models import AgendaItem, Amendment, Award, AwardStatus, Decision, TrancheBasis
from grants.selectors import reports as report_selectors
from organizations import access

from .actions import run_action
from .fields import DateField, MoneyField, line_amounts, money_json
from .filters import Filter
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet


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
    due_on = DateField()
    requires_report = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100,
                                               help_text="Number of the report that must be accepted first.")


class AwardCreateSerializer(StrictSerializer):
    decision = ScopedPrimaryKeyField(queryset=Decision.objects.all())
    amount = MoneyField()
    period_start = DateField()
    period_end = DateField()
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



# --- amendments and close-out ----------------------------------------------------------------


class AmendmentSerializer(serializers.ModelSerializer):
    amount_change = MoneyField()
    kind = serializers.CharField(help_text="reallocation, extension or amount change.")
    before = serializers.JSONField(help_text="The award's terms before the amendment.")
    after = serializers.JSONField(help_text="The award's terms after it.")

    class Meta:
        model = Amendment
        fields = ["id", "award", "number", "kind", "reason", "board_item", "amount_change", "before", "after",
                  "effective_on", "created_at"]
        read_only_fields = fields


class ReallocateSerializer(StrictSerializer):
    lines = serializers.DictField(child=MoneyField(allow_zero=True), allow_empty=False,
                                  help_text="Budget line number -> new amount (they add up to the award).")
    reason = serializers.CharField(max_length=5000)

    def validate_lines(self, value: dict[str, Money]) -> dict[int, Decimal]:
        return line_amounts(value)


class ExtendSerializer(StrictSerializer):
    period_end = DateField(help_text="New end of the award period (later than the current one).")
    reason = serializers.CharField(max_length=5000)


class ChangeAmountSerializer(ReallocateSerializer):
    amount = MoneyField(help_text="The new award amount.")
    board_item = ScopedPrimaryKeyField(queryset=AgendaItem.objects.all(), required=False, allow_null=True,
                                       help_text="The passed board motion behind an increase.")
    on = DateField(required=False, help_text="Effective date (default: today).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        award: Award = self.context["object"]
        if str(attrs["amount"].currency) != str(award.amount.currency):
            raise serializers.ValidationError({"amount": f"The award is in {award.amount.currency}."})
        return attrs


class CloseOutSerializer(StrictSerializer):
    on = DateField(required=False, help_text="Posting date of the returns (default: today).")


class AwardViewSet(ListCreateRetrieveViewSet):
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
        return run_action(self, request, services.award_create, input=AwardCreateSerializer, output=AwardSerializer,
                          status=status.HTTP_201_CREATED)

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
        return run_action(self, request, services.award_accept, target="award", input=AwardAcceptSerializer,
                          output=AwardSerializer)

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
        return run_action(self, request, services.award_closeout, target="award", input=CloseOutSerializer,
                          output=AwardSerializer)

    @extend_schema(request=ReallocateSerializer, responses={201: AmendmentSerializer})
    @action(detail=True, methods=["post"])
    def reallocate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.amendment_reallocate, target="award",
                          input=ReallocateSerializer, output=AmendmentSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtendSerializer, responses={201: AmendmentSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.amendment_extend, target="award", input=ExtendSerializer,
                          output=AmendmentSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChangeAmountSerializer, responses={201: AmendmentSerializer})
    @action(detail=True, methods=["post"], url_path="change-amount")
    def change_amount(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.amendment_change_amount, target="award",
                          input=ChangeAmountSerializer, output=AmendmentSerializer, status=status.HTTP_201_CREATED)
