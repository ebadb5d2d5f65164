import pytest
from django.core.cache import cache

# The reporting fixtures (a plan with staff, the data source replaced by plain data).
from tests.reporting.conftest import fake_cr, media, plan, staff  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()
