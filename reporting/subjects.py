"""What each document is of (its subject) and where it belongs in the pages.

A document names its subject in its parameters: a plan (the Community Reinvestment Report), a
fund (its annual statement), an award (its letter), a meeting (its minutes). ``subject_get``
finds the subject among what the user may see (``organizations.access``), so a subject of another
organization is a 404, the same as one that does not exist, before anything about it is read
or written. The pages and the API ask here.

Who reads a document:

* the staff of the organization that owns it (``reporting.access``: fund administrators and the
  board chair for an ACH's documents, plan staff for a plan's);
* also, for an award letter, the grantee's staff (they read it before accepting), and for the
  minutes, every member of the board (they read the draft before the chair certifies).
  ``artifact_readable`` adds these through the subject: whoever may view the award or the
  meeting may read its documents, and nobody else.

A draft (``draft_pdf``) is rendered from the records as they stand, with the DRAFT watermark,
and never archived: the minutes of a meeting not yet certified, an award letter not yet issued.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from organizations import access

from .kinds import document_kind, params_key
from .models import ReportArtifact, ReportKind, ReportRun, RunStatus


@dataclass(frozen=True)
class Subject:
    """The parameter naming the subject, the records it is among, the field it is looked up by,
    and the address of its page."""

    param: str
    records: Callable[[], QuerySet[Any]]
    field: str
    page: Callable[[Mapping[str, Any]], str]
    owner: Callable[[Any], int]  # the id of the organization that issues the subject's documents
    #: Whoever may view the subject may also read its documents (see the module docstring).
    shared_with_readers: bool = False


def _plans() -> QuerySet[Any]:
    from organizations.models import Organization, OrganizationKind

    return Organization.objects.filter(kind=OrganizationKind.PLAN)


def _funds() -> QuerySet[Any]:
    from wellness_fund.models import WellnessFund

    return WellnessFund.objects.select_related("ach")


def _awards() -> QuerySet[Any]:
    from grants.models import Award

    return Award.objects.select_related("grantee", "fund")


def _meetings() -> QuerySet[Any]:
    from grants.models import Meeting

    return Meeting.objects.select_related("body")


SUBJECTS: dict[str, Subject] = {
    ReportKind.COMMUNITY_REINVESTMENT: Subject(
        "plan", _plans, "code", lambda p: reverse("reporting:compliance", args=[p["plan"]]),
        lambda plan: plan.pk),
    ReportKind.FUND_STATEMENT: Subject(
        "fund", _funds, "code", lambda p: reverse("wellness_fund:fund_statement", args=[p["fund"]]),
        lambda fund: fund.ach_id),
    ReportKind.AWARD_LETTER: Subject(
        "award", _awards, "pk", lambda p: reverse("grants:award_detail", args=[p["award"]]),
        lambda award: award.fund.ach_id, shared_with_readers=True),
    ReportKind.MINUTES: Subject(
        "meeting", _meetings, "pk", lambda p: reverse("grants:meeting_detail", args=[p["meeting"]]),
        lambda meeting: meeting.body.ach_id, shared_with_readers=True),
}


def subject_of(kind: str) -> Subject:
    try:
        return SUBJECTS[kind]
    except KeyError:
        raise Http404("Not found") from None


def subject_get(*, user: Any, kind: str, params: Mapping[str, Any]) -> Model:
    """The subject named in ``params`` if ``user`` may view it; Http404 otherwise (another
    organization's, none, or not a valid name of one)."""
    subject = subject_of(kind)
    raw = params.get(subject.param)
    param = next(p for p in document_kind(kind).params if p.name == subject.param)
    try:
        value = param.parse(raw) if raw not in (None, "") else None
    except ValidationError:
        value = None
    if value is None:
        raise Http404("Not found")
    return access.get_object_or_404(user, "view", subject.records(), **{subject.field: value})


def subject_page(kind: str, params: Mapping[str, Any]) -> str:
    """The address of the page where a document of ``kind`` with ``params`` belongs."""
    return subject_of(kind).page(params)


def _key(kind: str, params: Mapping[str, Any]) -> str:
    return params_key(document_kind(kind).normalize(dict(params)))


def latest_artifact(*, kind: str, params: Mapping[str, Any]) -> ReportArtifact | None:
    """The newest archived version of the document (the final one of a version first), or None.
    Call it once the subject is known to be the user's (``subject_get``)."""
    return (ReportArtifact.objects.filter(kind=kind, params_key=_key(kind, params))
            .order_by("-version", "-is_final", "-pk").first())


def artifacts_of(*, kind: str, subject_value: Any) -> QuerySet[ReportArtifact]:
    """Every archived version of documents of ``kind`` about one subject (e.g. a fund's statements
    of every year), newest first."""
    param = subject_of(kind).param
    return (ReportArtifact.objects.filter(kind=kind, **{f"params__{param}": subject_value})
            .order_by("-generated_at", "-pk"))


def pending_run(*, kind: str, subject_value: Any) -> ReportRun | None:
    """The newest run of a document of ``kind`` about one subject still queued or running (the
    page shows its progress), or None."""
    param = subject_of(kind).param
    return (ReportRun.objects.filter(kind=kind, status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
                                     **{f"params__{param}": subject_value})
            .select_related("artifact").order_by("-created_at", "-pk").first())


def artifact_readable(*, user: Any, artifact_id: int) -> ReportArtifact:
    """An artifact the user may read: within ``reporting.access`` scope, or (award letters and
    minutes) about a subject the user may view. Http404 otherwise."""
    found = access.scoped(user, "view", ReportArtifact.objects.filter(pk=artifact_id)).first()
    if found is not None:
        return found
    artifact = ReportArtifact.objects.filter(pk=artifact_id).first()
    subject = SUBJECTS.get(artifact.kind) if artifact is not None else None
    if artifact is None or subject is None or not subject.shared_with_readers:
        raise Http404("Not found")
    subject_get(user=user, kind=artifact.kind, params=artifact.params)
    return artifact


#: Kinds that can be read as a draft in the browser (rendered as the records stand, not archived).
DRAFTABLE = (ReportKind.MINUTES, ReportKind.AWARD_LETTER)


def draft_pdf(*, kind: str, params: Mapping[str, Any]) -> tuple[str, bytes]:
    """(file name, PDF) of the document as the records stand now, with the DRAFT watermark.
    Call it once the subject is known to be the user's (``subject_get``)."""
    from .selectors import minutes

    dk = document_kind(kind)
    clean = dk.normalize(dict(params))
    data = minutes.minutes_data(clean, draft=True) if kind == ReportKind.MINUTES else dk.collect(clean)
    report_id = dk.report_id(clean, 0).removesuffix("-v0") + "-draft"
    pdf = dk.render_pdf(data, report_id=report_id, version=0, generated_at=timezone.localtime(), draft=True)
    return f"{report_id}.pdf", pdf
