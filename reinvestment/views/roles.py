"""Which plan roles reach the plan-finance pages (the services check the same roles on every write)."""

from organizations.models import Role

FINANCE = (Role.PLAN_FINANCE,)
PLAN_STAFF = (Role.PLAN_FINANCE, Role.PLAN_COMPLIANCE)
