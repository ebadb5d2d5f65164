"""Who may reach reinvestment records.

A plan's finance staff view and change its financial years, member months, obligations,
credits, their allocations and direct investments; its compliance officers view them; a regulator views
those of plans in its jurisdiction. Everyone else: nothing (404).
"""

from organizations.access import grant, register
from organizations.models import Role

from .models import (
    CountyFinancial,
    DirectInvestment,
    FulfilmentAllocation,
    MemberMonth,
    Obligation,
    ObligationAllocation,
    ObligationCredit,
    PlanFinancialYear,
)

PLAN_VIEW = {Role.PLAN_FINANCE, Role.PLAN_COMPLIANCE}
PLAN_CHANGE = {Role.PLAN_FINANCE}
REGULATOR = {Role.REGULATOR}

for model, path in [
    (PlanFinancialYear, "plan"),
    (MemberMonth, "plan"),
    (Obligation, "plan"),
    (ObligationCredit, "plan"),
    (FulfilmentAllocation, "plan"),
    (DirectInvestment, "plan"),
    (ObligationAllocation, "obligation__plan"),
    (CountyFinancial, "financial_year__plan"),
]:
    register(
        model,
        grant(path, view=PLAN_VIEW, change=PLAN_CHANGE),
        grant(path, match="jurisdiction", view=REGULATOR),
    )
