"""Pages of plan finance: obligations, financial years, member months and direct investments.

Every page reads through ``selectors`` and writes through ``services`` (the same functions the
command line and the API call); a view only parses input, calls them and shows the result.
A plan is named by its ``code`` in the address. A user without the page's role in that plan,
or asking for another plan's record, gets 404 (``access.AccessDenied`` from a service too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from organizations import access
from organizations.models import County, Organization, OrganizationKind, Role
from web import charts, once, tables
from web.forms import add_service_errors
from web.money import MoneyAmountField
from web.nav import NavItem, register
from web.tables import Column

from . import selectors, services
from .models import FinancialYearStatus, PlanFinancialYear, SocialDriverDomain

FINANCE = (Role.PLAN_FINANCE,)
PLAN_STAFF = (Role.PLAN_FINANCE, Role.PLAN_COMPLIANCE)

#: How an obligation's fulfilment status reads on a page.
STATUS_LABELS = {"met": _("Met"), "on_track": _("On track"), "at_risk": _("At risk"),
                 "shortfall": _("Shortfall")}


def plan_for(request: HttpRequest, code: str, roles: tuple[str, ...]) -> Organization:
    """The plan named ``code``, or 404 unless the user holds one of ``roles`` there."""
    plan = Organization.objects.filter(code=code, kind=OrganizationKind.PLAN).first()
    if plan is None or not access.has_role(request.user, plan, *roles):
        raise Http404("Not found")
    return plan


def run_service(form: forms.BaseForm, action: Callable[[], Any]) -> Any:
    """Call a service; its ValidationError goes next to the fields it names (None returned).

    ``AccessDenied`` becomes 404: a user without the role learns nothing about the record.
    """
    try:
        return action()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    except access.AccessDenied as exc:
        raise Http404("Not found") from exc


def _year(request: HttpRequest, plan: Organization, pk: int, action: str = "view") -> PlanFinancialYear:
    return access.get_object_or_404(request.user, action,
                                    selectors.financial_years_for_plan(plan), pk=pk)


# --- dashboard ------------------------------------------------------------------------------

OBLIGATION_COLUMNS = [
    Column("income_year", _("Income year"), sort="income_year", kind="number",
           value=lambda r: str(r["income_year"])),
    Column("policy", _("Policy"), sort="policy"),
    Column("total", _("Required"), sort="total", kind="money"),
    Column("fulfilled", _("Fulfilled"), sort="fulfilled", kind="money"),
    Column("remaining", _("Remaining"), sort="remaining", kind="money"),
    Column("deadline", _("Deadline"), sort="deadline", kind="date"),
    Column("status", _("Status"), sort="status", value=lambda r: STATUS_LABELS.get(r["status"], r["status"])),
]


@login_required
def dashboard(request: HttpRequest, plan: str) -> HttpResponseBase:
    """Obligations by income year; the chosen year's counties with a chart (required vs fulfilled)."""
    org = plan_for(request, plan, PLAN_STAFF)
    today = timezone.localdate()
    rows = selectors.obligation_rows(plan=org, as_of=today)
    for row in rows:
        row["link"] = f"?year={row['income_year']}#counties"
    columns = [
        Column(c.key, c.label, sort=c.sort, kind=c.kind, value=c.value,
               link=(lambda r: r["link"]) if c.key == "income_year" else None)
        for c in OBLIGATION_COLUMNS
    ]
    table = tables.build(request, rows, columns=columns, default_sort="-income_year",
                         caption=str(_("Obligations by income year")))
    if table.wants_csv:
        return table.csv_response(f"{org.code}-obligations.csv")
    years = sorted({r["income_year"] for r in rows}, reverse=True)
    chosen = request.GET.get("year", "")
    year = int(chosen) if chosen.isdigit() and int(chosen) in years else (years[0] if years else None)
    summary = chart = None
    if year is not None:
        obligation = selectors.obligations_for_plan(org).filter(income_year=year).first()
        if obligation is not None:
            summary = selectors.obligation_summary(obligation, today)
            summary["status_label"] = STATUS_LABELS.get(summary["status"], summary["status"])
            chart_rows: list[tuple[str, Any]] = []
            for c in summary["counties"]:
                chart_rows.append((f"{c['county']}: {_('required')}", c["allocated"]))
                chart_rows.append((f"{c['county']}: {_('fulfilled')}", c["fulfilled"]))
            chart = charts.bar_chart(str(_("Obligation and fulfilment by county, income year %(year)s")
                                         % {"year": year}), chart_rows, chart_id="county-chart")
    return render(request, "reinvestment/dashboard.html", {
        "plan": org, "table": table, "summary": summary, "chart": chart, "year": year, "years": years,
        "can_change": access.has_role(request.user, org, *FINANCE),
    })


# --- financial years ------------------------------------------------------------------------

