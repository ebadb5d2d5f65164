"""The obligations dashboard: what the plan owes by income year, and the chosen year by county."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from organizations import access
from web import charts, stamped, tables
from web.requests import AuthenticatedRequest
from web.scoping import plan_for
from web.tables import Column

from .. import selectors
from ..models import PlanFiguresStamp
from ..sources import payment_words
from .roles import FINANCE, PLAN_STAFF


def status_label(status: str) -> str:
    """How an obligation's fulfilment status reads on a page (in the user's language)."""
    return gettext(selectors.FULFILMENT_LABELS.get(status, status))


OBLIGATION_COLUMNS = [
    Column("income_year", _("Income year"), sort="income_year", kind="number",
           value=lambda r: str(r["income_year"])),
    Column("policy", _("Policy"), sort="policy"),
    Column("line_of_business", _("Line of business"), sort="line_of_business"),
    Column("total", _("Required"), sort="total", kind="money"),
    Column("fulfilled", _("Allocated"), sort="fulfilled", kind="money"),
    Column("remaining", _("Remaining"), sort="remaining", kind="money"),
    Column("deadline", _("Deadline"), sort="deadline", kind="date"),
    Column("status", _("Status"), sort="status", value=lambda r: status_label(r["status"])),
]


def describe_rows(rows: list[dict[str, Any]]) -> dict[int, str]:
    """Words for the unallocated credits' payments ("Direct investment of Jan. 2, 2026")."""
    return {r["id"]: payment_words(r["source"], r["credited_on"]) for r in rows}


@login_required
def dashboard(request: AuthenticatedRequest, plan: str) -> HttpResponseBase:
    """Obligations by income year; the chosen year's counties with a chart (required vs fulfilled).

    The figures are kept under the plan's figures stamp (``web.stamped``): a change to any row
    behind them is a new stamp, so they are computed again on the next view."""
    org = plan_for(request, plan, PLAN_STAFF)
    today = timezone.localdate()
    stamps = stamped.read(org.pk, PlanFiguresStamp)
    rows = stamped.cached("obligation-rows", stamps, (org.pk, today),
                          lambda: selectors.obligation_rows(plan=org, as_of=today))
    links = {"income_year": lambda r: r["link"], "policy": lambda r: r["allocations_link"]}
    for row in rows:
        row["link"] = f"?year={row['income_year']}#counties"
        row["allocations_link"] = reverse("reinvestment:allocations", args=[org.code, row["id"]])
    columns = [
        Column(c.key, c.label, sort=c.sort, kind=c.kind, value=c.value, link=links.get(c.key))
        for c in OBLIGATION_COLUMNS
    ]
    table = tables.build(request, rows, columns=columns, default_sort="-income_year",
                         caption=str(_("Obligations by income year")))
    if table.wants_csv:
        return table.csv_response(f"{org.code}-obligations.csv")
    years = sorted({r["income_year"] for r in rows}, reverse=True)
    chosen = request.GET.get("year", "")
    year = int(chosen) if chosen.isdigit() and int(chosen) in years else (years[0] if years else None)
    figures = stamped.cached("obligation-figures", stamps, (org.pk, today, get_language(), year),
                             lambda: _figures(org, rows, years, year, today))
    return render(request, "reinvestment/dashboard.html", {
        "plan": org, "table": table, **figures, "can_change": access.has_role(request.user, org, *FINANCE),
    })


def _figures(org: Any, rows: list[dict[str, Any]], years: list[int], year: int | None,
             today: datetime.date) -> dict[str, Any]:
    """What the dashboard shows below its table, and that part's markup (``figures_html``): the
    plan's unallocated money and the chosen year's obligations by county, with their charts."""
    # Every obligation of the chosen year by county (one per policy and line of business), each
    # named, so a year with several never shows only the first.
    summaries: list[dict[str, Any]] = []
    if year is not None:
        of_year = [r for r in rows if r["income_year"] == year]  # in the selector's order
        for n, (row, summary) in enumerate(zip(of_year, selectors.obligation_progress(of_year, today),
                                               strict=True)):
            summary["status_label"] = status_label(summary["status"])
            summary["line_of_business"] = row["line_of_business"]
            summary["allocations_link"] = row["allocations_link"]
            chart_rows: list[tuple[str, Any]] = []
            for c in summary["counties"]:
                chart_rows.append((f"{c['county']}: {_('required')}", c["allocated"]))
                chart_rows.append((f"{c['county']}: {_('fulfilled')}", c["fulfilled"]))
            summary["chart"] = charts.bar_chart(
                str(_("Obligation and fulfilment by county: %(policy)s, %(line)s, income year %(year)s")
                    % {"policy": summary["policy"], "line": summary["line_of_business"], "year": year}),
                chart_rows, chart_id="county-chart" if n == 0 else f"county-chart-{n + 1}")
            summaries.append(summary)
    # The plan's money no obligation counts yet (each payment's part left by the allocations).
    unallocated = selectors.unallocated_credits_for_plan(org)
    words = describe_rows(unallocated)
    figures = {
        "summary": summaries[0] if summaries else None, "summaries": summaries, "year": year, "years": years,
        "unallocated": [{**u, "words": words[u["id"]]} for u in unallocated],
        "unallocated_total": sum((u["unallocated"] for u in unallocated), selectors.ZERO),
    }
    figures["figures_html"] = render_to_string("reinvestment/includes/dashboard_figures.html", figures)
    return figures
