"""Financial years: the list, entering a year (and computing its obligation), its page with the
actions of its state (upload the audited statement, compute, submit, lock) and amending a locked year.

The services decide who may write (plan finance) and refuse bad input; a refusal is shown on
the form or the year's page (status 400) with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from organizations import access
from organizations.models import Organization, OrganizationKind
from web import tables
from web.actions import submit_form
from web.files import protected_file
from web.forms import general_errors
from web.requests import AuthenticatedRequest
from web.scoping import plan_for
from web.tables import Column

from .. import selectors, services
from ..models import PlanFinancialYear
from .forms import AmendForm, ComputeForm, DocumentForm, YearFilter, YearForm
from .roles import FINANCE, PLAN_STAFF

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

#: The states in which the year's page offers the upload of the statement (the service refuses later).
OPEN_STATUSES = ("draft", "submitted")

YEAR_COLUMNS = [
    Column("income_year", _("Income year"), sort="income_year", value=lambda y: str(y.income_year)),
    Column("get_status_display", _("Status"), sort="status"),
    Column("total_revenue", _("Total revenue"), sort="total_revenue", kind="money"),
    Column("net_income", _("Net income"), sort="net_income", kind="money"),
    Column("amendment_reason", _("Amendment reason")),
    Column("created_at", _("Recorded"), sort="created_at", kind="datetime"),
]


@login_required
def year_list(request: AuthenticatedRequest, plan: str) -> HttpResponseBase:
    org = plan_for(request, plan, PLAN_STAFF)
    form = YearFilter(request.GET or None)
    rows = access.scoped(request.user, "view", selectors.financial_years_for_plan(org))
    if form.is_valid() and form.cleaned_data["status"]:
        rows = rows.filter(status=form.cleaned_data["status"])
    columns = [Column(c.key, c.label, sort=c.sort, kind=c.kind, value=c.value,
                      link=(lambda y: reverse("reinvestment:year_detail", args=[org.code, y.pk]))
                      if c.key == "income_year" else None) for c in YEAR_COLUMNS]
    table = tables.build(request, rows, columns=columns, default_sort="-income_year", filter_form=form,
                         caption=str(_("Financial years")))
    if table.wants_csv:
        return table.csv_response(f"{org.code}-financial-years.csv")
    return render(request, "reinvestment/year_list.html", {
        "plan": org, "table": table, "can_change": access.has_role(request.user, org, *FINANCE)})


def _year_url(org: Organization, year: PlanFinancialYear) -> str:
    return reverse("reinvestment:year_detail", args=[org.code, year.pk])


@login_required
@require_http_methods(["GET", "POST"])
def year_new(request: AuthenticatedRequest, plan: str) -> HttpResponse:
    """Enter a financial year (a draft) and, when a policy is chosen, compute its obligation."""
    org = plan_for(request, plan, FINANCE)
    form = YearForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        figures = form.figures()
        if data.get("source_document"):
            figures["source_document"] = data["source_document"]

        def enter() -> str:
            year = services.financial_year_enter(actor=request.user, plan=org, income_year=data["income_year"],
                                                 policy_code=data["policy"], **figures)
            return _year_url(org, year)

        response = submit_form(request, form, enter,
                               success=_("Income year %(year)s recorded.") % {"year": data["income_year"]})
        if response is not None:
            return response
    return render(request, "reinvestment/year_form.html", {
        "plan": org, "form": form, "can_change": True, "title": _("Enter a financial year"),
        "submit_label": _("Record the year")})


def _year(request: AuthenticatedRequest, plan: Organization, pk: int, action: str = "view") -> PlanFinancialYear:
    return access.get_object_or_404(request.user, action, selectors.financial_years_for_plan(plan), pk=pk)


def _year_page(request: AuthenticatedRequest, org: Organization, year: PlanFinancialYear, *,
               document_form: forms.Form | None = None, compute_form: forms.Form | None = None,
               action_error: str = "", status: int = 200) -> HttpResponse:
    obligations = [o for o in selectors.obligations_for_plan(org) if o.financial_year_id == year.pk]
    return render(request, "reinvestment/year_detail.html", {
        "plan": org, "year": year, "obligations": obligations,
        "document_form": document_form or DocumentForm(),
        "compute_form": compute_form or ComputeForm(financial_year=year),
        "action_error": action_error,
        "can_change": access.has_role(request.user, org, *FINANCE),
        "history": selectors.financial_years_for_plan(org).filter(income_year=year.income_year),
    }, status=status)


@login_required
def year_detail(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    org = plan_for(request, plan, PLAN_STAFF)
    return _year_page(request, org, _year(request, org, pk))


@login_required
def year_statement(request: AuthenticatedRequest, plan: str, pk: int, inline: bool = False) -> HttpResponseBase:
    """The year's audited statement, to whoever may view the year (404 otherwise); ``inline``:
    shown in the browser (Preview) rather than saved (Download)."""
    org = Organization.objects.filter(code=plan, kind=OrganizationKind.PLAN).first()
    if org is None:
        raise Http404("Not found")
    year = _year(request, org, pk)
    return protected_file(year.source_document, content_type="application/pdf", inline=inline,
                          filename=f"audited-statement-{org.code}-{year.income_year}.pdf")


def _year_action(request: AuthenticatedRequest, plan: str, pk: int, service: Callable[..., Any],
                 done: _StrOrPromise) -> HttpResponse:
    """A bare button on the year's page: the service's refusal is the page's message."""
    org = plan_for(request, plan, PLAN_STAFF)
    year = _year(request, org, pk)
    button = forms.Form(request.POST)

    def act() -> str:
        service(actor=request.user, financial_year=year)
        return _year_url(org, year)

    return submit_form(request, button, act, success=done) or _year_page(
        request, org, year, action_error=general_errors(button), status=400)


