"""What the grants roles see on the home page (see web.home): reports, applications, reviews, votes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from money import format_usd
from organizations import access
from organizations.models import Organization, Role
from web import charts, home

from .models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Award,
    AwardStatus,
    FundingOpportunity,
    OpportunityStatus,
    ReportSchedule,
    ReportStatus,
    ReviewAssignment,
    Tranche,
    TrancheStatus,
    VoteStatus,
)

ZERO = Decimal("0.00")
LIVE_AWARDS = (AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.CLOSED)


def _award_figures(awards: list[Award]) -> list[home.Figure]:
    awarded = sum((a.amount.amount for a in awards), ZERO)
    paid = (Tranche.objects.filter(award__in=awards, status=TrancheStatus.PAID)
            .aggregate(total=Sum("amount"))["total"] or ZERO)
    href = reverse("grants:award_list")
    return [
        home.Figure(_("Awarded"), format_usd(awarded),
                    ngettext("%(count)s award", "%(count)s awards", len(awards)) % {"count": len(awards)}, href),
        home.Figure(_("Paid in tranches"), format_usd(paid), _("%(left)s still to pay") % {
            "left": format_usd(max(awarded - paid, ZERO))}, href),
    ]


def cbo(user: Any, organization: Organization) -> home.Part:
    """A community organization: reports due, drafts to finish, awards and what was paid."""
    part = home.Part()
    schedules = (access.scoped(user, "view", ReportSchedule.objects.all())
                 .filter(award__grantee=organization, status__in=(ReportStatus.DUE, ReportStatus.RETURNED))
                 .select_related("award__application").order_by("due_on"))
    for s in schedules:
        title = (_("Send your final report: %(project)s") if s.kind == "final"
                 else _("Send your progress report: %(project)s")) % {"project": s.award.application.project_title}
        detail = _("Returned for changes") if s.status == ReportStatus.RETURNED else ""
        part.tasks.append(home.Task(title, reverse("grants:report", args=[s.pk]), s.due_on, detail))
    drafts = (access.scoped(user, "view", Application.objects.all())
              .filter(applicant=organization, status=ApplicationStatus.DRAFT).select_related("opportunity"))
    for a in drafts:
        part.tasks.append(home.Task(
            _("Finish and submit your application: %(project)s") % {
                "project": a.project_title or a.opportunity.title},
            reverse("grants:application_edit", args=[a.pk]), timezone.localdate(a.opportunity.closes_at)))
    awards = list(access.scoped(user, "view", Award.objects.all())
                  .filter(grantee=organization, status__in=LIVE_AWARDS).select_related("application"))
    part.figures.extend(_award_figures(awards))
    open_calls = (access.scoped(user, "view", FundingOpportunity.objects.all())
                  .filter(status=OpportunityStatus.OPEN, closes_at__gt=timezone.now()).count())
    part.figures.append(home.Figure(_("Open calls for proposals"), str(open_calls),
                                    href=reverse("grants:opportunity_list")))
    if awards:
        part.charts.append(charts.bar_chart(_("Your awards"), [
            (a.application.project_title, a.amount) for a in awards], chart_id="awards-chart"))
    return part


def fund_admin(user: Any, organization: Organization) -> home.Part:
    """A fund administrator: grantee reports to review, applications waiting, awards and tranches."""
    part = home.Part()
    submitted = (access.scoped(user, "view", ReportSchedule.objects.all())
                 .filter(award__fund__ach=organization, status=ReportStatus.SUBMITTED)
                 .select_related("award__grantee").order_by("due_on"))
    for s in submitted:
        part.tasks.append(home.Task(
            _("Review the report from %(grantee)s") % {"grantee": s.award.grantee},
            reverse("grants:report", args=[s.pk]), s.due_on))
    waiting = (access.scoped(user, "view", Application.objects.all())
               .filter(opportunity__fund__ach=organization, status=ApplicationStatus.SUBMITTED).count())
    if waiting:
        part.tasks.append(home.Task(
            _("%(count)s submitted applications to assign for review") % {"count": waiting},
            reverse("grants:application_list") + "?status=submitted"))
    tranches_due = (Tranche.objects.filter(award__fund__ach=organization, status=TrancheStatus.SCHEDULED,
                                           award__status=AwardStatus.ACCEPTED,
                                           due_on__lte=timezone.localdate())
                    .select_related("award__grantee").order_by("due_on"))
    for t in tranches_due:
        part.tasks.append(home.Task(
            _("Release the %(amount)s tranche to %(grantee)s") % {
                "amount": format_usd(t.amount), "grantee": t.award.grantee},
            reverse("grants:award_detail", args=[t.award_id]), t.due_on))
    awards = list(access.scoped(user, "view", Award.objects.all())
                  .filter(fund__ach=organization, status__in=LIVE_AWARDS))
    part.figures.extend(_award_figures(awards))
    return part


def board(user: Any, organization: Organization) -> home.Part:
    """A board member: applications to score and votes open now."""
    part = home.Part()
    assignments = (ReviewAssignment.objects.filter(reviewer=user, status=AssignmentStatus.ASSIGNED,
                                                   application__opportunity__fund__ach=organization)
                   .select_related("application__applicant", "application__opportunity"))
    for a in assignments:
        part.tasks.append(home.Task(
            _("Score the application of %(applicant)s") % {"applicant": a.application.applicant},
            reverse("grants:review", args=[a.application_id]), detail=a.application.project_title))
    votes = (access.scoped(user, "view", AgendaItem.objects.all())
             .filter(meeting__body__ach=organization, vote_status=VoteStatus.OPEN)
             .select_related("meeting"))
    for item in votes:
        part.tasks.append(home.Task(
            _("Vote now: %(item)s") % {"item": item.title}, reverse("grants:meeting_detail", args=[item.meeting_id]),
            timezone.localdate(item.meeting.scheduled_at), item.meeting.title))
    part.figures.append(home.Figure(_("Applications to score"), str(len(assignments)),
                                    href=reverse("grants:review_list")))
    return part


home.register("grants.cbo", {Role.CBO_STAFF}, cbo, order=30)
home.register("grants.fund_admin", {Role.FUND_ADMIN}, fund_admin, order=30)
home.register("grants.board", {Role.BOARD_MEMBER, Role.BOARD_CHAIR}, board, order=31)
