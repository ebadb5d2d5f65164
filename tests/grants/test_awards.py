"""Awards: only from approved decisions, within approved and available amounts; tranches; reports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from grants import services
from grants.models import Application, Award, Decision, ReportingTemplate, ReportSchedule, Tranche
from grants.services.awards import report_plan
from organizations.access import AccessDenied
from tests.grants import factories as gf
from tests.helpers import race
from tests.wellness_fund import factories as wf
from wellness_fund import commitments
from wellness_fund.dates import add_months_clamped, first_day_months_later

pytestmark = pytest.mark.django_db

PERIOD = {"period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)}
HALVES = [{"basis": "percent", "value": "50", "due_on": dt.date(2027, 1, 15)},
          {"basis": "percent", "value": "50", "due_on": dt.date(2027, 7, 15), "requires_report": 1}]


@pytest.fixture
def decided(w, session):
    """Both recommended applications approved by the board; the fund holds 30,000."""
    wf.receive(w.fund, "30000.00")
    meeting, items = session
    for item in items:
        gf.approve(w, item)
    return [Decision.objects.get(item=item) for item in items]


def _state(w):
    return (Award.objects.count(), Tranche.objects.count(), ReportSchedule.objects.count(),
            AuditEvent.objects.count(), list(Application.objects.values_list("status", flat=True).order_by("pk")),
            commitments.available_to_award(fund=w.fund, restriction=w.restriction))


def test_award_commits_through_the_ledger(w, decided):
    award = services.award_create(actor=w.admin, decision=decided[0], amount="20000.00", tranches=[
        {"basis": "fixed", "value": "5000.00", "due_on": dt.date(2027, 1, 15)},
        {"basis": "percent", "value": "75", "due_on": dt.date(2027, 7, 15), "requires_report": 1},
    ], **PERIOD)
    assert award.commitment_reference == f"grants.award:{award.pk}"
    assert commitments.committed_for(reference=award.commitment_reference).amount == Decimal("20000.00")
    assert commitments.available_to_award(fund=w.fund, restriction=w.restriction).amount == Decimal("10000.00")
    tranches = list(award.tranches.order_by("number"))
    assert [t.amount.amount for t in tranches] == [Decimal("5000.00"), Decimal("15000.00")]
    assert tranches[1].requires_report == award.reports.get(number=1)
    assert Application.objects.get(pk=decided[0].application_id).status == "awarded"


def test_award_above_the_approved_amount_is_refused(w, decided):
    before = _state(w)
    with pytest.raises(ValidationError, match=r"more than the \$20,000\.00 the board approved"):
        services.award_create(actor=w.admin, decision=decided[0], amount="20000.01", tranches=HALVES, **PERIOD)
    assert _state(w) == before


def test_award_above_the_available_amount_is_refused(w, decided):
    services.award_create(actor=w.admin, decision=decided[0], amount="20000.00", tranches=HALVES, **PERIOD)
    before = _state(w)
    with pytest.raises(commitments.InsufficientFundsError, match="exceeds the 10000.00 USD available"):
        services.award_create(actor=w.admin, decision=decided[1], amount="15000.00", tranches=HALVES, **PERIOD)
    assert _state(w) == before
    assert not Award.objects.filter(application=decided[1].application).exists()


def test_award_only_from_an_approved_decision(w, session):
    meeting, (item, _) = session
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    services.ballot_cast(actor=w.chair, item=item, choice="no")
    services.vote_close(actor=w.chair, item=item)
    declined = Decision.objects.get(item=item)
    wf.receive(w.fund, "30000.00")
    before = _state(w)
    with pytest.raises(ValidationError, match="only from an approved decision"):
        services.award_create(actor=w.admin, decision=declined, amount="1000.00", tranches=HALVES, **PERIOD)
    assert _state(w) == before


@pytest.mark.parametrize(("tranches", "message"), [
    ([{"basis": "percent", "value": "60", "due_on": dt.date(2027, 1, 15)}], r"add up to \$12,000\.00, but the award is \$20,000\.00"),
    ([{"basis": "fixed", "value": "20000.00", "due_on": dt.date(2027, 1, 15)},
      {"basis": "percent", "value": "10", "due_on": dt.date(2027, 2, 15)}], r"add up to \$22,000\.00"),
    ([{"basis": "percent", "value": "100.5", "due_on": dt.date(2027, 1, 15)}], "at most 100"),
    ([{"basis": "share", "value": "100", "due_on": dt.date(2027, 1, 15)}], "a percent or a fixed amount"),
    ([{"basis": "percent", "value": "100", "due_on": dt.date(2027, 1, 15), "requires_report": 9}], "no report 9"),
    ([{"basis": "percent", "value": 100.0, "due_on": dt.date(2027, 1, 15)}], "give the percent as a number"),
    ([], "at least one payment tranche"),
])
def test_bad_payment_schedules_are_refused(w, decided, tranches, message):
    before = _state(w)
    with pytest.raises(ValidationError, match=message):
        services.award_create(actor=w.admin, decision=decided[0], amount="20000.00", tranches=tranches, **PERIOD)
    assert _state(w) == before


def test_percent_tranches_never_lose_a_cent(w, decided):
    thirds = [{"basis": "percent", "value": v, "due_on": dt.date(2027, m, 1)}
              for v, m in (("33.33", 1), ("33.33", 4), ("33.34", 8))]
    award = services.award_create(actor=w.admin, decision=decided[0], amount="19999.99", tranches=thirds, **PERIOD)
    amounts = list(award.tranches.order_by("number").values_list("amount", flat=True))
    assert sum(amounts) == Decimal("19999.99")
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)


def test_only_the_fund_admin_creates_and_only_the_grantee_accepts(w, decided):
    before = _state(w)
    with pytest.raises(AccessDenied):
        services.award_create(actor=w.chair, decision=decided[0], amount="1000.00", tranches=HALVES, **PERIOD)
    assert _state(w) == before
    award = services.award_create(actor=w.admin, decision=decided[0], amount="20000.00", tranches=HALVES, **PERIOD)
    with pytest.raises(AccessDenied):
        services.award_accept(actor=w.staff[1], award=award, name="Someone", title="Director")
    with pytest.raises(ValidationError, match="full name"):
        services.award_accept(actor=w.staff[0], award=award, name=" ", title="Director")
    assert Award.objects.get(pk=award.pk).status == "offered"
    services.award_accept(actor=w.staff[0], award=award, name="Ana Ruiz", title="Director")
    accepted = Award.objects.get(pk=award.pk)
    assert (accepted.status, accepted.accepted_by, accepted.accepted_title) == ("accepted", w.staff[0], "Director")
    assert accepted.accepted_at is not None
    with pytest.raises(ValidationError, match="“Accepted”, so it cannot become “Accepted”"):
        services.award_accept(actor=w.staff[0], award=award, name="Ana Ruiz", title="Director")


def test_an_application_is_awarded_once(w, decided):
    services.award_create(actor=w.admin, decision=decided[0], amount="10000.00", tranches=HALVES, **PERIOD)
    before = _state(w)
    with pytest.raises(ValidationError, match="“Awarded”, so it cannot become “Awarded”"):
        services.award_create(actor=w.admin, decision=decided[0], amount="1000.00", tranches=HALVES, **PERIOD)
    assert _state(w) == before


def test_report_plan_follows_the_template():
    template = ReportingTemplate(frequency_months=3, due_days_after_period=30, final_due_days_after_end=45)
    plan = report_plan(template, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert [(k, ps, pe, due) for k, ps, pe, due in plan] == [
        ("progress", dt.date(2027, 1, 1), dt.date(2027, 3, 31), dt.date(2027, 4, 30)),
        ("progress", dt.date(2027, 4, 1), dt.date(2027, 6, 30), dt.date(2027, 7, 30)),
        ("progress", dt.date(2027, 7, 1), dt.date(2027, 9, 30), dt.date(2027, 10, 30)),
        ("final", dt.date(2027, 1, 1), dt.date(2027, 12, 31), dt.date(2028, 2, 14)),
    ]
    final_only = ReportingTemplate(frequency_months=0, due_days_after_period=30, final_due_days_after_end=60)
    assert [p[0] for p in report_plan(final_only, dt.date(2027, 1, 1), dt.date(2027, 6, 30))] == ["final"]


def test_add_months_clamps_to_month_end():
    assert add_months_clamped(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months_clamped(dt.date(2027, 11, 15), 3) == dt.date(2028, 2, 15)


def test_first_day_months_later_starts_the_month():
    assert first_day_months_later(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 1)
    assert first_day_months_later(dt.date(2027, 11, 15), 3) == dt.date(2028, 2, 1)


@pytest.mark.django_db(transaction=True)
def test_two_awards_racing_for_the_same_money_cannot_both_commit():
    """Two fund administrators award at the same moment; the fund holds enough for only one."""
    w = gf.world(cbos=2, board=3)
    wf.receive(w.fund, "25000.00")
    opp = gf.opportunity(w)
    apps = [gf.submitted(w, opp, i, "20000.00") for i in range(2)]
    for app in apps:
        services.application_recommend(actor=w.admin, application=app, recommended=True)
    body = gf.body(w)
    meeting = gf.meeting(w, body)
    item = services.agenda_item_add(actor=w.admin, meeting=meeting, title="Slate",
                                    entries=[(a, "20000.00") for a in apps])
    services.meeting_start(actor=w.chair, meeting=meeting)
    services.attendance_record(actor=w.chair, meeting=meeting, members=[w.chair, *w.board])
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    for voter in (w.chair, *w.board):
        services.ballot_cast(actor=voter, item=item, choice="yes")
    services.vote_close(actor=w.chair, item=item)
    decisions = list(Decision.objects.filter(item=item).order_by("pk"))

    def award(decision):
        services.award_create(actor=w.admin, decision=decision, amount="20000.00", tranches=HALVES, **PERIOD)
        return "ok"

    results = race(award, [(d,) for d in decisions])
    assert sorted("refused" if isinstance(r, commitments.InsufficientFundsError) else r for r in results) == [
        "ok", "refused"]
    assert Award.objects.count() == 1
    assert commitments.available_to_award(fund=w.fund, restriction=w.restriction).amount == Decimal("5000.00")