YEAR_COLUMNS = [
    Column("income_year", _("Income year"), sort="income_year", value=lambda y: str(y.income_year)),
    Column("get_status_display", _("Status"), sort="status"),
    Column("total_revenue", _("Total revenue"), sort="total_revenue", kind="money"),
    Column("net_income", _("Net income"), sort="net_income", kind="money"),
    Column("amendment_reason", _("Amendment reason")),
    Column("created_at", _("Recorded"), sort="created_at", kind="datetime"),
]


class YearFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any"))] + list(FinancialYearStatus.choices))


@login_required
def year_list(request: HttpRequest, plan: str) -> HttpResponseBase:
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


class FiguresForm(forms.Form):
    """The figures of a financial year, typed as text (never floats)."""

    total_revenue = MoneyAmountField(label=_("Total revenue"), allow_zero=True)
    net_income = MoneyAmountField(label=_("Net income"), allow_zero=True, allow_negative=True,
                                  help_text=_("A loss is entered with a minus sign."))
    pretax_income = MoneyAmountField(label=_("Pre-tax income"), required=False, allow_zero=True,
                                     allow_negative=True)
    mlr_numerator = MoneyAmountField(label=_("MLR numerator"), required=False, allow_zero=True,
                                     help_text=_("Medical costs and quality improvement spending."))
    mlr_denominator = MoneyAmountField(label=_("MLR denominator"), required=False,
                                       help_text=_("Premium revenue net of taxes and fees."))
    gross_premium = MoneyAmountField(label=_("Gross premium"), required=False, allow_zero=True)
    quality_standards_met = forms.BooleanField(label=_("Met the minimum quality performance levels"),
                                               required=False, initial=True)
    quality_measures_missed = forms.CharField(
        label=_("Quality measures missed"), required=False,
        help_text=_("Codes of the measures missed, separated by commas."))

    def figures(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["quality_measures_missed"] = [
            c.strip() for c in (data.get("quality_measures_missed") or "").split(",") if c.strip()]
        return {k: data[k] for k in services.financials.FIGURES if k in data and k != "source_document"}


def _policy_choices() -> list[tuple[str, str]]:
    codes: dict[str, str] = {}
    for p in selectors.policies_list():
        codes[p.code] = f"{p.code}: {p.name}"
    return [("", _("Do not compute yet"))] + sorted(codes.items())


class YearForm(once.OnceOnlyFormMixin, FiguresForm):
    income_year = forms.IntegerField(label=_("Income year"), min_value=1990, max_value=2200)
    source_document = forms.FileField(label=_("Audited financial statement"), required=False)
    policy = forms.ChoiceField(label=_("Compute the obligation under"), required=False)

    field_order = ["income_year", "total_revenue", "net_income"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["policy"]).choices = _policy_choices()


@login_required
@require_http_methods(["GET", "POST"])
def year_new(request: HttpRequest, plan: str) -> HttpResponse:
    """Enter a financial year (a draft) and, when a policy is chosen, compute its obligation."""
    org = plan_for(request, plan, FINANCE)
    form = YearForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        figures = form.figures()
        if data.get("source_document"):
            figures["source_document"] = data["source_document"]

        def create() -> str:
            with transaction.atomic():
                year = services.financial_year_create(actor=request.user, plan=org,
                                                      income_year=data["income_year"], **figures)
                if data["policy"]:
                    services.obligation_compute(actor=request.user, financial_year=year,
                                                policy_code=data["policy"])
            return reverse("reinvestment:year_detail", args=[org.code, year.pk])

        outcome = run_service(form, lambda: once.submit_once(request, token=data["form_token"], action=create))
        if outcome is not None:
            if not outcome.repeated:
                messages.success(request, _("Income year %(year)s recorded.") % {"year": data["income_year"]})
            return redirect(outcome.url)
    return render(request, "reinvestment/year_form.html", {
        "plan": org, "form": form, "can_change": True, "title": _("Enter a financial year"), "submit_label": _("Record the year")})


class DocumentForm(forms.Form):
    source_document = forms.FileField(label=_("Audited financial statement"))


class ComputeForm(forms.Form):
    policy = forms.ChoiceField(label=_("Policy"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["policy"]).choices = _policy_choices()[1:]


def _year_page(request: HttpRequest, org: Organization, year: PlanFinancialYear, *,
               document_form: forms.Form | None = None, compute_form: forms.Form | None = None,
               action_error: str = "", status: int = 200) -> HttpResponse:
    obligations = [o for o in selectors.obligations_for_plan(org) if o.financial_year_id == year.pk]
    return render(request, "reinvestment/year_detail.html", {
        "plan": org, "year": year, "obligations": obligations,
        "document_form": document_form or DocumentForm(),
        "compute_form": compute_form or ComputeForm(),
        "action_error": action_error,
        "can_change": access.has_role(request.user, org, *FINANCE),
        "history": selectors.financial_years_for_plan(org).filter(income_year=year.income_year),
    }, status=status)


@login_required
def year_detail(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    org = plan_for(request, plan, PLAN_STAFF)
    return _year_page(request, org, _year(request, org, pk))


def _year_action(request: HttpRequest, plan: str, pk: int, service: Callable[..., Any], done: str) -> HttpResponse:
    org = plan_for(request, plan, FINANCE)
    year = _year(request, org, pk, "change")
    try:
        service(actor=request.user, financial_year=year)
    except ValidationError as exc:
        return _year_page(request, org, year, action_error=" ".join(exc.messages), status=400)
    except access.AccessDenied as exc:
        raise Http404("Not found") from exc
    messages.success(request, done)
    return redirect("reinvestment:year_detail", org.code, year.pk)


@login_required
@require_POST
def year_submit(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    return _year_action(request, plan, pk, services.financial_year_submit, _("The year was submitted."))


@login_required
@require_POST
def year_lock(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    return _year_action(request, plan, pk, services.financial_year_lock,
                        _("The year was locked; its obligations are frozen."))


@login_required
@require_POST
def year_document(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    """Upload the audited statement (kept with the year; refused once the year is locked)."""
    org = plan_for(request, plan, FINANCE)
    year = _year(request, org, pk, "change")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        done = run_service(form, lambda: services.financial_year_update(
            actor=request.user, financial_year=year, source_document=form.cleaned_data["source_document"]))
        if done is not None:
            messages.success(request, _("The audited statement was uploaded."))
            return redirect("reinvestment:year_detail", org.code, year.pk)
    year.refresh_from_db()
    return _year_page(request, org, year, document_form=form, status=400)


@login_required
@require_POST
def year_compute(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    org = plan_for(request, plan, FINANCE)
    year = _year(request, org, pk, "change")
    form = ComputeForm(request.POST)
    if form.is_valid():
        done = run_service(form, lambda: services.obligation_compute(
            actor=request.user, financial_year=year, policy_code=form.cleaned_data["policy"]))
        if done is not None:
            messages.success(request, _("The obligation was computed."))
            return redirect("reinvestment:year_detail", org.code, year.pk)
    return _year_page(request, org, year, compute_form=form, status=400)


class AmendForm(FiguresForm):
    reason = forms.CharField(label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["reason"]


@login_required
@require_http_methods(["GET", "POST"])
def year_amend(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    """Amend a locked year: a new draft supersedes it, with the reason given."""
    org = plan_for(request, plan, FINANCE)
    year = _year(request, org, pk, "change")
    initial = {name: getattr(year, name) for name in services.financials.MONEY_FIELDS}
    initial["quality_standards_met"] = year.quality_standards_met
    initial["quality_measures_missed"] = ", ".join(year.quality_measures_missed)
    form = AmendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        new = run_service(form, lambda: services.financial_year_amend(
            actor=request.user, financial_year=year, reason=form.cleaned_data["reason"], **form.figures()))
        if new is not None:
            messages.success(request, _("The amendment was recorded as a new draft."))
            return redirect("reinvestment:year_detail", org.code, new.pk)
    return render(request, "reinvestment/year_form.html", {
        "plan": org, "form": form, "can_change": True, "year": year,
        "title": _("Amend income year %(year)s") % {"year": year.income_year},
        "submit_label": _("Record the amendment")})


# --- member months --------------------------------------------------------------------------


class MemberMonthsForm(forms.Form):
    year = forms.IntegerField(label=_("Income year"), min_value=1990, max_value=2200)
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("Columns: plan, county, month (YYYY-MM), member_months."))

    MAX_BYTES = 5 * 1024 * 1024  # 5 MB


@login_required
@require_http_methods(["GET", "POST"])
def member_months(request: HttpRequest, plan: str) -> HttpResponse:
    """Import member months from CSV: every row reported; one bad row and nothing is written."""
    org = plan_for(request, plan, FINANCE)
    form = MemberMonthsForm(request.POST, request.FILES) if request.method == "POST" else MemberMonthsForm()
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MemberMonthsForm.MAX_BYTES:
                form.add_error("file", _("The file is larger than 5 MB."))
            else:
                try:
                    rows = services.read_csv(upload.read())
                    report = services.member_months_import(actor=request.user, plan=org,
                                                           year=form.cleaned_data["year"], rows=rows)
                except services.MemberMonthImportError as exc:
                    report = exc.report
                    form.add_error("file", _("%(n)s row(s) are wrong; nothing was imported.")
                                   % {"n": len(exc.report.errors)})
                except UnicodeDecodeError:
                    form.add_error("file", _("The file is not UTF-8 text."))
                except ValidationError as exc:
                    add_service_errors(form, exc)
                except access.AccessDenied as exc:
                    raise Http404("Not found") from exc
                else:
                    status = 200
                    messages.success(request, _("%(n)s row(s) checked; %(w)s changed.")
                                     % {"n": len(report.rows), "w": report.written})
    return render(request, "reinvestment/member_months.html",
                  {"plan": org, "form": form, "can_change": True, "report": report}, status=status)


# --- direct investments ---------------------------------------------------------------------

INVESTMENT_COLUMNS = [
    Column("paid_on", _("Paid on"), sort="paid_on", kind="date"),
    Column("payee.legal_name", _("Payee"), sort="payee__legal_name"),
    Column("purpose", _("Purpose"), sort="purpose"),
    Column("county.name", _("County"), sort="county__name"),
    Column("get_domain_display", _("Domain"), sort="domain"),
    Column("income_year", _("Income year"), sort="income_year", value=lambda i: str(i.income_year)),
    Column("amount", _("Amount"), sort="amount", kind="money"),
]


class InvestmentFilter(forms.Form):
    income_year = forms.IntegerField(label=_("Income year"), required=False, min_value=1990, max_value=2200)
    domain = forms.ChoiceField(label=_("Domain"), required=False,
                               choices=[("", _("Any"))] + list(SocialDriverDomain.choices))


@login_required
def investment_list(request: HttpRequest, plan: str) -> HttpResponseBase:
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


class InvestmentForm(once.OnceOnlyFormMixin, forms.Form):
    payee = forms.ModelChoiceField(label=_("Paid to"), queryset=Organization.objects.none())
    purpose = forms.CharField(label=_("Purpose"), max_length=255)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    domain = forms.ChoiceField(label=_("Social-driver domain"), choices=SocialDriverDomain.choices)
    paid_on = forms.DateField(label=_("Paid on"), help_text=_("YYYY-MM-DD"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    amount = MoneyAmountField(label=_("Amount"))
    income_year = forms.IntegerField(label=_("Income year credited"), required=False, min_value=1990,
                                     max_value=2200, help_text=_("Leave empty to let the rule choose."))
    cha_chip_aligned = forms.BooleanField(label=_("Aligned with the local CHA/CHIP"), required=False)
    cac_consulted = forms.BooleanField(label=_("Community advisory committee consulted"), required=False)

    def __init__(self, *args: Any, plan: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payee = cast(forms.ModelChoiceField, self.fields["payee"])
        payee.queryset = Organization.objects.filter(kind=OrganizationKind.CBO, is_active=True).order_by("legal_name")
        payee.label_from_instance = lambda o: o.legal_name  # type: ignore[method-assign,assignment]
        county = cast(forms.ModelChoiceField, self.fields["county"])
        county.queryset = County.objects.filter(state=plan.jurisdiction or "CA").order_by("name")
        county.label_from_instance = lambda c: c.name  # type: ignore[method-assign,assignment]


@login_required
@require_http_methods(["GET", "POST"])
def investment_new(request: HttpRequest, plan: str) -> HttpResponse:
    org = plan_for(request, plan, FINANCE)
    form = InvestmentForm(request.POST or None, plan=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def record() -> str:
            services.direct_investment_record(
                actor=request.user, plan=org, payee=data["payee"], purpose=data["purpose"],
                county=data["county"], domain=data["domain"], paid_on=data["paid_on"], amount=data["amount"],
                cha_chip_aligned=data["cha_chip_aligned"], cac_consulted=data["cac_consulted"],
                income_year=data["income_year"])
            return reverse("reinvestment:investment_list", args=[org.code])

        outcome = run_service(form, lambda: once.submit_once(request, token=data["form_token"], action=record))
        if outcome is not None:
            if not outcome.repeated:
                messages.success(request, _("The direct investment was recorded."))
            return redirect(outcome.url)
    return render(request, "reinvestment/year_form.html", {
        "plan": org, "form": form, "can_change": True, "title": _("Record a direct investment"),
        "submit_label": _("Record the investment")})


register(NavItem("reinvestment.dashboard", _("Obligations"), "reinvestment:dashboard",
                 frozenset(PLAN_STAFF), _("What the plan owes by income year and county."),
                 org_kwarg="plan", order=20))
register(NavItem("reinvestment.years", _("Financial years"), "reinvestment:year_list",
                 frozenset(PLAN_STAFF), _("Enter, submit, lock and amend audited results."),
                 org_kwarg="plan", order=21))
register(NavItem("reinvestment.member_months", _("Import member months"), "reinvestment:member_months",
                 frozenset(FINANCE), _("Upload enrollment by county and month (CSV)."),
                 org_kwarg="plan", order=22))
register(NavItem("reinvestment.investments", _("Direct investments"), "reinvestment:investment_list",
                 frozenset(PLAN_STAFF), _("Payments made straight to community organizations."),
                 org_kwarg="plan", order=23))
