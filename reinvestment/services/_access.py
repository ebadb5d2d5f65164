"""Role checks shared by the services (a ``None`` actor is the system: demo loaders, migrations)."""

from typing import Any

from organizations import access
from organizations.models import Organization, Role


def require_plan_finance(actor: Any, plan: Organization) -> None:
    """Writes to a plan's financials and investments need its plan-finance role."""
    if actor is None:
        return
    access.require_role(actor, plan, Role.PLAN_FINANCE)
