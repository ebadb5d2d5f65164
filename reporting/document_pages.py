"""Documents on the pages where they belong: the award letter on the award's page, the minutes on
the meeting's page, the annual statement on the fund statement page.

* ``document_panel``: what a subject's page shows about its document: the archived version
  ("Preview" opens it in the browser, "Download" saves it), a draft to read when none is issued
  yet (``subjects.draft_pdf``), the progress of a run being generated, and the request button,
  shown only to whoever may request the document and, when the state does not allow it yet,
  disabled with the reason.
* ``document_request``: the request (GET: the form on its own page; POST: queue a run through
  ``reporting.services.report_request``, then the run's page polls its progress as for the
  compliance report). A refusal is shown beside the field (the fiscal year) or above the form.
* ``document_draft``: the draft PDF, inline.

The subject is looked up first (``subjects.subject_get``): another organization's award, meeting
or fund is a 404, whatever is asked of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from organizations import access
from web.actions import submit_form
from web.files import content_response
from web.once import OnceOnlyFormMixin
from web.requests import AuthenticatedRequest

from . import services
from .access import REQUEST_ROLES
from .models import ReportKind
from .subjects import (
    DRAFTABLE,
    artifacts_of,
    draft_pdf,
    latest_artifact,
    pending_run,
    subject_get,
    subject_of,
    subject_page,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

TITLES: dict[str, _StrPromise] = {
    ReportKind.AWARD_LETTER: _("Award letter"),
    ReportKind.MINUTES: _("Minutes"),
    ReportKind.FUND_STATEMENT: _("Annual fund statement"),
}
REQUEST_LABELS: dict[str, _StrPromise] = {
    ReportKind.AWARD_LETTER: _("Issue the award letter"),
    ReportKind.MINUTES: _("Issue the certified minutes"),
    ReportKind.FUND_STATEMENT: _("Generate the annual statement"),
}
#: How many fiscal years of statements the fund statement page lists.
STATEMENT_YEARS = 10


class DocumentRequestForm(OnceOnlyFormMixin, forms.Form):
    """The request of a document: the once-only token and, for a fund's annual statement, the
    fiscal year."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "document")
        super().__init__(*args, **kwargs)
        if kind == ReportKind.FUND_STATEMENT:
            self.fields["year"] = forms.IntegerField(
                label=_("Fiscal year"), min_value=1990, max_value=2200,
                help_text=_("The year the fund's fiscal year starts in, for example 2025."))

    def params(self) -> dict[str, Any]:
        return {"year": self.cleaned_data["year"]} if "year" in self.fields else {}


def _requestable(kind: str) -> None:
    if kind not in TITLES:  # the compliance page requests the Community Reinvestment Report
        raise Http404("Not found")


def _may_request(user: Any, kind: str, subject: Any) -> bool:
    return access.has_role(user, subject_of(kind).owner(subject), *REQUEST_ROLES[kind])


def _not_yet(kind: str, subject: Any) -> str:
    """Why the document cannot be issued in the subject's current state ("" when it can)."""
    if kind == ReportKind.MINUTES and subject.certified_at is None:
        return str(_("The minutes can be issued once the chair certifies them. Until then, read the draft."))
    return ""


def _progress(run: Any) -> dict[str, Any] | None:
    from .views import _progress as progress

    return progress(run) if run is not None else None


def document_panel(request: AuthenticatedRequest, *, kind: str, subject: Any) -> dict[str, Any]:
    """The context of ``reporting/_document_panel.html`` for ``subject`` (already fetched through
    ``organizations.access`` by the page)."""
    param = subject_of(kind).param
    value = getattr(subject, subject_of(kind).field)
    params = {param: value}
    may_request = _may_request(request.user, kind, subject)
    reason = _not_yet(kind, subject)
    form = None
    if may_request and not reason:
        initial = {"year": timezone.localdate().year - 1} if kind == ReportKind.FUND_STATEMENT else None
        form = DocumentRequestForm(kind=kind, initial=initial)
    panel: dict[str, Any] = {
        "kind": kind, "title": TITLES[kind], "request_label": REQUEST_LABELS[kind],
        "request_url": reverse("reporting:document_request", args=[kind, value]),
        "form": form, "may_request": may_request, "reason": reason, "latest": None, "versions": [],
        "draft_url": "", "run": _progress(pending_run(kind=kind, subject_value=value)) if may_request else None,
    }
    if kind == ReportKind.FUND_STATEMENT:
        newest: dict[str, Any] = {}
        for artifact in artifacts_of(kind=kind, subject_value=value)[:100]:
            newest.setdefault(artifact.params_key, artifact)
        panel["versions"] = sorted(newest.values(), key=lambda a: -int(a.params.get("year", 0)))[:STATEMENT_YEARS]
    else:
        panel["latest"] = latest_artifact(kind=kind, params=params)
        if kind in DRAFTABLE and panel["latest"] is None:
            panel["draft_url"] = reverse("reporting:document_draft", args=[kind, value])
    return panel


@login_required
@require_http_methods(["GET", "POST"])
def document_request(request: AuthenticatedRequest, kind: str, subject: str) -> HttpResponse:
    """Request the document of ``subject`` (fund administrators; the chair for minutes and fund
    statements); the run's page shows its progress."""
    _requestable(kind)
    param = subject_of(kind).param
    record = subject_get(user=request.user, kind=kind, params={param: subject})
    if not _may_request(request.user, kind, record):
        raise Http404("Not found")
    value = getattr(record, subject_of(kind).field)
    reason = _not_yet(kind, record)
    form = DocumentRequestForm(request.POST if request.method == "POST" else None, kind=kind)
    status = 200
    if request.method == "POST":
        status = 400
        if reason:
            form.add_error(None, reason)
        elif form.is_valid():
            def queue() -> str:
                run = services.report_request(actor=request.user, kind=kind, params={param: value} | form.params())
                if getattr(run, "enqueued", True) is False:
                    messages.warning(request, _("The document queue is unavailable right now. Your request is "
                                                "saved and queued: it starts by itself when the queue is back."))
                return reverse("reporting:run", args=[run.pk])

            response = submit_form(request, form, queue, general=True)
            if response is not None:
                return response
    return render(request, "reporting/document_request.html", {
        "title": TITLES[kind], "request_label": REQUEST_LABELS[kind], "form": form, "reason": reason,
        "back_url": subject_page(kind, {param: value}), "subject": record, "kind": kind,
    }, status=status)


@login_required
@require_GET
def document_draft(request: AuthenticatedRequest, kind: str, subject: str) -> HttpResponse:
    """The document as the records stand, with the DRAFT watermark, shown in the browser."""
    if kind not in DRAFTABLE:
        raise Http404("Not found")
    param = subject_of(kind).param
    record = subject_get(user=request.user, kind=kind, params={param: subject})
    try:
        filename, pdf = draft_pdf(kind=kind, params={param: getattr(record, subject_of(kind).field)})
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=409, content_type="text/plain")
    return content_response(pdf, filename=filename, content_type="application/pdf", inline=True)