@login_required
@require_POST
def year_submit(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    return _year_action(request, plan, pk, services.financial_year_submit, _("The year was submitted."))


@login_required
@require_POST
def year_lock(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    return _year_action(request, plan, pk, services.financial_year_lock,
                        _("The year was locked; its obligations are frozen."))


@login_required
@require_POST
def year_document(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    """Upload the audited statement (kept with the year; refused once the year is locked)."""
    org = plan_for(request, plan, PLAN_STAFF)
    year = _year(request, org, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        def upload() -> str:
            services.financial_year_update(actor=request.user, financial_year=year,
                                           source_document=form.cleaned_data["source_document"])
            return _year_url(org, year)

        response = submit_form(request, form, upload, success=_("The audited statement was uploaded."),
                               general=True)
        if response is not None:
            return response
    year.refresh_from_db()
    # A locked year shows no upload form: the page says why instead.
    error = "" if year.status in OPEN_STATUSES else str(
        _("This year is locked: its audited statement can be changed only by amending the year."))
    return _year_page(request, org, year, document_form=form, action_error=error, status=400)


@login_required
@require_POST
def year_compute(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    org = plan_for(request, plan, PLAN_STAFF)
    year = _year(request, org, pk)
    form = ComputeForm(request.POST, financial_year=year)
    if form.is_valid():
        def compute() -> str:
            services.obligation_compute(actor=request.user, financial_year=year,
                                        policy_code=form.cleaned_data["policy"])
            return _year_url(org, year)

        response = submit_form(request, form, compute, success=_("The obligation was computed."))
        if response is not None:
            return response
    return _year_page(request, org, year, compute_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def year_amend(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    """Amend a locked year: a new draft supersedes it, with the reason given."""
    org = plan_for(request, plan, FINANCE)
    year = _year(request, org, pk, "change")
    initial = {name: getattr(year, name) for name in services.financials.MONEY_FIELDS}
    initial["quality_standards_met"] = year.quality_standards_met
    initial["quality_measures_missed"] = ", ".join(year.quality_measures_missed)
    form = AmendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        def amend() -> str:
            new = services.financial_year_amend(actor=request.user, financial_year=year,
                                                reason=form.cleaned_data["reason"], **form.figures())
            return _year_url(org, new)

        response = submit_form(request, form, amend, success=_("The amendment was recorded as a new draft."))
        if response is not None:
            return response
    return render(request, "reinvestment/year_form.html", {
        "plan": org, "form": form, "can_change": True, "year": year,
        "title": _("Amend income year %(year)s") % {"year": year.income_year},
        "submit_label": _("Record the amendment")})
