"""The allocations of one obligation: which payments count toward it, and moving part of one to
another obligation of the plan with a reason (plan finance; ``services.allocation_move``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from money import format_usd
from organizations import access
from web.actions import submit_form
from web.money import MoneyAmountField
from web.requests import AuthenticatedRequest
from web.scoping import plan_for

from .. import selectors, services
from ..models import FulfilmentAllocation, Obligation, ObligationStatus
from ..sources import describe
from .roles import FINANCE, PLAN_STAFF


def obligation_label(o: Obligation) -> str:
    return f"{o.income_year} · {o.policy_code} ({o.financial_year.line_of_business})"


class MoveForm(forms.Form):
    """Move part of one of the obligation's allocations to another obligation of the plan.

    Ids are checked against the plan by the view (another plan's record is a 404); the service
    says what else is wrong, beside the field it concerns."""

    allocation = forms.IntegerField(label=_("Payment to move from"), widget=forms.Select)
    obligation = forms.IntegerField(label=_("Move to the obligation"), widget=forms.Select)
    amount = MoneyAmountField(label=_("Amount to move"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, rows: list[dict[str, Any]], targets: list[Obligation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allocation"].widget.choices = [(r["id"], f"{r['source']}: {r['amount_label']}") for r in rows]
        self.fields["obligation"].widget.choices = [(o.pk, obligation_label(o)) for o in targets]


def _rows(obligation: Obligation) -> list[dict[str, Any]]:
    """The obligation's allocations with their source in words (two queries, three with fund names)."""
    allocations = list(selectors.allocations_for_obligation(obligation))
    words = describe([a.credit for a in allocations])
    return [{"id": a.pk, "source": words[a.credit_id], "county": a.county.name, "credited_on": a.credited_on,
             "amount": a.amount.amount, "amount_label": format_usd(a.amount.amount),
             "how": a.reason or str(_("Automatic rule"))} for a in allocations]


def _obligation(org: Any, pk: int) -> Obligation:
    found = (Obligation.objects.filter(pk=pk, plan=org).select_related("financial_year__line_of_business")
             .annotate(allocated=selectors.fulfilled_sum()).first())
    if found is None:
        raise Http404("Not found")
    return found


@login_required
@require_http_methods(["GET", "POST"])
def allocations(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    """The obligation's allocations; plan finance may move an amount to another obligation."""
    org = plan_for(request, plan, PLAN_STAFF if request.method == "GET" else FINANCE)
    obligation = _obligation(org, pk)
    rows = _rows(obligation)
    targets = [o for o in selectors.obligations_for_plan(org).select_related("financial_year__line_of_business")
               if o.pk != obligation.pk and o.status == ObligationStatus.CURRENT]
    form = MoveForm(request.POST if request.method == "POST" else None, rows=rows, targets=targets)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            allocation = FulfilmentAllocation.objects.filter(pk=data["allocation"], obligation=obligation).first()
            target = Obligation.objects.filter(pk=data["obligation"], plan=org).first()
            if allocation is None or target is None:
                raise Http404("Not found")

            def move() -> str:
                services.allocation_move(actor=request.user, allocation=allocation, obligation=target,
                                         amount=data["amount"], reason=data["reason"])
                return reverse("reinvestment:allocations", args=[org.code, obligation.pk])

            response = submit_form(request, form, move, success=_("The amount was moved."))
            if response is not None:
                return response
        status = 400
    allocated = obligation.allocated  # type: ignore[attr-defined]  # annotated by _obligation
    return render(request, "reinvestment/allocations.html", {
        "plan": org, "obligation": obligation, "label": obligation_label(obligation), "rows": rows,
        "required": obligation.total.amount, "allocated": allocated,
        "remaining": max(obligation.total.amount - allocated, selectors.ZERO),
        "form": form, "can_move": access.has_role(request.user, org, *FINANCE) and bool(rows) and bool(targets),
    }, status=status)
