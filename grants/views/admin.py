"""Pages fund administrators use: calls (open, close), the pipeline, reviewers, recommendation,
the agenda, and awards.

The actions sit on the application page (``application_detail`` adds them for ACH staff);
each is a once-only form that calls one service and comes back to the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import access
from organizations.models import Membership, Role
from web.actions import submit_form
from web.requests import AuthenticatedRequest
from wellness_fund.models import WellnessFund

from .. import selectors, services
from ..models import (
    Application,
    ApplicationStatus,
    Award,
    Decision,
    DecisionOutcome,
    FundingOpportunity,
    Meeting,
    MeetingStatus,
)
from .forms import (
    ActionForm,
    AgendaForm,
    AssignReviewerForm,
    AwardForm,
    OpportunityForm,
    RecommendForm,
)

BOARD_ROLES = (Role.BOARD_MEMBER, Role.BOARD_CHAIR)


def _reviewers(application: Application) -> list[tuple[int, str]]:
    ach_id = application.opportunity.fund.ach_id
    members = (Membership.objects.filter(organization_id=ach_id, role__in=BOARD_ROLES, is_active=True)
               .select_related("user").order_by("user__last_name", "user_id"))
    seen: dict[int, str] = {}
    for m in members:
        seen.setdefault(m.user_id, str(m.user))
    return list(seen.items())


def _meetings(application: Application) -> list[tuple[int, str]]:
    qs = Meeting.objects.filter(body__ach_id=application.opportunity.fund.ach_id,
                                status__in=[MeetingStatus.SCHEDULED, MeetingStatus.IN_SESSION]).order_by("scheduled_at")
    return [(m.pk, str(m)) for m in qs]


def application_admin_context(request: AuthenticatedRequest, application: Application, **forms: Any) -> dict[str, Any]:
    """What ACH staff see on an application: reviews, and the administrator's action forms."""
    manage = access.can(request.user, "change", application)
    decision = Decision.objects.filter(application=application).first()
    context: dict[str, Any] = {
        "reviews": selectors.reviews_for_application(user=request.user, application=application),
        "manage": manage,
        "decision": decision,
    }
    if manage:
        under_review = application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED,
                                              ApplicationStatus.NOT_RECOMMENDED)
        context["assign_form"] = forms.get("assign_form") or (
            AssignReviewerForm(reviewers=_reviewers(application)) if under_review else None)
        context["recommend_form"] = forms.get("recommend_form") or (
            RecommendForm() if application.status in (ApplicationStatus.SUBMITTED,
                                                      ApplicationStatus.NOT_RECOMMENDED,
                                                      ApplicationStatus.RECOMMENDED) else None)
        context["agenda_form"] = forms.get("agenda_form") or (
            AgendaForm(meetings=_meetings(application),
                       initial={"amount": application.requested_amount.amount if application.requested_amount else None,
                                "title": application.project_title})
            if application.status == ApplicationStatus.RECOMMENDED else None)
        has_award = Award.objects.filter(application=application).exists()
        context["award_form"] = forms.get("award_form") or (
            AwardForm(initial={"amount": decision.approved_amount.amount, "period_start": application.period_start,
                               "period_end": application.period_end, "first_percent": "100"})
            if decision is not None and decision.outcome == DecisionOutcome.APPROVED and not has_award else None)
    return context


def _managed_application(request: AuthenticatedRequest, pk: int) -> Application:
    application = selectors.application_get(user=request.user, pk=pk)
    if not access.can(request.user, "change", application):
        raise Http404
    return application


def _page_with_errors(request: AuthenticatedRequest, application: Application, **forms: Any) -> HttpResponse:
    context: dict[str, Any] = {
        "detail": selectors.application_detail(user=request.user, pk=application.pk),
        "application": application, "is_applicant": False,
        "award": Award.objects.filter(application=application).first(),
    }
    context |= application_admin_context(request, application, **forms)
    return render(request, "grants/application_detail.html", context, status=400)


def _back(application: Application) -> str:
    return reverse("grants:application_detail", args=[application.pk])


@login_required
@require_POST
def application_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    reviewers = _reviewers(application)
    form = AssignReviewerForm(request.POST, reviewers=reviewers)
    if form.is_valid():
        from organizations.models import User

        reviewer = User.objects.get(pk=form.cleaned_data["reviewer"])

        def action() -> str:
            services.reviewer_assign(actor=request.user, application=application, reviewer=reviewer)
            return _back(application)

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return _page_with_errors(request, application, assign_form=form)


@login_required
@require_POST
def application_recommend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    form = RecommendForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.application_recommend(actor=request.user, application=application,
                                           recommended=form.cleaned_data["recommended"],
                                           note=form.cleaned_data["note"])
            return _back(application)

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return _page_with_errors(request, application, recommend_form=form)


