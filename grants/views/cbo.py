"""Pages CBO staff use (English and Spanish): open calls, the application form, applications, awards.

The application form saves itself: every change posts the form to ``autosave`` (htmx), which
saves the draft through ``application_save_draft`` and answers with the checklist of what
is still missing before the application can be submitted. The checklist is the list of
problems ``application_submit`` itself would refuse with, so the page and the service can
never disagree.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import access
from organizations.models import Organization, Role
from web import tables
from web.actions import run_service, submit_form
from web.requests import AuthenticatedRequest
from wellness_fund.models import WellnessFund

from .. import selectors, services
from ..models import Application, ApplicationStatus, Award, FundingOpportunity
from ..services.applications import application_submission_errors
from .forms import AcceptAwardForm, ActionForm, ApplicationFilter, ApplicationForm, AttachmentForm

#: Checklist headings for the fields the submission rules name (translated).
CHECKLIST_LABELS = {
    "opportunity": gettext_lazy("Call for proposals"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact email"),
    "project_title": gettext_lazy("Project title"),
    "project_summary": gettext_lazy("Project summary"),
    "target_populations": gettext_lazy("Who the project serves"),
    "requested_amount": gettext_lazy("Amount requested"),
    "period_start": gettext_lazy("Project period"),
    "budget_lines": gettext_lazy("Budget"),
    "counties": gettext_lazy("Counties served"),
    "domains": gettext_lazy("Social-driver domains"),
    "eligibility_answers": gettext_lazy("Eligibility questions"),
}


def missing_before_submit(application: Application) -> list[dict[str, Any]]:
    """What ``application_submit`` would refuse, as checklist rows (label, messages)."""
    errors = application_submission_errors(application)
    return [{"field": field, "label": CHECKLIST_LABELS.get(field, field), "messages": messages}
            for field, messages in errors.items()]


def _cbo_orgs(user: Any) -> list[Organization]:
    ids = access.organizations_with_role(user, Role.CBO_STAFF)
    return list(Organization.objects.filter(pk__in=ids).order_by("legal_name"))


# --------------------------------------------------------------------------- opportunities

OPPORTUNITY_COLUMNS = [
    tables.Column("title", gettext_lazy("Call for proposals"), sort="title",
                  link=lambda o: reverse("grants:opportunity_detail", args=[o.pk])),
    tables.Column("fund.name", gettext_lazy("Fund"), sort="fund__name"),
    tables.Column("status", gettext_lazy("Status"), sort="status", value=lambda o: o.get_status_display()),
    tables.Column("award_max", gettext_lazy("Largest award"), sort="award_max", kind="money"),
    tables.Column("total_budget", gettext_lazy("Total budget"), sort="total_budget", kind="money"),
    tables.Column("closes_at", gettext_lazy("Closes"), sort="closes_at", kind="datetime"),
]


@login_required
@require_GET
def opportunity_list(request: AuthenticatedRequest) -> HttpResponseBase:
    """Calls for proposals the user may see: CBO staff see open calls; ACH staff their funds' calls."""
    table = tables.build(request, selectors.opportunities_visible(user=request.user), columns=OPPORTUNITY_COLUMNS,
                         default_sort="closes_at", caption=_("Calls for proposals"))
    if table.wants_csv:
        return table.csv_response("opportunities.csv")
    managed = access.scoped(request.user, "view", WellnessFund.objects.all()).order_by("code")
    return render(request, "grants/opportunity_list.html", {
        "table": table, "funds": [(f, access.can(request.user, "change", f)) for f in managed]})


@login_required
@require_GET
def opportunity_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opportunity = access.get_object_or_404(
        request.user, "view", FundingOpportunity.objects.select_related("fund", "restriction"), pk=pk)
    cbo_orgs = _cbo_orgs(request.user)
    mine = list(Application.objects.filter(opportunity=opportunity, applicant__in=cbo_orgs)
                .select_related("applicant").order_by("id"))
    can_manage = access.can(request.user, "change", opportunity)
    from .priorities import opportunity_voice_context

    return render(request, "grants/opportunity_detail.html", opportunity_voice_context(request, opportunity) | {
        "opportunity": opportunity,
        "questions": opportunity.eligibility_questions.order_by("number"),
        "rubric": opportunity.rubric.order_by("number"),
        "counties": opportunity.counties.order_by("name"),
        "my_applications": mine,
        "apply_orgs": [(o, ActionForm()) for o in cbo_orgs if o.pk not in {a.applicant_id for a in mine}],
        "can_manage": can_manage,
        "action_form": ActionForm() if can_manage else None,
        "accepting": opportunity.status == "open" and timezone.now() < opportunity.closes_at,
        "closable": opportunity.status == "open" and timezone.now() >= opportunity.closes_at,
    })


