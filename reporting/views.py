"""Pages of compliance reporting: plan compliance (request, preview, attest, file, history) and
the regulator (filed reports, downloads, verifying a PDF against the archive).

A thin web layer: reads through ``reporting.selectors``, writes through ``reporting.services``
(the same functions as the command line and the API). Anything outside the user's scope, and
any ``access.AccessDenied`` from a service, is a 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import access, reauth
from organizations.actors import Actor
from organizations.models import Role
from reinvestment.applicability import attestation_problems
from reinvestment.models import PlanFiguresStamp
from reinvestment.selectors import obligation_choices
from web import stamped, tables
from web.actions import submit_form
from web.files import content_response
from web.forms import field_of, general_errors
from web.nav import NavItem, register
from web.requests import AuthenticatedRequest
from web.scoping import plan_for
from web.tables import Column

from . import services
from .access import ATTEST_ROLES, REQUEST_ROLES
from .models import ReportRun, ReportsStamp, RunStatus
from .selectors import artifact_download, report_run_get, report_run_list
from .selectors.archive import artifact_get, artifact_history, artifact_match, awaiting_attestation
from .subjects import subject_page

CRR = "community-reinvestment"
PLAN_ROLES = tuple(REQUEST_ROLES[CRR])
#: The largest PDF accepted for verification (bytes).
MAX_VERIFY_BYTES = 50 * 1024 * 1024


@require_GET
@login_required
def download(request: AuthenticatedRequest, artifact_id: int, part: str = "pdf") -> HttpResponse:
    try:
        file = artifact_download(user=request.user, artifact_id=artifact_id, part=part)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=409, content_type="text/plain")
    response = content_response(file.content, filename=file.filename, content_type=file.content_type)
    response["X-Content-SHA256"] = file.sha256
    return response


@require_GET
@login_required
def preview(request: AuthenticatedRequest, artifact_id: int) -> HttpResponse:
    """The PDF shown in the browser (``Content-Disposition: inline``), to whoever may download it."""
    try:
        file = artifact_download(user=request.user, artifact_id=artifact_id, part="pdf")
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=409, content_type="text/plain")
    response = content_response(file.content, filename=file.filename, content_type=file.content_type, inline=True)
    response["X-Content-SHA256"] = file.sha256
    return response


def _artifact_url(artifact: Any) -> str:
    return reverse("reporting:artifact", args=[artifact.pk])


def _state(artifact: Any) -> str:
    filing = getattr(artifact, "filing", None)
    if filing is not None:
        if getattr(filing, "amended_by", None) is not None:
            return str(_("Filed, replaced by an amended report"))
        if getattr(artifact, "data_changed_at", None) is not None:
            return str(_("Filed, superseded by new data"))
        return str(_("Filed"))
    if artifact.is_final:
        return str(_("Attested final"))
    return str(_("Draft"))


VERSION_COLUMNS = [
    Column("report_id", _("Report"), sort="report_id", link=_artifact_url),
    Column("version", _("Version"), sort="version", kind="number"),
    Column("state", _("State"), sort="is_final", value=_state),
    Column("generated_at", _("Generated"), sort="generated_at", kind="datetime"),
    Column("sha256", _("SHA-256")),
]


class RequestForm(forms.Form):
    """A report is of one obligation: the year and, when the year has several, which one."""

    year = forms.IntegerField(label=_("Income year"), min_value=1990, max_value=2200)
    policy = forms.ChoiceField(
        label=_("Obligation (policy and line of business)"), required=False,
        help_text=_("Needed when the income year has more than one obligation."))

    def __init__(self, *args: Any, plan: Any, obligations: Sequence[tuple[str, str, str, int]] | None = None,
                 **kwargs: Any) -> None:
        """``obligations``: the plan's ``obligation_choices`` when already read."""
        super().__init__(*args, **kwargs)
        years: dict[tuple[str, str, str], list[int]] = {}
        for code, line, name, year in obligation_choices(plan) if obligations is None else obligations:
            years.setdefault((code, line, name), []).append(year)
        field_of(self, "policy", forms.ChoiceField).choices = [("", _("The year's only obligation"))] + [
            (f"{code}|{line}", f"{code} ({name}): " + str(_("income years %(years)s") % {
                "years": ", ".join(str(y) for y in sorted(set(ys)))}))
            for (code, line, name), ys in years.items()]

    def params(self, plan: Any) -> dict[str, Any]:
        code, _sep, line = self.cleaned_data["policy"].partition("|")
        return {"plan": plan.code, "year": self.cleaned_data["year"], "policy": code, "line_of_business": line}


