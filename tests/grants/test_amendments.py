"""Amendments: reallocation, no-cost extension, amount change (board decision + available funds)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from grants import services
from grants.models import Amendment, Award, AwardBudgetLine, ReportSchedule, Tranche
from grants.selectors import reports as report_selectors
from organizations.access import AccessDenied
from tests.grants import factories as gf
from wellness_fund import commitments
from wellness_fund.commitments import InsufficientFundsError
from wellness_fund.models import LedgerTransaction

pytestmark = pytest.mark.django_db


def _state(w, a):
    a = Award.objects.get(pk=a.pk)
    return (Amendment.objects.count(), AuditEvent.objects.count(), LedgerTransaction.objects.count(),
            a.amount.amount, a.period_end,
            list(AwardBudgetLine.objects.filter(award=a).order_by("number").values_list("amount", flat=True)),
            list(Tranche.objects.filter(award=a).order_by("number").values_list("amount", "status")),
            list(ReportSchedule.objects.filter(award=a).order_by("number").values_list("period_end", "due_on")),
            commitments.available_to_award(fund=w.fund, restriction=w.restriction))


def test_reallocation_moves_money_between_lines_and_is_in_the_history(w):
    a = gf.award(w)
    amendment = services.amendment_reallocate(actor=w.admin, award=a, lines={1: "12000.00", 2: "8000.00"},
                                               reason="More promotores hours, fewer printed materials.")
    assert [ln.amount.amount for ln in a.budget_lines.order_by("number")] == [Decimal("12000.00"), Decimal("8000.00")]
    assert amendment.before["budget"] == {"1": "10000.00", "2": "10000.00"}
    assert AuditEvent.objects.filter(action="grants.award.amend.reallocation").count() == 1
    history = report_selectors.award_history(user=w.staff[0], pk=a.pk)
    assert [h["kind"] for h in history] == ["award", "amendment:reallocation"]
    # the line may now hold more spending than before
    services.report_save_draft(actor=w.staff[0], schedule=a.reports.get(number=1), expenditures={1: "11000.00"})


def test_reallocation_that_does_not_add_up_or_goes_below_spending_is_refused(w):
    a = gf.award(w)
    gf.accepted_report(w, a, 1, spend={1: "4000.00", 2: "6000.00"})
    before = _state(w, a)
    with pytest.raises(ValidationError, match=r"add up to \$21,000\.00"):
        services.amendment_reallocate(actor=w.admin, award=a, lines={1: "11000.00"}, reason="More staff")
    with pytest.raises(ValidationError, match=r"below the \$6,000\.00 already spent"):
        services.amendment_reallocate(actor=w.admin, award=a, lines={1: "15000.00", 2: "5000.00"}, reason="x")
    with pytest.raises(ValidationError, match="reason"):
        services.amendment_reallocate(actor=w.admin, award=a, lines={1: "11000.00", 2: "9000.00"}, reason="")
    assert _state(w, a) == before


def test_extension_moves_the_final_report(w):
    a = gf.award(w)
    services.amendment_extend(actor=w.admin, award=a, period_end=dt.date(2028, 6, 30), reason="Late start")
    final = a.reports.get(kind="final")
    assert (final.period_end, final.due_on) == (dt.date(2028, 6, 30), dt.date(2028, 8, 29))
    before = _state(w, a)
    with pytest.raises(ValidationError, match="ends after the current end"):
        services.amendment_extend(actor=w.admin, award=a, period_end=dt.date(2028, 6, 30), reason="again")
    assert _state(w, a) == before


def test_increase_needs_a_board_decision_and_available_money(w):
    a = gf.award(w, receive="25000.00")  # 5,000 left after the 20,000 award
    before = _state(w, a)
    with pytest.raises(ValidationError, match="board's decision"):
        services.amendment_change_amount(actor=w.admin, award=a, amount="22000.00",
                                         lines={1: "12000.00", 2: "10000.00"}, reason="More families")
    assert _state(w, a) == before
    motion = gf.passed_item(w, i=1, amount="6000.00")
    before = _state(w, a)
    with pytest.raises(InsufficientFundsError):
        services.amendment_change_amount(actor=w.admin, award=a, amount="26000.00", board_item=motion,
                                         lines={1: "16000.00", 2: "10000.00"}, reason="More families")
    with pytest.raises(ValidationError, match="already decided"):
        services.amendment_change_amount(actor=w.admin, award=a, amount="22000.00", board_item=a.decision.item,
                                         lines={1: "12000.00", 2: "10000.00"}, reason="More families")
    assert _state(w, a) == before
    services.amendment_change_amount(actor=w.admin, award=a, amount="22000.00", board_item=motion,
                                     lines={1: "12000.00", 2: "10000.00"}, reason="More families")
    a.refresh_from_db()
    assert a.amount.amount == Decimal("22000.00")
    assert commitments.committed_for(reference=a.commitment_reference).amount == Decimal("22000.00")
    assert sum(t.amount.amount for t in a.tranches.exclude(status="cancelled")) == Decimal("22000.00")
    assert a.tranches.get(number=3).amount.amount == Decimal("6000.00")


def test_decrease_is_deobligated_from_unpaid_tranches(w):
    a = gf.award(w)
    gf.pay(w, a, 1)
    before_available = commitments.available_to_award(fund=w.fund, restriction=w.restriction).amount
    services.amendment_change_amount(actor=w.admin, award=a, amount="14000.00", lines={1: "7000.00", 2: "7000.00"},
                                     reason="Smaller cohort")
    assert commitments.available_to_award(fund=w.fund, restriction=w.restriction).amount == before_available + 6000
    tranches = {t.number: (t.amount.amount, t.status) for t in a.tranches.all()}
    assert tranches == {1: (Decimal("10000.00"), "paid"), 2: (Decimal("4000.00"), "scheduled"),
                        3: (Decimal("4000.00"), "cancelled")}
    before = _state(w, a)
    with pytest.raises(ValidationError, match=r"less than the \$10,000\.00 already paid"):
        services.amendment_change_amount(actor=w.admin, award=a, amount="9000.00", lines={1: "4500.00", 2: "4500.00"},
                                         reason="Smaller again")
    assert _state(w, a) == before


def test_only_the_fund_administrator_amends(w):
    a = gf.award(w)
    before = _state(w, a)
    for actor in (w.staff[0], w.chair):
        with pytest.raises(AccessDenied):
            services.amendment_extend(actor=actor, award=a, period_end=dt.date(2028, 6, 30), reason="x")
    assert _state(w, a) == before