@login_required
@require_POST
def application_start(request: AuthenticatedRequest, pk: int, org: str) -> HttpResponse:
    """Start a draft for organization ``org`` (the user must be its CBO staff), then edit it."""
    opportunity = access.get_object_or_404(request.user, "view", FundingOpportunity.objects.all(), pk=pk)
    applicant = next((o for o in _cbo_orgs(request.user) if o.code == org), None)
    if applicant is None:
        raise Http404
    form = ActionForm(request.POST)
    if form.is_valid():
        def action() -> str:
            app = services.application_start(actor=request.user, opportunity=opportunity, applicant=applicant)
            return reverse("grants:application_edit", args=[app.pk])

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return render(request, "grants/form_problem.html", {"form": form, "back": reverse(
        "grants:opportunity_detail", args=[pk])}, status=400)


# --------------------------------------------------------------------------- applications

APPLICATION_COLUMNS = [
    tables.Column("project_title", gettext_lazy("Project"), sort="project_title",
                  value=lambda a: a.project_title or _("(untitled draft)"),
                  link=lambda a: reverse("grants:application_detail", args=[a.pk])),
    tables.Column("applicant.name", gettext_lazy("Applicant"), sort="applicant__legal_name"),
    tables.Column("opportunity.title", gettext_lazy("Call for proposals"), sort="opportunity__title"),
    tables.Column("status", gettext_lazy("Status"), sort="status", value=lambda a: a.get_status_display()),
    tables.Column("requested_amount", gettext_lazy("Requested"), sort="requested_amount", kind="money"),
    tables.Column("submitted_at", gettext_lazy("Submitted"), sort="submitted_at", kind="datetime"),
]


@login_required
@require_GET
def application_list(request: AuthenticatedRequest) -> HttpResponseBase:
    """Applications the user may see: a CBO its own; ACH staff their funds' submitted ones (conflicts excluded)."""
    rows = selectors.applications_scope(user=request.user).select_related("applicant", "opportunity")
    filters = ApplicationFilter(request.GET)
    if filters.is_valid() and filters.cleaned_data["status"]:
        rows = rows.filter(status=filters.cleaned_data["status"])
    table = tables.build(request, rows, columns=APPLICATION_COLUMNS, default_sort="-submitted_at",
                         filter_form=filters, caption=_("Applications"))
    if table.wants_csv:
        return table.csv_response("applications.csv")
    return render(request, "grants/application_list.html", {"table": table})


@login_required
@require_GET
def application_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    detail = selectors.application_detail(user=request.user, pk=pk)
    application = selectors.application_get(user=request.user, pk=pk)
    is_applicant = access.has_role(request.user, application.applicant, Role.CBO_STAFF)
    context: dict[str, Any] = {"detail": detail, "application": application, "is_applicant": is_applicant,
                               "attachments": _attachments(request, application)}
    context["award"] = Award.objects.filter(application=application).first()
    if not is_applicant:
        from .admin import application_admin_context

        context |= application_admin_context(request, application)
    return render(request, "grants/application_detail.html", context)


def _application_for_applicant(request: AuthenticatedRequest, pk: int) -> Application:
    """The application if the user is CBO staff of its applicant; otherwise 404."""
    application = selectors.application_get(user=request.user, pk=pk)
    if not access.has_role(request.user, application.applicant, Role.CBO_STAFF):
        raise Http404
    return application


def _save_draft(request: AuthenticatedRequest, application: Application, form: ApplicationForm) -> Application:
    values = form.service_values()
    return services.application_save_draft(
        actor=request.user, application=application, counties=values.pop("counties"),
        budget_lines=values.pop("budget_lines"), **values)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The draft form: Save (a full post), Submit (save then submit), autosave through ``autosave``."""
    application = _application_for_applicant(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return render(request, "grants/application_locked.html", {"application": application})
    opportunity = application.opportunity
    if request.method == "POST":
        form = ApplicationForm(request.POST, opportunity=opportunity)
        if form.is_valid():
            submit = "submit" in request.POST

            def action() -> str:
                saved = _save_draft(request, application, form)
                if submit:
                    services.application_submit(actor=request.user, application=saved)
                    return reverse("grants:application_detail", args=[application.pk]) + "?submitted=1"
                return reverse("grants:application_edit", args=[application.pk]) + "?saved=1"

            response = submit_form(request, form, action)
            if response is not None:
                return response
        status = 400
    else:
        form = ApplicationForm(initial=ApplicationForm.initial_for(application), opportunity=opportunity)
        status = 200
    application.refresh_from_db()
    return _edit_page(request, application, form, status=status)


def _attachments(request: AuthenticatedRequest, application: Application) -> list[Any]:
    """The application's attachments the user may download (the download route checks again)."""
    return list(access.scoped(request.user, "view", application.attachments.all()).order_by("id"))


