"""The audit trail page: administrators and auditors filter events by object, actor and date."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import audit_events


class AuditFilterForm(forms.Form):
    object_type = forms.ModelChoiceField(
        ContentType.objects.order_by("app_label", "model"), required=False, label="Object type"
    )
    object_id = forms.CharField(required=False, label="Object id")
    actor = forms.CharField(required=False, label="Actor (username)")
    action = forms.CharField(required=False, label="Action")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))


def may_read_audit(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm("audit.view_auditevent")))


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not may_read_audit(request.user):
        raise Http404("Not found")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(audit_events(**filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html", {"form": form, "page": page, "query": query.urlencode()})
