"""Read-only admin for report runs and artifacts (writes go through reporting.services)."""


from django.contrib import admin

from audit.admin import ReadOnlyModelAdmin as ReadOnlyAdmin

from .models import (
    DisclosureRule,
    ReportArtifact,
    ReportAttestation,
    ReportDataChange,
    ReportFiling,
    ReportRun,
)


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "params_key", "organization", "status", "progress", "created_at")
    list_filter = ("kind", "status")


@admin.register(ReportArtifact)
class ReportArtifactAdmin(ReadOnlyAdmin):
    list_display = ("report_id", "kind", "version", "is_final", "sha256", "generator_version", "created_at")
    list_filter = ("kind", "is_final")


@admin.register(ReportAttestation)
class ReportAttestationAdmin(ReadOnlyAdmin):
    list_display = ("draft", "name", "title", "attested_at", "final_sha256")


@admin.register(ReportFiling)
class ReportFilingAdmin(ReadOnlyAdmin):
    list_display = ("artifact", "filed_by", "filed_at", "amends")


@admin.register(ReportDataChange)
class ReportDataChangeAdmin(ReadOnlyAdmin):
    list_display = ("filing", "detected_at", "inputs_hash")


@admin.register(DisclosureRule)
class DisclosureRuleAdmin(ReadOnlyAdmin):
    list_display = ("effective_from", "min_cell_size", "citation")
