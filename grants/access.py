"""Who may reach grants records (registered with organizations.access).

* CBO staff reach their own organization's applications, budget lines,
  attachments, decisions and awards, and every *open* opportunity.
* Fund administrators and board members of the ACH that owns the fund reach
  the fund's opportunities, submitted applications (never drafts), reviews,
  governing bodies and meetings; fund administrators change them.
* A reviewer with a conflict (declared, or from a recorded affiliation) loses
  access to that application, its budget lines and attachments, and the other
  reviewers' assignments and scores on it (their own assignment stays visible
  to them): one ``exclude`` rule registered here, so pages, the API and
  services all apply it through ``access.scoped`` / ``access.can``.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import Model, Q, QuerySet

from organizations import access
from organizations.access import grant, register
from organizations.models import Role

from .models import (
    AgendaEntry,
    AgendaItem,
    Amendment,
    Application,
    AssignmentStatus,
    Attachment,
    Attendance,
    Award,
    AwardBudgetLine,
    AwardMeeting,
    Ballot,
    BudgetLine,
    Decision,
    Disbursement,
    EligibilityQuestion,
    FundingOpportunity,
    GoverningBody,
    GranteeReport,
    GrantPriorityTag,
    Meeting,
    PeopleServed,
    Recusal,
    ReminderPolicy,
    ReportEvent,
    ReportExpenditure,
    ReportingTemplate,
    ReportMetric,
    ReportSchedule,
    ReviewAssignment,
    RubricCriterion,
    Score,
    Seat,
    Tranche,
    VotingRule,
)

ACH_READERS = {Role.FUND_ADMIN, Role.BOARD_MEMBER, Role.BOARD_CHAIR}
ACH_WRITERS = {Role.FUND_ADMIN}
CBO = {Role.CBO_STAFF}

OPEN = Q(status="open")


def _conflicted_applications(user: Any) -> QuerySet[ReviewAssignment, Mapping[str, Any]]:
    """Ids of the applications ``user`` has a review conflict on (as a subquery)."""
    return ReviewAssignment.objects.filter(reviewer_id=user.pk, status=AssignmentStatus.CONFLICTED) \
        .values("application_id")


def _hide_conflicted(path: str, own: str | None = None) -> access.Exclusion:
    """Hide rows whose application (at ``path``) the user has a conflict on, except the user's own
    (``own``: the path to the reviewer's id)."""
    def exclusion(user: Any) -> Q:
        hidden = Q(**{f"{path}__in": _conflicted_applications(user)})
        if own is not None:
            hidden &= ~Q(**{own: user.pk})
        return hidden
    return exclusion


register(
    FundingOpportunity,
    grant("fund__ach", view=ACH_READERS, change=ACH_WRITERS),
    grant("", match="any", condition=OPEN, view=CBO),
)
model: type[Model]  # each loop below registers several models
for model, prefix in ((EligibilityQuestion, "opportunity"), (RubricCriterion, "opportunity"),
                      (ReportingTemplate, "opportunity")):
    register(
        model,
        grant(f"{prefix}__fund__ach", view=ACH_READERS, change=ACH_WRITERS),
        grant("", match="any", condition=Q(**{f"{prefix}__status": "open"}), view=CBO),
    )

register(
    Application,
    grant("applicant", view=CBO, change=CBO, submit=CBO),
    grant("opportunity__fund__ach", condition=~Q(status="draft"), view=ACH_READERS, change=ACH_WRITERS),
    exclude=_hide_conflicted("pk"),
)
for model in (BudgetLine, Attachment):
    register(
        model,
        grant("application__applicant", view=CBO, change=CBO),
        grant("application__opportunity__fund__ach", condition=~Q(application__status="draft"),
              view=ACH_READERS),
        exclude=_hide_conflicted("application"),
    )

register(ReviewAssignment, grant("application__opportunity__fund__ach", view=ACH_READERS, change=ACH_WRITERS),
         exclude=_hide_conflicted("application", own="reviewer_id"))
register(Score, grant("assignment__application__opportunity__fund__ach", view=ACH_READERS),
         exclude=_hide_conflicted("assignment__application", own="assignment__reviewer_id"))

register(VotingRule, grant("", match="any", view=ACH_READERS))
register(GoverningBody, grant("ach", view=ACH_READERS, change=ACH_WRITERS))
register(Seat, grant("body__ach", view=ACH_READERS, change=ACH_WRITERS))
register(Meeting, grant("body__ach", view=ACH_READERS, change=ACH_WRITERS | {Role.BOARD_CHAIR}))
register(Attendance, grant("meeting__body__ach", view=ACH_READERS))
register(AgendaItem, grant("meeting__body__ach", view=ACH_READERS))
register(AgendaEntry, grant("item__meeting__body__ach", view=ACH_READERS))
register(Recusal, grant("item__meeting__body__ach", view=ACH_READERS))
register(Ballot, grant("item__meeting__body__ach", view=ACH_READERS))
register(
    Decision,
    grant("item__meeting__body__ach", view=ACH_READERS),
    grant("application__applicant", view=CBO),
)

register(
    Award,
    grant("fund__ach", view=ACH_READERS, change=ACH_WRITERS),
    grant("grantee", view=CBO, accept=CBO),
)
for model in (Tranche, ReportSchedule):
    register(
        model,
        grant("award__fund__ach", view=ACH_READERS, change=ACH_WRITERS),
        grant("award__grantee", view=CBO),
    )

# After the award: the grantee writes its reports; the ACH reviews them and pays.
for model, prefix in ((AwardBudgetLine, "award"), (Disbursement, "award"), (Amendment, "award"),
                      (GranteeReport, "schedule__award")):
    register(
        model,
        grant(f"{prefix}__fund__ach", view=ACH_READERS, change=ACH_WRITERS),
        grant(f"{prefix}__grantee", view=CBO, change=CBO),
    )
for model in (ReportExpenditure, ReportMetric, PeopleServed, ReportEvent):
    register(
        model,
        grant("report__schedule__award__fund__ach", view=ACH_READERS),
        grant("report__schedule__award__grantee", view=CBO),
    )
register(ReminderPolicy, grant("fund__ach", view=ACH_READERS, change=ACH_WRITERS))

# CHIP priority tags of opportunities and awards: the fund's ACH (grants.services.priorities).
register(
    GrantPriorityTag,
    grant("opportunity__fund__ach", view=ACH_READERS, change=ACH_WRITERS),
    grant("award__fund__ach", view=ACH_READERS, change=ACH_WRITERS),
)

# Advisory meetings where an award was discussed: the fund's ACH (grants.services.advisory).
register(AwardMeeting, grant("award__fund__ach", view=ACH_READERS, change=ACH_WRITERS))
