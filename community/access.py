"""Who may reach community records.

* Advisory bodies, members and meetings: the owning organization's staff see them (a plan's
  compliance and finance staff; an ACH's fund administrators and board) and change them (plan
  compliance officers; fund administrators); a regulator sees those of organizations in its
  jurisdiction. The public pages read published meetings through ``selectors`` without access
  checks, and never show members' e-mail addresses.
* Priority tags: the plan's staff for an investment's tags, the ACH's staff for a fund's; the
  same plan's staff for the meetings where an investment was discussed.
* Reinvestment plans: the plan's staff view; its compliance officers and finance staff write and
  submit; a regulator of the plan's jurisdiction views and decides (approve or return).
* Stratified outcomes: the fund's ACH staff (the public page shows them with small cells suppressed);
  a direct investment's outcomes, the plan's own staff only.
* Community health plans and the equity taxonomy are public reference data (no rule needed).
"""

from django.db.models import Q

from organizations.access import grant, register
from organizations.models import Role

from .models import (
    AdvisoryBody,
    AdvisoryMeeting,
    AdvisoryMember,
    DisparityTarget,
    InvestmentMeeting,
    PriorityTag,
    ReinvestmentPlan,
    ReinvestmentPlanLine,
    ReinvestmentPlanVersion,
    StratifiedOutcome,
)

ORG_VIEW = {Role.PLAN_COMPLIANCE, Role.PLAN_FINANCE, Role.FUND_ADMIN, Role.BOARD_MEMBER, Role.BOARD_CHAIR}
ORG_CHANGE = {Role.PLAN_COMPLIANCE, Role.FUND_ADMIN}
PLAN_VIEW = {Role.PLAN_COMPLIANCE, Role.PLAN_FINANCE}
PLAN_CHANGE = {Role.PLAN_COMPLIANCE, Role.PLAN_FINANCE}
ACH_VIEW = {Role.FUND_ADMIN, Role.BOARD_MEMBER, Role.BOARD_CHAIR}
ACH_CHANGE = {Role.FUND_ADMIN}
REGULATOR = {Role.REGULATOR}

for model, path in [
    (AdvisoryBody, "organization"),
    (AdvisoryMember, "body__organization"),
    (AdvisoryMeeting, "body__organization"),
]:
    register(
        model,
        grant(path, view=ORG_VIEW, change=ORG_CHANGE),
        grant(path, match="jurisdiction", view=REGULATOR),
    )

register(
    PriorityTag,
    grant("direct_investment__plan", view=PLAN_VIEW, change=PLAN_CHANGE),
    grant("fund__ach", view=ACH_VIEW, change=ACH_CHANGE),
)

# Advisory meetings where a direct investment was discussed: the investing plan's staff.
register(InvestmentMeeting, grant("direct_investment__plan", view=PLAN_VIEW, change=PLAN_CHANGE))

# A regulator sees a plan once it has been submitted (a draft is the plan's own).
for model, path, status in [
    (ReinvestmentPlan, "plan", "status"),
    (ReinvestmentPlanLine, "reinvestment_plan__plan", "reinvestment_plan__status"),
    (ReinvestmentPlanVersion, "reinvestment_plan__plan", "reinvestment_plan__status"),
]:
    register(
        model,
        grant(path, view=PLAN_VIEW, change=PLAN_CHANGE),
        grant(path, match="jurisdiction", condition=~Q(**{status: "draft"}), view=REGULATOR, decide=REGULATOR),
    )

register(
    StratifiedOutcome,
    grant("fund__ach", view=ACH_VIEW, change=ACH_CHANGE),
    grant("direct_investment__plan", view=PLAN_VIEW, change=PLAN_CHANGE),
)

register(DisparityTarget, grant("fund__ach", view=ACH_VIEW, change=ACH_CHANGE))
