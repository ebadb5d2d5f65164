"""What a plan's finance and compliance people see on the home page (see web.home)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from money import format_usd
from organizations import access
from organizations.models import Organization, Role
from web import charts, home

from . import selectors
from .models import FinancialYearStatus

ZERO = Decimal("0.00")
PLAN = {Role.PLAN_FINANCE, Role.PLAN_COMPLIANCE}


def plan(user: Any, organization: Organization) -> home.Part:
    """Obligation against fulfilled, deadlines of what remains, years to submit (finance)."""
    part = home.Part()
    today = timezone.localdate()
    rows = selectors.obligation_rows(plan=organization, as_of=today)
    dashboard = reverse("reinvestment:dashboard", args=[organization.code])
    required = sum((r["total"] for r in rows), ZERO)
    fulfilled = sum((r["fulfilled"] for r in rows), ZERO)
    part.figures.append(home.Figure(_("Reinvestment obligation"), format_usd(required),
                                    _("All income years"), dashboard))
    part.figures.append(home.Figure(_("Fulfilled"), format_usd(fulfilled),
                                    _("%(remaining)s remaining") % {
                                        "remaining": format_usd(max(required - fulfilled, ZERO))}, dashboard))
    for r in rows:
        if r["remaining"] > 0 and r["deadline"]:
            part.tasks.append(home.Task(
                _("Reinvest %(amount)s for income year %(year)s") % {
                    "amount": format_usd(r["remaining"]), "year": r["income_year"]},
                dashboard + f"?year={r['income_year']}", r["deadline"]))
    by_year: dict[int, tuple[Decimal, Decimal]] = {}
    for r in rows:
        total, done = by_year.get(r["income_year"], (ZERO, ZERO))
        by_year[r["income_year"]] = (total + r["total"], done + r["fulfilled"])
    bars: list[tuple[str, Decimal]] = []
    for year in sorted(by_year):
        total, done = by_year[year]
        bars.append((_("%(year)s obligation") % {"year": year}, total))
        bars.append((_("%(year)s fulfilled") % {"year": year}, done))
    if bars:
        part.charts.append(charts.bar_chart(_("Obligation and fulfilled by income year"), bars,
                                            chart_id="obligation-chart"))
    if Role.PLAN_FINANCE in access.roles_in(user, organization):
        for draft in selectors.financial_years_for_plan(organization).filter(status=FinancialYearStatus.DRAFT):
            part.tasks.append(home.Task(
                _("Submit the financial results of income year %(year)s") % {"year": draft.income_year},
                reverse("reinvestment:year_detail", args=[organization.code, draft.pk])))
    return part


home.register("reinvestment.plan", PLAN, plan, order=10)
