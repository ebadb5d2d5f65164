"""Role checks shared by the services (a named system actor passes: demo loader, commands, setup)."""

from organizations import access
from organizations.actors import Actor
from organizations.models import Organization, Role


def require_plan_finance(actor: Actor, plan: Organization) -> None:
    """Writes to a plan's financials, obligations, credits and investments need its plan-finance role."""
    access.require_role(actor, plan, Role.PLAN_FINANCE)
