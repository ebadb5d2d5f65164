"""A plan's member months (enrollment by county and month): read, and replaced in bulk by an
import of rows (JSON) or an upload (CSV), all rows or none.

Thin: input is parsed here and handed to ``reinvestment.services`` (the import rules live there).
"""

from __future__ import annotations

import csv
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from organizations import access
from organizations.actors import Actor
from organizations.models import Organization
from reinvestment import services
from reinvestment.models import MemberMonth
from reinvestment.services import ImportReport

from .actions import run_action
from .filters import Filter
from .parsers import CSVTextParser, LimitedMultiPartParser
from .reinvestment import plan_field
from .serializers import StrictSerializer
from .views import ReadOnlyViewSet


class MemberMonthSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="fips", read_only=True)
    line_of_business = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = MemberMonth
        fields = ["id", "plan", "county", "month", "member_months", "line_of_business"]
        read_only_fields = fields


class MemberMonthRowSerializer(StrictSerializer):
    county = serializers.CharField(max_length=80, help_text="FIPS code or county name.")
    month = serializers.RegexField(r"^\d{4}-\d{2}(-01)?$", help_text="YYYY-MM (or the 1st: YYYY-MM-01).")
    member_months = serializers.IntegerField(min_value=0, max_value=2_000_000_000)
    line_of_business = serializers.CharField(
        max_length=40, required=False, allow_blank=True,
        help_text="Code of the line of business (e.g. medi-cal, covered-california); the plan's Medicaid "
                  "line when left out.")


class MemberMonthImportSerializer(StrictSerializer):
    plan = plan_field()
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
    plan = plan_field()
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
        return run_action(self, request, _import_rows, input=MemberMonthImportSerializer, output=lambda report: {
            "written": report.written,
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
        def import_csv(*, actor: Actor, plan: Organization, year: int) -> ImportReport:
            return _import_csv(actor=actor, plan=plan, year=year, text=_csv_text(request))

        return run_action(self, request, import_csv, input=UploadParamsSerializer, data=request.query_params,
                          output=lambda report: {
                              "written": report.written,
                              "rows": [{"line": r.line, "ok": r.ok, "message": r.message} for r in report.rows]})


def _import_rows(*, actor: Actor, plan: Organization, year: int, rows: list[dict[str, Any]]) -> ImportReport:
    """Rows given as JSON; a bad row is reported under ``rows.<index in the request>``."""
    lines = [{"plan": plan.code, "county": r["county"], "month": r["month"][:7],
              "member_months": str(r["member_months"]), "line_of_business": r.get("line_of_business", "")}
             for r in rows]
    try:
        return services.member_months_import(actor=actor, plan=plan, year=year, rows=lines)
    except services.MemberMonthImportError as exc:
        raise serializers.ValidationError({"rows": {
            str(r.line - 2): [serializers.ErrorDetail(r.message, code="invalid")] for r in exc.report.errors
        }}) from exc


def _import_csv(*, actor: Actor, plan: Organization, year: int, text: str) -> ImportReport:
    """Rows of a CSV; a bad row is reported under ``lines.<line of the file>``."""
    try:
        rows = services.read_csv(text)
    except csv.Error as exc:  # NUL bytes, a field over the csv module's size limit...
        raise serializers.ValidationError({"file": [f"The file is not readable CSV: {exc}."]}) from exc
    try:
        return services.member_months_import(actor=actor, plan=plan, year=year, rows=rows)
    except services.MemberMonthImportError as exc:
        if not exc.report.errors:
            raise serializers.ValidationError({"file": ["The file has no rows."]}) from exc
        error = serializers.ValidationError({"lines": {
            str(r.line): [serializers.ErrorDetail(r.message, code="invalid")] for r in exc.report.errors
        }})
        error.message = f"{len(exc.report.errors)} of {len(exc.report.rows)} rows are invalid; " \
                        "nothing was written."  # type: ignore[attr-defined]
        raise error from exc
