"""Pages board members and the chair use: meetings, the live vote, reviews with the rubric.

The vote panel of an agenda item (``item_panel``) is a partial that htmx asks for again every
two seconds while the vote is pending or open, so members see the chair open the vote and,
once it is closed, the tally. The chair opens and closes; members vote yes, no or abstain,
or declare a recusal. The services decide who may do what (chair, present, not recused,
quorum); the panel only shows the buttons that apply to the viewer.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import access
from organizations.models import User
from reporting.document_pages import document_panel
from reporting.models import ReportKind
from web import tables
from web.actions import submit_form
from web.requests import AuthenticatedRequest

from .. import selectors, services
from ..models import (
    AgendaItem,
    Application,
    AssignmentStatus,
    Ballot,
    Meeting,
    MeetingStatus,
    ReviewAssignment,
    SocialDriverDomain,
    VoteStatus,
)
from ..selectors.board import seats_on
from .forms import ActionForm, BallotForm, ConflictForm, OpenVoteForm, RecusalForm, ReviewForm

# --------------------------------------------------------------------------- meetings

MEETING_COLUMNS = [
    tables.Column("title", gettext_lazy("Meeting"), sort="title",
                  link=lambda m: reverse("grants:meeting_detail", args=[m.pk])),
    tables.Column("body.name", gettext_lazy("Board"), sort="body__name"),
    tables.Column("scheduled_at", gettext_lazy("When"), sort="scheduled_at", kind="datetime"),
    tables.Column("status", gettext_lazy("Status"), sort="status", value=lambda m: m.get_status_display()),
]


@login_required
@require_GET
def meeting_list(request: AuthenticatedRequest) -> HttpResponseBase:
    table = tables.build(request, selectors.meetings_visible(user=request.user), columns=MEETING_COLUMNS,
                         default_sort="-scheduled_at", caption=_("Meetings"))
    if table.wants_csv:
        return table.csv_response("meetings.csv")
    from .manage import bodies_to_manage

    return render(request, "grants/meeting_list.html", {"table": table, "bodies": bodies_to_manage(request)})


def _meeting(request: AuthenticatedRequest, pk: int) -> Meeting:
    return access.get_object_or_404(request.user, "view", Meeting.objects.select_related("body"), pk=pk)


def _is_chair(user: Any, meeting: Meeting) -> bool:
    day = timezone.localdate(meeting.scheduled_at)
    return any(s.is_chair and s.member_id == user.pk for s in seats_on(meeting.body, day))


@login_required
@require_GET
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    minutes = selectors.meeting_minutes(meeting=meeting)
    items = list(meeting.items.order_by("number"))
    return render(request, "grants/meeting_detail.html", {
        "meeting": meeting, "minutes": minutes, "items": items,
        "is_chair": _is_chair(request.user, meeting), "action_form": ActionForm(),
        "minutes_panel": document_panel(request, kind=ReportKind.MINUTES, subject=meeting),
    })


@login_required
@require_POST
def meeting_action(request: AuthenticatedRequest, pk: int, action_name: str) -> HttpResponse:
    """The chair starts the meeting, records everyone seated as present, adjourns, or certifies."""
    meeting = _meeting(request, pk)
    actions = {
        "start": lambda: services.meeting_start(actor=request.user, meeting=meeting),
        "attendance": lambda: services.attendance_record(
            actor=request.user, meeting=meeting,
            members=User.objects.filter(pk__in=request.POST.getlist("present"))),
        "adjourn": lambda: services.meeting_adjourn(actor=request.user, meeting=meeting),
        "certify": lambda: services.minutes_certify(actor=request.user, meeting=meeting),
    }
    if action_name not in actions:
        raise Http404
    form = ActionForm(request.POST)
    if form.is_valid():
        def action() -> str:
            actions[action_name]()
            return reverse("grants:meeting_detail", args=[meeting.pk])

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return render(request, "grants/form_problem.html", {
        "form": form, "back": reverse("grants:meeting_detail", args=[meeting.pk])}, status=400)


# --------------------------------------------------------------------------- the vote on one item


def _item(request: AuthenticatedRequest, pk: int) -> AgendaItem:
    return access.get_object_or_404(request.user, "view", AgendaItem.objects.select_related("meeting__body"), pk=pk)


def _panel_context(request: AuthenticatedRequest, item: AgendaItem, **forms: Any) -> dict[str, Any]:
    meeting = item.meeting
    seats = seats_on(meeting.body, timezone.localdate(meeting.scheduled_at))
    user_id = request.user.pk
    present = set(meeting.attendance.values_list("member_id", flat=True))
    recused = {r.member_id: r for r in item.recusals.all()}
    my_ballot = Ballot.objects.filter(item=item, member_id=user_id).first()
    voting_seat = any(s.member_id == user_id and s.is_voting for s in seats)
    eligible = [(s.member_id, str(s.member)) for s in seats
                if s.is_voting and s.member_id in present and s.member_id not in recused]
    return {
        "item": item,
        "meeting": meeting,
        "is_chair": any(s.is_chair and s.member_id == user_id for s in seats),
        "can_vote": voting_seat and user_id in present and user_id not in recused,
        "is_recused": user_id in recused,
        "my_recusal": recused.get(user_id),
        "my_ballot": my_ballot,
        "ballot_count": item.ballots.count(),
        "eligible_count": len(eligible),
        "polling": item.vote_status != VoteStatus.CLOSED and meeting.status == MeetingStatus.IN_SESSION,
        "open_form": forms.get("open_form") or OpenVoteForm(members=eligible),
        "ballot_form": forms.get("ballot_form") or BallotForm(),
        "recusal_form": forms.get("recusal_form") or RecusalForm(),
        "close_form": forms.get("close_form") or ActionForm(),
        "eligible": eligible,
    }


@login_required
@require_GET
def item_panel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The vote panel of one item (htmx polls it; without JavaScript the meeting page has it)."""
    return _panel_or_page(request, _item(request, pk))


