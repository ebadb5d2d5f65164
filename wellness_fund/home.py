"""What the fund's people and the paying plans see on the home page (see web.home)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from money import format_usd
from organizations import access
from organizations.models import Organization, Role
from web import charts, home

from . import selectors
from .models import WellnessFund

ZERO = Decimal("0.00")
ACH = {Role.FUND_ADMIN, Role.BOARD_MEMBER, Role.BOARD_CHAIR}


def ach(user: Any, organization: Organization) -> home.Part:
    """The ACH's funds: balance and available to award, overdue contributions (administrators)."""
    part = home.Part()
    today = timezone.localdate()
    funds = access.scoped(user, "view", WellnessFund.objects.filter(ach=organization)).order_by("name")
    admin = access.has_role(user, organization, Role.FUND_ADMIN)
    for fund in funds:
        balances = selectors.fund_balances(fund=fund)
        cash = sum((row["cash"] for row in balances), ZERO)
        available = sum((row["available"] for row in balances), ZERO)
        href = reverse("wellness_fund:fund_detail", args=[fund.code])
        part.figures.append(home.Figure(_("Fund balance"), format_usd(cash), fund.name, href))
        part.figures.append(home.Figure(_("Available to award"), format_usd(available), fund.name, href))
        if not part.charts:
            part.charts.append(charts.bar_chart(
                _("Available to award by restriction: %(fund)s") % {"fund": fund.name},
                [(row["name"], row["available"]) for row in balances], chart_id="available-chart"))
        if admin:
            for st in selectors.statements_due(user=user, fund=fund, today=today, only_open=True):
                if st["overdue"]:
                    part.tasks.append(home.Task(
                        _("Follow up the overdue contribution of %(plan)s: %(amount)s") % {
                            "plan": st["plan_name"], "amount": format_usd(st["expected"] - st["paid"])},
                        href, st["due_on"]))
    return part


def plan(user: Any, organization: Organization) -> home.Part:
    """A paying plan: contribution statements to pay, soonest first."""
    part = home.Part()
    today = timezone.localdate()
    open_statements = [st for st in selectors.statements_due(user=user, today=today, only_open=True)
                       if st["plan"] == organization.code]
    href = reverse("wellness_fund:plan_payment_new", args=[organization.code])
    for st in open_statements:
        part.tasks.append(home.Task(
            _("Pay the contribution to %(fund)s for %(start)s to %(end)s: %(amount)s") % {
                "fund": st["fund_name"], "amount": format_usd(st["expected"] - st["paid"]),
                "start": date_format(st["period_start"]), "end": date_format(st["period_end"])},
            href, st["due_on"]))
    if open_statements:
        owed = sum((st["expected"] - st["paid"] for st in open_statements), ZERO)
        part.figures.append(home.Figure(_("Contributions to pay"), format_usd(owed),
                                        href=reverse("wellness_fund:plan_statements", args=[organization.code])))
    return part


home.register("wellness_fund.ach", ACH, ach, order=20)
home.register("wellness_fund.plan", {Role.PLAN_FINANCE}, plan, order=25)
