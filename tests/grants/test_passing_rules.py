"""Closing a vote under passing rules other than the default (a majority of the votes cast).

Five seated voting members (the chair and four members); the quorum rule stays the default
(more than half of the seated voting members not recused). Each case gives the same ballots
an outcome the default rule would not, so a rule ignored at close fails the test.
"""

import datetime as dt

import pytest

from grants import services
from grants.models import Application, Decision, VotingRule
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w5():
    return gf.world(cbos=1, board=4)


def _majority_of_seats() -> VotingRule:
    """Passing on more than half of the seated voting members (not seeded: a body may adopt it)."""
    return VotingRule.objects.create(
        code="majority-seated-passing", kind="passing", basis="seated", numerator=1, denominator=2,
        strictly_more=True, description="Passes with a majority of the seated voting members",
        effective_from=dt.date(2024, 1, 1),
    )


def _close(w, passing: str, ballots: dict, *, absent: tuple = (), recused: tuple = ()):
    """Vote on one recommended application under ``passing``; ``ballots`` maps member -> choice."""
    app = gf.submitted(w, gf.opportunity(w), 0)
    _meeting, (item,) = gf.session(w, [app], present=[m for m in (w.chair, *w.board) if m not in absent],
                                   passing=passing)
    for member in recused:
        services.recusal_declare(actor=member, item=item, reason="Sits on the applicant's board")
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    for member, choice in ballots.items():
        services.ballot_cast(actor=member, item=item, choice=choice)
    closed = services.vote_close(actor=w.chair, item=item)
    app.refresh_from_db()
    return closed, app


def _outcome(closed, app):
    decision = Decision.objects.get(item=closed, application=app)
    assert Application.objects.get(pk=app.pk).status == {"passed": "approved", "failed": "declined"}[closed.outcome]
    assert decision.outcome == {"passed": "approved", "failed": "declined"}[closed.outcome]
    return closed.outcome


def test_two_thirds_of_votes_cast_passes_at_exactly_two_thirds(w5):
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    # 2 yes, 1 no, 2 abstain: 2/3 of the votes cast is "at least two thirds"
    closed, app = _close(w5, "two-thirds-votes-cast", {c: "yes", m1: "yes", m2: "no", m3: "abstain", m4: "abstain"})
    assert _outcome(closed, app) == "passed"
    assert (closed.yes_count, closed.no_count, closed.abstain_count) == (2, 1, 2)


def test_two_thirds_of_votes_cast_fails_a_simple_majority(w5):
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    # 3 yes, 2 no: a majority of the votes cast (the default rule would pass it), but 3/5 < 2/3
    closed, app = _close(w5, "two-thirds-votes-cast", {c: "yes", m1: "yes", m2: "yes", m3: "no", m4: "no"})
    assert _outcome(closed, app) == "failed"
    assert (closed.yes_count, closed.no_count, closed.abstain_count) == (3, 2, 0)


def test_majority_of_members_present_counts_abstentions_against(w5):
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    # 2 yes, 0 no, 3 abstain: every vote cast is yes, but 2 of 5 present is not a majority
    closed, app = _close(w5, "majority-present", {c: "yes", m1: "yes", m2: "abstain", m3: "abstain", m4: "abstain"})
    assert _outcome(closed, app) == "failed"
    assert closed.present_count == 5


def test_majority_of_members_present_passes_with_three_of_five(w5):
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    closed, app = _close(w5, "majority-present", {c: "yes", m1: "yes", m2: "yes", m3: "no", m4: "abstain"})
    assert _outcome(closed, app) == "passed"


def test_majority_of_seats_counts_absent_members_against(w5):
    _majority_of_seats()
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    # m4 absent: 2 yes, 1 no, 1 abstain is a majority of the votes cast and of those present (4),
    # but 2 of the 5 seats is not
    closed, app = _close(w5, "majority-seated-passing", {c: "yes", m1: "yes", m2: "no", m3: "abstain"},
                         absent=(m4,))
    assert _outcome(closed, app) == "failed"
    assert (closed.seated_count, closed.present_count, closed.yes_count) == (5, 4, 2)


def test_majority_of_seats_counts_recused_members_against(w5):
    _majority_of_seats()
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    # m3 and m4 recused: 2 yes, 1 no is a majority of the votes cast and of the seats not recused (3),
    # but 2 of the 5 seats is not
    closed, app = _close(w5, "majority-seated-passing", {c: "yes", m1: "yes", m2: "no"}, recused=(m3, m4))
    assert _outcome(closed, app) == "failed"
    assert (closed.seated_count, closed.recused_count, closed.present_count) == (5, 2, 3)


def test_majority_of_seats_passes_with_three_of_five(w5):
    _majority_of_seats()
    c, (m1, m2, m3, m4) = w5.chair, w5.board
    closed, app = _close(w5, "majority-seated-passing", {c: "yes", m1: "yes", m2: "yes", m3: "no", m4: "no"})
    assert _outcome(closed, app) == "passed"
