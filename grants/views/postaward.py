"""Pages after the award: tranches to release and pay (fund administrators), grantee reports
(CBO staff write them; fund administrators accept or return them).

The report form shows the award's budget against what was spent (``selectors`` budget table)
and adds up each demographic breakdown as the grantee types (a small inline script, for
information only); the server checks everything again through ``report_save_draft`` and
``report_submit``, and lists what still stops submission (``submission_errors``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import access
from organizations.models import Role
from web import tables
from web.actions import submit_form
from web.money import MoneyAmountField
from web.once import OnceOnlyFormMixin
from web.requests import AuthenticatedRequest

from .. import selectors, services
from ..models import Award, Dimension, GranteeReport, ReportSchedule, ReportStatus, Tranche
from ..services.reports import CATEGORIES, NOT_REPORTED, submission_errors
from ._common import choice_label
from .forms import DateInput


class ReleaseForm(OnceOnlyFormMixin, forms.Form):
    prefix = "release"


class PaymentForm(OnceOnlyFormMixin, forms.Form):
    prefix = "pay"
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=DateInput)
    amount = MoneyAmountField(label=gettext_lazy("Amount paid (USD)"))
    payment_reference = forms.CharField(label=gettext_lazy("Bank transfer or check reference"), max_length=100,
                                        required=False)


class ReviewReportForm(OnceOnlyFormMixin, forms.Form):
    prefix = "decide"
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect, choices=[
        ("accept", gettext_lazy("Accept the report")), ("return", gettext_lazy("Return it for revision"))])
    comment = forms.CharField(label=gettext_lazy("Comment to the grantee"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


# --------------------------------------------------------------------------- tranches


@login_required
@require_POST
def tranche_release(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    tranche = access.get_object_or_404(request.user, "change", Tranche.objects.select_related("award"), pk=pk)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.tranche_release(actor=request.user, tranche=tranche)
            return reverse("grants:award_detail", args=[tranche.award_id])

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return render(request, "grants/form_problem.html", {
        "form": form, "back": reverse("grants:award_detail", args=[tranche.award_id])}, status=400)


@login_required
@require_POST
def tranche_pay(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    tranche = access.get_object_or_404(request.user, "change", Tranche.objects.select_related("award"), pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.disbursement_record(actor=request.user, tranche=tranche, paid_on=form.cleaned_data["paid_on"],
                                         amount=form.cleaned_data["amount"],
                                         payment_reference=form.cleaned_data["payment_reference"])
            return reverse("grants:award_detail", args=[tranche.award_id])

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return render(request, "grants/form_problem.html", {
        "form": form, "back": reverse("grants:award_detail", args=[tranche.award_id])}, status=400)


def award_admin_context(request: AuthenticatedRequest, award: Award) -> dict[str, Any]:
    """Release and payment forms, one per tranche the administrator can act on."""
    if not access.can(request.user, "change", award):
        return {}
    rows = []
    for t in award.tranches.order_by("number"):
        rows.append({"tranche": t,
                     "release_form": ReleaseForm(auto_id=False) if t.status == "scheduled" else None,
                     "pay_form": PaymentForm(initial={"amount": t.amount.amount},
                                             auto_id=f"id_t{t.pk}_%s")
                     if t.status == "released" else None})
    return {"tranche_actions": rows}


# --------------------------------------------------------------------------- reports

REPORT_COLUMNS = [
    tables.Column("project_title", gettext_lazy("Project"),  sort="project_title",
                  link=lambda r: reverse("grants:report", args=[r["report_id"]])),
    tables.Column("grantee", gettext_lazy("Grantee"), sort="grantee"),
    tables.Column("number", gettext_lazy("Report"), sort="number", kind="number"),
    tables.Column("due_on", gettext_lazy("Due"), sort="due_on", kind="date"),
    tables.Column("status", gettext_lazy("Status"), sort="status",
                  value=lambda r: choice_label(ReportStatus.choices, r["status"])),
    tables.Column("overdue", gettext_lazy("Overdue"), sort="overdue",
                  value=lambda r: _("Overdue") if r["overdue"] else ""),
]


@login_required
@require_GET
def report_list(request: AuthenticatedRequest) -> HttpResponseBase:
    """Reports due (CBO: their own; ACH staff: their funds'), overdue ones flagged."""
    rows = selectors.reports_visible(user=request.user)
    if request.GET.get("overdue") == "1":
        rows = [r for r in rows if r["overdue"]]
    table = tables.build(request, rows, columns=REPORT_COLUMNS, default_sort="due_on", caption=_("Reports"))
    if table.wants_csv:
        return table.csv_response("reports.csv")
    return render(request, "grants/report_list.html", {"table": table})


def _people_fields() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(dimension, label, [(category, field name)]) for every dimension the report breaks down."""
    out = []
    for dimension in Dimension:
        if dimension == Dimension.COUNTY:
            continue  # counties are listed per award below
        out.append((dimension.value, str(dimension.label),
                    [(c, f"people__{dimension.value}__{c}") for c in CATEGORIES[dimension.value]]))
    return out


class ReportForm(OnceOnlyFormMixin, forms.Form):
    progress = forms.CharField(label=gettext_lazy("Progress toward the objectives"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    successes = forms.CharField(label=gettext_lazy("Successes"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    challenges = forms.CharField(label=gettext_lazy("Challenges"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    total_served = forms.IntegerField(label=gettext_lazy("People served in the period"), min_value=0,
                                      required=False, widget=forms.NumberInput(attrs={"data-total": "1"}))

    def __init__(self, *args: Any, schedule: ReportSchedule, counties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        award = schedule.award
        self.lines = list(award.budget_lines.order_by("number"))
        for line in self.lines:
            self.fields[f"spent_{line.number}"] = MoneyAmountField(
                label=_("Spent this period on line %(n)s (%(d)s)") % {"n": line.number, "d": line.description},
                required=False, allow_zero=True)
        self.template_metrics = list(award.application.opportunity.reporting_template.metrics)
        for m in self.template_metrics:
            self.fields[f"metric_{m['code']}"] = forms.DecimalField(
                label=f"{m.get('label', m['code'])} ({m.get('unit', '')})", required=False, min_value=0,
                max_digits=14, decimal_places=2)
        self.people = _people_fields()
        self.people.insert(0, (Dimension.COUNTY.value, str(Dimension.COUNTY.label),
                               [(c.fips, f"people__county__{c.fips}") for c in counties]
                               + [(NOT_REPORTED, f"people__county__{NOT_REPORTED}")]))
        county_names = {c.fips: c.name for c in counties}
        for dimension, _label, cells in self.people:
            for category, name in cells:
                label = county_names.get(category, category.replace("_", " "))
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=0, required=False,
                    widget=forms.NumberInput(attrs={"data-dimension": dimension, "inputmode": "numeric"}))

    def spent_fields(self) -> list[forms.BoundField]:
        return [self[f"spent_{line.number}"] for line in self.lines]

    def metric_fields(self) -> list[forms.BoundField]:
        return [self[f"metric_{m['code']}"] for m in self.template_metrics]

    def people_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [(d, label, [self[name] for _c, name in cells]) for d, label, cells in self.people]

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        people: dict[str, dict[str, int]] = {}
        for dimension, _label, cells in self.people:
            values = {c: d[name] for c, name in cells if d.get(name) is not None}
            if values:
                people[dimension] = values
        return {
            "progress": d.get("progress") or "", "successes": d.get("successes") or "",
            "challenges": d.get("challenges") or "",
            "total_served": d.get("total_served"),
            "expenditures": {line.number: d[f"spent_{line.number}"] for line in self.lines
                             if d.get(f"spent_{line.number}") is not None},
            "metrics": {m["code"]: {"actual": d[f"metric_{m['code']}"]} for m in self.template_metrics
                        if d.get(f"metric_{m['code']}") is not None},
            "people": people,
        }

    @staticmethod
    def initial_for(report: GranteeReport | None) -> dict[str, Any]:
        if report is None:
            return {}
        initial: dict[str, Any] = {"progress": report.progress, "successes": report.successes,
                                   "challenges": report.challenges, "total_served": report.total_served}
        for e in report.expenditures.select_related("budget_line"):
            initial[f"spent_{e.budget_line.number}"] = e.amount.amount
        for m in report.metrics.all():
            initial[f"metric_{m.code}"] = m.actual
        for p in report.people.all():
            initial[f"people__{p.dimension}__{p.category}"] = p.count
        return initial


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One report: the grantee writes and submits it; the fund administrator accepts or returns it."""
    schedule = selectors.report_get(user=request.user, pk=pk)
    award = schedule.award
    is_grantee = access.has_role(request.user, award.grantee, Role.CBO_STAFF)
    can_review = access.can(request.user, "change", schedule)
    counties = list(award.application.counties.order_by("name"))
    editable = is_grantee and schedule.status in ("due", "returned") and award.status == "accepted"
    report_obj = GranteeReport.objects.filter(schedule=schedule).first()
    form = review_form = None
    status = 200
    if request.method == "POST":
        if editable and "decide-form_token" not in request.POST:
            form = ReportForm(request.POST, schedule=schedule, counties=counties)
            if form.is_valid():
                submit = "submit" in request.POST
                report_form = form

                def action() -> str:
                    values = report_form.service_values()
                    services.report_save_draft(actor=request.user, schedule=schedule, **values)
                    if submit:
                        services.report_submit(actor=request.user, schedule=schedule)
                    return reverse("grants:report", args=[schedule.pk]) + ("?submitted=1" if submit else "?saved=1")

                response = submit_form(request, form, action)
                if response is not None:
                    return response
            status = 400
        elif can_review and schedule.status == "submitted":
            review_form = ReviewReportForm(request.POST)
            if review_form.is_valid():
                review = review_form

                def review_action() -> str:
                    call = (services.report_accept if review.cleaned_data["decision"] == "accept"
                            else services.report_return)
                    call(actor=request.user, schedule=schedule, comment=review.cleaned_data["comment"])
                    return reverse("grants:report", args=[schedule.pk])

                response = submit_form(request, review_form, review_action)
                if response is not None:
                    return response
            status = 400
        else:
            raise Http404
    if editable and form is None:
        form = ReportForm(initial=ReportForm.initial_for(report_obj), schedule=schedule, counties=counties)
    if can_review and schedule.status == "submitted" and review_form is None:
        review_form = ReviewReportForm()
    return render(request, "grants/report.html", {
        "schedule": schedule, "award": award, "detail": selectors.report_detail(user=request.user, pk=pk),
        "form": form, "review_form": review_form,
        "missing": submission_errors(report_obj) if (report_obj is not None and editable) else [],
        "saved": request.GET.get("saved") == "1", "submitted": request.GET.get("submitted") == "1",
        "adds_up_text": _("Adds up to %(sum)s of %(total)s."),
        "differs_text": _("Adds up to %(sum)s, but %(total)s people were served: check this breakdown."),
    }, status=status)