@login_required
@require_POST
def application_agenda(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Put the application on a meeting's agenda, at the amount the board is asked to approve."""
    application = _managed_application(request, pk)
    form = AgendaForm(request.POST, meetings=_meetings(application))
    if form.is_valid():
        meeting = Meeting.objects.get(pk=form.cleaned_data["meeting"])

        def action() -> str:
            services.agenda_item_add(actor=request.user, meeting=meeting, title=form.cleaned_data["title"],
                                     entries=[(application, form.cleaned_data["amount"])],
                                     motion=form.cleaned_data["motion"])
            return _back(application)

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return _page_with_errors(request, application, agenda_form=form)


@login_required
@require_POST
def application_award(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Create the award of an approved application (commits the money in the fund's ledger)."""
    application = _managed_application(request, pk)
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        raise Http404
    form = AwardForm(request.POST)
    if form.is_valid():
        def action() -> str:
            award = services.award_create(
                actor=request.user, decision=decision, amount=form.cleaned_data["amount"],
                period_start=form.cleaned_data["period_start"], period_end=form.cleaned_data["period_end"],
                tranches=form.tranches(), conditions=form.cleaned_data["conditions"])
            return reverse("grants:award_detail", args=[award.pk])

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return _page_with_errors(request, application, award_form=form)


@login_required
@require_POST
def opportunity_transition(request: AuthenticatedRequest, pk: int, action_name: str) -> HttpResponse:
    """Open or close a call (the fund administrator)."""
    opportunity = access.get_object_or_404(request.user, "change", FundingOpportunity.objects.select_related(
        "fund__ach"), pk=pk)
    calls = {"open": services.opportunity_open, "close": services.opportunity_close}
    if action_name not in calls:
        raise Http404
    form = ActionForm(request.POST)
    if form.is_valid():
        def action() -> str:
            calls[action_name](actor=request.user, opportunity=opportunity)
            return reverse("grants:opportunity_detail", args=[opportunity.pk])

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return render(request, "grants/form_problem.html", {
        "form": form, "back": reverse("grants:opportunity_detail", args=[opportunity.pk])}, status=400)


@login_required
@require_GET
def pipeline(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Per call of one fund: applications and amounts at each stage, and what is left to award."""
    fund = access.get_object_or_404(request.user, "view", WellnessFund.objects.all(), code=code)
    data = selectors.pipeline(fund=fund)
    return render(request, "grants/pipeline.html", {"fund": fund, "data": data, "stages": selectors.STAGES,
                                                    "title": _("Pipeline")})


def _rows_edit(request: AuthenticatedRequest, fund: WellnessFund) -> OpportunityForm | None:
    """The form again with a rubric row added or removed (nothing saved), when a row button was pressed."""
    add = "add_row" in request.POST
    remove = request.POST.get("remove_row")
    if not add and remove is None:
        return None
    number = int(remove) if remove is not None and remove.isdigit() else None
    data, rows = OpportunityForm.rows_after(request.POST, add=add, remove=number)
    form = OpportunityForm(data, fund=fund, rows=rows)
    form.hold_rows()
    return form


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """A new call for proposals of one fund (a draft, opened from its page). The rubric is rows
    of fields; "Add a criterion" and "Remove" post the form back with one row more or fewer
    (nothing saved), so the page works without JavaScript."""
    fund = access.get_object_or_404(request.user, "change", WellnessFund.objects.select_related("ach"), code=code)
    status = 200
    if request.method == "POST":
        rows_form = _rows_edit(request, fund)
        if rows_form is not None:
            return render(request, "grants/opportunity_form.html", {"fund": fund, "form": rows_form})
        form = OpportunityForm(request.POST, fund=fund, rows=OpportunityForm.rows_in(request.POST))
        if form.is_valid():
            def action() -> str:
                opportunity = services.opportunity_create(actor=request.user, fund=fund, **form.service_values())
                return reverse("grants:opportunity_detail", args=[opportunity.pk])

            response = submit_form(request, form, action, general=True)
            if response is not None:
                return response
        status = 400
    else:
        form = OpportunityForm(fund=fund)
    return render(request, "grants/opportunity_form.html", {"fund": fund, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change a draft call (the service refuses once it is open); another ACH's call is a 404."""
    opportunity = access.get_object_or_404(
        request.user, "change", FundingOpportunity.objects.select_related("fund__ach", "reporting_template"), pk=pk)
    fund = opportunity.fund
    context: dict[str, Any] = {"fund": fund, "opportunity": opportunity,
                               "status_label": _(opportunity.get_status_display()).lower()}
    status = 200
    if request.method == "POST":
        rows_form = _rows_edit(request, fund)
        if rows_form is not None:
            return render(request, "grants/opportunity_form.html", context | {"form": rows_form})
        form = OpportunityForm(request.POST, fund=fund, rows=OpportunityForm.rows_in(request.POST))
        if form.is_valid():
            def action() -> str:
                services.opportunity_update(actor=request.user, opportunity=opportunity, **form.service_values())
                return reverse("grants:opportunity_detail", args=[opportunity.pk])

            response = submit_form(request, form, action, success=_("The draft call is saved."), general=True)
            if response is not None:
                return response
        status = 400
    else:
        initial, rows = OpportunityForm.initial_for(opportunity)
        form = OpportunityForm(initial=initial, fund=fund, rows=rows)
    return render(request, "grants/opportunity_form.html", context | {"form": form}, status=status)
