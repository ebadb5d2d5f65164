"""Pages after the award: tranches to release and pay (fund administrators), grantee reports
(CBO staff write them; fund administrators accept or return them).

The grantee writes a report in steps (``STEPS``: narrative, spending, results, people served,
review). Each step is a plain form that saves the draft through ``report_save_draft`` (Save, or
Save and continue), and saves itself as the grantee types (htmx posts to ``report_autosave``);
the people-served step lists every dimension and category of the equity taxonomy in force on
the period end. The review step shows everything saved, with what still stops submission
(``submission_errors``) beside the field and a link to its step, and submits. A small inline
script adds up each breakdown as the grantee types (information only; the server checks again).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.selectors import taxonomy_in_force
from money import format_usd
from organizations import access
from organizations.models import Role
from web import tables
from web.actions import run_service, submit_form
from web.money import MoneyAmountField
from web.once import OnceOnlyFormMixin, new_token
from web.requests import AuthenticatedRequest

from .. import selectors, services
from ..models import COUNTY_DIMENSION, Award, GranteeReport, ReportSchedule, ReportStatus, Tranche
from ..services.reports import NOT_REPORTED, submission_errors
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


#: The steps of the report form, in order: (code, title). Each step saves the draft; the last
#: shows everything and submits.
STEPS: list[tuple[str, Any]] = [
    ("narrative", gettext_lazy("Narrative")),
    ("spending", gettext_lazy("Spending")),
    ("results", gettext_lazy("Results")),
    ("people", gettext_lazy("People served")),
    ("review", gettext_lazy("Review and submit")),
]
STEP_CODES = [code for code, _title in STEPS]
#: Longest narrative answer accepted (characters).
NARRATIVE_MAX = 5000


def step_of(field: str) -> str:
    """The step where a field of the report (or a service error key) is typed."""
    if field in ("progress", "successes", "challenges"):
        return "narrative"
    if field.startswith("spent_") or field == "expenditures":
        return "spending"
    if field.startswith("metric") :
        return "results"
    if field.startswith("people") or field == "total_served":
        return "people"
    return "review"


@dataclass(frozen=True)
class PeopleGroup:
    """One breakdown of people served on the form: a fieldset of counts by category."""

    code: str
    label: str
    multiple: bool
    cells: list[tuple[str, str]]  # (category code, field name)


def taxonomy_for(schedule: ReportSchedule) -> Any:
    """The equity taxonomy in force on the report's period end, or ``None`` when none is (the
    people-served step then says so, and the service refuses people counts)."""
    try:
        return taxonomy_in_force(schedule.period_end)
    except ValidationError:
        return None


def _people_groups(counties: list[Any], taxonomy: Any) -> list[PeopleGroup]:
    """County first (the award's counties and "not reported"), then every dimension of the
    equity taxonomy in force, with every category (names translated)."""
    groups = [PeopleGroup(COUNTY_DIMENSION, _("County"), False,
                          [(c.fips, f"people__county__{c.fips}") for c in counties]
                          + [(NOT_REPORTED, f"people__county__{NOT_REPORTED}")])]
    for d in taxonomy.dimensions.all() if taxonomy is not None else ():
        groups.append(PeopleGroup(d.code, _(d.name), d.multiple,
                                  [(c.code, f"people__{d.code}__{c.code}") for c in d.categories.all()]))
    return groups


class ReportForm(OnceOnlyFormMixin, forms.Form):
    """One step of the grantee report (``step``), or every step at once (``step=None``, for the
    review page). ``autosave`` drops the once-only token: saving the same values twice is harmless."""

    def __init__(self, *args: Any, schedule: ReportSchedule, counties: list[Any], taxonomy: Any,
                 step: str | None, autosave: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if autosave or step is None:
            del self.fields["form_token"]
        self.step = step
        self.group_problems: dict[str, list[str]] = {}
        award = schedule.award
        wanted = STEP_CODES if step is None else [step]
        self.lines = list(award.budget_lines.order_by("number")) if "spending" in wanted else []
        self.template_metrics = (list(award.application.opportunity.reporting_template.metrics)
                                 if "results" in wanted else [])
        self.people: list[PeopleGroup] = _people_groups(counties, taxonomy) if "people" in wanted else []
        if "narrative" in wanted:
            for name, label, rows in (("progress", gettext_lazy("Progress toward the objectives"), 4),
                                      ("successes", gettext_lazy("Successes"), 3),
                                      ("challenges", gettext_lazy("Challenges"), 3)):
                self.fields[name] = forms.CharField(label=label, required=False, max_length=NARRATIVE_MAX,
                                                    widget=forms.Textarea(attrs={"rows": rows}))
        for line in self.lines:
            self.fields[f"spent_{line.number}"] = MoneyAmountField(
                label=_("Spent this period on line %(n)s (%(d)s)") % {"n": line.number, "d": line.description},
                required=False, allow_zero=True)
        for m in self.template_metrics:
            self.fields[f"metric_{m['code']}"] = forms.DecimalField(
                label=f"{m.get('label', m['code'])} ({m.get('unit', '')})", required=False, min_value=0,
                max_digits=14, decimal_places=2)
        if self.people:
            self.fields["total_served"] = forms.IntegerField(
                label=gettext_lazy("People served in the period"), min_value=0, max_value=10_000_000,
                required=False, widget=forms.NumberInput(attrs={"data-total": "1", "inputmode": "numeric"}))
        county_names = {c.fips: c.name for c in counties}
        names = {(d.code, c.code): _(c.name) for d in (taxonomy.dimensions.all() if taxonomy is not None else ())
                 for c in d.categories.all()}
        for group in self.people:
            for category, name in group.cells:
                if group.code == COUNTY_DIMENSION:
                    cell_label = county_names.get(category) or _("Not reported")
                else:
                    cell_label = names.get((group.code, category), category)
                self.fields[name] = forms.IntegerField(
                    label=cell_label, min_value=0, max_value=10_000_000, required=False,
                    widget=forms.NumberInput(attrs={"data-dimension": group.code, "inputmode": "numeric"}))

    def narrative_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("progress", "successes", "challenges") if n in self.fields]

    def spent_fields(self) -> list[forms.BoundField]:
        return [self[f"spent_{line.number}"] for line in self.lines]

    def metric_fields(self) -> list[forms.BoundField]:
        return [self[f"metric_{m['code']}"] for m in self.template_metrics]

    def people_groups(self) -> list[tuple[PeopleGroup, list[forms.BoundField], list[str]]]:
        """Each breakdown with its fields and what stops submission about it (``show_problems``)."""
        return [(g, [self[name] for _c, name in g.cells], self.group_problems.get(f"people__{g.code}", []))
                for g in self.people]

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """Put what stops submission beside the fields it names (a breakdown's on its fieldset)."""
        self.group_problems = {}
        for key, messages in problems.items():
            if key in self.fields:
                for message in messages:
                    self.add_error(key, message)
            elif key.startswith("people__"):
                self.group_problems[key] = messages

    def step_fields(self, step: str) -> list[forms.BoundField]:
        if step == "narrative":
            return self.narrative_fields()
        if step == "spending":
            return self.spent_fields()
        if step == "results":
            return self.metric_fields()
        if step == "people":
            return [self["total_served"], *(f for _g, fields, _p in self.people_groups() for f in fields)]
        return []

    def service_values(self) -> dict[str, Any]:
        """The parts of ``report_save_draft`` this form holds (the others stay as saved)."""
        d = self.cleaned_data
        values: dict[str, Any] = {}
        if "progress" in self.fields:
            values |= {name: d.get(name) or "" for name in ("progress", "successes", "challenges")}
        if self.lines:
            values["expenditures"] = {line.number: d[f"spent_{line.number}"] for line in self.lines
                                      if d.get(f"spent_{line.number}") is not None}
        if self.template_metrics:
            values["metrics"] = {m["code"]: {"actual": d[f"metric_{m['code']}"]} for m in self.template_metrics
                                 if d.get(f"metric_{m['code']}") is not None}
        if self.people:
            people: dict[str, dict[str, int]] = {}
            for group in self.people:
                cells = {c: d[name] for c, name in group.cells if d.get(name) is not None}
                if cells:
                    people[group.code] = cells
            values["people"] = people
            values["total_served"] = d.get("total_served")
        return values

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


def _summary(form: ReportForm, problems: dict[str, list[str]], pk: int) -> list[dict[str, Any]]:
    """Every step with what was saved, for the review page: rows of (label, value, problems), a
    step's problems next to the field they name, each with the address of the step."""
    out = []
    for code, title in STEPS[:-1]:
        url = reverse("grants:report_step", args=[pk, code])
        rows = []
        for field in form.step_fields(code):
            value = form.initial.get(field.name)
            if isinstance(value, Decimal) and field.name.startswith("spent_"):
                shown = format_usd(value)
            else:
                shown = "" if value in (None, "") else str(value)
            rows.append({"label": field.label, "value": shown, "anchor": field.auto_id,
                         "problems": problems.get(field.name, []), "long": field.name in ("progress", "successes",
                                                                                           "challenges")})
        groups = []
        if code == "people":
            for group, fields, _p in form.people_groups():
                given = [(f.label, form.initial[f.name]) for f in fields if form.initial.get(f.name) is not None]
                groups.append({"label": group.label, "given": given, "anchor": f"people-{group.code}",
                               "problems": problems.get(f"people__{group.code}", [])})
            rows = rows[:1]
        beside = {f.name for f in form.step_fields(code)} | {f"people__{g.code}" for g, _f, _p in form.people_groups()}
        others = [m for key, msgs in problems.items() if step_of(key) == code and key not in beside for m in msgs]
        out.append({"code": code, "title": title, "url": url, "rows": rows, "groups": groups, "problems": others})
    return out


def _report_context(request: AuthenticatedRequest, schedule: ReportSchedule) -> dict[str, Any]:
    award = schedule.award
    return {"schedule": schedule, "award": award,
            "detail": selectors.report_detail(user=request.user, pk=schedule.pk)}


def _editable(request: AuthenticatedRequest, schedule: ReportSchedule) -> bool:
    return (access.has_role(request.user, schedule.award.grantee, Role.CBO_STAFF)
            and schedule.status in ("due", "returned") and schedule.award.status == "accepted")


class SubmitReportForm(OnceOnlyFormMixin, forms.Form):
    """The Submit button of the review step (once-only: a double click submits once)."""

    prefix = "send"


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One report. The grantee writing it sees its first step (``report_step``); anyone else
    reads it, and the fund administrator accepts or returns a submitted one."""
    schedule = selectors.report_get(user=request.user, pk=pk)
    can_review = access.can(request.user, "change", schedule)
    if _editable(request, schedule) and request.method == "GET":
        return report_step(request, pk, STEP_CODES[0])  # the first step, at the report's own address
    review_form = None
    status = 200
    if request.method == "POST":
        if not can_review:
            raise Http404
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
    if can_review and schedule.status == "submitted" and review_form is None:
        review_form = ReviewReportForm()
    report_obj = GranteeReport.objects.filter(schedule=schedule).first()
    summary_form = ReportForm(initial=ReportForm.initial_for(report_obj), schedule=schedule,
                              counties=list(schedule.award.application.counties.order_by("name")),
                              taxonomy=taxonomy_for(schedule), step=None)
    return render(request, "grants/report.html", _report_context(request, schedule) | {
        "review_form": review_form, "summary": _summary(summary_form, {}, pk),
        "submitted": request.GET.get("submitted") == "1",
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_step(request: AuthenticatedRequest, pk: int, step: str) -> HttpResponse:
    """One step of the report the grantee writes; Save stays on the step, Save and continue goes
    to the next. The last step shows everything saved, with what still stops submission beside
    the field and a link to its step, and submits. Without JavaScript each step is a plain post."""
    if step not in STEP_CODES:
        raise Http404
    schedule = selectors.report_get(user=request.user, pk=pk)
    if not access.has_role(request.user, schedule.award.grantee, Role.CBO_STAFF):
        raise Http404
    if request.method == "GET" and not _editable(request, schedule):
        return redirect(reverse("grants:report", args=[pk]))
    counties = list(schedule.award.application.counties.order_by("name"))
    taxonomy = taxonomy_for(schedule)
    report_obj = GranteeReport.objects.filter(schedule=schedule).first()
    status = 200
    index = STEP_CODES.index(step)
    if step == "review":
        submit = SubmitReportForm(request.POST if request.method == "POST" else None)
        refused = False
        if request.method == "POST":
            if submit.is_valid():
                def submit_action() -> str:
                    services.report_submit(actor=request.user, schedule=schedule)
                    return reverse("grants:report", args=[pk]) + "?submitted=1"

                response = submit_form(request, submit, submit_action, general=True)
                if response is not None:
                    return response
            refused, status = True, 400
        problems = submission_errors(report_obj) if report_obj is not None else {}
        if refused and problems:
            # The problems are shown beside each field below; the summary says so once.
            submit = SubmitReportForm({"send-form_token": new_token()})
            submit.is_valid()
            submit.add_error(None, _("The report was not submitted: correct what is marked below, "
                                     "in the step named beside it."))
        summary_form = ReportForm(initial=ReportForm.initial_for(report_obj), schedule=schedule,
                                  counties=counties, taxonomy=taxonomy, step=None)
        return render(request, "grants/report_step.html", _report_context(request, schedule) | {
            "step": step, "steps": _step_links(pk, index), "submit_form": submit,
            "step_url": reverse("grants:report_step", args=[pk, step]),
            "summary": _summary(summary_form, problems, pk), "nothing_saved": report_obj is None,
            "problems": problems,
        }, status=status)
    if request.method == "POST":
        form = ReportForm(request.POST, schedule=schedule, counties=counties, taxonomy=taxonomy, step=step)
        if form.is_valid():
            step_form = form
            go_next = "save" not in request.POST

            def action() -> str:
                _save_step(request, schedule, step_form)
                if go_next:
                    return reverse("grants:report_step", args=[pk, STEP_CODES[index + 1]])
                return reverse("grants:report_step", args=[pk, step]) + "?saved=1"

            response = submit_form(request, form, action, general=True)
            if response is not None:
                return response
        status = 400
    elif request.GET.get("check") == "1" and report_obj is not None:
        # From the review page: the saved values, with what stops submission beside each field.
        data = {k: "" if v is None else str(v) for k, v in ReportForm.initial_for(report_obj).items()}
        form = ReportForm(data | {"form_token": new_token()}, schedule=schedule, counties=counties,
                          taxonomy=taxonomy, step=step)
        form.is_valid()
        form.show_problems({k: v for k, v in submission_errors(report_obj).items() if step_of(k) == step})
    else:
        form = ReportForm(initial=ReportForm.initial_for(report_obj), schedule=schedule, counties=counties,
                          taxonomy=taxonomy, step=step)
    return render(request, "grants/report_step.html", _report_context(request, schedule) | {
        "step": step, "steps": _step_links(pk, index), "form": form,
        "step_url": reverse("grants:report_step", args=[pk, step]),
        "no_taxonomy": step == "people" and taxonomy is None,
        "next_title": STEPS[index + 1][1], "saved": request.GET.get("saved") == "1",
        "autosave_url": reverse("grants:report_autosave", args=[pk, step]),
        "adds_up_text": _("Adds up to %(sum)s of %(total)s."),
        "differs_text": _("Adds up to %(sum)s, but %(total)s people were served: check this breakdown."),
        "at_least_text": _("Adds up to %(sum)s; each of the %(total)s people served is counted at least once."),
    }, status=status)


def _save_step(request: AuthenticatedRequest, schedule: ReportSchedule, form: ReportForm) -> GranteeReport:
    """Save the step's part of the draft; spending over a line's budget is named beside that line."""
    try:
        return services.report_save_draft(actor=request.user, schedule=schedule, **form.service_values())
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        keyed: dict[str, list[ValidationError]] = {}
        for key, errors in exc.error_dict.items():
            for e in errors:
                line = (e.params or {}).get("line") if key == "expenditures" else None
                keyed.setdefault(f"spent_{line}" if f"spent_{line}" in form.fields else key, []).append(e)
        raise ValidationError(keyed) from exc


def _step_links(pk: int, index: int) -> list[dict[str, Any]]:
    """The USWDS step indicator: each step with its address and whether it is done or current."""
    return [{"code": code, "title": title, "url": reverse("grants:report_step", args=[pk, code]),
             "state": "complete" if i < index else ("current" if i == index else "")}
            for i, (code, title) in enumerate(STEPS)]


@login_required
@require_POST
def report_autosave(request: AuthenticatedRequest, pk: int, step: str) -> HttpResponse:
    """htmx: save the step as typed so far and answer with the save status (nothing saved, and
    the problems named, when a value is refused)."""
    if step not in STEP_CODES[:-1]:
        raise Http404
    schedule = selectors.report_get(user=request.user, pk=pk)
    if not access.has_role(request.user, schedule.award.grantee, Role.CBO_STAFF):
        raise Http404
    form = ReportForm(request.POST, schedule=schedule,
                      counties=list(schedule.award.application.counties.order_by("name")),
                      taxonomy=taxonomy_for(schedule), step=step, autosave=True)
    saved_at = None
    if form.is_valid() and run_service(form, lambda: _save_step(request, schedule, form), general=True) is not None:
        saved_at = timezone.localtime()
    problems = [f"{form[name].label}: {' '.join(str(e) for e in errs)}" if name in form.fields
                else " ".join(str(e) for e in errs) for name, errs in form.errors.items()]
    return render(request, "grants/_report_autosave.html", {"saved_at": saved_at, "problems": problems},
                  status=200)
