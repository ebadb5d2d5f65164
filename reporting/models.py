"""Report runs and their immutable artifacts.

* ``ReportRun``: one request to generate a document (queued -> running -> done
  or failed, progress in percent, error message on failure), executed by a
  Celery worker.
* ``ReportArtifact``: a stored PDF with its SHA-256, its data twin (JSON and a
  zip of CSV files), the inputs snapshot and the generator version. Rows are
  append-only (a PostgreSQL trigger refuses UPDATE and DELETE). The same inputs
  give the same artifact (``idempotency_key`` is unique); new inputs give a new
  ``version`` and the old one stays.
* ``ReportAttestation``: the compliance officer's attestation of one draft
  version, with the final PDF (no watermark, signed) it produced. At most one
  attested version per plan and income year.
* ``ReportFiling``: a final report filed to the regulator; only filed reports
  are visible to regulators (see ``reporting/access.py``).
* ``DisclosureRule``: the small-cell suppression threshold, versioned by date
  (data, not code).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    COMMUNITY_REINVESTMENT = "community-reinvestment", _("Community Reinvestment Report")
    FUND_STATEMENT = "fund-statement", _("Wellness fund annual statement")
    AWARD_LETTER = "award-letter", _("Award letter")
    MINUTES = "minutes", _("Board meeting minutes")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


SHA256_REGEX = r"^[0-9a-f]{64}$"


class DisclosureRule(models.Model):
    """Counts of people below ``min_cell_size`` are suppressed in reports from ``effective_from`` on."""

    effective_from = models.DateField(unique=True)
    min_cell_size = models.PositiveIntegerField()  # people
    citation = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            # A threshold of 0 would publish every small cell: at least 1 person.
            models.CheckConstraint(condition=Q(min_cell_size__gte=1), name="disclosure_rule_min_cell_positive"),
        ]

    def __str__(self) -> str:
        return f"cells < {self.min_cell_size} suppressed from {self.effective_from}"


class ReportArtifact(models.Model):
    kind = models.CharField(max_length=32, choices=ReportKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="report_artifacts"
    )
    params = models.JSONField()
    params_key = models.CharField(max_length=255, help_text="Canonical JSON of params.")
    version = models.PositiveIntegerField()
    is_final = models.BooleanField(default=False)
    report_id = models.CharField(max_length=120)
    file = models.FileField(upload_to="reports/", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()  # bytes
    twin_json = models.FileField(upload_to="reports/", max_length=255)
    twin_zip = models.FileField(upload_to="reports/", max_length=255)
    twin_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the JSON twin.")
    inputs_snapshot = models.JSONField()
    inputs_hash = models.CharField(max_length=64)
    generator_version = models.CharField(max_length=40)
    idempotency_key = models.CharField(max_length=64, unique=True)
    generated_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "params_key", "version", "is_final"]
        constraints = [
            # One draft and at most one final per version of a document.
            models.UniqueConstraint(fields=["kind", "params_key", "version", "is_final"],
                                    name="report_artifact_unique_version"),
            # Versions count from 1.
            models.CheckConstraint(condition=Q(version__gte=1), name="report_artifact_version_positive"),
            # A hash is 64 lowercase hex digits, so a stored file can always be verified.
            models.CheckConstraint(condition=Q(sha256__regex=SHA256_REGEX), name="report_artifact_sha256_hex"),
            models.CheckConstraint(condition=Q(twin_sha256__regex=SHA256_REGEX),
                                   name="report_artifact_twin_sha256_hex"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in ReportKind]),
                                   name="report_artifact_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}{' (final)' if self.is_final else ''}"


class ReportRun(models.Model):
    kind = models.CharField(max_length=32, choices=ReportKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="report_runs"
    )
    params = models.JSONField()
    params_key = models.CharField(max_length=255)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    artifact = models.ForeignKey(ReportArtifact, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="runs")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Progress is a percentage.
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_run_progress_percent"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in RunStatus]),
                                   name="report_run_status_valid"),
            # A finished run points at its artifact; a failed one says why.
            models.CheckConstraint(condition=~Q(status=RunStatus.DONE) | Q(artifact__isnull=False, progress=100),
                                   name="report_run_done_has_artifact"),
            models.CheckConstraint(condition=~Q(status=RunStatus.FAILED) | ~Q(error=""),
                                   name="report_run_failed_has_error"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in ReportKind]),
                                   name="report_run_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.params_key} ({self.status})"


class ReportAttestation(models.Model):
    draft = models.OneToOneField(ReportArtifact, on_delete=models.PROTECT, related_name="attestation")
    final = models.OneToOneField(ReportArtifact, on_delete=models.PROTECT, related_name="attestation_of")
    kind = models.CharField(max_length=32, choices=ReportKind.choices)
    params_key = models.CharField(max_length=255)
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    title = models.CharField(max_length=255)
    attested_at = models.DateTimeField()
    final_sha256 = models.CharField(max_length=64)
    inputs_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the data attested (the draft's inputs snapshot).")

    class Meta:
        constraints = [
            # Attesting freezes one version: the same data of a document is attested once. A
            # second attestation of the document exists only for new data (an amended report).
            models.UniqueConstraint(fields=["kind", "params_key", "inputs_hash"],
                                    name="report_attestation_once_per_data"),
            models.CheckConstraint(condition=Q(inputs_hash__regex=SHA256_REGEX),
                                   name="report_attestation_inputs_hash_hex"),
            models.CheckConstraint(condition=Q(final_sha256__regex=SHA256_REGEX),
                                   name="report_attestation_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} attested by {self.name}"


class ReportFiling(models.Model):
    """A final report filed with the regulator. A filed report is never altered: when its data
    change later, a ``ReportDataChange`` flags it, and an amended version is filed anew
    (``amends`` points at the filing it replaces)."""

    artifact = models.OneToOneField(ReportArtifact, on_delete=models.PROTECT, related_name="filing")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    amends = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="amended_by",
                                  help_text="The earlier filing of the same report this one replaces.")

    def __str__(self) -> str:
        return f"{self.artifact} filed {self.filed_at:%Y-%m-%d}"


class ReportDataChange(models.Model):
    """The data behind a filed report no longer give the figures filed (superseded by new
    data): found by re-reading the report's inputs; the plan and the regulator are told."""

    filing = models.ForeignKey(ReportFiling, on_delete=models.PROTECT, related_name="data_changes")
    detected_at = models.DateTimeField()
    inputs_hash = models.CharField(max_length=64, help_text="SHA-256 of the data as read when detected.")

    class Meta:
        ordering = ["filing", "detected_at", "pk"]
        constraints = [
            # Each new state of the data is flagged once per filing.
            models.UniqueConstraint(fields=["filing", "inputs_hash"], name="report_data_change_once"),
            models.CheckConstraint(condition=Q(inputs_hash__regex=SHA256_REGEX),
                                   name="report_data_change_inputs_hash_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.filing}: data changed, found {self.detected_at:%Y-%m-%d}"


class ReportsStamp(models.Model):
    """A new random value each time an organization's report records may have changed: written
    only by the database, from statement-level triggers on report versions, runs, attestations,
    filings and data changes (INSERT, UPDATE and DELETE, whatever the client; migration 0004).
    Pages listing those records cache them under it (``web.stamped``); SQLite (local runs) has no
    triggers and no stamps, and its pages read the records every time."""

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE,
                                        primary_key=True, related_name="+")
    stamp = models.UUIDField()

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.stamp}"
