"""Close-out: unspent money returns through the ledger, the unpaid commitment is released, the award closes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from grants import services
from grants.models import Award
from organizations.access import AccessDenied
from tests.grants import factories as gf
from wellness_fund import commitments
from wellness_fund.models import LedgerTransaction

pytestmark = pytest.mark.django_db


def _state(w, a):
    return (Award.objects.get(pk=a.pk).status, LedgerTransaction.objects.count(), AuditEvent.objects.count(),
            commitments.available_to_award(fund=w.fund, restriction=w.restriction),
            list(a.tranches.order_by("number").values_list("status", flat=True)))


def _ready(w):
    a = gf.award(w)
    gf.pay(w, a, 1)
    gf.accepted_report(w, a, 1, spend={1: "4000.00", 2: "1000.00"})
    gf.pay(w, a, 2, on=dt.date(2027, 8, 1))
    return a


def test_closeout_returns_unspent_money_and_closes(w):
    a = _ready(w)
    gf.accepted_report(w, a, 2, spend={1: "3000.00", 2: "2000.00"})
    available = commitments.available_to_award(fund=w.fund, restriction=w.restriction).amount
    closed = services.award_closeout(actor=w.admin, award=a, on=dt.date(2028, 3, 1))
    assert closed.status == "closed" and closed.closed_at is not None
    ref = a.commitment_reference
    # paid 16,000, spent 10,000: 6,000 returned; the 4,000 never paid is released
    assert commitments.disbursed_for(reference=ref).amount == Decimal("16000.00")
    assert commitments.committed_for(reference=ref).amount == Decimal("10000.00")
    assert commitments.available_to_award(fund=w.fund, restriction=w.restriction).amount == available + 10000
    assert a.tranches.get(number=3).status == "cancelled"
    event = AuditEvent.objects.get(action="grants.award.closeout")
    assert event.after["returned"] == "6000.00" and event.after["released"] == "4000.00"


def test_closing_before_the_final_report_is_accepted_is_refused(w):
    a = _ready(w)
    before = _state(w, a)
    with pytest.raises(ValidationError, match="final report is due"):
        services.award_closeout(actor=w.admin, award=a)
    gf.submitted_report(w, a, 2, spend={1: "3000.00", 2: "2000.00"})
    before = _state(w, a)
    with pytest.raises(ValidationError, match="final report is submitted"):
        services.award_closeout(actor=w.admin, award=a)
    assert _state(w, a) == before


def test_closing_when_spending_exceeds_payments_is_refused(w):
    a = _ready(w)
    gf.accepted_report(w, a, 2, spend={1: "6000.00", 2: "6000.00"})  # 17,000 spent, 16,000 paid
    before = _state(w, a)
    with pytest.raises(ValidationError, match="pay the remaining tranche first"):
        services.award_closeout(actor=w.admin, award=a)
    assert _state(w, a) == before


def test_closed_award_cannot_close_again_and_cbo_cannot_close(w):
    a = _ready(w)
    gf.accepted_report(w, a, 2)
    before = _state(w, a)
    with pytest.raises(AccessDenied):
        services.award_closeout(actor=w.staff[0], award=a)
    assert _state(w, a) == before
    services.award_closeout(actor=w.admin, award=a)
    before = _state(w, a)
    with pytest.raises(ValidationError, match="cannot become “Closed out”"):
        services.award_closeout(actor=w.admin, award=a)
    assert _state(w, a) == before
