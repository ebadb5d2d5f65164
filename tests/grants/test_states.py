"""Each state machine's table of allowed transitions, spelled out, and the opportunity's services."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from grants import services, states
from grants.models import FundingOpportunity
from tests.grants import factories as gf

EXPECTED = {
    "opportunity": {"draft": {"open"}, "open": {"closed"}, "closed": {"decided"}, "decided": set()},
    "application": {
        "draft": {"submitted", "withdrawn"},
        "submitted": {"recommended", "not_recommended", "withdrawn"},
        "recommended": {"not_recommended", "approved", "declined", "withdrawn"},
        "not_recommended": {"recommended", "withdrawn"},
        "approved": {"awarded"}, "declined": set(), "withdrawn": set(), "awarded": set(),
    },
    "review_assignment": {"assigned": {"submitted", "conflicted"}, "submitted": {"submitted", "conflicted"},
                          "conflicted": set()},
    "meeting": {"scheduled": {"in_session"}, "in_session": {"adjourned"}, "adjourned": {"certified"},
                "certified": set()},
    "vote": {"pending": {"open"}, "open": {"closed"}, "closed": set()},
    "award": {"offered": {"accepted", "cancelled"}, "accepted": {"closed", "cancelled"}, "cancelled": set(),
              "closed": set()},
    "tranche": {"scheduled": {"released", "cancelled"}, "released": {"paid", "cancelled"}, "paid": set(),
                "cancelled": set()},
    "report": {"due": {"submitted", "waived"}, "submitted": {"accepted", "returned"}, "returned": {"submitted"},
               "accepted": set(), "waived": set()},
}


@pytest.mark.parametrize("machine", sorted(EXPECTED))
def test_transition_table(machine):
    table = states.MACHINES[machine]
    assert {k: set(v) for k, v in table.items()} == EXPECTED[machine]
    every = set(EXPECTED[machine])
    for current in every:
        for target in every:
            allowed = target in EXPECTED[machine][current]
            assert states.can_transition(table, current, target) is allowed
            if not allowed:
                labels = states._labels(table)
                refused = re.escape(f"“{labels[current]}”, so it cannot become “{labels[target]}”")
                with pytest.raises(ValidationError, match=refused):
                    states.require_transition(table, current, target)


def test_state_choices_match_the_tables():
    from grants import models

    pairs = [
        (models.OpportunityStatus, "opportunity"), (models.ApplicationStatus, "application"),
        (models.AssignmentStatus, "review_assignment"), (models.MeetingStatus, "meeting"),
        (models.VoteStatus, "vote"), (models.AwardStatus, "award"), (models.TrancheStatus, "tranche"),
        (models.ReportStatus, "report"),
    ]
    for choices, machine in pairs:
        assert set(choices.values) == set(states.MACHINES[machine]), machine


@pytest.mark.django_db
def test_opportunity_services_follow_the_table_and_change_nothing_when_refused(w):
    opp = gf.opportunity(w, open_=False)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="“Draft”, so it cannot become “Closed”"):
        FundingOpportunity.objects.filter(pk=opp.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1),
                                                            opens_at=timezone.now() - dt.timedelta(days=2))
        opp.refresh_from_db()
        services.opportunity_close(actor=w.admin, opportunity=opp)
    with pytest.raises(ValidationError, match="“Draft”, so it cannot become “Decided”"):
        services.opportunity_mark_decided(actor=w.admin, opportunity=opp)
    assert FundingOpportunity.objects.get(pk=opp.pk).status == "draft" and AuditEvent.objects.count() == events
    services.opportunity_open(actor=w.admin, opportunity=opp)
    with pytest.raises(ValidationError, match="“Open”, so it cannot become “Open”"):
        services.opportunity_open(actor=w.admin, opportunity=opp)
    services.opportunity_close(actor=w.admin, opportunity=opp)
    services.opportunity_mark_decided(actor=w.admin, opportunity=opp)
    assert FundingOpportunity.objects.get(pk=opp.pk).status == "decided"


@pytest.mark.django_db
def test_call_cannot_close_before_its_close_time_or_be_decided_with_applications_waiting(w, opp):
    app = gf.submitted(w, opp)
    with pytest.raises(ValidationError, match="cannot close earlier"):
        services.opportunity_close(actor=w.admin, opportunity=opp)
    FundingOpportunity.objects.filter(pk=opp.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    opp.refresh_from_db()
    services.opportunity_close(actor=w.admin, opportunity=opp)
    with pytest.raises(ValidationError, match="1 application"):
        services.opportunity_mark_decided(actor=w.admin, opportunity=opp)
    assert FundingOpportunity.objects.get(pk=opp.pk).status == "closed"
    assert app.pk


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field"), [
    ({"award_min": "60000.00"}, "award_min"),
    ({"award_max": "100000.01"}, "award_max"),
    ({"closes_at": timezone.now() - dt.timedelta(days=30)}, "closes_at"),
    ({"domains": ["housing-ish"]}, "domains"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"rubric": []}, "rubric"),
    ({"rubric": [{"name": "Need", "weight": "0"}]}, "rubric"),
    ({"eligibility_questions": [{"text": "Q", "choices": ["yes", "no"], "disqualifying": ["maybe"]}]},
     "eligibility_questions"),
])
def test_bad_opportunity_is_refused_and_nothing_written(w, overrides, field):
    before = (FundingOpportunity.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        gf.opportunity(w, open_=False, **overrides)
    assert field in exc.value.message_dict
    assert (FundingOpportunity.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_only_the_fund_admin_of_the_owning_ach_creates_a_call(w):
    from organizations.access import AccessDenied

    other = gf.world(cbos=0, board=0)
    count = FundingOpportunity.objects.count()
    for actor in (w.chair, other.admin, w.staff[0]):
        with pytest.raises(AccessDenied):
            services.opportunity_create(actor=actor, fund=w.fund, restriction=w.restriction, title="X",
                                        total_budget="1.00", award_min="1.00", award_max="1.00",
                                        opens_at=timezone.now(), closes_at=timezone.now() + dt.timedelta(days=1),
                                        rubric=gf.RUBRIC)
    assert FundingOpportunity.objects.count() == count
