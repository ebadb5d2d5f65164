"""Importing member months from CSV: every row reported; one bad row and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from web.actions import run_service
from web.requests import AuthenticatedRequest
from web.scoping import plan_for

from .. import services
from .forms import MemberMonthsForm
from .roles import FINANCE


@login_required
@require_http_methods(["GET", "POST"])
def member_months(request: AuthenticatedRequest, plan: str) -> HttpResponse:
    """The import form; after a post, the report of every row (status 400 when nothing was imported)."""
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
                refused: list[services.ImportReport] = []

                def do_import() -> services.ImportReport:
                    try:
                        return services.member_months_import(actor=request.user, plan=org,
                                                             year=form.cleaned_data["year"],
                                                             rows=services.read_csv(upload.read()))
                    except services.MemberMonthImportError as exc:
                        refused.append(exc.report)
                        raise ValidationError({"file": _("%(n)s row(s) are wrong; nothing was imported.")
                                                       % {"n": len(exc.report.errors)}}) from exc
                    except UnicodeDecodeError as exc:
                        raise ValidationError({"file": _("The file is not UTF-8 text.")}) from exc

                report = run_service(form, do_import)
                if report is not None:
                    status = 200
                    messages.success(request, _("%(n)s row(s) checked; %(w)s changed.")
                                     % {"n": len(report.rows), "w": report.written})
                elif refused:
                    report = refused[0]
    return render(request, "reinvestment/member_months.html",
                  {"plan": org, "form": form, "can_change": True, "report": report}, status=status)
