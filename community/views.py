"""Pages of the community app.

Public (no sign-in): advisory bodies, their meetings, agendas and notes; community health plans
and their priorities; the equity taxonomy in force. Staff pages: an organization's bodies,
members and meetings; tagging investments and funds with CHIP priorities; a direct investment's
outcomes by equity dimension; a plan's reinvestment plans; the regulator's review. Views parse input
and call ``services`` (``web.actions``); a record outside the user's scope is a 404, the same as one
that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from organizations import access
from organizations.models import County, Organization, Role
from reinvestment.models import DirectInvestment
from web.actions import submit_form
from web.nav import NavItem, register
from web.requests import AuthenticatedRequest
from web.scoping import plan_for, posted_row
from wellness_fund.models import WellnessFund

from . import selectors, services, transparency
from .access import ORG_CHANGE, ORG_VIEW, PLAN_CHANGE, PLAN_VIEW
from .forms import (
    AgendaForm,
    BodyForm,
    DecisionForm,
    MeetingForm,
    MeetingLinkForm,
    MemberForm,
    OutcomeDimensionForm,
    OutcomesForm,
    PlanLineForm,
    PlanMeetingsForm,
    PriorityTagForm,
    RecordMeetingForm,
    ReinvestmentPlanForm,
)
from .models import (
    AdvisoryBody,
    AdvisoryMeeting,
    InvestmentMeeting,
    PlanStatus,
    PriorityTag,
    ReinvestmentPlan,
    ReinvestmentPlanLine,
)

# --- public pages ---------------------------------------------------------------------------


def public_bodies(request: HttpRequest) -> HttpResponse:
    return render(request, "community/public_bodies.html", {"bodies": selectors.public_bodies()})


def public_body(request: HttpRequest, code: str) -> HttpResponse:
    body = selectors.public_body(code)
    return render(request, "community/public_body.html", {
        "body": body, "meetings": selectors.public_meetings(body), "seats": selectors.public_membership(body)})


def public_meeting(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    body = selectors.public_body(code)
    meeting = selectors.public_meeting(body, pk)
    return render(request, "community/public_meeting.html", {
        "body": body, "meeting": meeting, "discussed": transparency.discussed_at(meeting)})


def public_notes_file(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    meeting = selectors.public_meeting(selectors.public_body(code), pk)
    if not meeting.notes_file:
        raise Http404("Not found")
    return FileResponse(meeting.notes_file.open("rb"), as_attachment=True,
                        filename=meeting.notes_file.name.rsplit("/", 1)[-1])


def health_plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "community/health_plans.html", {"plans": selectors.health_plans()})


def equity_taxonomy(request: HttpRequest) -> HttpResponse:
    return render(request, "community/equity.html", {"taxonomy": selectors.taxonomy_in_force()})


# --- an organization's advisory bodies --------------------------------------------------------


def _organization(request: AuthenticatedRequest, code: str, roles: Iterable[str]) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None or not access.has_role(request.user, org, *roles):
        raise Http404("Not found")
    return org


def _body(request: AuthenticatedRequest, org: Organization, code: str) -> AdvisoryBody:
    return access.get_object_or_404(request.user, "view", AdvisoryBody.objects.filter(organization=org), code=code)


@login_required
@require_http_methods(["GET", "POST"])
def manage_bodies(request: AuthenticatedRequest, org: str) -> HttpResponse:
    organization = _organization(request, org, ORG_VIEW)
    can_change = access.has_role(request.user, organization, *ORG_CHANGE)
    form = BodyForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise Http404("Not found")
        if form.is_valid():
            data = form.cleaned_data

            def create() -> str:
                body = services.advisory_body_create(
                    actor=request.user, organization=organization, body_type=data["body_type"], code=data["code"],
                    name=data["name"], description=data["description"])
                return reverse("community:manage_body", args=[organization.code, body.code])

            response = submit_form(request, form, create, success=_("The advisory body was created."))
            if response is not None:
                return response
    return render(request, "community/manage_bodies.html", {
        "organization": organization, "bodies": selectors.bodies_of(organization), "form": form,
        "can_change": can_change}, status=400 if form.is_bound and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def manage_body(request: AuthenticatedRequest, org: str, code: str) -> HttpResponse:
    organization = _organization(request, org, ORG_VIEW)
    body = _body(request, organization, code)
    can_change = access.can(request.user, "change", body)
    which = request.POST.get("form") if request.method == "POST" else None
    member_form = MemberForm(request.POST if which == "member" else None, prefix="member")
    meeting_form = MeetingForm(request.POST if which == "meeting" else None, prefix="meeting")
    here = reverse("community:manage_body", args=[organization.code, body.code])
    if request.method == "POST":
        if not can_change:
            raise Http404("Not found")
        if which == "member" and member_form.is_valid():
            m = member_form.cleaned_data

            def add() -> str:
                services.advisory_member_add(actor=request.user, body=body, name=m["name"], email=m["email"],
                                             constituency=m["constituency"], joined_on=m["joined_on"],
                                             name_public=m["name_public"])
                return here

            response = submit_form(request, member_form, add, success=_("The member was added."))
            if response is not None:
                return response
        elif which == "meeting" and meeting_form.is_valid():
            d = meeting_form.cleaned_data

            def schedule() -> str:
                meeting = services.advisory_meeting_schedule(
                    actor=request.user, body=body, meets_on=d["meets_on"], starts_at=d["starts_at"],
                    location=d["location"], agenda=d["agenda"], topics=meeting_form.topic_list())
                return reverse("community:manage_meeting", args=[organization.code, body.code, meeting.pk])

            response = submit_form(request, meeting_form, schedule, success=_("The meeting was scheduled."))
            if response is not None:
                return response
    bound = member_form.is_bound or meeting_form.is_bound
    return render(request, "community/manage_body.html", {
        "organization": organization, "body": body, "members": selectors.current_members(body),
        "meetings": selectors.public_meetings(body), "member_form": member_form, "meeting_form": meeting_form,
        "can_change": can_change}, status=400 if bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def manage_meeting(request: AuthenticatedRequest, org: str, code: str, pk: int) -> HttpResponse:
    organization = _organization(request, org, ORG_VIEW)
    meeting = access.get_object_or_404(
        request.user, "view",
        AdvisoryMeeting.objects.filter(body__organization=organization, body__code=code).select_related("body"),
        pk=pk)
    body = meeting.body
    can_change = access.can(request.user, "change", meeting)
    which = request.POST.get("form") if request.method == "POST" else None
    agenda_form = AgendaForm(request.POST if which == "agenda" else None, prefix="agenda",
                             initial={"agenda": meeting.agenda,
                                      "topics": "\n".join(t.title for t in meeting.topics.all())})
    record_form = RecordMeetingForm(request.POST if which == "record" else None,
                                    request.FILES if which == "record" else None, prefix="record", meeting=meeting)
    here = reverse("community:manage_meeting", args=[organization.code, body.code, meeting.pk])
    if request.method == "POST":
        if not can_change:
            raise Http404("Not found")
        if which == "agenda" and agenda_form.is_valid():
            a = agenda_form.cleaned_data

            def post_agenda() -> str:
                services.advisory_meeting_post_agenda(actor=request.user, meeting=meeting, agenda=a["agenda"],
                                                      topics=agenda_form.topic_list())
                return here

            response = submit_form(request, agenda_form, post_agenda, success=_("The agenda was posted."))
            if response is not None:
                return response
        elif which == "record" and record_form.is_valid():
            r = record_form.cleaned_data

            def record_held() -> str:
                services.advisory_meeting_record(
                    actor=request.user, meeting=meeting, notes=r["notes"], attendees=list(r["attendees"]),
                    public_attendees=r["public_attendees"], notes_file=r["notes_file"])
                return here

            response = submit_form(request, record_form, record_held, general=["status", "meets_on"],
                                   success=_("The meeting was recorded as held; its notes are public."))
            if response is not None:
                return response
    bound = agenda_form.is_bound or record_form.is_bound
    return render(request, "community/manage_meeting.html", {
        "organization": organization, "body": body, "meeting": meeting, "agenda_form": agenda_form,
        "record_form": record_form, "can_change": can_change, "today": timezone.localdate(),
        "attendees": meeting.attendance.select_related("member__constituency")}, status=400 if bound else 200)


# --- priorities on investments and funds ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def investment_priorities(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    """A direct investment's CHIP priorities and the advisory meetings where it was discussed; the
    plan's staff tag it and link meetings (one form each, told apart by ``form``)."""
    org = plan_for(request, plan, PLAN_VIEW)
    investment = access.get_object_or_404(
        request.user, "view", DirectInvestment.objects.filter(plan=org).select_related("county", "payee"), pk=pk)
    can_change = access.has_role(request.user, org, *PLAN_CHANGE)
    which = request.POST.get("form", "priority") if request.method == "POST" else None
    form = PriorityTagForm(request.POST if which == "priority" else None,
                           priorities=selectors.priorities_for_county(investment.county))
    meeting_form = MeetingLinkForm(request.POST if which == "meeting" else None, prefix="meeting",
                                   meetings=selectors.meetings_held_by(org))
    here = reverse("community:investment_priorities", args=[org.code, investment.pk])
    if request.method == "POST":
        if not can_change:
            raise Http404("Not found")
        if which == "priority" and form.is_valid():
            def tag() -> str:
                services.priority_tag_investment(actor=request.user, priority=form.cleaned_data["priority"],
                                                 investment=investment)
                return here

            response = submit_form(request, form, tag, success=_("The priority was tagged."))
            if response is not None:
                return response
        elif which == "meeting" and meeting_form.is_valid():
            def link() -> str:
                services.investment_meeting_link(actor=request.user, investment=investment,
                                                 meeting=meeting_form.cleaned_data["meeting"])
                return here

            response = submit_form(request, meeting_form, link, success=_("The meeting was linked."))
            if response is not None:
                return response
        elif which == "unlink":
            row = posted_row(request, "link", InvestmentMeeting.objects.filter(direct_investment=investment))

            def unlink() -> str:
                services.investment_meeting_unlink(actor=request.user, link=row)
                return here

            response = submit_form(request, _carrier(), unlink, general=True, success=_("The meeting was unlinked."))
            if response is not None:
                return response
        elif which not in ("priority", "meeting"):
            raise Http404("Not found")
    bound = (form.is_bound and form.errors) or (meeting_form.is_bound and meeting_form.errors)
    return render(request, "community/tag_priorities.html", {
        "subject": investment, "heading": _("CHIP priorities of a direct investment"),
        "tags": PriorityTag.objects.filter(direct_investment=investment).select_related("priority__health_plan"),
        "form": form, "can_change": can_change, "meeting_form": meeting_form, "discussed_section": True,
        "outcomes_url": reverse("community:investment_outcomes", args=[org.code, investment.pk]),
        "meetings": InvestmentMeeting.objects.filter(direct_investment=investment).select_related("meeting__body")
        .order_by("-meeting__meets_on", "-id")}, status=400 if bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def investment_outcomes(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    """A direct investment's outcomes by equity dimension (a program the plan funds or operates itself):
    listed for the plan's staff and recorded one dimension at a time (choose the dimension, then give a
    count, and a denominator for a rate, per category)."""
    org = plan_for(request, plan, PLAN_VIEW)
    investment = access.get_object_or_404(
        request.user, "view", DirectInvestment.objects.filter(plan=org).select_related("county", "payee"), pk=pk)
    can_change = access.has_role(request.user, org, *PLAN_CHANGE)
    if request.method == "POST" and not can_change:
        raise Http404("Not found")
    dimensions = list(selectors.taxonomy_in_force().dimensions.all())
    source = request.POST if request.method == "POST" else request.GET
    choose = OutcomeDimensionForm(source if "dimension" in source else None, dimensions=dimensions)
    dimension = next((d for d in dimensions if d.code == choose.data.get("dimension")), None) \
        if choose.is_valid() else None
    form = OutcomesForm(request.POST if request.method == "POST" else None, dimension=dimension) \
        if dimension is not None and can_change else None
    if form is not None and form.is_bound and form.is_valid():
        d = form.cleaned_data
        counts, denominators = form.counts()

        def record() -> str:
            services.outcomes_record(actor=request.user, direct_investment=investment, measure=d["measure"],
                                     period_start=d["period_start"], period_end=d["period_end"],
                                     dimension=d["dimension"], counts=counts, denominators=denominators)
            return reverse("community:investment_outcomes", args=[org.code, investment.pk])

        response = submit_form(request, form, record, general=True, success=_("The outcomes were recorded."))
        if response is not None:
            return response
    refused = request.method == "POST" and (form is None or bool(form.errors) or bool(choose.errors))
    return render(request, "community/investment_outcomes.html", {
        "plan": org, "investment": investment, "tables": selectors.investment_outcomes(investment),
        "choose": choose, "form": form, "dimension": dimension, "can_change": can_change},
        status=400 if refused else 200)


@login_required
@require_http_methods(["GET", "POST"])
def fund_priorities(request: AuthenticatedRequest, fund: str) -> HttpResponse:
    wf = access.get_object_or_404(request.user, "view", WellnessFund.objects.all(), code=fund)
    can_change = access.can(request.user, "change", wf)
    form = PriorityTagForm(request.POST or None, priorities=selectors.priorities_for_counties(wf.counties.all()))
    if request.method == "POST":
        if not can_change:
            raise Http404("Not found")
        if form.is_valid():
            def tag() -> str:
                services.priority_tag_fund(actor=request.user, priority=form.cleaned_data["priority"], fund=wf)
                return reverse("community:fund_priorities", args=[wf.code])

            response = submit_form(request, form, tag, success=_("The fund now declares this priority."))
            if response is not None:
                return response
    return render(request, "community/tag_priorities.html", {
        "subject": wf, "heading": _("CHIP priorities the fund funds"),
        "tags": PriorityTag.objects.filter(fund=wf).select_related("priority__health_plan"),
        "form": form, "can_change": can_change}, status=400 if form.is_bound and form.errors else 200)


# --- reinvestment plans ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: AuthenticatedRequest, plan: str) -> HttpResponse:
    org = plan_for(request, plan, PLAN_VIEW)
    can_change = access.has_role(request.user, org, *PLAN_CHANGE)
    form = ReinvestmentPlanForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise Http404("Not found")
        if form.is_valid():
            def create() -> str:
                rp = services.reinvestment_plan_create(actor=request.user, plan=org,
                                                       income_year=form.cleaned_data["income_year"],
                                                       narrative=form.cleaned_data["narrative"])
                return reverse("community:plan_detail", args=[org.code, rp.pk])

            response = submit_form(request, form, create, success=_("The reinvestment plan was started."))
            if response is not None:
                return response
    return render(request, "community/plan_list.html", {
        "plan": org, "plans": selectors.plans_of(org), "form": form, "can_change": can_change},
        status=400 if form.is_bound and form.errors else 200)


def _plan_page(request: AuthenticatedRequest, rp: ReinvestmentPlan, **forms: object) -> dict[str, object]:
    return {
        "rp": rp, "plan": rp.plan, "lines": selectors.plan_lines(rp), "totals": selectors.plan_totals(rp),
        "versions": rp.versions.order_by("-number"), "meetings": rp.meetings.select_related("body"),
        "can_change": rp.editable and access.can(request.user, "change", rp),
        "can_decide": rp.status == PlanStatus.SUBMITTED and access.can(request.user, "decide", rp), **forms,
    }


def _line_form(rp: ReinvestmentPlan, data: object = None) -> PlanLineForm:
    served = rp.plan.counties_served.all()
    counties = served if served.exists() else County.objects.filter(state=rp.plan.jurisdiction)
    return PlanLineForm(data, prefix="line", counties=counties,
                        priorities=selectors.priorities_for_counties(counties))


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    org = plan_for(request, plan, PLAN_VIEW)
    rp = access.get_object_or_404(request.user, "view", ReinvestmentPlan.objects.filter(plan=org), pk=pk)
    which = request.POST.get("form") if request.method == "POST" else None
    line_form = _line_form(rp, request.POST if which == "line" else None)
    meetings_form = PlanMeetingsForm(request.POST if which == "meetings" else None, prefix="meetings",
                                     meetings=selectors.held_meetings_for_plan(org),
                                     initial={"narrative": rp.narrative, "meetings": list(rp.meetings.all())})
    here = reverse("community:plan_detail", args=[org.code, rp.pk])
    if request.method == "POST":
        if which == "line" and line_form.is_valid():
            d = line_form.cleaned_data

            def add() -> str:
                services.reinvestment_plan_line_add(
                    actor=request.user, reinvestment_plan=rp, county=d["county"], domain=d["domain"],
                    priority=d["priority"], description=d["description"], amount=d["amount"])
                return here

            response = submit_form(request, line_form, add, general=["status"], success=_("The line was added."))
            if response is not None:
                return response
        elif which == "meetings" and meetings_form.is_valid():
            d = meetings_form.cleaned_data

            def update() -> str:
                services.reinvestment_plan_update(actor=request.user, reinvestment_plan=rp,
                                                  narrative=d["narrative"], meetings=list(d["meetings"]))
                return here

            response = submit_form(request, meetings_form, update, general=["status"], success=_("Saved."))
            if response is not None:
                return response
    bound = line_form.is_bound or meetings_form.is_bound
    return render(request, "community/plan_detail.html",
                  _plan_page(request, rp, line_form=line_form, meetings_form=meetings_form),
                  status=400 if bound else 200)


def _carrier() -> forms.Form:
    """An empty, valid form that only carries a service's refusal (buttons without fields)."""
    form = forms.Form(data={})
    form.is_valid()
    return form


@login_required
@require_POST
def plan_line_remove(request: AuthenticatedRequest, plan: str, pk: int, line: int) -> HttpResponse:
    org = plan_for(request, plan, PLAN_CHANGE)
    row = access.get_object_or_404(request.user, "change",
                                   ReinvestmentPlanLine.objects.filter(reinvestment_plan__plan=org,
                                                                       reinvestment_plan_id=pk), pk=line)
    form = _carrier()

    def remove() -> str:
        services.reinvestment_plan_line_remove(actor=request.user, line=row)
        return reverse("community:plan_detail", args=[org.code, pk])

    response = submit_form(request, form, remove, general=True, success=_("The line was removed."))
    if response is not None:
        return response
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect("community:plan_detail", org.code, pk)


@login_required
@require_POST
def plan_submit(request: AuthenticatedRequest, plan: str, pk: int) -> HttpResponse:
    org = plan_for(request, plan, PLAN_CHANGE)
    rp = access.get_object_or_404(request.user, "change", ReinvestmentPlan.objects.filter(plan=org), pk=pk)
    form = _carrier()

    def submit() -> str:
        services.reinvestment_plan_submit(actor=request.user, reinvestment_plan=rp)
        return reverse("community:plan_detail", args=[org.code, rp.pk])

    response = submit_form(request, form, submit, general=True,
                           success=_("The plan was submitted to the regulator."))
    if response is not None:
        return response
    return render(request, "community/plan_detail.html",
                  _plan_page(request, rp, line_form=_line_form(rp), submit_errors=form.non_field_errors()),
                  status=400)


# --- the regulator's review ----------------------------------------------------------------------


@login_required
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    plans = (access.scoped(request.user, "decide", ReinvestmentPlan.objects.all())
             .select_related("plan").order_by("deadline", "plan__legal_name"))
    return render(request, "community/review_list.html", {"plans": plans})


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rp = access.get_object_or_404(request.user, "decide", ReinvestmentPlan.objects.select_related("plan"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def decide() -> str:
            services.reinvestment_plan_decide(actor=request.user, reinvestment_plan=rp,
                                              decision=form.cleaned_data["decision"],
                                              comments=form.cleaned_data["comments"])
            return reverse("community:review_detail", args=[rp.pk])

        response = submit_form(request, form, decide, general=["status"], success=_("The decision was recorded."))
        if response is not None:
            return response
    return render(request, "community/review_detail.html", {**_plan_page(request, rp), "form": form},
                  status=400 if form.is_bound and form.errors else 200)


register(NavItem("community.bodies", _("Advisory bodies"), "community:manage_bodies", frozenset(ORG_VIEW),
                 _("Community advisory committees: members, meetings, agendas and notes."), org_kwarg="org",
                 order=60))
register(NavItem("community.plans", _("Reinvestment plans"), "community:plan_list", frozenset(PLAN_VIEW),
                 _("Planned reinvestment by county, domain and CHIP priority, submitted to the regulator."),
                 org_kwarg="plan", order=61))
register(NavItem("community.review", _("Reinvestment plans to review"), "community:review_list",
                 frozenset({Role.REGULATOR}), _("Approve or return the reinvestment plans of plans in your state."),
                 order=62))
register(NavItem("community.health_plans", _("Community health plans"), "community:health_plans",
                 frozenset(ORG_VIEW | {Role.REGULATOR, Role.CBO_STAFF}),
                 _("County CHA/CHIP documents and their priorities."), order=63))


def public_fund(request: HttpRequest, fund: str) -> HttpResponse:
    """A wellness fund's public transparency page: the priorities it funds, the advisory bodies of
    its ACH and their meetings, and its outcomes by equity dimension (small cells suppressed)."""
    wf = selectors.public_fund(fund)
    awards = transparency.public_awards(wf)
    by_county, by_domain = transparency.totals(awards)
    disparities = [(p, not any(0 < n < p.suppress_below or 0 < d < p.suppress_below for n, d in p.small_cells),
                    selectors.DISPARITY_STATUS[p.status]) for p in selectors.disparity_progress([wf.pk])]
    return render(request, "community/public_fund.html", {
        "fund": wf, "priorities": selectors.priorities_for_fund(wf), "bodies": selectors.bodies_of(wf.ach),
        "awards": awards, "awards_total": sum((a.amount for a in awards), Decimal("0.00")),
        "by_county": by_county, "by_domain": by_domain, "meetings": transparency.public_meetings(wf),
        "outcomes": transparency.suppressed_outcomes(wf), "disparities": disparities})
