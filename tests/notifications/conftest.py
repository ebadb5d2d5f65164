"""Fixtures: a grants world with a second fund administrator and a second CBO staff member, an
unrelated ACH; and the plan, staff and locked year of the reporting tests (for filings)."""

import pytest

from organizations.models import Role
from tests.grants import factories as gf
from tests.organizations.factories import member
from tests.reporting.conftest import fake_cr, media, plan, staff, year_locked  # noqa: F401


@pytest.fixture
def w():
    world = gf.world(cbos=2, board=2)
    world.extra["admin2"] = member(Role.FUND_ADMIN, world.ach)
    world.extra["staff0b"] = member(Role.CBO_STAFF, world.cbos[0])
    return world


@pytest.fixture
def elsewhere():
    """Another ACH with its own fund administrator and CBO: never told about ``w``'s events."""
    return gf.world(cbos=1, board=1)