def _request_report(actor: Actor, params: dict[str, Any]) -> ReportRun:
    """The request; an error about the line of business shows beside the obligation select."""
    try:
        return services.report_request(actor=actor, kind=CRR, params=params)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "line_of_business" in exc.error_dict:
            raise ValidationError({"policy": exc.error_dict["line_of_business"]}) from None
        raise


def _compliance_page(request: AuthenticatedRequest, org: Any, form: RequestForm, status: int = 200,
                     stamps: stamped.Stamps = ()) -> HttpResponse:
    """The page; its lists are kept under the organization's report ``stamps`` (none: read)."""
    def lists() -> dict[str, Any]:
        # The page shows the artifacts' and runs' own fields: no joined rows to read.
        return {
            "waiting": list(awaiting_attestation(user=request.user, organization=org)),
            "runs": list(report_run_list(user=request.user).select_related(None).filter(organization=org)
                         .order_by("-created_at", "-pk")[:10]),
        }

    return render(request, "reporting/compliance.html", {
        "plan": org, "form": form, **stamped.cached("compliance-lists", stamps, (org.pk, request.user.pk), lists),
        "can_attest": access.has_role(request.user, org, *ATTEST_ROLES),
    }, status=status)


@login_required
def compliance(request: AuthenticatedRequest, plan: str) -> HttpResponse:
    """Reports waiting for attestation, recent runs and the form requesting a new version; what
    it lists is kept under the plan's figures and report stamps (``web.stamped``)."""
    org = plan_for(request, plan, PLAN_ROLES)
    figures, reports = stamped.read(org.pk, PlanFiguresStamp, ReportsStamp)
    choices = stamped.cached("obligation-choices", (figures,), (org.pk,), lambda: obligation_choices(org))
    return _compliance_page(request, org, RequestForm(plan=org, obligations=choices), stamps=(reports,))


@login_required
@require_POST
def report_new(request: AuthenticatedRequest, plan: str) -> HttpResponse:
    """Request a Community Reinvestment Report; the run page shows its progress."""
    org = plan_for(request, plan, PLAN_ROLES)
    form = RequestForm(request.POST, plan=org)
    if form.is_valid():
        def request_report() -> str:
            run = _request_report(request.user, form.params(org))
            if getattr(run, "enqueued", True) is False:
                messages.warning(request, _("The report queue is unavailable right now. Your request is saved "
                                            "and queued: it starts by itself when the queue is back."))
            return reverse("reporting:run", args=[run.pk])

        response = submit_form(request, form, request_report)
        if response is not None:
            return response
    return _compliance_page(request, org, form, status=400)


def _progress(run: Any) -> dict[str, Any]:
    return {
        "run": run,
        "percent": run.progress,
        "failed": run.status == RunStatus.FAILED,
        "status_url": reverse("reporting:run_status", args=[run.pk]),
        "back_url": subject_page(run.kind, run.params),
        "done_url": reverse("reporting:artifact", args=[run.artifact_id]) if run.artifact_id else "",
    }


