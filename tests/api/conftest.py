import pytest
from django.core.cache import cache

from tests.grants import factories as gf

# The reporting fixtures (a plan with staff, the data source replaced by plain data).
from tests.reporting.conftest import fake_cr, media, plan, staff, year_locked  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def w():
    """A grants world: one CBO, a chair and two board members (modules may define their own)."""
    return gf.world(cbos=1, board=2)


@pytest.fixture
def other_plan():
    """Another health plan ("api-other-plan"), for the "not yours" checks."""
    from tests.reinvestment.factories import PlanFactory

    return PlanFactory(code="api-other-plan")


@pytest.fixture
def finance(plan):  # noqa: F811  (the module's or the reporting plan)
    """An API client of a plan_finance member of ``plan``."""
    from tests.api.factories import token_client
    from tests.organizations.factories import member

    return token_client(member("plan_finance", plan))
