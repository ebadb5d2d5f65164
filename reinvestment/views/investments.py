"""Direct investments: the plan's payments straight to community organizations and the programs it
operates itself, and recording one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from organizations import access
from web import tables
from web.actions import submit_form
from web.requests import AuthenticatedRequest
from web.scoping import plan_for
from web.tables import Column

from .. import selectors, services
from .forms import InvestmentFilter, InvestmentForm
from .roles import FINANCE, PLAN_STAFF

INVESTMENT_COLUMNS = [
    Column("paid_on", _("Paid on"), sort="paid_on", kind="date"),
    Column("payee.legal_name", _("Payee"), sort="payee__legal_name",
           value=lambda i: str(_("Operated by the plan")) if i.operated_by_plan else i.payee.legal_name),
    Column("purpose", _("Purpose"), sort="purpose"),
    Column("county.name", _("County"), sort="county__name"),
    Column("get_domain_display", _("Domain"), sort="domain"),
    Column("income_year", _("Income year"), sort="income_year", value=lambda i: str(i.income_year)),
    Column("amount", _("Amount"), sort="amount", kind="money"),
]


@login_required
def investment_list(request: AuthenticatedRequest, plan: str) -> HttpResponseBase:
    org = plan_for(request, plan, PLAN_STAFF)
    form = InvestmentFilter(request.GET or None)
    rows = access.scoped(request.user, "view", selectors.direct_investments_for_plan(org))
    if form.is_valid():
        if form.cleaned_data["income_year"]:
            rows = rows.filter(income_year=form.cleaned_data["income_year"])
        if form.cleaned_data["domain"]:
            rows = rows.filter(domain=form.cleaned_data["domain"])
    table = tables.build(request, rows, columns=INVESTMENT_COLUMNS, default_sort="-paid_on",
                         filter_form=form, caption=str(_("Direct investments")))
    if table.wants_csv:
        return table.csv_response(f"{org.code}-direct-investments.csv")
    return render(request, "reinvestment/investment_list.html", {
        "plan": org, "table": table, "can_change": access.has_role(request.user, org, *FINANCE)})


@login_required
@require_http_methods(["GET", "POST"])
def investment_new(request: AuthenticatedRequest, plan: str) -> HttpResponse:
    org = plan_for(request, plan, FINANCE)
    form = InvestmentForm(request.POST or None, plan=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def record() -> str:
            services.direct_investment_record(
                actor=request.user, plan=org, payee=data["payee"], operated_by_plan=data["operated_by_plan"],
                purpose=data["purpose"],
                county=data["county"], domain=data["domain"], paid_on=data["paid_on"], amount=data["amount"],
                cha_chip_aligned=data["cha_chip_aligned"], cac_consulted=data["cac_consulted"],
                income_year=data["income_year"])
            return reverse("reinvestment:investment_list", args=[org.code])

        response = submit_form(request, form, record, success=_("The direct investment was recorded."))
        if response is not None:
            return response
    return render(request, "reinvestment/year_form.html", {
        "plan": org, "form": form, "can_change": True, "title": _("Record a direct investment"),
        "submit_label": _("Record the investment")})
