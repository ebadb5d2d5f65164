"""Reads: report runs, artifacts and downloads (access-scoped), and disclosure rules.

The per-document selectors (ORM -> the document's frozen dataclass) live in the modules of this package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from organizations import access

from ..models import DisclosureRule, ReportArtifact, ReportRun

PARTS = {
    "pdf": ("file", "application/pdf", "pdf"),
    "json": ("twin_json", "application/json", "json"),
    "zip": ("twin_zip", "application/zip", "zip"),
}


def report_run_list(*, user: Any) -> QuerySet[ReportRun]:
    """Runs the user may see, newest first (one query)."""
    return access.scoped(user, "view", ReportRun.objects.select_related("organization", "artifact"))


def report_run_get(*, user: Any, run_id: int) -> ReportRun:
    """One run, or Http404 when it does not exist or lies outside the user's scope."""
    return access.get_object_or_404(user, "view", ReportRun.objects.select_related("artifact"), pk=run_id)


def artifact_list(*, user: Any) -> QuerySet[ReportArtifact]:
    """Artifacts the user may see (regulators: filed reports of plans in their jurisdiction)."""
    return access.scoped(user, "view", ReportArtifact.objects.select_related("organization"))


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes
    sha256: str


def artifact_download(*, user: Any, artifact_id: int, part: str = "pdf") -> Download:
    """The bytes of one artifact part (``pdf``, ``json`` or ``zip``) after the permission check.

    Raises Http404 for an artifact the user may not read (``subjects.artifact_readable``: an award
    letter is also its grantee's, minutes also every board member's); ValidationError when
    the stored PDF no longer matches its recorded SHA-256.
    """
    if part not in PARTS:
        raise ValidationError({"part": f"Unknown part {part!r}; use pdf, json or zip."})
    # Imported here: the subjects know the kinds, which import these selectors.
    from ..subjects import artifact_readable

    artifact = artifact_readable(user=user, artifact_id=artifact_id)
    field, content_type, ext = PARTS[part]
    with getattr(artifact, field).open("rb") as fh:
        content = fh.read()
    digest = hashlib.sha256(content).hexdigest()
    if part == "pdf" and digest != artifact.sha256:
        raise ValidationError({"file": f"{artifact.report_id}: stored file does not match its SHA-256."})
    suffix = "-final" if artifact.is_final else ""
    return Download(f"{artifact.report_id}{suffix}.{ext}", content_type, content, digest)


def artifact_verify(*, artifact: ReportArtifact) -> bool:
    """True when the stored PDF and JSON twin still hash to the recorded SHA-256 values."""
    with artifact.file.open("rb") as fh:
        pdf_ok = hashlib.sha256(fh.read()).hexdigest() == artifact.sha256
    with artifact.twin_json.open("rb") as fh:
        twin_ok = hashlib.sha256(fh.read()).hexdigest() == artifact.twin_sha256
    return pdf_ok and twin_ok


def disclosure_threshold(*, on: dt.date) -> int:
    """The minimum cell size (people) in force on ``on``."""
    rule = DisclosureRule.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if rule is None:
        raise ValidationError({"disclosure_rule": f"No small-cell suppression rule in force on {on}."})
    return rule.min_cell_size
