"""A page built only from the shared kit, served to the browser tests (``kit_urls``).

It lists organizations in the shared table (filters, sorting, pages, CSV) and creates one
through a once-only form with a money field, the way the product's pages do.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template import engines
from django.urls import include, path

# The friendly error pages, as in the product's URLconf.
from config.urls import handler403, handler404, handler500  # noqa: F401, E402
from money import format_usd
from organizations import services
from organizations.models import Organization, OrganizationKind
from web import once, tables
from web.forms import add_service_errors
from web.money import MoneyAmountField
from web.requests import AuthenticatedRequest
from web.tables import Column

PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}{% block content %}
<h1>{{ title }}</h1>
{% if table %}{% include "includes/table.html" %}{% endif %}
{% if form %}{% include "includes/form.html" with submit_label="Create" %}{% endif %}
{% if progress %}{% load ui %}{% progress_bar 0 "Building the report" "/_kit/progress/status/" "/_kit/orgs/" False "300ms" %}{% endif %}
{% endblock %}"""
)


def render(request: HttpRequest, context: dict) -> HttpResponse:
    return HttpResponse(PAGE.render(context, request))

COLUMNS = [
    Column("code", "Code", sort="code"),
    Column("legal_name", "Name", sort="legal_name"),
    Column("get_kind_display", "Kind"),
]


class OrgFilter(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any")] + list(OrganizationKind.choices), required=False)
    name = forms.CharField(required=False, label="Name contains")


class NewOrgForm(once.OnceOnlyFormMixin, forms.Form):
    code = forms.CharField(label="Code", help_text="Lowercase letters, digits and hyphens.")
    legal_name = forms.CharField(label="Legal name")
    budget = MoneyAmountField(label="Opening budget")


@login_required
def org_table(request: HttpRequest) -> HttpResponseBase:
    form = OrgFilter(request.GET or None)
    rows = Organization.objects.all()
    if form.is_valid():
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["name"]:
            rows = rows.filter(legal_name__icontains=form.cleaned_data["name"])
    table = tables.build(request, rows, columns=COLUMNS, default_sort="code", filter_form=form,
                         page_size=5, caption="Organizations")
    if table.wants_csv:
        return table.csv_response("organizations.csv")
    return render(request, {"table": table, "title": "Organizations"})


@login_required
def org_new(request: AuthenticatedRequest) -> HttpResponse:
    form = NewOrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            org = services.organization_create(actor=request.user, code=data["code"], kind="cbo",
                                               legal_name=data["legal_name"])
            return f"/_kit/orgs/?name={org.legal_name}"

        try:
            outcome = once.submit_once(request, token=data["form_token"], action=create)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not outcome.repeated:
                messages.success(request, f"Created with a budget of {format_usd(data['budget'])}.")
            return redirect(outcome.url)
    return render(request, {"form": form, "title": "New organization"})


PROGRESS = engines["django"].from_string(
    """{% load ui %}{% progress_bar percent "Building the report" "/_kit/progress/status/" "/_kit/orgs/" False "300ms" %}"""
)


@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    request.session["kit_progress"] = 0
    return render(request, {"title": "Report", "progress": True})


@login_required
def progress_status(request: HttpRequest) -> HttpResponse:
    """Each poll advances the pretend job by half, as a worker would report it."""
    percent = min(100, request.session.get("kit_progress", 0) + 50)
    request.session["kit_progress"] = percent
    return HttpResponse(PROGRESS.render({"percent": percent}, request))


urlpatterns = [
    path("_kit/progress/", progress_page),
    path("_kit/progress/status/", progress_status),
    path("_kit/orgs/", org_table),
    path("_kit/new/", org_new),
    path("", include("config.urls")),
]
