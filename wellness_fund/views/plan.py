"""Pages of plan finance in the wellness fund: contribution statements and recording a payment.

Statements come from ``selectors.statements_due`` (scoped to the user: a plan sees only its
own agreements) with expected, paid, variance and whether overdue. A payment is recorded by
``services.contribution_payment_record`` behind a once-only form token, so a double submit
records one payment (the service is also idempotent per bank reference).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from organizations import access
from organizations.dates import date_words
from organizations.models import Organization, Role
from web import once, tables
from web.actions import submit_form
from web.money import MoneyAmountField
from web.nav import NavItem, register
from web.requests import AuthenticatedRequest
from web.scoping import plan_for
from web.tables import Column

from ..models import ContributionAgreement, ContributionStatement
from ..selectors import statements_due
from ..services.contributions import contribution_payment_record

FINANCE = (Role.PLAN_FINANCE,)

STATEMENT_COLUMNS = [
    Column("due_on", _("Due on"), sort="due_on", kind="date"),
    Column("agreement", _("Agreement"), sort="agreement"),
    Column("fund", _("Fund"), sort="fund"),
    Column("period_start", _("Period from"), sort="period_start", kind="date"),
    Column("period_end", _("Period to"), sort="period_end", kind="date"),
    Column("member_months", _("Member months"), sort="member_months", kind="number"),
    Column("expected", _("Expected"), sort="expected", kind="money"),
    Column("paid", _("Paid"), sort="paid", kind="money"),
    Column("variance", _("Variance"), sort="variance", kind="money"),
    Column("overdue", _("Overdue"), sort="overdue", value=lambda r: _("Overdue") if r["overdue"] else ""),
]


class StatementFilter(forms.Form):
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("All statements")), ("open", _("Not paid in full")), ("overdue", _("Overdue only"))])


@login_required
def statements(request: AuthenticatedRequest, plan: str) -> HttpResponseBase:
    """Contribution statements of the plan: due, paid, variance (paid - expected), overdue."""
    org = plan_for(request, plan, FINANCE)
    form = StatementFilter(request.GET or None)
    show = form.cleaned_data["show"] if form.is_valid() else ""
    rows = [r for r in statements_due(user=request.user, today=timezone.localdate(), only_open=show == "open")
            if r["plan"] == org.code]
    if show == "overdue":
        rows = [r for r in rows if r["overdue"]]
    table = tables.build(request, rows, columns=STATEMENT_COLUMNS, default_sort="due_on", filter_form=form,
                         caption=str(_("Contribution statements")))
    if table.wants_csv:
        return table.csv_response(f"{org.code}-statements.csv")
    return render(request, "wellness_fund/plan/statements.html", {"plan": org, "table": table, "can_change": True})


def _statement_label(s: ContributionStatement) -> str:
    return f"{s.agreement.code} {date_words(s.period_start)} – {date_words(s.period_end)}"


class PaymentForm(once.OnceOnlyFormMixin, forms.Form):
    agreement: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Agreement"), queryset=ContributionAgreement.objects.none())
    statement: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Statement"), required=False, queryset=ContributionStatement.objects.none(),
        help_text=_("Leave empty to apply the payment to the oldest statement not paid in full."))
    amount = MoneyAmountField(label=_("Amount received"))
    received_on = forms.DateField(label=_("Received on"), help_text=_("YYYY-MM-DD"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=120)
    income_year = forms.IntegerField(label=_("Income year credited"), required=False, min_value=1990,
                                     max_value=2200, help_text=_("Leave empty to let the rule choose."))

    def __init__(self, *args: Any, user: Any, plan: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreements = access.scoped(user, "record_payment",
                                   ContributionAgreement.objects.filter(plan=plan).select_related("fund"))
        agreement = cast(forms.ModelChoiceField, self.fields["agreement"])
        agreement.queryset = agreements.order_by("code")
        agreement.label_from_instance = lambda a: f"{a.code} ({a.fund.name})"  # type: ignore[method-assign,assignment]
        statement = cast(forms.ModelChoiceField, self.fields["statement"])
        statement.queryset = access.scoped(
            user, "view", ContributionStatement.objects.filter(agreement__plan=plan).select_related("agreement")
        ).order_by("agreement__code", "period_start")
        statement.label_from_instance = _statement_label  # type: ignore[method-assign,assignment]


@login_required
@require_http_methods(["GET", "POST"])
def payment_new(request: AuthenticatedRequest, plan: str) -> HttpResponse:
    org = plan_for(request, plan, FINANCE)
    form = PaymentForm(request.POST or None, user=request.user, plan=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def record() -> str:
            contribution_payment_record(
                actor=request.user, agreement=data["agreement"], amount=data["amount"],
                received_on=data["received_on"], bank_reference=data["bank_reference"],
                statement=data["statement"], income_year=data["income_year"])
            return reverse("wellness_fund:plan_statements", args=[org.code])

        response = submit_form(request, form, record, success=_("The payment was recorded."))
        if response is not None:
            return response
    return render(request, "wellness_fund/plan/payment_form.html", {"plan": org, "form": form, "can_change": True})


urlpatterns = [
    path("<slug:plan>/statements/", statements, name="plan_statements"),
    path("<slug:plan>/payments/new/", payment_new, name="plan_payment_new"),
]

register(NavItem("wellness_fund.plan_statements", _("Contribution statements"), "wellness_fund:plan_statements",
                 frozenset(FINANCE), _("Contributions due and overdue, with the variance."),
                 org_kwarg="plan", order=24))
register(NavItem("wellness_fund.plan_payment", _("Record a payment"), "wellness_fund:plan_payment_new",
                 frozenset(FINANCE), _("A contribution paid to a wellness fund."), org_kwarg="plan", order=25))
