import pytest

from grants import services
from tests.grants import factories as gf


@pytest.fixture
def w():
    return gf.world(cbos=3, board=3)


@pytest.fixture
def opp(w):
    return gf.opportunity(w)


@pytest.fixture
def recommended(w, opp):
    """Two submitted and recommended applications (20,000 and 15,000)."""
    apps = [gf.submitted(w, opp, 0, "20000.00"), gf.submitted(w, opp, 1, "15000.00")]
    for app in apps:
        services.application_recommend(actor=w.admin, application=app, recommended=True)
    return apps


@pytest.fixture
def session(w, recommended):
    """A meeting in session, everybody present, one agenda item per recommended application."""
    return gf.session(w, recommended, recommend=False)
