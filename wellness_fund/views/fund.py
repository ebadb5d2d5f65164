"""Pages of the fund for its administrators and board (mounted at /funds/).

* ``fund_list``: the funds the user's ACH holds, with what is available to award.
* ``fund_detail``: balance and available to award by restriction (``selectors.fund_balances``),
  contributions expected vs received (``selectors.statements_due``), and links to the statement.
* ``fund_statement``: sources and uses for a period (``selectors.fund_statement``), the fiscal
  year to date unless another period is asked for.

Every figure comes from ``wellness_fund.selectors``; the pages only lay it out. Another
ACH's fund is a 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from organizations import access
from organizations.models import Role
from reporting.document_pages import document_panel
from reporting.models import ReportKind
from web import charts, nav, tables
from web.requests import AuthenticatedRequest

from .. import selectors
from ..models import WellnessFund

ACH = frozenset({Role.FUND_ADMIN, Role.BOARD_MEMBER, Role.BOARD_CHAIR})


def fiscal_year_start(fund: WellnessFund, today: dt.date) -> dt.date:
    """The first day of the fund's fiscal year containing ``today``."""
    year = today.year if today.month >= fund.fiscal_year_start_month else today.year - 1
    return dt.date(year, fund.fiscal_year_start_month, 1)


FUND_COLUMNS = [
    tables.Column("name", gettext_lazy("Fund"), sort="name",
                  link=lambda f: reverse("wellness_fund:fund_detail", args=[f.code])),
    tables.Column("code", gettext_lazy("Code"), sort="code"),
    tables.Column("ach.name", gettext_lazy("Accountable Community for Health"), sort="ach__legal_name"),
]


@login_required
@require_GET
def fund_list(request: AuthenticatedRequest) -> HttpResponseBase:
    rows = access.scoped(request.user, "view", WellnessFund.objects.all()).select_related("ach")
    table = tables.build(request, rows, columns=FUND_COLUMNS, default_sort="name", caption=_("Wellness funds"))
    if table.wants_csv:
        return table.csv_response("funds.csv")
    return render(request, "wellness_fund/fund/fund_list.html", {"table": table})


def _fund(request: AuthenticatedRequest, code: str) -> WellnessFund:
    return access.get_object_or_404(request.user, "view", WellnessFund.objects.select_related("ach"), code=code)


@login_required
@require_GET
def fund_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    fund = _fund(request, code)
    balances = selectors.fund_balances(fund=fund)
    zero = Decimal("0.00")
    totals = {key: sum((row[key] for row in balances), zero) for key in ("cash", "awards_payable", "available")}
    statements = selectors.statements_due(user=request.user, fund=fund, today=timezone.localdate())
    expected = sum((s["expected"] for s in statements), zero)
    received = sum((s["paid"] for s in statements), zero)
    chart = charts.bar_chart(_("Available to award by restriction"),
                             [(row["name"], row["available"]) for row in balances], chart_id="available-chart")
    return render(request, "wellness_fund/fund/fund_detail.html", {
        "fund": fund, "balances": balances, "totals": totals, "statements": statements,
        "expected": expected, "received": received, "overdue": [s for s in statements if s["overdue"]],
        "chart": chart,
    })


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", gettext_lazy("The period must end on or after its start."))
        return data


@login_required
@require_GET
def fund_statement(request: AuthenticatedRequest, code: str) -> HttpResponse:
    fund = _fund(request, code)
    today = timezone.localdate()
    default = {"start": fiscal_year_start(fund, today).isoformat(), "end": today.isoformat()}
    form = PeriodForm(request.GET if "start" in request.GET else default)
    statement = None
    status = 200
    if form.is_valid():
        statement = selectors.fund_statement(fund=fund, start=form.cleaned_data["start"],
                                             end=form.cleaned_data["end"])
    else:
        status = 400
    return render(request, "wellness_fund/fund/fund_statement.html",
                  {"fund": fund, "form": form, "statement": statement,
                   "statement_panel": document_panel(request, kind=ReportKind.FUND_STATEMENT, subject=fund)},
                  status=status)


urlpatterns = [
    path("", fund_list, name="fund_list"),
    path("<slug:code>/", fund_detail, name="fund_detail"),
    path("<slug:code>/statement/", fund_statement, name="fund_statement"),
]

nav.register(nav.NavItem("wellness_fund.funds", gettext_lazy("Wellness funds"), "wellness_fund:fund_list", ACH,
                         gettext_lazy("Balances, available to award, contributions and the fund statement."),
                         order=20))
