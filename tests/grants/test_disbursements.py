"""Disbursements: release (conditional tranches wait for their report), payment posted to the ledger."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from grants import services
from grants.models import Disbursement, Tranche
from organizations.access import AccessDenied
from tests.grants import factories as gf
from wellness_fund import commitments
from wellness_fund.models import LedgerTransaction

pytestmark = pytest.mark.django_db


def _state(a):
    return (Disbursement.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count(),
            list(Tranche.objects.filter(award=a).order_by("number").values_list("status", flat=True)),
            commitments.disbursed_for(reference=a.commitment_reference))


def test_release_and_payment_post_to_the_ledger(w):
    a = gf.award(w)
    payment = gf.pay(w, a, 1)
    assert payment.amount.amount == Decimal("10000.00")
    assert commitments.disbursed_for(reference=a.commitment_reference).amount == Decimal("10000.00")
    assert payment.transaction.reference == a.commitment_reference
    assert Tranche.objects.get(award=a, number=1).status == "paid"
    assert AuditEvent.objects.filter(action="grants.disbursement.record", object_id=str(payment.pk)).exists()


def test_conditional_tranche_waits_for_its_report(w):
    a = gf.award(w)
    before = _state(a)
    with pytest.raises(ValidationError, match="waits for"):
        services.tranche_release(actor=w.admin, tranche=a.tranches.get(number=2))
    assert _state(a) == before
    gf.accepted_report(w, a, 1)
    released = services.tranche_release(actor=w.admin, tranche=a.tranches.get(number=2))
    assert released.status == "released"


def test_payment_above_the_remaining_award_is_refused(w):
    a = gf.award(w)
    tranche = a.tranches.get(number=1)
    services.tranche_release(actor=w.admin, tranche=tranche)
    before = _state(a)
    with pytest.raises(ValidationError, match=r"more than the \$20,000\.00 that remains"):
        services.disbursement_record(actor=w.admin, tranche=tranche, paid_on=dt.date(2027, 1, 20),
                                     amount="20000.01", payment_reference="ACH-1")
    with pytest.raises(ValidationError, match=r"pays \$10,000\.00, not \$9,000\.00"):
        services.disbursement_record(actor=w.admin, tranche=tranche, paid_on=dt.date(2027, 1, 20),
                                     amount="9000.00", payment_reference="ACH-1")
    assert _state(a) == before


def test_payment_of_an_unreleased_tranche_is_refused(w):
    a = gf.award(w)
    before = _state(a)
    with pytest.raises(ValidationError, match="release it before"):
        services.disbursement_record(actor=w.admin, tranche=a.tranches.get(number=1), paid_on=dt.date(2027, 1, 20),
                                     amount="10000.00", payment_reference="ACH-1")
    assert _state(a) == before


def test_paying_a_tranche_twice_is_refused(w):
    a = gf.award(w)
    gf.pay(w, a, 1)
    before = _state(a)
    with pytest.raises(ValidationError, match="paid"):
        services.disbursement_record(actor=w.admin, tranche=a.tranches.get(number=1), paid_on=dt.date(2027, 1, 21),
                                     amount="10000.00", payment_reference="ACH-2")
    assert _state(a) == before


def test_payment_needs_a_reference_and_a_cent_amount(w):
    a = gf.award(w)
    tranche = a.tranches.get(number=1)
    services.tranche_release(actor=w.admin, tranche=tranche)
    before = _state(a)
    with pytest.raises(ValidationError, match="payment_reference"):
        services.disbursement_record(actor=w.admin, tranche=tranche, paid_on=dt.date(2027, 1, 20),
                                     amount="10000.00", payment_reference="  ")
    with pytest.raises(ValidationError):
        services.disbursement_record(actor=w.admin, tranche=tranche, paid_on=dt.date(2027, 1, 20),
                                     amount=10000.0, payment_reference="ACH-1")
    assert _state(a) == before


def test_offered_award_is_not_paid(w):
    a = gf.award(w, accept=False)
    before = _state(a)
    with pytest.raises(ValidationError, match="only an accepted award"):
        services.tranche_release(actor=w.admin, tranche=a.tranches.get(number=1))
    assert _state(a) == before


@pytest.mark.parametrize("who", ["cbo", "board", "other_ach"])
def test_only_the_fund_administrator_releases_and_pays(w, who):
    a = gf.award(w)
    from tests.organizations.factories import OrganizationFactory, member

    actor = {"cbo": lambda: w.staff[0], "board": lambda: w.board[0],
             "other_ach": lambda: member("fund_admin", OrganizationFactory(kind="ach"))}[who]()
    before = _state(a)
    with pytest.raises(AccessDenied):
        services.tranche_release(actor=actor, tranche=a.tranches.get(number=1))
    with pytest.raises(AccessDenied):
        services.disbursement_record(actor=actor, tranche=a.tranches.get(number=1), paid_on=dt.date(2027, 1, 20),
                                     amount="10000.00", payment_reference="ACH-1")
    assert _state(a) == before