@login_required
def run_detail(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = report_run_get(user=request.user, run_id=run_id)
    return render(request, "reporting/run.html", _progress(run))


@login_required
def run_status(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    """The progress partial htmx polls until the run is done or failed."""
    run = report_run_get(user=request.user, run_id=run_id)
    return render(request, "reporting/_progress.html", _progress(run))


@login_required
def artifact_detail(request: AuthenticatedRequest, artifact_id: int) -> HttpResponse:
    """One version: its hash, downloads (PDF, JSON twin, zip) and the next step (attest or file)."""
    artifact = artifact_get(user=request.user, artifact_id=artifact_id)
    return _artifact_page(request, artifact)


class AttestForm(forms.Form):
    """The officer confirms by typing their full name and job title (the service compares them)."""

    typed_name = forms.CharField(label=_("Your full name"), required=False, max_length=255)
    typed_title = forms.CharField(label=_("Your job title"), required=False, max_length=255)

    def __init__(self, *args: Any, ask_password: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if ask_password:
            # The sign-in is older than REAUTHENTICATE_AFTER_MINUTES: confirm it is still you.
            self.fields["password"] = forms.CharField(
                label=_("Your password"), widget=forms.PasswordInput(render_value=False),
                required=False, max_length=255,
                help_text=_("You signed in a while ago: enter your password to attest."))


def _artifact_page(request: AuthenticatedRequest, artifact: Any, *, attest_form: forms.Form | None = None,
                   error: str = "", status: int = 200) -> HttpResponse:
    org = artifact.organization
    officer = access.has_role(request.user, org, *ATTEST_ROLES)
    attestation = getattr(artifact, "attestation", None)
    attested_as = getattr(artifact, "attestation_of", None)
    can_attest = officer and not artifact.is_final and attestation is None
    year = (artifact.params or {}).get("year")
    # What must happen before the report can be attested or filed (the services refuse until then).
    blockers = (attestation_problems(plan=org, income_year=year,
                                     line_of_business=(artifact.params or {}).get("line_of_business") or None)
                if officer and isinstance(year, int) and getattr(artifact, "filing", None) is None else [])
    if can_attest and attest_form is not None:
        error = ""  # the attestation form shows its own errors
    return render(request, "reporting/artifact.html", {
        "artifact": artifact, "state": _state(artifact), "error": error,
        "attestation": attestation, "attested_as": attested_as,
        "filing": getattr(artifact, "filing", None),
        "can_attest": can_attest,
        "attest_form": attest_form or AttestForm(ask_password=reauth.needs_password(request)),
        "can_file": officer and artifact.is_final and getattr(artifact, "filing", None) is None,
        "plan_staff": access.has_role(request.user, org, *PLAN_ROLES),
        "blockers": blockers,
    }, status=status)


@login_required
@require_POST
def artifact_attest(request: AuthenticatedRequest, artifact_id: int) -> HttpResponse:
    artifact = artifact_get(user=request.user, artifact_id=artifact_id)
    ask_password = reauth.needs_password(request)
    form = AttestForm(request.POST, ask_password=ask_password)
    if form.is_valid() and ask_password and not reauth.confirm_password(request, form.cleaned_data["password"]):
        form.add_error("password", _("Enter your password to confirm that it is you attesting."))
    if form.is_valid():
        def attest() -> str:
            attestation = services.report_attest(actor=request.user, artifact=artifact,
                                                 typed_name=form.cleaned_data["typed_name"],
                                                 typed_title=form.cleaned_data["typed_title"])
            return reverse("reporting:artifact", args=[attestation.final_id])

        response = submit_form(request, form, attest, general=True,
                               success=_("Attested. The final report is ready to file."))
        if response is not None:
            return response
    return _artifact_page(request, artifact, attest_form=form, error=general_errors(form),
                          status=400)


@login_required
@require_POST
def artifact_file(request: AuthenticatedRequest, artifact_id: int) -> HttpResponse:
    """A bare button: the service's refusal is the page's message."""
    artifact = artifact_get(user=request.user, artifact_id=artifact_id)
    button = forms.Form(request.POST)

    def file() -> str:
        services.report_file(actor=request.user, artifact=artifact)
        return reverse("reporting:artifact", args=[artifact.pk])

    return submit_form(request, button, file, success=_("Filed with the regulator.")) or _artifact_page(
        request, artifact, error=general_errors(button), status=400)


class HistoryFilter(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("Any")), ("draft", _("Draft")), ("final", _("Attested final")), ("filed", _("Filed"))])


def _filter_state(rows: Any, state: str) -> Any:
    if state == "draft":
        return rows.filter(is_final=False)
    if state == "final":
        return rows.filter(is_final=True)
    if state == "filed":
        return rows.filter(filing__isnull=False)
    return rows


@login_required
def history(request: AuthenticatedRequest, plan: str) -> HttpResponseBase:
    """Every version of the plan's reports with its SHA-256."""
    org = plan_for(request, plan, PLAN_ROLES)
    form = HistoryFilter(request.GET or None)
    rows = artifact_history(user=request.user, organization=org)
    if form.is_valid():
        rows = _filter_state(rows, form.cleaned_data["state"])
    table = tables.build(request, rows, columns=VERSION_COLUMNS, default_sort="-generated_at",
                         filter_form=form, caption=str(_("Report versions")))
    if table.wants_csv:
        return table.csv_response(f"{org.code}-report-versions.csv")
    return render(request, "reporting/history.html", {"plan": org, "table": table})


FILED_COLUMNS = [
    Column("organization.legal_name", _("Plan"), sort="organization__legal_name"),
    Column("report_id", _("Report"), sort="report_id", link=_artifact_url),
    Column("version", _("Version"), sort="version", kind="number"),
    Column("filing.filed_at", _("Filed"), sort="filing__filed_at", kind="datetime"),
    Column("state", _("State"), value=_state),
    Column("sha256", _("SHA-256")),
]


class FiledFilter(forms.Form):
    plan = forms.CharField(label=_("Plan name contains"), required=False, max_length=100)


@login_required
def filed(request: AuthenticatedRequest) -> HttpResponseBase:
    """Filed reports of plans in the regulator's jurisdiction (only filed ones are in scope)."""
    if not access.organizations_with_role(request.user, Role.REGULATOR) and not access.is_site_admin(request.user):
        raise Http404("Not found")
    form = FiledFilter(request.GET or None)
    rows = artifact_history(user=request.user).filter(filing__isnull=False)
    if form.is_valid() and form.cleaned_data["plan"]:
        rows = rows.filter(organization__legal_name__icontains=form.cleaned_data["plan"])
    table = tables.build(request, rows, columns=FILED_COLUMNS, default_sort="-filing.filed_at",
                         filter_form=form, caption=str(_("Filed reports")))
    if table.wants_csv:
        return table.csv_response("filed-reports.csv")
    return render(request, "reporting/filed.html", {"table": table})


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("PDF to verify"),
                           help_text=_("The file is compared, by its SHA-256, with the archived reports."))


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a PDF: say which archived report and version it is, or that it matches none."""
    if not access.organizations_with_role(request.user, Role.REGULATOR, *PLAN_ROLES) \
            and not access.is_site_admin(request.user):
        raise Http404("Not found")
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_VERIFY_BYTES:
                form.add_error("file", _("The file is larger than 50 MB."))
                status = 400
            else:
                content = upload.read()
                result = {"sha256": hashlib.sha256(content).hexdigest(),
                          "artifact": artifact_match(user=request.user, content=content)}
        else:
            status = 400
    return render(request, "reporting/verify.html", {"form": form, "result": result}, status=status)


register(NavItem("reporting.compliance", _("Compliance reports"), "reporting:compliance",
                 frozenset(PLAN_ROLES), _("Request, preview, attest and file the Community Reinvestment Report."),
                 org_kwarg="plan", order=30))
register(NavItem("reporting.history", _("Report versions"), "reporting:history",
                 frozenset(PLAN_ROLES), _("Every version with its SHA-256."), org_kwarg="plan", order=31))
register(NavItem("reporting.filed", _("Filed reports"), "reporting:filed", frozenset({Role.REGULATOR}),
                 _("Reports filed by plans in your jurisdiction."), order=40))
register(NavItem("reporting.verify", _("Verify a report"), "reporting:verify", frozenset({Role.REGULATOR}),
                 _("Check that a PDF is an archived report."), order=41))