def _edit_page(request: AuthenticatedRequest, application: Application, form: ApplicationForm, *,
               attachment_form: AttachmentForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "grants/application_form.html", {
        "application": application, "opportunity": application.opportunity, "form": form,
        "checklist": missing_before_submit(application), "saved": request.GET.get("saved") == "1",
        "attachments": _attachments(request, application),
        "attachment_form": attachment_form or AttachmentForm(),
    }, status=status)


@login_required
@require_POST
def application_attach(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Attach a file to the draft (CBO staff of the applicant): the same service as the API, which
    checks the type from the content and the size against the call's limit. A refusal shows
    beside the field, with nothing stored."""
    application = _application_for_applicant(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        def attach() -> str:
            services.application_attach(
                actor=request.user, application=application, label=form.cleaned_data["label"],
                filename=form.cleaned_data["file"].name,
                content=form.content(application.opportunity.attachment_max_bytes))
            return reverse("grants:application_edit", args=[application.pk]) + "#attachments"

        response = submit_form(request, form, attach, general=True, success=_("The file was attached."))
        if response is not None:
            return response
    application.refresh_from_db()
    if application.status != ApplicationStatus.DRAFT:
        return render(request, "grants/form_problem.html", {
            "form": form, "back": reverse("grants:application_detail", args=[application.pk])}, status=400)
    initial = ApplicationForm(initial=ApplicationForm.initial_for(application), opportunity=application.opportunity)
    return _edit_page(request, application, initial, attachment_form=form, status=400)


@login_required
@require_POST
def application_autosave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """htmx: save the draft as typed so far; answer with the save status and the checklist.

    Not once-only: saving the same values twice leaves the same draft. Bad values are not
    saved and are named in the status.
    """
    application = _application_for_applicant(request, pk)
    form = ApplicationForm(request.POST, opportunity=application.opportunity, autosave=True)
    problems: list[str] = []
    saved_at = None
    if application.status != ApplicationStatus.DRAFT:
        problems.append(_("This application can no longer be edited."))
    elif form.is_valid() and run_service(form, lambda: _save_draft(request, application, form)) is not None:
        saved_at = timezone.localtime()
    if form.errors:
        problems += [f"{form[name].label if name in form.fields else ''}: {' '.join(str(e) for e in errs)}".lstrip(": ")
                     for name, errs in form.errors.items()]
    application.refresh_from_db()
    return render(request, "grants/_autosave.html", {
        "application": application, "checklist": missing_before_submit(application),
        "saved_at": saved_at, "problems": problems,
    })


# --------------------------------------------------------------------------- awards

AWARD_COLUMNS = [
    tables.Column("application.project_title", gettext_lazy("Project"), sort="application__project_title",
                  link=lambda a: reverse("grants:award_detail", args=[a.pk])),
    tables.Column("grantee.name", gettext_lazy("Grantee"), sort="grantee__legal_name"),
    tables.Column("fund.code", gettext_lazy("Fund"), sort="fund__code"),
    tables.Column("amount", gettext_lazy("Amount"), sort="amount", kind="money"),
    tables.Column("status", gettext_lazy("Status"), sort="status", value=lambda a: a.get_status_display()),
    tables.Column("committed_on", gettext_lazy("Committed on"), sort="committed_on", kind="date"),
]


@login_required
@require_GET
def award_list(request: AuthenticatedRequest) -> HttpResponseBase:
    rows = access.scoped(request.user, "view", Award.objects.all()).select_related(
        "grantee", "fund", "application")
    table = tables.build(request, rows, columns=AWARD_COLUMNS, default_sort="-committed_on", caption=_("Awards"))
    if table.wants_csv:
        return table.csv_response("awards.csv")
    return render(request, "grants/award_list.html", {"table": table})


@login_required
@require_http_methods(["GET", "POST"])
def award_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An award with its tranches and reports; the grantee accepts it here."""
    award = access.get_object_or_404(request.user, "view", Award.objects.select_related("grantee"), pk=pk)
    can_accept = award.status == "offered" and access.can(request.user, "accept", award)
    form = None
    status = 200
    if can_accept:
        if request.method == "POST":
            form = AcceptAwardForm(request.POST)
            if form.is_valid():
                accept_form = form

                def action() -> str:
                    services.award_accept(actor=request.user, award=award,
                                          name=accept_form.cleaned_data["accepted_name"],
                                          title=accept_form.cleaned_data["accepted_title"])
                    return reverse("grants:award_detail", args=[award.pk])

                response = submit_form(request, form, action)
                if response is not None:
                    return response
            status = 400
        else:
            form = AcceptAwardForm()
    elif request.method == "POST":
        raise Http404
    from .manage import award_page_context

    return render(request, "grants/award_detail.html", award_page_context(request, award) | {"form": form},
                  status=status)
