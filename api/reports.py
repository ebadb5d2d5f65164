"""Report runs (request, poll progress) and report artifacts (read, download, attest, file).

A run is requested with a document kind and its parameters; a worker generates it
and the run's ``progress`` (percent) and ``status`` tell a client when its
``artifact`` is ready to download. Everything goes through ``reporting.services``
and ``reporting.selectors`` (which check access and the stored file's SHA-256).

A request names its subject in its parameters (a plan, a fund, an award, a meeting). A subject
the caller cannot see is a 404, the same whether it belongs to another organization or does not
exist at all, before anything about it is looked at (its years, its state) or written.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.actors import Actor
from reporting import selectors, services
from reporting.kinds import document_kind
from reporting.models import ReportArtifact, ReportKind, ReportRun, RunStatus
from reporting.subjects import subject_get

from .actions import run_action
from .filters import Filter
from .serializers import StrictSerializer
from .views import ListCreateRetrieveViewSet, ReadOnlyViewSet

PARTS = ["pdf", "json", "zip"]


def _request_report(*, actor: Actor, kind: str, params: dict[str, Any]) -> ReportRun:
    """Queue the run, once the caller is known to see its subject (else a 404, see above;
    ``reporting.subjects``, as the pages)."""
    clean = document_kind(kind).normalize(params)  # the parameters' form only: reads nothing
    subject_get(user=actor, kind=kind, params=clean)
    return services.report_request(actor=actor, kind=kind, params=params)


class ReportRunSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    params = serializers.DictField()

    class Meta:
        model = ReportRun
        fields = ["id", "kind", "organization", "params", "status", "progress", "error", "attempts", "artifact",
                  "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class ReportRunRequestSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    params = serializers.DictField(
        child=serializers.CharField(max_length=120),
        help_text="community-reinvestment: plan (code), year, and policy (code, e.g. CC-QTF) and "
                  "line_of_business (code) naming the obligation, which may be left out when the income "
                  "year has one live obligation (one report per obligation); fund-statement: fund (code), "
                  "year; award-letter: award (id); minutes: meeting (id).")


class ReportRunViewSet(ListCreateRetrieveViewSet):
    """Request a report (202: queued for a worker) and poll its progress."""

    serializer_class = ReportRunSerializer
    filter_fields = {"kind": Filter("kind", "choice", choices=ReportKind.values),
                     "status": Filter("status", "choice", choices=RunStatus.values)}
    ordering_fields = ["created_at"]

    def get_queryset(self) -> Any:
        return selectors.report_run_list(user=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=ReportRunRequestSerializer, responses={202: ReportRunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, _request_report, input=ReportRunRequestSerializer,
                          output=ReportRunSerializer, status=status.HTTP_202_ACCEPTED,
                          headers=lambda run: {"Location": f"/api/report-runs/{run.pk}/"})


class ReportArtifactSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    params = serializers.DictField()
    filed = serializers.SerializerMethodField()

    class Meta:
        model = ReportArtifact
        fields = ["id", "kind", "organization", "params", "version", "is_final", "report_id", "sha256", "size",
                  "twin_sha256", "generator_version", "generated_at", "filed"]
        read_only_fields = fields

    def get_filed(self, artifact: ReportArtifact) -> bool:
        return hasattr(artifact, "filing")


class AttestationOut(serializers.Serializer):
    draft = serializers.IntegerField(source="draft_id")
    final = serializers.IntegerField(source="final_id")
    name = serializers.CharField()
    title = serializers.CharField()
    attested_at = serializers.DateTimeField()
    final_sha256 = serializers.CharField()


class AttestIn(StrictSerializer):
    """The officer confirms by typing their full name and job title as on file."""

    typed_name = serializers.CharField(max_length=255, required=False, allow_blank=True,
                                       help_text="Your full name, as on file.")
    typed_title = serializers.CharField(max_length=255, required=False, allow_blank=True,
                                        help_text="Your job title, as on file.")


class FilingOut(serializers.Serializer):
    artifact = serializers.IntegerField(source="artifact_id")
    filed_at = serializers.DateTimeField()


class ReportArtifactViewSet(ReadOnlyViewSet):
    """Generated documents: drafts and attested finals; regulators see filed reports of their plans."""

    serializer_class = ReportArtifactSerializer
    filter_fields = {"kind": Filter("kind", "choice", choices=ReportKind.values),
                     "is_final": Filter("is_final", "boolean")}
    ordering_fields = ["generated_at", "version"]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download answers with the file's own media type whatever the client accepts;
        # its errors are JSON like every other error.
        if getattr(self, "action", None) == "download":
            return renderers.JSONRenderer(), "application/json"
        return super().perform_content_negotiation(request, force)

    def get_queryset(self) -> Any:
        return selectors.artifact_list(user=self.request.user).select_related("filing") \
            .order_by("-generated_at", "-id")

    @extend_schema(
        parameters=[OpenApiParameter("part", str, enum=PARTS, description="pdf (default), json twin or zip.")],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
                   (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
                   (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        part = request.query_params.get("part") or "pdf"
        if part not in PARTS:
            raise serializers.ValidationError({"part": [serializers.ErrorDetail(
                "Use pdf, json or zip.", code="invalid_choice")]})
        try:
            artifact_id = int(kwargs["pk"])
        except ValueError:
            artifact_id = 0
        download = selectors.artifact_download(user=request.user, artifact_id=artifact_id, part=part)
        response = HttpResponse(download.content, content_type=download.content_type)
        response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
        response["Digest"] = f"sha-256={download.sha256}"
        return response

    @extend_schema(request=AttestIn, responses={201: AttestationOut})
    @action(detail=True, methods=["post"])
    def attest(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.report_attest, target="artifact", input=AttestIn,
                          output=AttestationOut, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: FilingOut})
    @action(detail=True, methods=["post"], url_path="file")
    def file_report(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.report_file, target="artifact", output=FilingOut,
                          status=status.HTTP_201_CREATED)
