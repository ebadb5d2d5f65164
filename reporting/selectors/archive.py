"""Reads for the report pages: what waits for attestation, the version history of a plan's
reports, and matching an uploaded PDF against the archive by its SHA-256.

Every read is scoped to the user (``organizations.access``): a regulator matches only filed
reports of plans in its jurisdiction, a plan's staff only their plan's reports.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from organizations import access
from organizations.models import Organization

from ..kinds import KINDS
from ..models import ReportArtifact, ReportAttestation, ReportDataChange

ATTESTABLE = [k for k, dk in KINDS.items() if dk.attestable]


def _listed() -> QuerySet[ReportArtifact]:
    """Artifacts without their inputs snapshot: the whole data of the document (a report's every
    credit), which no page shows; it is read only if asked for."""
    return ReportArtifact.objects.defer("inputs_snapshot")


def _data_changed_at() -> Subquery:
    """Annotation: when a change to the records behind the artifact's filing was first found (a
    subquery of one indexed row, so the artifact rows need no grouping)."""
    first = ReportDataChange.objects.filter(filing=OuterRef("filing")).order_by("detected_at").values("detected_at")
    return Subquery(first[:1])


def artifact_history(*, user: Any, organization: Organization | None = None) -> QuerySet[ReportArtifact]:
    """Artifacts (every version, drafts and finals) the user may see, with filing and
    attestation joined, newest first (one query)."""
    return _visible(user, organization).select_related(
        "organization", "filing", "filing__amended_by", "attestation", "attestation_of").annotate(
        data_changed_at=_data_changed_at())


def _visible(user: Any, organization: Organization | None) -> QuerySet[ReportArtifact]:
    """The artifacts the user may see (of ``organization`` when given), newest first, their own
    fields only."""
    qs = access.scoped(user, "view", _listed())
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.order_by("-generated_at", "-pk")


def awaiting_attestation(*, user: Any, organization: Organization) -> QuerySet[ReportArtifact]:
    """Draft versions of attestable documents whose data (kind + parameters + inputs) have no
    attestation yet, newest version of each document only, their own fields (one query)."""
    attested = ReportAttestation.objects.filter(kind=OuterRef("kind"), params_key=OuterRef("params_key"),
                                                inputs_hash=OuterRef("inputs_hash"))
    newer = ReportArtifact.objects.filter(kind=OuterRef("kind"), params_key=OuterRef("params_key"),
                                          is_final=False, version__gt=OuterRef("version"))
    return (
        _visible(user, organization)
        .filter(kind__in=ATTESTABLE, is_final=False)
        .exclude(Exists(attested))
        .exclude(Exists(newer))
    )


def artifact_get(*, user: Any, artifact_id: int) -> ReportArtifact:
    """One artifact, or Http404 outside the user's scope."""
    return access.get_object_or_404(
        user, "view", _listed().select_related(
            "organization", "filing", "filing__amends__artifact", "filing__amended_by__artifact", "attestation",
            "attestation_of").annotate(data_changed_at=_data_changed_at()),
        pk=artifact_id)


def artifact_match(*, user: Any, content: bytes) -> ReportArtifact | None:
    """The archived artifact (among those the user may see) whose PDF has ``content``'s
    SHA-256, or None when it matches none (one query)."""
    digest = hashlib.sha256(content).hexdigest()
    return (
        access.scoped(user, "view", _listed().select_related("organization", "filing"))
        .filter(sha256=digest).order_by("-is_final", "-version", "-pk").first()
    )


def superseded_filings(*, user: Any, organization: Organization | None = None) -> QuerySet[ReportArtifact]:
    """Filed reports in force (not amended) whose data changed since filing (one query)."""
    changed = ReportDataChange.objects.filter(filing=OuterRef("filing"))
    return artifact_history(user=user, organization=organization).filter(
        Exists(changed), filing__isnull=False, filing__amended_by__isnull=True)