def _panel_or_page(request: AuthenticatedRequest, item: AgendaItem, status: int = 200, **forms: Any) -> HttpResponse:
    """The panel alone for htmx; a whole page (the panel under the meeting's title) otherwise."""
    context = _panel_context(request, item, **forms)
    template = "grants/_vote_panel.html" if request.headers.get("HX-Request") else "grants/vote_page.html"
    return render(request, template, context, status=status)


def _meeting_url(item: AgendaItem) -> str:
    return reverse("grants:meeting_detail", args=[item.meeting_id]) + f"#item-{item.pk}"


@login_required
@require_POST
def item_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    context = _panel_context(request, item)
    form = OpenVoteForm(request.POST, members=context["eligible"])
    if form.is_valid():
        people = {str(u.pk): u for u in User.objects.filter(
            pk__in=[form.cleaned_data["mover"], form.cleaned_data["seconder"]])}

        def action() -> str:
            services.vote_open(actor=request.user, item=item, mover=people[form.cleaned_data["mover"]],
                               seconder=people[form.cleaned_data["seconder"]])
            return _meeting_url(item)

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return _panel_or_page(request, item, 400, open_form=form)


@login_required
@require_POST
def item_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.vote_close(actor=request.user, item=item)
            return _meeting_url(item)

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return _panel_or_page(request, item, 400, close_form=form)


