"""A passing rule on the seated voting members not recused: recusals shrink the count it is
measured against (five seated: the chair and four members)."""

import datetime as dt

import pytest

from grants.models import VotingRule
from tests.grants.test_passing_rules import _close, _outcome, w5  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated_not_recused():
    return VotingRule.objects.create(
        code="majority-seated-not-recused-passing", kind="passing", basis="seated_not_recused", numerator=1,
        denominator=2, strictly_more=True, effective_from=dt.date(2024, 1, 1),
        description="Passes with a majority of the seated voting members not recused",
    ).code


def test_two_recusals_leave_three_and_two_yes_pass(w5, seated_not_recused):  # noqa: F811
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    # 2 yes of the 3 not recused: passes (of all 5 seated it would fail)
    closed, app = _close(w5, seated_not_recused, {c: "yes", m1: "yes", m2: "no"}, recused=(m3, m4))
    assert _outcome(closed, app) == "passed"
    assert (closed.seated_count, closed.recused_count) == (5, 2)


def test_one_recusal_leaves_four_and_two_yes_fail(w5, seated_not_recused):  # noqa: F811
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    # 2 yes, 1 no: a majority of the votes cast (the default would pass it), but 2 of 4 is not more than half
    closed, app = _close(w5, seated_not_recused, {c: "yes", m1: "yes", m2: "no", m3: "abstain"}, recused=(m4,))
    assert _outcome(closed, app) == "failed"
