"""Allowed state changes of every grants state machine, as explicit tables.

A service changes a state only through ``require_transition``: a change not in
the table is refused with a ``ValidationError`` naming the field, the current
state and the requested one, before anything is written. The tables are tested
one by one (tests/grants/test_states.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

#: Funding opportunity: a call for proposals.
OPPORTUNITY: Mapping[str, frozenset[str]] = {
    "draft": frozenset({"open"}),
    "open": frozenset({"closed"}),
    "closed": frozenset({"decided"}),
    "decided": frozenset(),
}

#: Application by a CBO. Withdrawal is possible until the board decides.
APPLICATION: Mapping[str, frozenset[str]] = {
    "draft": frozenset({"submitted", "withdrawn"}),
    "submitted": frozenset({"recommended", "not_recommended", "withdrawn"}),
    "recommended": frozenset({"not_recommended", "approved", "declined", "withdrawn"}),
    "not_recommended": frozenset({"recommended", "withdrawn"}),
    "approved": frozenset({"awarded"}),
    "declined": frozenset(),
    "withdrawn": frozenset(),
    "awarded": frozenset(),
}

#: A reviewer's assignment to one application.
REVIEW_ASSIGNMENT: Mapping[str, frozenset[str]] = {
    "assigned": frozenset({"submitted", "conflicted"}),
    "submitted": frozenset({"submitted", "conflicted"}),  # a reviewer may revise scores
    "conflicted": frozenset(),
}

#: A board meeting.
MEETING: Mapping[str, frozenset[str]] = {
    "scheduled": frozenset({"in_session"}),
    "in_session": frozenset({"adjourned"}),
    "adjourned": frozenset({"certified"}),
    "certified": frozenset(),
}

#: The vote on one agenda item.
VOTE: Mapping[str, frozenset[str]] = {
    "pending": frozenset({"open"}),
    "open": frozenset({"closed"}),
    "closed": frozenset(),
}

#: An award, from the offer to close-out.
AWARD: Mapping[str, frozenset[str]] = {
    "offered": frozenset({"accepted", "cancelled"}),
    "accepted": frozenset({"closed", "cancelled"}),
    "cancelled": frozenset(),
    "closed": frozenset(),
}

#: A payment tranche of an award (released and paid by the disbursement step).
TRANCHE: Mapping[str, frozenset[str]] = {
    "scheduled": frozenset({"released", "cancelled"}),
    "released": frozenset({"paid", "cancelled"}),
    "paid": frozenset(),
    "cancelled": frozenset(),
}

#: A grantee report due under an award (submitted and reviewed by the reporting step).
REPORT: Mapping[str, frozenset[str]] = {
    "due": frozenset({"submitted", "waived"}),
    "submitted": frozenset({"accepted", "returned"}),
    "returned": frozenset({"submitted"}),
    "accepted": frozenset(),
    "waived": frozenset(),
}

MACHINES: Mapping[str, Mapping[str, frozenset[str]]] = {
    "opportunity": OPPORTUNITY,
    "application": APPLICATION,
    "review_assignment": REVIEW_ASSIGNMENT,
    "meeting": MEETING,
    "vote": VOTE,
    "award": AWARD,
    "tranche": TRANCHE,
    "report": REPORT,
}


def can_transition(machine: Mapping[str, frozenset[str]], current: str, target: str) -> bool:
    return target in machine.get(current, frozenset())


def _labels(machine: Mapping[str, frozenset[str]]) -> Mapping[str, str]:
    """Code -> words (in the active language) of the states of ``machine``."""
    from .models import (
        ApplicationStatus,
        AssignmentStatus,
        AwardStatus,
        MeetingStatus,
        OpportunityStatus,
        ReportStatus,
        TrancheStatus,
        VoteStatus,
    )

    choices = {id(OPPORTUNITY): OpportunityStatus, id(APPLICATION): ApplicationStatus,
               id(REVIEW_ASSIGNMENT): AssignmentStatus, id(MEETING): MeetingStatus, id(VOTE): VoteStatus,
               id(AWARD): AwardStatus, id(TRANCHE): TrancheStatus, id(REPORT): ReportStatus}.get(id(machine))
    return {value: str(label) for value, label in choices.choices} if choices is not None else {}


def require_transition(
    machine: Mapping[str, frozenset[str]], current: str, target: str, *, field: str = "status",
) -> None:
    """Raise ``ValidationError`` unless ``current -> target`` is in ``machine``; the message names
    the states in words, in the reader's language."""
    if not can_transition(machine, current, target):
        labels = _labels(machine)

        def words(code: str) -> str:
            return f"“{labels.get(code, code)}”"

        allowed = ", ".join(words(c) for c in sorted(machine.get(current, frozenset())))
        params = {"current": words(current), "target": words(target), "allowed": allowed}
        if allowed:
            message = gettext("Its status is %(current)s, so it cannot become %(target)s "
                              "(it can become %(allowed)s).") % params
        else:
            message = gettext("Its status is %(current)s, so it cannot become %(target)s "
                              "(no further change is possible).") % params
        raise ValidationError({field: message})