@login_required
@require_POST
def item_ballot(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = BallotForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.ballot_cast(actor=request.user, item=item, choice=form.cleaned_data["choice"])
            return _meeting_url(item)

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return _panel_or_page(request, item, 400, ballot_form=form)


@login_required
@require_POST
def item_recuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = RecusalForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.recusal_declare(actor=request.user, item=item, reason=form.cleaned_data["reason"])
            return _meeting_url(item)

        response = submit_form(request, form, action)
        if response is not None:
            return response
    return _panel_or_page(request, item, 400, recusal_form=form)


# --------------------------------------------------------------------------- reviews

REVIEW_COLUMNS = [
    tables.Column("application.project_title", gettext_lazy("Project"), sort="application__project_title",
                  link=lambda a: reverse("grants:review", args=[a.application_id])),
    tables.Column("application.applicant.name", gettext_lazy("Applicant"), sort="application__applicant__legal_name"),
    tables.Column("application.opportunity.title", gettext_lazy("Call for proposals"),
                  sort="application__opportunity__title"),
    tables.Column("status", gettext_lazy("Status"), sort="status", value=lambda a: a.get_status_display()),
    tables.Column("assigned_at", gettext_lazy("Assigned"), sort="assigned_at", kind="datetime"),
]


@login_required
@require_GET
def review_list(request: AuthenticatedRequest) -> HttpResponseBase:
    """The applications assigned to the user for review (conflicted ones are gone)."""
    rows = (ReviewAssignment.objects.filter(reviewer=request.user)
            .exclude(status=AssignmentStatus.CONFLICTED)
            .filter(application__in=selectors.applications_scope(user=request.user))
            .select_related("application__applicant", "application__opportunity"))
    table = tables.build(request, rows, columns=REVIEW_COLUMNS, default_sort="assigned_at",
                         caption=_("My reviews"))
    if table.wants_csv:
        return table.csv_response("reviews.csv")
    return render(request, "grants/review_list.html", {"table": table})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Score an application with the call's rubric (404 when not assigned or conflicted)."""
    application = selectors.application_get(user=request.user, pk=pk)
    assignment = ReviewAssignment.objects.filter(application=application, reviewer=request.user).first()
    if assignment is None or assignment.status == AssignmentStatus.CONFLICTED:
        raise Http404
    criteria = list(application.opportunity.rubric.order_by("number"))
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            def action() -> str:
                services.review_submit(actor=request.user, application=application, scores=form.scores(),
                                       comment=form.cleaned_data["comment"])
                return reverse("grants:review", args=[application.pk]) + "?saved=1"

            response = submit_form(request, form, action)
            if response is not None:
                return response
        status = 400
    else:
        initial: dict[str, Any] = {"comment": assignment.comment}
        for s in assignment.scores.select_related("criterion"):
            initial[f"score_{s.criterion.number}"] = str(s.score)
            initial[f"comment_{s.criterion.number}"] = s.comment
        form = ReviewForm(initial=initial, criteria=criteria)
    return render(request, "grants/review_form.html", _review_context(request, application) | {
        "assignment": assignment, "form": form, "conflict_form": ConflictForm(),
        "saved": request.GET.get("saved") == "1",
    }, status=status)


def _review_context(request: AuthenticatedRequest, application: Application) -> dict[str, Any]:
    """The whole application as the reviewer reads it beside the rubric: its facts, period,
    counties and domains in words, each eligibility question with the answer given, the budget
    lines and the attachments (each a download the download route checks again)."""
    answers = application.eligibility_answers or {}
    domain_labels = dict(SocialDriverDomain.choices)
    detail = selectors.application_detail(user=request.user, pk=application.pk)
    return {
        "application": application, "detail": detail,
        "domains": [domain_labels.get(d, d) for d in detail["domains"]],
        "questions": [{"number": q.number, "text": q.text,
                       "answer": _(str(answers[str(q.number)]).capitalize()) if answers.get(str(q.number)) else "",
                       "disqualifying": answers.get(str(q.number)) in q.disqualifying_answers}
                      for q in application.opportunity.eligibility_questions.order_by("number")],
        "attachments": list(access.scoped(request.user, "view", application.attachments.all()).order_by("id")),
        "criteria": list(application.opportunity.rubric.order_by("number")),
    }


@login_required
@require_POST
def review_conflict(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The reviewer declares a conflict; from then on the application is a 404 for them."""
    application = selectors.application_get(user=request.user, pk=pk)
    assignment = ReviewAssignment.objects.filter(application=application, reviewer=request.user).first()
    if assignment is None:
        raise Http404
    form = ConflictForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.review_declare_conflict(actor=request.user, assignment=assignment,
                                             reason=form.cleaned_data["reason"])
            return reverse("grants:review_list") + "?conflict=1"

        response = submit_form(request, form, action)
        if response is not None:
            return response
    criteria = list(application.opportunity.rubric.order_by("number"))
    return render(request, "grants/review_form.html", _review_context(request, application) | {
        "assignment": assignment, "form": ReviewForm(criteria=criteria), "conflict_form": form,
    }, status=400)

