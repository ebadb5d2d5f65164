"""Who may reach report runs and artifacts.

* Plan finance and compliance staff see their plan's runs and artifacts; fund
  administrators and board chairs see their ACH's (fund statements, award letters,
  minutes).
* A regulator sees only *filed* reports of plans in its jurisdiction.
* Requesting, attesting and filing are checked by the services (``REQUEST_ROLES``,
  plan compliance for attest and file).
"""

from django.db.models import Q

from organizations.access import grant, register
from organizations.models import Role

from .models import ReportArtifact, ReportRun

STAFF_VIEW = {Role.PLAN_FINANCE, Role.PLAN_COMPLIANCE, Role.FUND_ADMIN, Role.BOARD_CHAIR}

#: Roles in the owning organization that may request each kind of document.
REQUEST_ROLES: dict[str, tuple[str, ...]] = {
    "community-reinvestment": (Role.PLAN_FINANCE, Role.PLAN_COMPLIANCE),
    "fund-statement": (Role.FUND_ADMIN, Role.BOARD_CHAIR),
    "award-letter": (Role.FUND_ADMIN,),
    "minutes": (Role.FUND_ADMIN, Role.BOARD_CHAIR),
}
ATTEST_ROLES: tuple[str, ...] = (Role.PLAN_COMPLIANCE,)

register(ReportRun, grant("organization", view=STAFF_VIEW))
register(
    ReportArtifact,
    grant("organization", view=STAFF_VIEW),
    grant("organization", match="jurisdiction", view={Role.REGULATOR},
          condition=Q(filing__isnull=False, organization__kind="plan")),
)
